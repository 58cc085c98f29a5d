/**
 * openai-harmony's `StreamableParser` (SPEC §10.1), ported literally: same states, same UTF-8
 * buffering, same strict / non-strict behaviour, same error texts.
 */

import { DEFAULT_STRICT_PARSING } from '../defaults.js';
import { ConfigurationError, HarmonyParseError, TokenizerError } from '../errors.js';
import { ContentAccumulator } from './content-accumulator.js';
import {
  isRoleWord,
  type ParsedMessageHeader,
  parseMessageHeaderText,
  rustDebugString,
} from './message-header.js';
import { HARMONY_TOKENS } from './special-tokens.js';
import { assertTokenId } from './token-id.js';
import type { O200kHarmonyTokenizer } from './tokenizer.js';
import type { Message, ParseOptions, Role } from './types.js';
import { describeUtf8Problem, findUtf8Problem } from './utf8.js';

/** What the parser needs from an encoding: its tokenizer. `HarmonyEncoding` satisfies it. */
export interface HarmonyParserEncoding {
  /** The o200k_harmony tokenizer. */
  readonly tokenizer: O200kHarmonyTokenizer;
}

/** A message header in {@link StreamableParserState} (openai-harmony's `ParsedHeader`, camelCase). */
export interface StreamableParserHeader {
  /** The author: `name` is only set for `tool` authors whose name the header gave. */
  readonly author: {
    /** The author's role. */
    readonly role: Role;
    /** The author's name, or `null`. */
    readonly name: string | null;
  };
  /** The recipient, e.g. `functions.get_weather`. */
  readonly recipient: string | null;
  /** The channel, e.g. `analysis`. */
  readonly channel: string | null;
  /** The content type, e.g. `<|constrain|>json`. */
  readonly contentType: string | null;
}

/**
 * The parser's state as plain JSON, mirroring openai-harmony's `state_json()` in camelCase:
 * `{state:'ExpectStart'}`, `{state:'Header', headerTokens}` or `{state:'Content', header, contentTokens}`.
 * `contentTokens` are the ordinary encoding of the content decoded so far, piece by piece, as the
 * reference stores them.
 */
export type StreamableParserState =
  | {
      /** Waiting for `<|start|>`. */
      readonly state: 'ExpectStart';
    }
  | {
      /** Reading a message header. */
      readonly state: 'Header';
      /** The header tokens read so far. */
      readonly headerTokens: readonly number[];
    }
  | {
      /** Reading a message's content. */
      readonly state: 'Content';
      /** The message's header. */
      readonly header: StreamableParserHeader;
      /** The content decoded so far, as ordinary tokens. */
      readonly contentTokens: readonly number[];
    };

type InternalState =
  | { readonly kind: 'expect-start' }
  | { readonly kind: 'header'; readonly tokens: number[] }
  | { readonly kind: 'content'; readonly header: ParsedMessageHeader };

const EXPECT_START: InternalState = { kind: 'expect-start' };
const STOP_TOKENS: ReadonlySet<number> = new Set([
  HARMONY_TOKENS.return,
  HARMONY_TOKENS.call,
  HARMONY_TOKENS.end,
]);

/** Builds the {@link Message} of a parsed header and its text (`name` only for named tool authors). */
export function messageFromHeader(header: ParsedMessageHeader, text: string): Message {
  const base = { role: header.role };
  return {
    ...(header.name === null ? base : { ...base, name: header.name }),
    recipient: header.recipient,
    channel: header.channel,
    contentType: header.contentType,
    content: [{ type: 'text', text }],
  };
}

/**
 * Decodes tokens to a string the way Rust's `decode_utf8` does, with its error texts
 * (`Could not decode tokens: Invalid token error: Invalid token for decoding: <id>` /
 * `Could not decode tokens: Invalid utf-8 sequence: ...`).
 * @throws {@link TokenizerError} with those texts.
 */
export function decodeTokensStrictly(tokenizer: O200kHarmonyTokenizer, tokens: readonly number[]): string {
  for (const token of tokens) {
    if (!tokenizer.isValidToken(token)) {
      throw new TokenizerError(
        `Could not decode tokens: Invalid token error: Invalid token for decoding: ${token}`,
        { token },
      );
    }
  }
  const bytes = tokenizer.decodeBytes(tokens);
  const problem = findUtf8Problem(bytes, 0, bytes.length);
  if (problem !== null) {
    throw new TokenizerError(
      `Could not decode tokens: Invalid utf-8 sequence: ${describeUtf8Problem(problem)}`,
    );
  }
  return new TextDecoder('utf-8').decode(bytes);
}

