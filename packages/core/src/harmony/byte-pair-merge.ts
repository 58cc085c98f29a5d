/**
 * tiktoken's byte-pair merge in O(n log n): the parts of a piece are a linked list over byte offsets,
 * and the candidate pairs sit in a binary heap ordered by (rank, offset), so the pair merged at each
 * step is the one tiktoken's linear scan picks (the lowest rank, the leftmost on a tie). Stale
 * candidates are skipped when they come out of the heap.
 */

import { TokenizerError } from '../errors.js';

/** Ranks of byte sequences, keyed by {@link bytesKey}. */
export type BytePairRanks = ReadonlyMap<string, number>;

/** Counts the work of {@link bytePairMerge}, for tests that bound its complexity. */
export interface BytePairMergeCounter {
  /** Rank look-ups, heap sift steps and stale candidates skipped. */
  operations: number;
}

/** Below this length the quadratic scan is faster than the heap and the same result. */
const SCAN_LIMIT = 32;

/** Turns bytes into a string with one char per byte, used as a map key. */
export function bytesKey(bytes: Uint8Array, start: number, end: number): string {
  let key = '';
  for (let i = start; i < end; i++) key += String.fromCharCode(bytes[i]!);
  return key;
}

/**
 * The tokens of one pre-tokenized piece: repeatedly merges the adjacent pair of parts whose
 * concatenation has the lowest rank (the leftmost on a tie), starting from single bytes.
 * @throws {@link TokenizerError} if a single byte has no rank (a broken ranks table).
 */
export function bytePairMerge(
  bytes: Uint8Array,
  ranks: BytePairRanks,
  counter?: BytePairMergeCounter,
): number[] {
  const starts =
    bytes.length <= SCAN_LIMIT && counter === undefined
      ? scanMerge(bytes, ranks)
      : heapMerge(bytes, ranks, counter);
  return tokensOf(bytes, starts, ranks);
}

/**
 * tiktoken's own loop, quadratic: what {@link bytePairMerge} does on short pieces, and the
 * reference its heap is tested against.
 */
export function scanBytePairMerge(bytes: Uint8Array, ranks: BytePairRanks): number[] {
  return tokensOf(bytes, scanMerge(bytes, ranks), ranks);
}

function tokensOf(bytes: Uint8Array, starts: readonly number[], ranks: BytePairRanks): number[] {
  const tokens: number[] = [];
  for (let i = 0; i < starts.length - 1; i++) {
    const rank = ranks.get(bytesKey(bytes, starts[i]!, starts[i + 1]!));
    if (rank === undefined) throw new TokenizerError('o200k_base ranks are missing a byte token');
    tokens.push(rank);
  }
  return tokens;
}

/** The start offsets of the merged parts followed by the piece's length: tiktoken's own loop. */
function scanMerge(bytes: Uint8Array, ranks: BytePairRanks): number[] {
  const boundaries: number[] = [];
  for (let i = 0; i <= bytes.length; i++) boundaries.push(i);
  const pairRank = (i: number): number =>
    i + 2 >= boundaries.length
      ? Number.POSITIVE_INFINITY
      : (ranks.get(bytesKey(bytes, boundaries[i]!, boundaries[i + 2]!)) ?? Number.POSITIVE_INFINITY);
  const pairRanks: number[] = [];
  for (let i = 0; i < boundaries.length - 1; i++) pairRanks.push(pairRank(i));
  for (;;) {
    let best = Number.POSITIVE_INFINITY;
    let bestIndex = -1;
    for (let i = 0; i < pairRanks.length - 1; i++) {
      if (pairRanks[i]! < best) {
        best = pairRanks[i]!;
        bestIndex = i;
      }
    }
    if (bestIndex < 0) return boundaries;
    boundaries.splice(bestIndex + 1, 1);
    pairRanks.splice(bestIndex + 1, 1);
    pairRanks[bestIndex] = pairRank(bestIndex);
    if (bestIndex > 0) pairRanks[bestIndex - 1] = pairRank(bestIndex - 1);
  }
}

/**
 * The same merges with a heap of candidate pairs. A candidate is (rank, start, end): the part
 * starting at `start` merged with the next one, ending at `end`. Its key `rank * 2^32 + start`
 * orders by rank, then offset. It is stale when `start` was merged into its predecessor or the
 * pair starting there no longer ends at `end`; the rank of a byte range never changes, so a
 * candidate that is not stale is exact.
 */
