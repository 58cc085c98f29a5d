/**
 * The recovering Harmony stream decoder the runner uses while a model samples: strict openai-harmony
 * parsing where the output is well-formed, documented recovery where it is not, and never a throw for
 * anything the model writes.
 */

import { ConfigurationError, HarmonyParseError, type TokenizerError } from '../errors.js';
import { ContentAccumulator } from './content-accumulator.js';
import {
  describeHeader,
  isRoleWord,
  type ParsedMessageHeader,
  readHeaderStrictly,
  sameHeader,
} from './message-header.js';
import { decodeTokensStrictly, type HarmonyParserEncoding, messageFromHeader } from './parser.js';
import { HARMONY_TOKENS, SPECIAL_TOKENS } from './special-tokens.js';
import type {
  HarmonyStreamDecoderOptions,
  MessageOpening,
  StreamDecoderEvent,
} from './stream-decoder-events.js';
import { assertTokenId } from './token-id.js';
import type { O200kHarmonyTokenizer } from './tokenizer.js';
import { type HeaderRoles, readMessageHeader, recoverHeaderWithoutMessage } from './tolerant-header.js';
import type { Role } from './types.js';

export type {
  HarmonyStreamDecoderOptions,
  MessageOpening,
  StreamDecoderEvent,
} from './stream-decoder-events.js';

type Phase = 'expect-start' | 'header' | 'content' | 'skip' | 'finished';

const NO_EVENTS: readonly StreamDecoderEvent[] = Object.freeze([]);
const GENERATION_END: ReadonlySet<number> = new Set([
  HARMONY_TOKENS.call,
  HARMONY_TOKENS.return,
  HARMONY_TOKENS.endOfText,
]);

function isTerminator(token: number): boolean {
  return token === HARMONY_TOKENS.end || GENERATION_END.has(token);
}

function tokenName(token: number): string {
  return SPECIAL_TOKENS.get(token) ?? String(token);
}

/**
 * Turns sampled tokens into message events while the model streams, recovering from the malformed
 * output real models and servers produce. It never throws for model output; problems become
 * `parse-error` events. Every token passed to `push` except `<|start|>` ends up in exactly one
 * `message-end` or unrecovered `parse-error` `tokens` list, in order.
 *
 * Well-formed output is read with openai-harmony's strict rules (same messages as
 * `parseMessagesFromCompletionTokens`). Recovery rules:
 * 1. **End of generation**: `<|call|>`, `<|return|>` and `<|endoftext|>` end the message and the
 *    generation; tokens after them are dropped (one unrecovered `parse-error` at `end()`).
 * 2. **Missing `<|end|>`**: a `<|start|>` inside content ends the message (no terminator) and opens
 *    the next one.
 * 3. **Header in content**: a `<|channel|>` inside content ends the message and starts the header of
 *    the next one (opening `'none'`, role: the decoder's role).
 * 4. **Missing `<|message|>`**: a terminator or `<|start|>` inside a header turns the header into a
 *    message: leading header fields are kept, the rest is its text (whitespace kept).
 * 5. **Malformed header**: when openai-harmony's strict reading fails or is implausible, a forgiving one
 *    is used (see `readMessageHeader`): recipient in the role position (`<|start|>functions.x`) or
 *    written as channel (`<|channel|>to=functions.x`), repeated `<|channel|>` polluting the recipient,
 *    `<|constrain|> json`, a lone `json`/`<|constrain|>json` read as content type rather than recipient,
 *    a header without role (`<|start|><|channel|>final`), stray special tokens. If that fails too, the
 *    message is dropped up to its terminator (`recovered: false`).
 * 6. **Junk between messages**: tokens after `<|end|>` that are not `<|start|>` start a header as in 3.
 * 7. **Cut off**: at `end()`, streaming content becomes a message with `terminator: null`; a header
 *    still being written is dropped. Undecodable ids inside content become U+FFFD as in the parser.
 *
 * @example
 * ```ts
 * const decoder = new HarmonyStreamDecoder(loadHarmonyEncoding(), { role: 'assistant' });
 * for await (const token of sampled) for (const event of decoder.push(token)) handle(event);
 * for (const event of decoder.end()) handle(event);
 * ```
 */
