/**
 * Every error thrown by harmony-agents extends {@link HarmonyAgentsError}.
 *
 * Errors are split by who must act on them:
 * - `user`: the application is misconfigured or passed bad input (fix the calling code);
 * - `model`: the model produced something unusable (malformed Harmony, an unknown tool, invalid arguments);
 * - `backend`: the inference engine failed (model file, context size, native crash);
 * - `tool`: a tool failed while executing;
 * - `run`: the run was stopped by a limit or by cancellation.
 *
 * @packageDocumentation
 */

import { brandErrorClasses, CLASS_BRAND, ERROR_BRAND, hasBrand } from './error-brand.js';
import type { RunScope } from './runner/run-scope.js';

/** Who has to act on an error. */
export type ErrorSource = 'user' | 'model' | 'backend' | 'tool' | 'run';

/** Options accepted by every harmony-agents error constructor. */
export interface HarmonyAgentsErrorOptions {
  /** The underlying error, if any (ES2022 `cause`). */
  cause?: unknown;
}

/**
 * Base class of every error the SDK throws. Switch on {@link HarmonyAgentsError.code} to handle one kind.
 *
 * Errors are recognised by a `Symbol.for('harmony-agents.error')` brand, not by their prototype chain, so
 * an error from another installed copy of `@harmony-agents/core` (e.g. one a backend package brought) is
 * recognised too: by {@link isHarmonyAgentsError}, by each class's {@link HarmonyAgentsError.isInstance},
 * and by `instanceof`, which every error class answers through the same brands.
 */
export abstract class HarmonyAgentsError extends Error {
  /** A stable, literal identifier of the error kind. */
  abstract readonly code: string;
  /** Who has to act on this error. */
  abstract readonly source: ErrorSource;

  constructor(message: string, options?: HarmonyAgentsErrorOptions) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
  }

  /**
   * Whether `value` is an error of this class (or a subclass), from any installed copy of
   * `@harmony-agents/core`.
   *
   * @example
   * ```ts
   * if (BackendError.isInstance(error)) console.error(error.kind);
   * ```
   */
  static isInstance<TError extends HarmonyAgentsError>(
    this: abstract new (
      ...args: never[]
    ) => TError,
    value: unknown,
  ): value is TError {
    // biome-ignore lint/complexity/noThisInStatic: the class `isInstance` is called on, e.g. `BackendError`.
    return isInstanceOfErrorClass(this, value);
  }

  /** `instanceof` answers as {@link HarmonyAgentsError.isInstance}, so it works across copies too. */
  static override [Symbol.hasInstance](value: unknown): boolean {
    // biome-ignore lint/complexity/noThisInStatic: the class on the right of `instanceof`.
    return isInstanceOfErrorClass(this, value);
  }
}

function isInstanceOfErrorClass(
  errorClass: abstract new (...args: never[]) => unknown,
  value: unknown,
): boolean {
  if (!hasBrand(value, ERROR_BRAND)) return false;
  const own = Object.getOwnPropertyDescriptor(errorClass, CLASS_BRAND)?.value as symbol | undefined;
  // A subclass defined outside this module has no brand of its own: fall back to its prototype chain.
  return own === undefined
    ? Function.prototype[Symbol.hasInstance].call(errorClass, value)
    : hasBrand(value, own);
}

/**
 * Returns true if `value` is an error thrown by harmony-agents (from any installed copy of
 * `@harmony-agents/core`), and, when `code` is given, one with that {@link HarmonyAgentsError.code}.
 *
 * @example
 * ```ts
 * if (isHarmonyAgentsError(error, 'run_aborted')) return;
 * ```
 */
export function isHarmonyAgentsError<TCode extends string>(
  value: unknown,
  code?: TCode,
): value is HarmonyAgentsError & {
  /** The code asked for. */
  readonly code: TCode;
} {
  return hasBrand(value, ERROR_BRAND) && (code === undefined || (value as { code?: unknown }).code === code);
}

// ---------------------------------------------------------------------------------------------
// Harmony format: tokenizer, renderer, parser
// ---------------------------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------------------------
// Tool calls (the model or the tool must act; by default these go back to the model)
// ---------------------------------------------------------------------------------------------