function heapMerge(
  bytes: Uint8Array,
  ranks: BytePairRanks,
  counter: BytePairMergeCounter | undefined,
): number[] {
  const length = bytes.length;
  // next[s] is the end of the part starting at s, previous[s] the start of the part before it, and
  // rankOf[s] its rank (a part is always a token).
  const next = new Int32Array(length + 1);
  const previous = new Int32Array(length + 1);
  const alive = new Uint8Array(length + 1);
  const rankOf = new Int32Array(length + 1);
  for (let i = 0; i <= length; i++) {
    next[i] = i + 1;
    previous[i] = i - 1;
    alive[i] = 1;
    if (i < length) rankOf[i] = ranks.get(BYTE_KEYS[bytes[i]!]!) ?? -1;
  }
  // The rank of two tokens joined depends only on their ranks: a long run meets few distinct pairs.
  const pairRanks = new Map<number, number>();
  const heap = new CandidateHeap(3 * length, counter);
  let lookups = 0;
  const push = (start: number): void => {
    const middle = next[start]!;
    if (middle >= length) return;
    const end = next[middle]!;
    lookups++;
    const pair = rankOf[start]! * RANK_LIMIT + rankOf[middle]!;
    let rank = pairRanks.get(pair);
    if (rank === undefined) {
      rank = ranks.get(bytesKey(bytes, start, end)) ?? -1;
      pairRanks.set(pair, rank);
    }
    if (rank >= 0) heap.push(rank * OFFSET_LIMIT + start, end);
  };
  for (let i = 0; i < length - 1; i++) push(i);
  while (heap.size > 0) {
    const key = heap.topKey();
    const end = heap.topEnd();
    heap.pop();
    const start = key % OFFSET_LIMIT;
    const middle = next[start]!;
    if (alive[start] === 0 || middle >= length || next[middle] !== end) {
      if (counter !== undefined) counter.operations++;
      continue;
    }
    alive[middle] = 0;
    next[start] = end;
    rankOf[start] = (key - start) / OFFSET_LIMIT;
    if (end <= length) previous[end] = start;
    if (start > 0) push(previous[start]!);
    push(start);
  }
  if (counter !== undefined) counter.operations += lookups;
  const starts: number[] = [];
  for (let start = 0; start < length; start = next[start]!) starts.push(start);
  starts.push(length);
  return starts;
}

/** Above every rank (o200k has 199,998; ranks tables stay under 2^21 here). */
const RANK_LIMIT = 2 ** 21;
/** Above every byte offset of a piece: a heap key is `rank * OFFSET_LIMIT + offset`. */
const OFFSET_LIMIT = 2 ** 32;

/** The key of each single byte. */
const BYTE_KEYS: readonly string[] = Array.from({ length: 256 }, (_, byte) => String.fromCharCode(byte));

/** A binary min-heap of (key, end) candidates in parallel typed arrays of a fixed capacity. */
class CandidateHeap {
  readonly #keys: Float64Array;
  readonly #ends: Int32Array;
  #size = 0;
  readonly #counter: BytePairMergeCounter | undefined;

  constructor(capacity: number, counter: BytePairMergeCounter | undefined) {
    this.#keys = new Float64Array(capacity);
    this.#ends = new Int32Array(capacity);
    this.#counter = counter;
  }

  get size(): number {
    return this.#size;
  }

  topKey(): number {
    return this.#keys[0]!;
  }

  topEnd(): number {
    return this.#ends[0]!;
  }

  push(key: number, end: number): void {
    const keys = this.#keys;
    const ends = this.#ends;
    let index = this.#size++;
    let steps = 0;
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (keys[parent]! <= key) break;
      keys[index] = keys[parent]!;
      ends[index] = ends[parent]!;
      index = parent;
      steps++;
    }
    keys[index] = key;
    ends[index] = end;
    if (this.#counter !== undefined) this.#counter.operations += steps + 1;
  }

  pop(): void {
    const keys = this.#keys;
    const ends = this.#ends;
    const size = --this.#size;
    if (size === 0) return;
    const lastKey = keys[size]!;
    const lastEnd = ends[size]!;
    let index = 0;
    let steps = 0;
    for (;;) {
      let child = 2 * index + 1;
      if (child >= size) break;
      if (child + 1 < size && keys[child + 1]! < keys[child]!) child++;
      if (keys[child]! >= lastKey) break;
      keys[index] = keys[child]!;
      ends[index] = ends[child]!;
      index = child;
      steps++;
    }
    keys[index] = lastKey;
    ends[index] = lastEnd;
    if (this.#counter !== undefined) this.#counter.operations += steps + 1;
  }
}
