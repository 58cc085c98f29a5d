import { loadO200kHarmonyTokenizer } from '@harmony-agents/core/harmony';
import { describe, expect, it } from 'vitest';
import {
  findInPage,
  numberLines,
  quote,
  renderWindow,
  stripLinks,
  truncate,
  unquote,
  type ViewPage,
  windowEnd,
} from './page-view.js';
import { wrapLines } from './wrap-lines.js';

const tokenizer = loadO200kHarmonyTokenizer();
const byTokens = (tokens: number) => ({ type: 'tokens' as const, tokens, tokenizer: () => tokenizer });

function page(text: string, overrides: Partial<ViewPage> = {}): ViewPage {
  return {
    type: 'page',
    url: 'https://example.org/a%20b',
    title: 'A page',
    text,
    links: [],
    linkLines: [],
    ...overrides,
  };
}

describe('numberLines / renderWindow', () => {
  it('prefixes lines with L{n}: from the offset', () => {
    expect(numberLines(['a', '', 'c'], 7)).toBe('L7: a\nL8: \nL9: c');
  });

  it('renders the reference header: cursor, title, unquoted URL and scrollbar', () => {
    const lines = ['zero', 'one', 'two', 'three'];
    expect(renderWindow(page(''), lines, 3, 1, 3)).toMatchInlineSnapshot(`
      "[3] A page (https://example.org/a b)
      **viewing lines [1 - 2] of 3**

      L1: one
      L2: two"
    `);
  });

  it('omits the address when the page has none (search results)', () => {
    expect(renderWindow(page('', { url: '', title: 'my query' }), ['x'], 0, 0, 1)).toBe(
      '[0] my query\n**viewing lines [0 - 0] of 0**\n\nL0: x',
    );
  });
});

describe('windowEnd', () => {
  const lines = Array.from(
    { length: 300 },
    (_, index) => `Line ${index} says something about topic ${index % 7}.`,
  );

  it('uses num_lines when positive, clipped to the page', () => {
    expect(windowEnd(lines, 10, 5, byTokens(1024))).toBe(15);
    expect(windowEnd(lines, 298, 5, byTokens(1024))).toBe(300);
  });

  it('uses a fixed line count when configured', () => {
    expect(windowEnd(lines, 0, -1, { type: 'lines', lines: 40 })).toBe(40);
  });

  it('shows everything when the numbered text is not longer than the token budget in characters', () => {
    let calls = 0;
    const counting = () => {
      calls++;
      return tokenizer;
    };
    expect(windowEnd(['short', 'page'], 0, -1, { type: 'tokens', tokens: 1024, tokenizer: counting })).toBe(
      2,
    );
    expect(calls).toBe(0);
  });

  it('fits as many lines as the token budget reaches, rounding the last line up', () => {
    const end = windowEnd(lines, 20, -1, byTokens(100));
    expect(end).toMatchInlineSnapshot(`28`);
    const tokensOf = (from: number, to: number) =>
      tokenizer.encodeOrdinary(`${numberLines(lines.slice(from, to), from)}\n`).length;
    // The lines before the last shown one fit in the budget; the shown lines overflow it.
    expect(tokensOf(20, end - 1)).toBeLessThanOrEqual(100);
    expect(tokensOf(20, end)).toBeGreaterThan(100);
  });

  it('handles text with few characters per token past the first guess', () => {
    const dense = ['x'.repeat(40_000)];
    expect(windowEnd(dense, 0, -1, byTokens(10))).toBe(1);
  });
});

describe('stripLinks', () => {
  it('keeps the text of complete and cut-off link markers', () => {
    expect(stripLinks('see 【3†the docs†example.org】 and 【4†here】 now')).toBe('see the docs and here now');
    expect(stripLinks('link†example.org】 tail and start 【12†half')).toBe(' tail and start half');
  });
});

describe('quote / unquote / truncate', () => {
  it('match Python urllib.parse', () => {
    expect(quote('a b/é?&')).toBe('a%20b/%C3%A9%3F%26');
    expect(unquote('a%20b/%C3%A9%3F%zz%')).toBe('a b/é?%zz%');
  });

  it('truncates to the limit with an ellipsis', () => {
    expect(truncate('abcdef', 5)).toBe('ab...');
    expect(truncate('abcde', 5)).toBe('abcde');
  });
});

describe('findInPage', () => {
  const text = [
    'Intro line',
    'The 【0†Theme guide】 explains THEMES.',
    'filler 1',
    'filler 2',
    'filler 3',
    'theme again here',
    'end',
  ].join('\n');

  it('lists case-insensitive matches with four lines each, as links to the match line', () => {
    const result = findInPage('Theme', page(text));
    expect(result.title).toBe('Find results for text: `theme` in `A page`');
    expect(result.url).toBe('https://example.org/a%20b/find?pattern=theme');
    expect(result.text).toMatchInlineSnapshot(`
      "# 【0†match at L1】
      The Theme guide explains THEMES.
      filler 1
      filler 2
      filler 3

      # 【1†match at L5】
      theme again here
      end"
    `);
    expect(result.links).toEqual(['https://example.org/a%20b', 'https://example.org/a%20b']);
    expect(result.linkLines).toEqual([1, 5]);
  });

  it('reports when nothing matches', () => {
    expect(findInPage('absent', page(text)).text).toBe('No `find` results for pattern: `absent`');
  });

  it('stops at maxResults and matches on wrapped lines', () => {
    const long = `${'word '.repeat(30)}needle`;
    const result = findInPage('needle', page(`${long}\nneedle\nneedle`), { maxResults: 1, linesPerMatch: 1 });
    expect(wrapLines(long)).toHaveLength(2);
    expect(result.linkLines).toEqual([1]);
  });
});