/** Context shared by errors about one tool call. */
export interface ToolCallErrorOptions extends HarmonyAgentsErrorOptions {
  /** The tool the model addressed (the recipient, e.g. `functions.get_weather`). */
  recipient: string;
  /** The runner's id for this call. */
  callId?: string;
}

/** Base of the errors about one tool call. */
export abstract class ToolCallError extends HarmonyAgentsError {
  /** The tool the model addressed (e.g. `functions.get_weather`). */
  readonly recipient: string;
  /** The runner's id for this call, if known. */
  readonly callId: string | undefined;
  constructor(message: string, options: ToolCallErrorOptions) {
    super(message, options);
    this.recipient = options.recipient;
    this.callId = options.callId;
  }
}

/** The model called a tool that is not defined. */
export class UnknownToolError extends ToolCallError {
  /** The class name, `UnknownToolError`. */
  override readonly name = 'UnknownToolError';
  readonly code = 'unknown_tool';
  readonly source = 'model';
}

/** The model's arguments are not JSON, or do not match the tool's schema. */
export class ToolArgumentsError extends ToolCallError {
  /** The class name, `ToolArgumentsError`. */
  override readonly name = 'ToolArgumentsError';
  readonly code = 'invalid_tool_arguments';
  readonly source = 'model';
  /** The raw argument text the model wrote. */
  readonly rawArguments: string;
  /** Human-readable validation issues (empty for JSON syntax errors). */
  readonly issues: readonly string[];
  constructor(
    message: string,
    options: ToolCallErrorOptions & { rawArguments: string; issues?: readonly string[] },
  ) {
    super(message, options);
    this.rawArguments = options.rawArguments;
    this.issues = options.issues ?? [];
  }
}

/** A tool threw while executing. The original error is the `cause`. */
export class ToolExecutionError extends ToolCallError {
  /** The class name, `ToolExecutionError`. */
  override readonly name = 'ToolExecutionError';
  readonly code = 'tool_execution_failed';
  readonly source = 'tool';
}

/** A tool did not finish within its timeout. */
export class ToolTimeoutError extends ToolCallError {
  /** The class name, `ToolTimeoutError`. */
  override readonly name = 'ToolTimeoutError';
  readonly code = 'tool_timeout';
  readonly source = 'tool';
  /** The timeout that was exceeded, in milliseconds. */
  readonly timeoutMs: number;
  constructor(message: string, options: ToolCallErrorOptions & { timeoutMs: number }) {
    super(message, options);
    this.timeoutMs = options.timeoutMs;
  }
}

/**
 * A person denied a call of a tool that needs approval (`needsApproval`), in `agent.resume`. The model
 * gets it as the call's result, with the reason when one was given, and goes on without the call.
 */
export class ToolCallDeniedError extends ToolCallError {
  /** The class name, `ToolCallDeniedError`. */
  override readonly name = 'ToolCallDeniedError';
  readonly code = 'tool_call_denied';
  readonly source = 'user';
  /** The reason given with the denial, if any. */
  readonly reason: string | undefined;
  constructor(message: string, options: ToolCallErrorOptions & { reason?: string | undefined }) {
    super(message, options);
    this.reason = options.reason;
  }
}

/** Why `agent.resume` refused its input: see {@link ResumeError}. */
export type ResumeErrorReason =
  | 'not_interrupted'
  | 'unknown_call'
  | 'already_decided'
  | 'already_resumed'
  | 'missing_decision'
  | 'invalid_decision';

/**
 * `agent.resume(history, decisions)` was given something it cannot continue: a history that does not
 * end with calls waiting for approval (`not_interrupted`), a decision for a call it does not hold
 * (`unknown_call`) or that already has its result (`already_decided`, e.g. the same decisions given
 * twice), an interrupted history this process already resumed (`already_resumed`), no decision for a
 * call that needs one (`missing_decision`), or a decision that is not `{ approved: boolean, reason? }`
 * (`invalid_decision`). Nothing has run when it is thrown.
 */
