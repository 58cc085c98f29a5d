/**
 * The content half of openai-harmony's streaming parser (SPEC §10.1, Content state): turns content
 * tokens into text while they stream, buffering incomplete UTF-8 and placing U+FFFD exactly where the
 * reference does. Shared by `StreamableParser` and the recovering `HarmonyStreamDecoder`.
 */

import type { O200kHarmonyTokenizer } from './tokenizer.js';
import { decodeUtf8Lossy, findUtf8Problem, REPLACEMENT_CHARACTER } from './utf8.js';

const validDecoder = new TextDecoder('utf-8');

// Per tokenizer: token id -> its text when the token's bytes alone are valid UTF-8, `false` when not.
const tokenTextCaches = new WeakMap<O200kHarmonyTokenizer, (string | false | undefined)[]>();

function tokenTextCache(tokenizer: O200kHarmonyTokenizer): (string | false | undefined)[] {
  let cache = tokenTextCaches.get(tokenizer);
  if (cache === undefined) {
    // Filled up front so V8 keeps fast (non-dictionary) elements for ~200k ids.
    cache = new Array<string | false | undefined>(tokenizer.vocabularySize).fill(undefined);
    tokenTextCaches.set(tokenizer, cache);
  }
  return cache;
}

/**
 * Accumulates the text of one message's content, token by token.
 *
 * The text is kept as the list of pieces the reference re-encodes into `content_tokens` (one piece per
 * decoded chunk, plus one per U+FFFD), so `contentTokens()` can reproduce the reference's ids lazily.
 */
export class ContentAccumulator {
  readonly #tokenizer: O200kHarmonyTokenizer;
  readonly #cache: (string | false | undefined)[];
  #pieces: string[] = [];
  #text = '';
  #encodedPieces = 0;
  #encodedTokens: number[] = [];
  #pending = new Uint8Array(16);
  #pendingLength = 0;
  // An id that cannot be decoded was seen: every later token is stuck behind it (SPEC §10.1).
  #stuck = false;
  #lastDelta: string | null = null;

  /** @param tokenizer - the tokenizer that decodes content tokens. */
  constructor(tokenizer: O200kHarmonyTokenizer) {
    this.#tokenizer = tokenizer;
    this.#cache = tokenTextCache(tokenizer);
  }

  /** The decoded text so far, excluding bytes still waiting for the rest of a UTF-8 sequence. */
  get text(): string {
    return this.#text;
  }

  /** The text added by the most recent token, or `null` if it added none. */
  get lastDelta(): string | null {
    return this.#lastDelta;
  }

  /** The reference's `content_tokens`: the ordinary encoding of each decoded piece, concatenated. */
  contentTokens(): number[] {
    while (this.#encodedPieces < this.#pieces.length) {
      this.#tokenizer.appendOrdinary(this.#pieces[this.#encodedPieces]!, this.#encodedTokens);
      this.#encodedPieces++;
    }
    return [...this.#encodedTokens];
  }

  /**
   * Adds one content token (any id, including special tokens, which decode to their literal text).
   * @returns the text this token added (same as {@link ContentAccumulator.lastDelta}).
   */
  push(token: number): string | null {
    if (this.#stuck) {
      this.#lastDelta = null;
      return null;
    }
    const tokenizer = this.#tokenizer;
    if (!tokenizer.isValidToken(token)) {
      this.#stuck = true;
      this.#lastDelta = null;
      return null;
    }
    if (this.#pendingLength === 0) {
      let cached = this.#cache[token];
      if (cached === undefined) {
        const bytes = tokenizer.tokenBytes(token);
        cached = findUtf8Problem(bytes, 0, bytes.length) === null ? validDecoder.decode(bytes) : false;
        this.#cache[token] = cached;
      }
      if (cached !== false) {
        this.#append(cached);
        this.#lastDelta = cached;
        return cached;
      }
    }
    this.#appendPending(tokenizer.tokenBytes(token));
    return this.#drainPending();
  }

  /**
   * Ends the message: the text plus one U+FFFD if an undecodable id was seen, plus the buffered bytes
   * decoded lossily. Resets the accumulator.
   */
  finish(): string {
    let text = this.#text;
    if (this.#stuck) text += REPLACEMENT_CHARACTER;
    if (this.#pendingLength > 0) text += decodeUtf8Lossy(this.#pending.subarray(0, this.#pendingLength));
    this.#pieces = [];
    this.#text = '';
    this.#encodedPieces = 0;
    this.#encodedTokens = [];
    this.#pendingLength = 0;
    this.#stuck = false;
    this.#lastDelta = null;
    return text;
  }

  #append(piece: string): void {
    this.#pieces.push(piece);
    this.#text += piece;
  }

  #appendPending(bytes: Uint8Array): void {
    const needed = this.#pendingLength + bytes.length;
    if (needed > this.#pending.length) {
      const grown = new Uint8Array(Math.max(needed, this.#pending.length * 2));
      grown.set(this.#pending.subarray(0, this.#pendingLength));
      this.#pending = grown;
    }
    this.#pending.set(bytes, this.#pendingLength);
    this.#pendingLength = needed;
  }

  #dropPending(count: number): void {
    this.#pending.copyWithin(0, count, this.#pendingLength);
    this.#pendingLength -= count;
  }

  // Mirrors the reference: validate the whole buffer once; take the valid prefix; replace one invalid
  // sequence with U+FFFD; keep an incomplete tail; leave bytes after an invalid sequence for later.
  #drainPending(): string | null {
    const length = this.#pendingLength;
    const problem = findUtf8Problem(this.#pending, 0, length);
    if (problem === null) {
      const text = validDecoder.decode(this.#pending.subarray(0, length));
      this.#append(text);
      this.#pendingLength = 0;
      this.#lastDelta = text;
      return text;
    }
    let delta = '';
    if (problem.validUpTo > 0) {
      const valid = validDecoder.decode(this.#pending.subarray(0, problem.validUpTo));
      this.#append(valid);
      delta = valid;
      this.#dropPending(problem.validUpTo);
    }
    if (problem.errorLength !== null) {
      this.#append(REPLACEMENT_CHARACTER);
      delta += REPLACEMENT_CHARACTER;
      this.#dropPending(problem.errorLength);
    }
    this.#lastDelta = delta.length > 0 ? delta : null;
    return this.#lastDelta;
  }
}