/**
 * Incremental Harmony parser: feed sampled tokens one at a time with {@link StreamableParser.process}
 * and read the current message's header and text while it streams. A port of openai-harmony's
 * `StreamableParser` (0.0.8): results, errors and state are the same token for token.
 *
 * States: `ExpectStart` (waiting for `<|start|>`), `Header` (collecting header tokens until
 * `<|message|>`), `Content` (decoding content until `<|end|>`, `<|call|>`, `<|return|>` or EOS).
 * Content tokens are decoded as UTF-8 as they arrive: an incomplete sequence waits for the next token;
 * an invalid sequence becomes U+FFFD; an id outside the vocabulary blocks decoding until the message
 * ends, where it and everything after it become one U+FFFD.
 *
 * Headers are read as openai-harmony reads them, quirks included: a lone word after the role and
 * channel is the recipient (`<|channel|>final <|constrain|>json` has recipient `<|constrain|>json` and
 * no content type), names are only parsed for tool authors (`user:alice` is an unknown role), and
 * after the first message the header must name its role. `HarmonyStreamDecoder` corrects these.
 *
 * In non-strict mode a stop token inside the header of the **first** message of a parser created with
 * a role is recovered: the channel is kept and the remaining header words (whitespace collapsed to
 * single spaces) become the text. Other malformed headers are dropped silently in non-strict mode and
 * kept as header text in strict mode (usually causing an error at the next `<|message|>`).
 *
 * After a thrown error the parser is left as openai-harmony leaves it (e.g. `ExpectStart` after a
 * header error), so feeding more tokens is possible but rarely meaningful.
 *
 * @example
 * ```ts
 * const parser = new StreamableParser(loadHarmonyEncoding(), 'assistant');
 * for (const token of sampled) {
 *   parser.process(token);
 *   if (parser.lastContentDelta !== null) write(parser.currentChannel, parser.lastContentDelta);
 * }
 * parser.processEos();
 * ```
 */
export class StreamableParser {
  readonly #tokenizer: O200kHarmonyTokenizer;
  readonly #strict: boolean;
  readonly #tokens: number[] = [];
  readonly #messages: Message[] = [];
  readonly #content: ContentAccumulator;
  #nextRole: Role | null;
  #state: InternalState;

  /**
   * @param encoding - anything with the o200k_harmony `tokenizer` (e.g. `loadHarmonyEncoding()`).
   * @param role - the role the prompt already opened (`<|start|>assistant`): parsing starts in the
   *   header of that message. `null` / omitted: parsing starts by expecting `<|start|>`.
   * @param options - `strict` (default `true`).
   * @throws {@link ConfigurationError} `unknown role: <x>` when `role` is not a Harmony role.
   */
  constructor(encoding: HarmonyParserEncoding, role?: Role | null, options?: ParseOptions) {
    if (role !== undefined && role !== null && !isRoleWord(role)) {
      throw new ConfigurationError(`unknown role: ${String(role)}`);
    }
    this.#tokenizer = encoding.tokenizer;
    this.#strict = options?.strict ?? DEFAULT_STRICT_PARSING;
    this.#content = new ContentAccumulator(this.#tokenizer);
    this.#nextRole = role ?? null;
    this.#state = this.#nextRole === null ? EXPECT_START : { kind: 'header', tokens: [] };
  }

  /**
   * Consumes one token.
   * @returns this parser.
   * @throws {@link HarmonyParseError} with openai-harmony's texts: `Unexpected token <t> while
   * expecting start token 200006`, `could not decode header`, `unexpected tokens remaining in message
   * header: Some("...")`, `Unknown role: <word>`, `message header did not contain a role`,
   * `channel marker present but no channel value found in header`, or (non-strict recovery)
   * `Could not decode tokens: ...`.
   * @throws {@link TokenizerError} `Invalid token id: ...` when `token` is not an integer from 0 to
   *   4294967295; the parser is unchanged. An id outside the vocabulary is read as openai-harmony
   *   reads it (U+FFFD in content, `could not decode header` in a header).
   */
  process(token: number): this {
    assertTokenId(token);
    this.#tokens.push(token);
    this.#step(token);
    return this;
  }

  /**
   * Signals the end of the stream: finishes a message whose content is streaming.
   * @returns this parser.
   * @throws {@link HarmonyParseError} `Unexpected EOS while waiting for message header to complete`.
   */
  processEos(): this {
    this.#step(null);
    return this;
  }

  /** The current message's role: its header's role in Content, else the preset role until the first `<|message|>`. */
  get currentRole(): Role | null {
    return this.#state.kind === 'content' ? this.#state.header.role : this.#nextRole;
  }

  /** The current message's channel (only while its content streams), else `null`. */
  get currentChannel(): string | null {
    return this.#state.kind === 'content' ? this.#state.header.channel : null;
  }

  /** The current message's recipient (only while its content streams), else `null`. */
  get currentRecipient(): string | null {
    return this.#state.kind === 'content' ? this.#state.header.recipient : null;
  }

  /** The current message's content type (only while its content streams), else `null`. */
  get currentContentType(): string | null {
    return this.#state.kind === 'content' ? this.#state.header.contentType : null;
  }

  /** The current message's text decoded so far (without bytes still buffered); `''` outside Content. */
  get currentContent(): string {
    return this.#state.kind === 'content' ? this.#content.text : '';
  }