export class HarmonyStreamDecoder {
  readonly #tokenizer: O200kHarmonyTokenizer;
  readonly #fallbackRole: Role;
  readonly #content: ContentAccumulator;
  #phase: Phase;
  #opening: MessageOpening;
  #segment: number[] = [];
  #headerTokens: number[] = [];
  #header: ParsedMessageHeader | null = null;
  #recovered = false;
  #dropError: HarmonyParseError | null = null;
  #trailing: number[] = [];
  #ended = false;
  #events: StreamDecoderEvent[] = [];

  /**
   * @param encoding - anything with the o200k_harmony `tokenizer` (e.g. `loadHarmonyEncoding()`).
   * @param options - see {@link HarmonyStreamDecoderOptions}.
   * @throws {@link ConfigurationError} when `options.role` is not a Harmony role.
   */
  constructor(encoding: HarmonyParserEncoding, options: HarmonyStreamDecoderOptions = {}) {
    const role = options.role === undefined ? 'assistant' : options.role;
    if (role !== null && !isRoleWord(role)) throw new ConfigurationError(`unknown role: ${String(role)}`);
    this.#tokenizer = encoding.tokenizer;
    this.#fallbackRole = role ?? 'assistant';
    this.#content = new ContentAccumulator(this.#tokenizer);
    this.#phase = role === null ? 'expect-start' : 'header';
    this.#opening = 'prompt';
  }

  /**
   * Consumes one sampled token.
   * @returns the events it caused (often none; one `content-delta` per content token that adds text).
   * @throws {@link ConfigurationError} when called after {@link HarmonyStreamDecoder.end}.
   * @throws {@link TokenizerError} `Invalid token id: ...` when `token` is not an integer from 0 to
   *   4294967295 (the decoder is unchanged). An id outside the vocabulary is model output: it gives a
   *   `parse-error` and a message that is not `complete`.
   */
  push(token: number): readonly StreamDecoderEvent[] {
    if (this.#ended) throw new ConfigurationError('HarmonyStreamDecoder.push() called after end()');
    assertTokenId(token);
    // Fast path: an ordinary content token.
    if (
      this.#phase === 'content' &&
      !isTerminator(token) &&
      token !== HARMONY_TOKENS.start &&
      token !== HARMONY_TOKENS.channel
    ) {
      this.#segment.push(token);
      const delta = this.#content.push(token);
      if (delta === null) return NO_EVENTS;
      const header = this.#header!;
      return [{ type: 'content-delta', delta, channel: header.channel, recipient: header.recipient }];
    }
    this.#step(token);
    return this.#takeEvents();
  }

  /**
   * Consumes several tokens; the same events as pushing them one by one.
   * @throws {@link ConfigurationError} when called after {@link HarmonyStreamDecoder.end}.
   * @throws {@link TokenizerError} when one of `tokens` is not a token id; none is consumed then.
   */
  pushAll(tokens: Iterable<number>): readonly StreamDecoderEvent[] {
    if (this.#ended) throw new ConfigurationError('HarmonyStreamDecoder.push() called after end()');
    // Every id is checked before the first is consumed: a bad one leaves the decoder unchanged.
    const ids = [...tokens];
    for (const token of ids) assertTokenId(token);
    const events: StreamDecoderEvent[] = [];
    for (const token of ids) for (const event of this.push(token)) events.push(event);
    return events;
  }

  /**
   * Ends the generation (after the stop token, or when sampling was aborted or hit its length).
   * Later calls return no events.
   * @returns the events that closing causes: a cut-off message, dropped tokens.
   */
  end(): readonly StreamDecoderEvent[] {
    if (this.#ended) return NO_EVENTS;
    this.#ended = true;
    switch (this.#phase) {
      case 'header':
        if (this.#segment.length > 0) {
          this.#dropError = new HarmonyParseError(
            'Unexpected EOS while waiting for message header to complete',
          );
          this.#drop();
        }
        break;
      case 'content':
        this.#endMessage(null);
        break;
      case 'skip':
        this.#drop();
        break;
      case 'finished':
        if (this.#trailing.length > 0) {
          this.#events.push({
            type: 'parse-error',
            error: new HarmonyParseError(
              `Unexpected tokens after the end of the generation: ${this.#trailing.join(' ')}`,
            ),
            recovered: false,
            tokens: this.#trailing,
          });
        }
        break;
      case 'expect-start':
        break;
    }
    this.#phase = 'finished';
    return this.#takeEvents();
  }

