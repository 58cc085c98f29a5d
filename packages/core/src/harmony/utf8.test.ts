import { describe, expect, it } from 'vitest';
import { decodeUtf8Lossy, describeUtf8Problem, findUtf8Problem } from './utf8.js';

const strict = new TextDecoder('utf-8', { fatal: true });

function problem(...bytes: number[]) {
  return findUtf8Problem(new Uint8Array(bytes), 0, bytes.length);
}

describe('findUtf8Problem (Rust Utf8Error semantics)', () => {
  it('accepts valid UTF-8', () => {
    expect(problem(...new TextEncoder().encode('a é € 💖'))).toBeNull();
    expect(problem()).toBeNull();
  });

  it('reports invalid sequences with their length and incomplete ones with null', () => {
    expect(problem(0x61, 0x80)).toEqual({ validUpTo: 1, errorLength: 1 });
    expect(problem(0xc0, 0x80)).toEqual({ validUpTo: 0, errorLength: 1 });
    expect(problem(0xe0, 0x80, 0x80)).toEqual({ validUpTo: 0, errorLength: 1 });
    expect(problem(0xed, 0xa0, 0x80)).toEqual({ validUpTo: 0, errorLength: 1 });
    expect(problem(0xf4, 0x90, 0x80, 0x80)).toEqual({ validUpTo: 0, errorLength: 1 });
    expect(problem(0xe2, 0x82, 0x41)).toEqual({ validUpTo: 0, errorLength: 2 });
    expect(problem(0xf0, 0x9f, 0x92, 0x41)).toEqual({ validUpTo: 0, errorLength: 3 });
    expect(problem(0x20, 0xf0, 0x9f)).toEqual({ validUpTo: 1, errorLength: null });
    expect(problem(0xe2, 0x82)).toEqual({ validUpTo: 0, errorLength: null });
    expect(problem(0xe0)).toEqual({ validUpTo: 0, errorLength: null });
    expect(problem(0xe0, 0x80)).toEqual({ validUpTo: 0, errorLength: 1 });
  });

  it('agrees with the WHATWG decoder on random bytes (valid prefix, maximal invalid subpart)', () => {
    let seed = 7;
    const next = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed;
    };
    for (let round = 0; round < 3000; round++) {
      const length = next() % 8;
      const bytes = new Uint8Array(length);
      for (let index = 0; index < length; index++)
        bytes[index] = next() % 4 === 0 ? next() % 128 : 0x80 + (next() % 128);
      const found = findUtf8Problem(bytes, 0, length);
      if (found === null) {
        expect(() => strict.decode(bytes)).not.toThrow();
        continue;
      }
      expect(() => strict.decode(bytes.subarray(0, found.validUpTo))).not.toThrow();
      const rest = bytes.subarray(found.validUpTo);
      if (found.errorLength === null) {
        expect(decodeUtf8Lossy(rest)).toBe('\uFFFD');
        expect(() => new TextDecoder('utf-8', { fatal: true }).decode(rest, { stream: true })).not.toThrow();
      } else {
        expect(decodeUtf8Lossy(rest)).toBe(`\uFFFD${decodeUtf8Lossy(rest.subarray(found.errorLength))}`);
      }
    }
  });

  it('checks only the given range and describes problems like Rust', () => {
    expect(findUtf8Problem(new Uint8Array([0x80, 0x61, 0x62, 0xff]), 1, 3)).toBeNull();
    expect(describeUtf8Problem({ validUpTo: 3, errorLength: 1 })).toBe(
      'invalid utf-8 sequence of 1 bytes from index 3',
    );
    expect(describeUtf8Problem({ validUpTo: 1, errorLength: null })).toBe(
      'incomplete utf-8 byte sequence from index 1',
    );
  });
});
