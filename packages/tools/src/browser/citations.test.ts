import { describe, expect, it } from 'vitest';
import { parseCitations, replaceCitations } from './citations.js';

describe('parseCitations', () => {
  it('finds single-line and range citations with their offsets', () => {
    const text = 'Use dark mode【6†L9-L11】, or sepia 【8†L3】.';
    expect(parseCitations(text)).toEqual([
      { cursor: 6, lineStart: 9, lineEnd: 11, start: 13, end: 23, marker: '【6†L9-L11】' },
      { cursor: 8, lineStart: 3, lineEnd: 3, start: 34, end: 40, marker: '【8†L3】' },
    ]);
  });

  it('ignores link markers and malformed citations', () => {
    expect(parseCitations('【3†Theme guide】 【x†L1】 【2†L】 【4†L1-】')).toEqual([]);
  });
});

describe('replaceCitations', () => {
  it('replaces each marker with the replacement text', () => {
    expect(
      replaceCitations('a【1†L2】b【3†L4-L5】c', (c) => `[${c.cursor}:${c.lineStart}-${c.lineEnd}]`),
    ).toBe('a[1:2-2]b[3:4-5]c');
  });

  it('returns the text unchanged without citations', () => {
    expect(replaceCitations('plain', () => 'x')).toBe('plain');
  });
});