export class ResumeError extends HarmonyAgentsError {
  /** The class name, `ResumeError`. */
  override readonly name = 'ResumeError';
  readonly code = 'invalid_resume';
  readonly source = 'user';
  /** What is wrong. */
  readonly reason: ResumeErrorReason;
  /** The call the problem is about, if one. */
  readonly callId: string | undefined;
  constructor(
    message: string,
    options: HarmonyAgentsErrorOptions & { reason: ResumeErrorReason; callId?: string | undefined },
  ) {
    super(message, options);
    this.reason = options.reason;
    this.callId = options.callId;
  }
}

/** How a run scope wrapper was misused: see {@link RunScopeError}. */
export type RunScopeErrorReason = 'not_called' | 'called_twice' | 'wrapper_failed';

/**
 * A wrapper registered with `AgentRun.wrap` broke its contract: it returned without calling `execute`, or
 * called it after returning (`not_called`), called it more than once (`called_twice`), or threw an error of
 * its own (`wrapper_failed`, the thrown value as `cause`). It fails the run, even in a tool call's scope:
 * the application's code must be fixed, the model can do nothing about it.
 */
export class RunScopeError extends HarmonyAgentsError {
  /** The class name, `RunScopeError`. */
  override readonly name = 'RunScopeError';
  readonly code = 'invalid_run_scope';
  readonly source = 'user';
  /** What the wrapper did wrong. */
  readonly reason: RunScopeErrorReason;
  /** The part of the run the wrapper was given. */
  readonly scope: RunScope;
  constructor(
    message: string,
    options: HarmonyAgentsErrorOptions & { reason: RunScopeErrorReason; scope: RunScope },
  ) {
    super(message, options);
    this.reason = options.reason;
    this.scope = options.scope;
  }
}

/**
 * A ready-made tool refused an input for safety or policy reasons (a path outside its root,
 * a URL outside the allowlist, a private address, a file too large, ...). Tools throw it from
 * `execute`; the runner reports it to the model like any tool failure.
 */
export class ToolInputRejectedError extends HarmonyAgentsError {
  /** The class name, `ToolInputRejectedError`. */
  override readonly name = 'ToolInputRejectedError';
  readonly code = 'tool_input_rejected';
  readonly source = 'tool';
  /** A short machine-readable reason, e.g. `outside_root`, `not_allowed`, `too_large`. */
  readonly reason: string;
  constructor(message: string, options: HarmonyAgentsErrorOptions & { reason: string }) {
    super(message, options);
    this.reason = options.reason;
  }
}

/** Why a page could not be fetched: see {@link PageFetchError}. */
export type PageFetchErrorReason = 'network' | 'timeout' | 'http_status' | 'not_found' | 'unreadable';

/**
 * A page fetcher or document provider (e.g. the `browser` tool's) could not get a page: a network
 * failure, an HTTP error status, a timeout, a missing document. Refusals for safety or policy reasons
 * are {@link ToolInputRejectedError}s instead.
 */
export class PageFetchError extends HarmonyAgentsError {
  /** The class name, `PageFetchError`. */
  override readonly name = 'PageFetchError';
  readonly code = 'page_fetch_failed';
  readonly source = 'tool';
  /** The URL that was being fetched (the last hop when redirects were followed). */
  readonly url: string;
  /** What went wrong. */
  readonly reason: PageFetchErrorReason;
  /** The HTTP status, for reason `http_status`. */
  readonly status: number | undefined;
  constructor(
    message: string,
    options: HarmonyAgentsErrorOptions & { url: string; reason: PageFetchErrorReason; status?: number },
  ) {
    super(message, options);
    this.url = options.url;
    this.reason = options.reason;
    this.status = options.status;
  }
}

// ---------------------------------------------------------------------------------------------
// Run limits and cancellation
// ---------------------------------------------------------------------------------------------

/** The model made more tool rounds in one turn than `maxToolRounds` allows. */
export class MaxToolRoundsExceededError extends HarmonyAgentsError {
  /** The class name, `MaxToolRoundsExceededError`. */
  override readonly name = 'MaxToolRoundsExceededError';
  readonly code = 'max_tool_rounds_exceeded';
  readonly source = 'run';
  /** The limit that was reached. */
  readonly maxToolRounds: number;
  constructor(message: string, options: HarmonyAgentsErrorOptions & { maxToolRounds: number }) {
    super(message, options);
    this.maxToolRounds = options.maxToolRounds;
  }
}