  #takeEvents(): readonly StreamDecoderEvent[] {
    if (this.#events.length === 0) return NO_EVENTS;
    const events = this.#events;
    this.#events = [];
    return events;
  }

  #step(token: number): void {
    switch (this.#phase) {
      case 'finished':
        if (token !== HARMONY_TOKENS.start) this.#trailing.push(token);
        return;
      case 'expect-start':
        if (token === HARMONY_TOKENS.start) {
          this.#begin('start');
          return;
        }
        this.#begin('none');
        this.#stepHeader(token);
        return;
      case 'header':
        this.#stepHeader(token);
        return;
      case 'content':
        this.#stepContentBoundary(token);
        return;
      case 'skip':
        if (token === HARMONY_TOKENS.start) {
          this.#drop();
          this.#begin('start');
          return;
        }
        this.#segment.push(token);
        if (isTerminator(token)) {
          this.#drop();
          this.#afterTerminator(token);
        }
        return;
    }
  }

  // Rules 1-3: a structural token while content streams.
  #stepContentBoundary(token: number): void {
    if (token === HARMONY_TOKENS.start) {
      this.#reportRecovered(`Missing <|end|>: ${tokenName(token)} inside message content`);
      this.#endMessage(null);
      this.#begin('start');
      return;
    }
    if (token === HARMONY_TOKENS.channel) {
      this.#reportRecovered(`Missing <|end|><|start|>: ${tokenName(token)} inside message content`);
      this.#endMessage(null);
      this.#begin('none');
      this.#stepHeader(token);
      return;
    }
    this.#segment.push(token);
    this.#endMessage(token);
    this.#afterTerminator(token);
  }

  #stepHeader(token: number): void {
    if (token === HARMONY_TOKENS.message) {
      this.#segment.push(token);
      this.#completeHeader();
      return;
    }
    if (token === HARMONY_TOKENS.start) {
      this.#recoverHeader(null);
      this.#begin('start');
      return;
    }
    this.#segment.push(token);
    if (isTerminator(token)) {
      this.#recoverHeader(token);
      this.#afterTerminator(token);
      return;
    }
    this.#headerTokens.push(token);
  }

  #begin(opening: MessageOpening): void {
    this.#phase = 'header';
    this.#opening = opening;
    this.#segment = [];
    this.#headerTokens = [];
    this.#header = null;
    this.#recovered = false;
    this.#dropError = null;
  }

  #afterTerminator(token: number): void {
    this.#phase = GENERATION_END.has(token) ? 'finished' : 'expect-start';
  }

  // After `<|start|>` the header names its role; otherwise the prompt or the decoder chose it.
  #roles(): HeaderRoles {
    return { preset: this.#opening === 'start' ? null : this.#fallbackRole, fallback: this.#fallbackRole };
  }

  // Decodes the header: `text` is null when an id is outside the vocabulary; invalid UTF-8 is decoded
  // lossily but still reported as the strict parser's error.
  #decodeHeader(): { readonly text: string | null; readonly error: HarmonyParseError | null } {
    try {
      return { text: decodeTokensStrictly(this.#tokenizer, this.#headerTokens), error: null };
    } catch (cause) {
      const error = new HarmonyParseError('could not decode header', { cause });
      const readable = this.#headerTokens.every((token) => this.#tokenizer.isValidToken(token));
      return { text: readable ? this.#tokenizer.decode(this.#headerTokens) : null, error };
    }
  }

  // Rule 5: strict reading first; the forgiving one when it fails or differs.
  #completeHeader(): void {
    const { text, error } = this.#decodeHeader();
    if (text === null) {
      this.#startSkipping(error!);
      return;
    }
    const roles = this.#roles();
    const strict = error ?? readHeaderStrictly(text, roles.preset);
    const forgiving = readMessageHeader(text, roles);
    let header: ParsedMessageHeader;
    if (forgiving === null) {
      if (strict instanceof HarmonyParseError) {
        this.#startSkipping(strict);
        return;
      }
      header = strict;
    } else if (strict instanceof HarmonyParseError) {
      header = forgiving;
      this.#reportRecovered(strict.message, strict);
    } else {
      header = forgiving;
      if (!sameHeader(strict, forgiving)) {
        this.#reportRecovered(
          `Implausible message header ${JSON.stringify(text)}: read as ${describeHeader(forgiving)} instead of ${describeHeader(strict)}`,
        );
      }
    }
    this.#startContent(header);
  }

  #startContent(header: ParsedMessageHeader): void {
    this.#header = header;
    this.#phase = 'content';
    this.#events.push({
      type: 'message-start',
      role: header.role,
      name: header.name,
      channel: header.channel,
      recipient: header.recipient,
      contentType: header.contentType,
    });
  }

  #startSkipping(error: HarmonyParseError): void {
    this.#dropError = error;
    this.#phase = 'skip';
  }

  // Rule 4: the header ended without `<|message|>`.
  #recoverHeader(terminator: number | null): void {
    const ending = terminator === null ? '<|start|>' : tokenName(terminator);
    const { text, error } =
      this.#headerTokens.length === 0 ? { text: '', error: null } : this.#decodeHeader();
    const recovered = text === null ? null : recoverHeaderWithoutMessage(text, this.#roles());
    if (recovered === null) {
      this.#dropError = error ?? new HarmonyParseError(`Empty message header before ${ending}`);
      this.#drop();
      return;
    }
    this.#reportRecovered(`Missing <|message|>: message header ended by ${ending}: ${JSON.stringify(text)}`);
    this.#startContent(recovered.header);
    if (recovered.text.length > 0) {
      const { channel, recipient } = recovered.header;
      this.#events.push({ type: 'content-delta', delta: recovered.text, channel, recipient });
    }
    this.#endMessage(terminator, recovered.text);
  }

  #reportRecovered(message: string, error?: HarmonyParseError): void {
    this.#recovered = true;
    this.#events.push({
      type: 'parse-error',
      error: error ?? new HarmonyParseError(message),
      recovered: true,
      tokens: [...this.#segment],
    });
  }

  #endMessage(terminator: number | null, recoveredText?: string): void {
    const header = this.#header!;
    const text = recoveredText ?? this.#content.finish();
    if (recoveredText === undefined) {
      const outside = this.#segment.find((token) => !this.#tokenizer.isValidToken(token));
      if (outside !== undefined) {
        this.#reportRecovered(
          `Token ${outside} is outside the vocabulary: the content from it on is one U+FFFD`,
        );
      }
    }
    this.#events.push({
      type: 'message-end',
      message: messageFromHeader(header, text),
      tokens: this.#segment,
      terminator,
      complete:
        terminator !== null &&
        terminator !== HARMONY_TOKENS.endOfText &&
        !this.#recovered &&
        this.#opening !== 'none',
      opening: this.#opening,
    });
    this.#segment = [];
    this.#header = null;
    this.#phase = 'expect-start';
  }

  #drop(): void {
    this.#events.push({
      type: 'parse-error',
      error: this.#dropError ?? new HarmonyParseError('Malformed message dropped'),
      recovered: false,
      tokens: this.#segment,
    });
    this.#segment = [];
    this.#phase = 'expect-start';
  }
}
