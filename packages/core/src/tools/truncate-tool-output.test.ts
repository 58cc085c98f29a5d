import { describe, expect, it } from 'vitest';
import { loadO200kHarmonyTokenizer } from '../harmony/tokenizer.js';
import { truncateToolOutput } from './truncate-tool-output.js';

const tokenizer = loadO200kHarmonyTokenizer();
const count = (text: string) => tokenizer.encodeOrdinary(text).length;

describe('truncateToolOutput', () => {
  it('keeps output within the limit unchanged', () => {
    expect(truncateToolOutput('short result', 100, tokenizer)).toBe('short result');
    const exact = 'word '.repeat(20);
    expect(truncateToolOutput(exact, count(exact), tokenizer)).toBe(exact);
  });

  it('cuts a long result to the limit, marker included, and says how much was shown', () => {
    const long = Array.from({ length: 500 }, (_, index) => `line ${index}`).join('\n');
    const cut = truncateToolOutput(long, 60, tokenizer);
    expect(count(cut)).toBeLessThanOrEqual(60);
    const marker = /\n\[truncated: the result has (\d+) tokens; only the first (\d+) are shown\]$/u.exec(cut);
    expect(marker?.[1]).toBe(String(count(long)));
    const shown = cut.slice(0, marker!.index);
    expect(long.startsWith(shown)).toBe(true);
    expect(Number(marker?.[2])).toBe(count(shown));
  });

  it('never cuts inside a character', () => {
    const emoji = '🌧️ rain in Seoul 🌧️ '.repeat(50);
    const cut = truncateToolOutput(emoji, 40, tokenizer);
    const shown = cut.slice(0, cut.indexOf('\n[truncated'));
    expect(shown).not.toContain('\uFFFD');
    expect(emoji.startsWith(shown)).toBe(true);
  });
});