/**
 * The model repeated an identical tool call (same tool, same arguments) more often than
 * `maxIdenticalToolCalls` allows. The first time it is reported to the model; if the model
 * insists, the run fails with it.
 */
export class RepeatedToolCallError extends ToolCallError {
  /** The class name, `RepeatedToolCallError`. */
  override readonly name = 'RepeatedToolCallError';
  readonly code = 'repeated_tool_call';
  readonly source = 'model';
  /** How many identical calls were seen, this one included. */
  readonly count: number;
  constructor(message: string, options: ToolCallErrorOptions & { count: number }) {
    super(message, options);
    this.count = options.count;
  }
}

/** Generation reached its token budget (`maxTokens`) before the model finished. */
export class TokenBudgetExceededError extends HarmonyAgentsError {
  /** The class name, `TokenBudgetExceededError`. */
  override readonly name = 'TokenBudgetExceededError';
  readonly code = 'token_budget_exceeded';
  readonly source = 'run';
  /** The budget that was reached. */
  readonly maxTokens: number;
  constructor(message: string, options: HarmonyAgentsErrorOptions & { maxTokens: number }) {
    super(message, options);
    this.maxTokens = options.maxTokens;
  }
}

/**
 * The prompt of the next model step and the reserve for the answer do not fit the backend's declared context
 * (`contextOverflow: 'error'`, the default, or no older turn left to drop). Thrown before the backend is called.
 */
export class ContextWindowExceededError extends HarmonyAgentsError {
  /** The class name, `ContextWindowExceededError`. */
  override readonly name = 'ContextWindowExceededError';
  readonly code = 'context_window_exceeded';
  readonly source = 'user';
  /** Tokens of the prompt that did not fit. */
  readonly promptTokens: number;
  /** Tokens kept free for the model's answer. */
  readonly reserveTokens: number;
  /** The backend's context size. */
  readonly contextSize: number;
  constructor(
    message: string,
    options: HarmonyAgentsErrorOptions & { promptTokens: number; reserveTokens: number; contextSize: number },
  ) {
    super(message, options);
    this.promptTokens = options.promptTokens;
    this.reserveTokens = options.reserveTokens;
    this.contextSize = options.contextSize;
  }
}

/**
 * The model's final answer is not JSON matching the run's `output` schema, after the repair rounds
 * (`maxOutputRepairs`). `rawText` holds the last answer as written; `issues` says what is wrong with it.
 */
export class OutputValidationError extends HarmonyAgentsError {
  /** The class name, `OutputValidationError`. */
  override readonly name = 'OutputValidationError';
  readonly code = 'output_invalid';
  readonly source = 'model';
  /** The model's last final answer, verbatim. */
  readonly rawText: string;
  /** What is wrong with it: `not JSON: ...`, or one line per schema violation (`items[0]: expected string`). */
  readonly issues: readonly string[];
  /** How many answers the model gave (1 + the repair rounds). */
  readonly attempts: number;
  constructor(
    message: string,
    options: HarmonyAgentsErrorOptions & { rawText: string; issues: readonly string[]; attempts: number },
  ) {
    super(message, options);
    this.rawText = options.rawText;
    this.issues = options.issues;
    this.attempts = options.attempts;
  }
}

/** The run was cancelled through its `AbortSignal`. The signal's reason is the `cause`. */
export class RunAbortedError extends HarmonyAgentsError {
  /** The class name, `RunAbortedError`. */
  override readonly name = 'RunAbortedError';
  readonly code = 'run_aborted';
  readonly source = 'run';
}

// ---------------------------------------------------------------------------------------------
// Backends
// ---------------------------------------------------------------------------------------------

