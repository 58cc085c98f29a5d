/**
 * Errors of the Harmony format (tokenizer, renderer, parser, saved histories) and of configuration.
 */

import { brandErrorClasses } from '../error-brand.js';
import { HarmonyAgentsError, type HarmonyAgentsErrorOptions } from './harmony-agents-error.js';

/**
 * A token id could not be decoded, or decoded bytes were not valid UTF-8.
 * The message contains openai-harmony's text, e.g. `Invalid token for decoding: 99999999`.
 */
export class TokenizerError extends HarmonyAgentsError {
  /** The class name, `TokenizerError`. */
  override readonly name = 'TokenizerError';
  readonly code = 'tokenizer_error';
  readonly source = 'user';
  /** The offending token id, when one is known. */
  readonly token: number | undefined;
  constructor(message: string, options?: HarmonyAgentsErrorOptions & { token?: number }) {
    super(message, options);
    this.token = options?.token;
  }
}

/**
 * A message or conversation cannot be rendered (e.g. `Tools should have a name!`,
 * `SystemContent may only appear in system messages, found in User`, an unknown role).
 */
export class HarmonyRenderError extends HarmonyAgentsError {
  /** The class name, `HarmonyRenderError`. */
  override readonly name = 'HarmonyRenderError';
  readonly code = 'harmony_render_error';
  readonly source = 'user';
}

/**
 * Tokens are not well-formed Harmony (e.g. `Unknown role: foo`,
 * `unexpected tokens remaining in message header: Some("...")`).
 */
export class HarmonyParseError extends HarmonyAgentsError {
  /** The class name, `HarmonyParseError`. */
  override readonly name = 'HarmonyParseError';
  readonly code = 'harmony_parse_error';
  readonly source = 'model';
  /** The token being processed when the error occurred, if any. */
  readonly token: number | undefined;
  constructor(message: string, options?: HarmonyAgentsErrorOptions & { token?: number }) {
    super(message, options);
    this.token = options?.token;
  }
}

/** JSON in openai-harmony's Message / Conversation shape, or a saved history, is invalid. */
export class HarmonyJSONError extends HarmonyAgentsError {
  /** The class name, `HarmonyJSONError`. */
  override readonly name = 'HarmonyJSONError';
  readonly code = 'harmony_json_error';
  readonly source = 'user';
}

/**
 * A conversation file could not be written (`Conversation.save`) or read (`Conversation.load`): a
 * missing folder, no permission, a full disk, a file that is not JSON. A failed save keeps the
 * previous file. The file system's error is the `cause`.
 */
export class ConversationFileError extends HarmonyAgentsError {
  /** The class name, `ConversationFileError`. */
  override readonly name = 'ConversationFileError';
  readonly code = 'conversation_file_error';
  readonly source = 'user';
  /** The path given to `save` or `load`. */
  readonly path: string;
  /** Whether the file was being written or read. */
  readonly operation: 'save' | 'load';
  constructor(
    message: string,
    options: HarmonyAgentsErrorOptions & { path: string; operation: 'save' | 'load' },
  ) {
    super(message, options);
    this.path = options.path;
    this.operation = options.operation;
  }
}

// ---------------------------------------------------------------------------------------------
// Configuration (the application must fix its code)
// ---------------------------------------------------------------------------------------------

/** Invalid options or input given by the application; thrown before any model call. */
export class ConfigurationError extends HarmonyAgentsError {
  /** The class name, `ConfigurationError`. */
  override readonly name = 'ConfigurationError';
  readonly code = 'configuration_error';
  readonly source = 'user';
  /** The option at fault, as a path (e.g. `reasoningEffort`, `onToolError.tool_timeout`), when one is. */
  readonly option: string | undefined;
  constructor(message: string, options?: HarmonyAgentsErrorOptions & { option?: string }) {
    super(message, options);
    this.option = options?.option;
  }
}

/** A tool definition is invalid: a bad or duplicate name, a schema that is not an object, ... */
export class ToolDefinitionError extends HarmonyAgentsError {
  /** The class name, `ToolDefinitionError`. */
  override readonly name = 'ToolDefinitionError';
  readonly code = 'tool_definition_error';
  readonly source = 'user';
  /** The tool's name as given. */
  readonly toolName: string | undefined;
  constructor(message: string, options?: HarmonyAgentsErrorOptions & { toolName?: string }) {
    super(message, options);
    this.toolName = options?.toolName;
  }
}

brandErrorClasses({
  TokenizerError,
  HarmonyRenderError,
  HarmonyParseError,
  HarmonyJSONError,
  ConversationFileError,
  ConfigurationError,
  ToolDefinitionError,
});
