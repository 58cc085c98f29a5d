import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ADVERSARIAL_UNITS } from '../../test/adversarial-text.js';
import { loadO200kRanks } from '../../test/o200k-ranks.js';
import { propertyParameters } from '../../test/reliability/seed.js';
import { bytePairMerge, scanBytePairMerge } from './byte-pair-merge.js';

const ranks = loadO200kRanks();
const encoder = new TextEncoder();

/** The heap merge: a counter makes `bytePairMerge` take it at every length. */
const heapMerge = (bytes: Uint8Array): number[] => bytePairMerge(bytes, ranks, { operations: 0 });

function operationsFor(text: string): { length: number; operations: number } {
  const bytes = encoder.encode(text);
  const counter = { operations: 0 };
  bytePairMerge(bytes, ranks, counter);
  return { length: bytes.length, operations: counter.operations };
}

describe('bytePairMerge', () => {
  it("gives tiktoken's tokens (its quadratic loop) on random pieces", () => {
    const alphabet = fc.constantFrom(...encoder.encode(" aAbe!한\n's0\t"), 0x80, 0xff, 0xe2, 0x82);
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 300 }),
          fc.array(alphabet, { maxLength: 300 }).map((values) => Uint8Array.from(values)),
        ),
        (bytes) => {
          expect(heapMerge(bytes)).toEqual(scanBytePairMerge(bytes, ranks));
          expect(bytePairMerge(bytes, ranks)).toEqual(scanBytePairMerge(bytes, ranks));
        },
      ),
      propertyParameters(2_000),
    );
  });

  it.each(ADVERSARIAL_UNITS)("gives tiktoken's tokens on a 4 kB run of %j", (unit) => {
    const bytes = encoder.encode(unit.repeat(Math.ceil(4_096 / encoder.encode(unit).length)));
    expect(heapMerge(bytes)).toEqual(scanBytePairMerge(bytes, ranks));
  });

  it('merges every byte back: the tokens are the input', () => {
    const bytesOfRank = new Map([...ranks].map(([key, rank]) => [rank, key]));
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2_000 }), (bytes) => {
        const joined = heapMerge(bytes)
          .map((token) => bytesOfRank.get(token))
          .join('');
        expect(joined).toBe(Buffer.from(bytes).toString('latin1'));
      }),
      propertyParameters(300),
    );
  });

  // Defect 3 (0.1): the merge scanned every pair for the lowest rank at every step, n² / 2 steps on
  // a run of one character class. Counting steps bounds the complexity without timing anything.
  it.each(['a', 'A', ' ', '!', 'ab', '한', '7', 'é', '\u{1F600}'])(
    'does O(n log n) work on a long run of %j',
    (unit) => {
      const small = operationsFor(unit.repeat(Math.ceil(32_768 / encoder.encode(unit).length)));
      const large = operationsFor(unit.repeat(Math.ceil(65_536 / encoder.encode(unit).length)));
      expect(small.operations).toBeLessThan(8 * small.length * Math.log2(small.length));
      expect(large.operations).toBeLessThan(8 * large.length * Math.log2(large.length));
      // Doubling the input about doubles the work; a quadratic merge would quadruple it.
      expect(large.operations / small.operations).toBeLessThan(2.4);
    },
  );
});
