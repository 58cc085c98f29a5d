/**
 * `HarmonyEncoding`: the TypeScript counterpart of openai-harmony's `HarmonyEncoding` for
 * `HarmonyEncodingName.HARMONY_GPT_OSS`.
 */

import { ConfigurationError, TokenizerError } from '../errors.js';
import { describeValue, isRole } from './message-validation.js';
import { parseMessagesFromCompletionTokens } from './parser.js';
import {
  renderConversation,
  renderConversationForCompletion,
  renderConversationForTraining,
  renderMessage,
} from './render.js';
import { ASSISTANT_ACTION_STOP_TOKENS, PARSER_STOP_TOKENS } from './special-tokens.js';
import { assertTokenId } from './token-id.js';
import { type EncodeOptions, loadO200kHarmonyTokenizer, type O200kHarmonyTokenizer } from './tokenizer.js';
import type { Message, ParseOptions, RenderConversationConfig, RenderOptions, Role } from './types.js';

/** The name of the gpt-oss encoding, as openai-harmony reports it. */
export const HARMONY_GPT_OSS_ENCODING_NAME = 'HarmonyGptOss';

function assertText(text: unknown): asserts text is string {
  if (typeof text !== 'string')
    throw new TokenizerError(`text to encode must be a string, got ${describeValue(text)}`);
}

/** Copies token ids into a plain array, checking that each one is a token id (see `token-id.ts`). */
function toTokenArray(tokens: Iterable<number>): number[] {
  if (tokens === null || typeof (tokens as Partial<Iterable<number>>)?.[Symbol.iterator] !== 'function') {
    throw new TokenizerError(`tokens must be an iterable of token ids, got ${describeValue(tokens)}`);
  }
  const out: number[] = [];
  for (const token of tokens) {
    assertTokenId(token);
    out.push(token);
  }
  return out;
}

/**
 * The Harmony encoding of gpt-oss: the o200k_harmony tokenizer plus the token-exact renderer and the
 * parser. Token results are plain `number[]`; token arguments accept any iterable of ids. Get the shared
 * instance with {@link loadHarmonyEncoding}.
 *
 * @example
 * ```ts
 * const encoding = loadHarmonyEncoding();
 * const prompt = encoding.renderConversationForCompletion(
 *   [createMessage('system', createSystemContent()), createMessage('user', 'Hi!')],
 *   'assistant',
 * );
 * ```
 */
export class HarmonyEncoding {
  /** The encoding's name: `HarmonyGptOss`. */
  readonly name: string = HARMONY_GPT_OSS_ENCODING_NAME;
  /** The underlying tokenizer. */
  readonly tokenizer: O200kHarmonyTokenizer;

  /** @param tokenizer - the o200k_harmony tokenizer; use {@link loadHarmonyEncoding} unless you have your own instance. */
  constructor(tokenizer: O200kHarmonyTokenizer) {
    this.tokenizer = tokenizer;
  }

  /**
   * Encodes text; only the special-token texts in `options.allowedSpecial` become special tokens.
   * @throws {@link TokenizerError} for non-string text or a disallowed special token.
   */
  encode(text: string, options?: EncodeOptions): number[] {
    assertText(text);
    return this.tokenizer.encode(text, options);
  }

  /**
   * Encodes text as ordinary text (special-token text becomes ordinary tokens).
   * @throws {@link TokenizerError} for non-string text.
   */
  encodeOrdinary(text: string): number[] {
    assertText(text);
    return this.tokenizer.encodeOrdinary(text);
  }

  /**
   * Decodes tokens; invalid UTF-8 becomes U+FFFD.
   * @throws {@link TokenizerError} `Invalid token for decoding: <id>`.
   */
  decode(tokens: Iterable<number>): string {
    return this.tokenizer.decode(toTokenArray(tokens));
  }

  /**
   * Decodes tokens, requiring valid UTF-8.
   * @throws {@link TokenizerError} for an unknown id or invalid UTF-8.
   */
  decodeUtf8(tokens: Iterable<number>): string {
    return this.tokenizer.decodeUtf8(toTokenArray(tokens));
  }

  /** Whether `token` is a special token (ids 199998..201088). */
  isSpecialToken(token: number): boolean {
    return this.tokenizer.isSpecialToken(token);
  }

  /** The parser's stop tokens: `<|return|>`, `<|call|>`, `<|end|>` (200002, 200012, 200007). */
  stopTokens(): number[] {
    return [...PARSER_STOP_TOKENS];
  }

  /**
   * The tokens that end an assistant turn, to give the sampler: `<|return|>`, `<|call|>` (200002, 200012).
   * Sampling continues across `<|end|>` because one turn holds several messages.
   */
  stopTokensForAssistantActions(): number[] {
    return [...ASSISTANT_ACTION_STOP_TOKENS];
  }

  /**
   * Renders one message (SPEC §3.1).
   * @throws {@link HarmonyRenderError} for an invalid message (`unknown role: <x>`, `Tools should have a name!`, ...).
   */
  render(message: Message, options?: RenderOptions): number[] {
    return renderMessage(this.tokenizer, message, options);
  }

  /**
   * Renders a conversation (SPEC §9): the `'functions'` system line when a developer message has
   * function tools, and automatic dropping of earlier `analysis` messages (on by default, as in Python).
   * @throws {@link HarmonyRenderError} for invalid input.
   */
  renderConversation(messages: readonly Message[], config?: RenderConversationConfig): number[] {
    return renderConversation(this.tokenizer, messages, config);
  }

  /**
   * Renders a conversation followed by `<|start|>` and `nextRole`: the prompt to sample from.
   * @throws {@link HarmonyRenderError} for invalid input, e.g. `unknown role: <x>`.
   */
  renderConversationForCompletion(
    messages: readonly Message[],
    nextRole: Role,
    config?: RenderConversationConfig,
  ): number[] {
    return renderConversationForCompletion(this.tokenizer, messages, nextRole, config);
  }

  /**
   * Renders a conversation for training: a last assistant `final` message ends with `<|return|>`.
   * @throws {@link HarmonyRenderError} for invalid input.
   */
  renderConversationForTraining(messages: readonly Message[], config?: RenderConversationConfig): number[] {
    return renderConversationForTraining(this.tokenizer, messages, config);
  }

  /**
   * Parses completion tokens into messages (openai-harmony's `parse_messages_from_completion_tokens`).
   * Pass the tokens sampled after the prompt's `<|start|>assistant` with `role: 'assistant'`.
   * @throws {@link ConfigurationError} `unknown role: <x>` when `role` is not a Harmony role.
   * @throws {@link TokenizerError} when an id is not a non-negative integer.
   * @throws {@link HarmonyParseError} for tokens that are not well-formed Harmony.
   */
  parseMessagesFromCompletionTokens(
    tokens: Iterable<number>,
    role?: Role | null,
    options?: ParseOptions,
  ): Message[] {
    if (role !== undefined && role !== null && !isRole(role)) {
      throw new ConfigurationError(`unknown role: ${String(role)}`);
    }
    return parseMessagesFromCompletionTokens(this, toTokenArray(tokens), role, options);
  }
}

let defaultEncoding: HarmonyEncoding | undefined;

/**
 * Loads the gpt-oss Harmony encoding (synchronous; the instance is cached). The tokenizer ranks ship
 * with the package, so no network access is needed.
 * @throws {@link TokenizerError} if the tokenizer ranks cannot be loaded.
 */
export function loadHarmonyEncoding(): HarmonyEncoding {
  defaultEncoding ??= new HarmonyEncoding(loadO200kHarmonyTokenizer());
  return defaultEncoding;
}