  /** The text the most recent content token added, or `null` (none, or the message just ended). */
  get lastContentDelta(): string | null {
    return this.#content.lastDelta;
  }

  /** The completed messages, in order. */
  get messages(): readonly Message[] {
    return this.#messages;
  }

  /** Every token passed to {@link StreamableParser.process}. */
  get tokens(): readonly number[] {
    return this.#tokens;
  }

  /** A JSON snapshot of the state (see {@link StreamableParserState}); built on each read. */
  get state(): StreamableParserState {
    const state = this.#state;
    switch (state.kind) {
      case 'expect-start':
        return { state: 'ExpectStart' };
      case 'header':
        return { state: 'Header', headerTokens: [...state.tokens] };
    }
    const { role, name, recipient, channel, contentType } = state.header;
    return {
      state: 'Content',
      header: { author: { role, name }, recipient, channel, contentType },
      contentTokens: this.#content.contentTokens(),
    };
  }

  #step(token: number | null): void {
    const state = this.#state;
    switch (state.kind) {
      case 'expect-start':
        if (token === null || token === HARMONY_TOKENS.start) {
          if (token !== null) this.#state = { kind: 'header', tokens: [] };
          return;
        }
        throw new HarmonyParseError(
          `Unexpected token ${token} while expecting start token ${HARMONY_TOKENS.start}`,
          { token },
        );
      case 'header':
        this.#stepHeader(state.tokens, token);
        return;
      case 'content':
        if (token !== null && !STOP_TOKENS.has(token)) {
          this.#content.push(token);
          return;
        }
        this.#messages.push(messageFromHeader(state.header, this.#content.finish()));
        this.#state = EXPECT_START;
        return;
    }
  }

  #stepHeader(headerTokens: number[], token: number | null): void {
    if (token === null) {
      throw new HarmonyParseError('Unexpected EOS while waiting for message header to complete');
    }
    if (token === HARMONY_TOKENS.message) {
      // The reference leaves ExpectStart behind when the header fails to parse.
      this.#state = EXPECT_START;
      const header = this.#parseHeaderTokens(headerTokens, token);
      this.#nextRole = null;
      this.#state = { kind: 'content', header };
      return;
    }
    if (!this.#strict && STOP_TOKENS.has(token)) {
      this.#recoverHeaderWithoutMessage(headerTokens, token);
      return;
    }
    headerTokens.push(token);
  }

  #parseHeaderTokens(headerTokens: readonly number[], token: number): ParsedMessageHeader {
    let text: string;
    try {
      text = decodeTokensStrictly(this.#tokenizer, headerTokens);
    } catch (error) {
      throw new HarmonyParseError('could not decode header', { cause: error, token });
    }
    const { header, remainingContent } = withToken(token, () =>
      parseMessageHeaderText(text, this.#nextRole, true),
    );
    if (remainingContent !== null) {
      throw new HarmonyParseError(
        `unexpected tokens remaining in message header: Some(${rustDebugString(remainingContent)})`,
        { token },
      );
    }
    return header;
  }

  // Non-strict: a stop token before `<|message|>`. Only a message whose role was preset (the first one)
  // is recovered; errors leave the state untouched, as in the reference.
  #recoverHeaderWithoutMessage(headerTokens: readonly number[], token: number): void {
    const role = this.#nextRole;
    if (role !== null && headerTokens.length > 0) {
      let text: string;
      try {
        text = decodeTokensStrictly(this.#tokenizer, headerTokens);
      } catch (error) {
        throw new HarmonyParseError((error as TokenizerError).message, { cause: error, token });
      }
      const { header, remainingContent } = withToken(token, () => parseMessageHeaderText(text, role, false));
      this.#messages.push(messageFromHeader(header, remainingContent ?? ''));
    }
    this.#state = EXPECT_START;
    this.#nextRole = null;
  }
}

function withToken<T>(token: number, parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (error instanceof HarmonyParseError && error.token === undefined) {
      throw new HarmonyParseError(error.message, { token });
    }
    throw error;
  }
}

/**
 * Parses a whole completion: a new {@link StreamableParser}, every token processed, then EOS.
 * Pass the tokens sampled after the prompt's `<|start|>assistant` with `role: 'assistant'`; a final
 * stop token may be included.
 * @throws {@link HarmonyParseError} as {@link StreamableParser.process} and {@link StreamableParser.processEos}.
 * @throws {@link ConfigurationError} when `role` is not a Harmony role.
 * @throws {@link TokenizerError} when a value of `tokens` is not a token id (an integer from 0 to 4294967295).
 */
export function parseMessagesFromCompletionTokens(
  encoding: HarmonyParserEncoding,
  tokens: Iterable<number>,
  role?: Role | null,
  options?: ParseOptions,
): Message[] {
  const parser = new StreamableParser(encoding, role, options);
  for (const token of tokens) parser.process(token);
  parser.processEos();
  return [...parser.messages];
}
