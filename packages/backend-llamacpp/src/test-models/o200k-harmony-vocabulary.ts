/**
 * The o200k_harmony vocabulary in llama.cpp's `gpt2` (byte-level BPE) GGUF form: token strings, token
 * types and merges, all rebuilt from core's o200k_base ranks and Harmony special tokens.
 */

import { TokenizerError } from '@harmony-agents/core';
import { loadO200kHarmonyTokenizer, SPECIAL_TOKENS } from '@harmony-agents/core/harmony';

/** Tokens in a gpt-oss GGUF (`vocab_size` of gpt-oss's config): ids 0 to 201087. */
export const GPT_OSS_VOCABULARY_SIZE = 201088;

/** o200k_base's ordinary tokens: ids 0 to 199997; the special tokens follow. */
const ORDINARY_TOKEN_COUNT = 199998;

/** llama.cpp's `tokenizer.ggml.token_type` values. */
const TOKEN_TYPE_NORMAL = 1;
const TOKEN_TYPE_CONTROL = 3;

/**
 * How merges are rebuilt from the ranks. Both tokenize identically in llama.cpp:
 * - `minimal`: one merge per token (its own BPE split using lower ranks), llama.cpp's conversion style for
 *   tiktoken vocabularies: 199,742 merges, smaller file, faster load.
 * - `huggingface`: every split of every token whose halves are tokens, ordered by (token, left, right) rank,
 *   as transformers' tiktoken converter writes them: 446,189 merges, exactly as in real gpt-oss GGUFs.
 */
export type MergesStyle = 'minimal' | 'huggingface';

/** The vocabulary arrays of a GGUF file. */
export interface HarmonyGgufVocabulary {
  /** `tokenizer.ggml.tokens`: byte-level strings for ordinary tokens, literal text for special tokens. */
  readonly tokens: readonly string[];
  /** `tokenizer.ggml.token_type`: 1 (normal) or 3 (control). */
  readonly tokenTypes: Int32Array;
  /** `tokenizer.ggml.merges`: `"left right"` in byte-level strings, highest priority first. */
  readonly merges: readonly string[];
}

/** GPT-2's `bytes_to_unicode` as char codes: printable bytes map to themselves, the others to 256 and up. */
function byteToUnicodeTable(): Uint16Array {
  const table = new Uint16Array(256);
  let next = 256;
  for (let byte = 0; byte < 256; byte++) {
    const printable =
      (byte >= 33 && byte <= 126) || (byte >= 161 && byte <= 172) || (byte >= 174 && byte <= 255);
    table[byte] = printable ? byte : next++;
  }
  return table;
}

/**
 * Builds the o200k_harmony vocabulary from `@harmony-agents/core`'s tokenizer. Id 200018 is written as
 * `<|endofprompt|>`, as in tiktoken and in real gpt-oss GGUFs.
 * @throws {@link TokenizerError} if core's o200k_base ranks cannot be loaded or a token has no two-part split.
 */
export function buildHarmonyGgufVocabulary(style: MergesStyle): HarmonyGgufVocabulary {
  const tokenizer = loadO200kHarmonyTokenizer();
  const byteToUnicode = byteToUnicodeTable();
  const rawTokens = new Array<string>(ORDINARY_TOKEN_COUNT);
  const ranks = new Map<string, number>();
  const tokens = new Array<string>(GPT_OSS_VOCABULARY_SIZE);
  const tokenTypes = new Int32Array(GPT_OSS_VOCABULARY_SIZE);
  for (let rank = 0; rank < ORDINARY_TOKEN_COUNT; rank++) {
    const bytes = tokenizer.tokenBytes(rank);
    const raw = String.fromCharCode(...bytes);
    rawTokens[rank] = raw;
    ranks.set(raw, rank);
    tokens[rank] = String.fromCharCode(...Array.from(bytes, (byte) => byteToUnicode[byte]!));
    tokenTypes[rank] = TOKEN_TYPE_NORMAL;
  }
  for (let id = ORDINARY_TOKEN_COUNT; id < GPT_OSS_VOCABULARY_SIZE; id++) {
    tokens[id] = id === 200018 ? '<|endofprompt|>' : (SPECIAL_TOKENS.get(id) ?? `<|reserved_${id}|>`);
    tokenTypes[id] = TOKEN_TYPE_CONTROL;
  }
  // Both halves of a merge are tokens, so their byte-level text is already in `tokens`.
  const merge = (left: string, right: string): string =>
    `${tokens[ranks.get(left)!]} ${tokens[ranks.get(right)!]}`;

  const merges: string[] = [];
  for (let rank = 0; rank < ORDINARY_TOKEN_COUNT; rank++) {
    const raw = rawTokens[rank]!;
    if (raw.length < 2) continue;
    if (style === 'minimal') {
      const [left, right] = splitWithLowerRanks(raw, rank, ranks);
      merges.push(merge(left, right));
    } else {
      const splits: [number, number, string, string][] = [];
      for (let cut = 1; cut < raw.length; cut++) {
        const left = raw.slice(0, cut);
        const right = raw.slice(cut);
        const leftRank = ranks.get(left);
        const rightRank = ranks.get(right);
        if (leftRank !== undefined && rightRank !== undefined)
          splits.push([leftRank, rightRank, left, right]);
      }
      splits.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
      for (const [, , left, right] of splits) merges.push(merge(left, right));
    }
  }
  return { tokens, tokenTypes, merges };
}

/** Byte-pair-merges `raw` using only ranks below `maxRank`; a BPE token always ends as exactly two parts. */
function splitWithLowerRanks(
  raw: string,
  maxRank: number,
  ranks: ReadonlyMap<string, number>,
): [string, string] {
  const parts = Array.from(raw);
  const pairRank = (index: number): number => {
    const rank = ranks.get(parts[index]! + parts[index + 1]!);
    return rank !== undefined && rank < maxRank ? rank : Number.POSITIVE_INFINITY;
  };
  const pairRanks: number[] = [];
  for (let index = 0; index + 1 < parts.length; index++) pairRanks.push(pairRank(index));
  while (parts.length > 2) {
    let bestIndex = -1;
    let bestRank = Number.POSITIVE_INFINITY;
    for (let index = 0; index < pairRanks.length; index++) {
      if (pairRanks[index]! < bestRank) {
        bestRank = pairRanks[index]!;
        bestIndex = index;
      }
    }
    if (bestIndex < 0) break;
    parts.splice(bestIndex, 2, parts[bestIndex]! + parts[bestIndex + 1]!);
    pairRanks.splice(bestIndex, 1);
    if (bestIndex < pairRanks.length) pairRanks[bestIndex] = pairRank(bestIndex);
    if (bestIndex > 0) pairRanks[bestIndex - 1] = pairRank(bestIndex - 1);
  }
  if (parts.length !== 2) {
    throw new TokenizerError(
      `o200k_base token of rank ${maxRank} does not split into two lower-ranked tokens`,
    );
  }
  return [parts[0]!, parts[1]!];
}
