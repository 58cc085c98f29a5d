/**
 * The reliability suite's seed: `HARMONY_AGENTS_SEED` when set (to reproduce a failure), otherwise a
 * fresh one per run. fast-check prints it in every failure (`{ seed: ..., path: ... }`); the suite's
 * own loops put it in their assertion messages.
 */
import type fc from 'fast-check';

function readSeed(): number {
  const fromEnvironment = process.env.HARMONY_AGENTS_SEED;
  if (fromEnvironment !== undefined && fromEnvironment !== '') {
    const seed = Number(fromEnvironment);
    if (!Number.isSafeInteger(seed))
      throw new Error(`HARMONY_AGENTS_SEED must be an integer, got ${fromEnvironment}`);
    return seed | 0;
  }
  return (Date.now() ^ Math.floor(Math.random() * 0x7fffffff)) | 0;
}

/** The seed of this run. */
export const SEED = readSeed();

/** fast-check parameters for `numRuns` runs from {@link SEED}: a failure prints the seed and path. */
export function propertyParameters<T>(numRuns: number): fc.Parameters<T> {
  return { seed: SEED, numRuns, endOnFailure: true };
}

/** mulberry32 from a seed: the suite's loops draw their random numbers here. */
export function createRandom(seed: number = SEED): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}

/** The text to append to an assertion message so a failure can be replayed. */
export function replayHint(): string {
  return `(replay with HARMONY_AGENTS_SEED=${SEED})`;
}