/**
 * Kinds of backend failure. The last four come from backends that talk to an inference server:
 * - `connection_failed`: the server could not be reached, or the connection broke (refused, reset, DNS);
 * - `timeout`: the server did not answer, or stopped streaming, within the configured time;
 * - `http_status`: the server answered with an error status (`status`; its body is quoted in the message);
 * - `protocol_error`: the server's answer could not be understood (not JSON, missing fields, ids out of range).
 */
export type BackendErrorKind =
  | 'model_not_found'
  | 'model_invalid'
  | 'model_not_gpt_oss'
  | 'context_overflow'
  | 'invalid_prompt'
  | 'generation_failed'
  | 'unsupported'
  | 'disposed'
  | 'connection_failed'
  | 'timeout'
  | 'http_status'
  | 'protocol_error';

/** The inference backend failed. `kind` says how. */
export class BackendError extends HarmonyAgentsError {
  /** The class name, `BackendError`. */
  override readonly name = 'BackendError';
  readonly code = 'backend_error';
  readonly source = 'backend';
  /** What went wrong. */
  readonly kind: BackendErrorKind;
  /** The HTTP status of a `http_status` error; undefined otherwise. */
  readonly status: number | undefined;
  constructor(
    message: string,
    options: HarmonyAgentsErrorOptions & { kind: BackendErrorKind; status?: number },
  ) {
    super(message, options);
    this.kind = options.kind;
    this.status = options.status;
  }
}

/**
 * Why a model could not be downloaded: see {@link ModelDownloadError}.
 * - `dns`: the host name did not resolve;
 * - `connection_refused`: nothing listens at the host's port;
 * - `unreachable`: no route to the host or its network;
 * - `timeout`: no answer within the time allowed;
 * - `tls`: the TLS handshake or the certificate failed;
 * - `http_status`: the server answered with an error status (`status`);
 * - `invalid_response`: the server's answer could not be used (a manifest without a GGUF file, a bad redirect);
 * - `network`: another network failure (a connection reset, ...).
 */
export type ModelDownloadErrorReason =
  | 'dns'
  | 'connection_refused'
  | 'unreachable'
  | 'timeout'
  | 'tls'
  | 'http_status'
  | 'invalid_response'
  | 'network';

/**
 * A model URI (`hf:...`, `https://...`) could not be resolved or downloaded: the host is unknown, refuses
 * connections or does not answer, or the server answered with an error status. The message names the host
 * and the cause; the underlying error, if any, is the `cause`.
 */
export class ModelDownloadError extends HarmonyAgentsError {
  /** The class name, `ModelDownloadError`. */
  override readonly name = 'ModelDownloadError';
  readonly code = 'model_download_failed';
  readonly source = 'backend';
  /** The model URI as given. */
  readonly uri: string;
  /** The URL that failed, when the failure belongs to one request. */
  readonly url: string | undefined;
  /** What went wrong. */
  readonly reason: ModelDownloadErrorReason;
  /** The HTTP status, for reason `http_status`. */
  readonly status: number | undefined;
  constructor(
    message: string,
    options: HarmonyAgentsErrorOptions & {
      uri: string;
      reason: ModelDownloadErrorReason;
      url?: string;
      status?: number;
    },
  ) {
    super(message, options);
    this.uri = options.uri;
    this.reason = options.reason;
    this.url = options.url;
    this.status = options.status;
  }
}

Object.defineProperty(HarmonyAgentsError.prototype, ERROR_BRAND, { value: true });
Object.defineProperty(HarmonyAgentsError, CLASS_BRAND, { value: ERROR_BRAND });
brandErrorClasses({
  TokenizerError,
  HarmonyRenderError,
  HarmonyParseError,
  HarmonyJSONError,
  ConfigurationError,
  ToolDefinitionError,
  ToolCallError,
  UnknownToolError,
  ToolArgumentsError,
  ToolExecutionError,
  ToolTimeoutError,
  ToolCallDeniedError,
  ResumeError,
  RunScopeError,
  ToolInputRejectedError,
  PageFetchError,
  MaxToolRoundsExceededError,
  RepeatedToolCallError,
  TokenBudgetExceededError,
  ContextWindowExceededError,
  OutputValidationError,
  RunAbortedError,
  BackendError,
  ModelDownloadError,
});
