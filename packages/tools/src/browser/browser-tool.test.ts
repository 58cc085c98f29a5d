import { ConfigurationError, type ToolContext } from '@harmony-agents/core';
import { describe, expect, it } from 'vitest';
import { type BrowserTool, type BrowserToolOptions, createBrowserTool } from './browser-tool.js';
import type { BrowserPage, PageFetcher, SearchProvider, SearchResult } from './search-provider.js';

/** A small in-memory web: a real search provider and page fetcher over fixed pages. */
function createMemoryWeb(pages: readonly BrowserPage[]) {
  const fetched: string[] = [];
  const queries: { query: string; topN: number }[] = [];
  const search: SearchProvider & PageFetcher = {
    async search(query, { topN }) {
      queries.push({ query, topN });
      const words = query.toLowerCase().split(/\s+/);
      return pages
        .filter((page) => words.some((word) => page.text.toLowerCase().includes(word)))
        .slice(0, topN)
        .map(
          (page): SearchResult => ({ url: page.url, title: page.title, snippet: page.text.split('\n')[0]! }),
        );
    },
    async fetch(url, { viewSource }) {
      fetched.push(url);
      const page = pages.find((candidate) => candidate.url === url);
      if (page === undefined) throw new Error(`404 for ${url}`);
      return viewSource ? { ...page, text: `<raw>${page.text}</raw>`, links: [] } : page;
    },
  };
  return { search, fetched, queries };
}

const THEMES: BrowserPage = {
  url: 'https://lumen.example/themes',
  title: 'Themes',
  text: [
    'Lumen ships three themes: light, dark and sepia.',
    '',
    'Pick one with the theme key of lumen.toml, or see 【0†configuration】.',
    'Other sites document 【1†colour schemes†colors.example】 in depth.',
    ...Array.from({ length: 16 }, (_, index) => `Filler line ${index}.`),
    'The LUMEN_THEME variable overrides the theme key for one build.',
  ].join('\n'),
  links: ['https://lumen.example/configuration', 'https://colors.example/schemes'],
};
const CONFIGURATION: BrowserPage = {
  url: 'https://lumen.example/configuration',
  title: 'Configuration',
  text: 'Every key of lumen.toml is optional.\nThe theme key defaults to light.',
  links: [],
};

function context(signal: AbortSignal = new AbortController().signal): ToolContext {
  return { signal, callId: 'call-1', step: 1, recipient: 'browser', channel: 'analysis', context: undefined };
}

function setup(options: Partial<BrowserToolOptions> = {}) {
  const web = createMemoryWeb([THEMES, CONFIGURATION]);
  const browser = createBrowserTool({ search: web.search, viewLines: 8, ...options });
  const call = (name: string, args: unknown, signal?: AbortSignal) =>
    browser.execute(
      {
        recipient: `browser.${name}`,
        input: typeof args === 'string' ? args : JSON.stringify(args),
        contentType: undefined,
      },
      context(signal),
    );
  return { browser, web, call };
}

describe('browser.search', () => {
  it('shows numbered results with link ids, as the reference renders search pages', async () => {
    const { call, web } = setup();
    expect(await call('search', { query: 'theme' })).toMatchInlineSnapshot(`
      "[0] theme
      **viewing lines [0 - 5] of 5**

      L0: 
      L1: URL: 
      L2: # Search Results
      L3: 
      L4:   * 【0†Themes†lumen.example】 Lumen ships three themes: light, dark and sepia.
      L5:   * 【1†Configuration†lumen.example】 Every key of lumen.toml is optional."
    `);
    expect(web.queries).toEqual([{ query: 'theme', topN: 10 }]);
  });

  it('asks for topn results, capped by maxSearchResults', async () => {
    const { call, web } = setup({ maxSearchResults: 5 });
    await call('search', { query: 'x', topn: 3 });
    await call('search', { query: 'x', topn: 50 });
    await call('search', { query: 'x' });
    expect(web.queries.map((query) => query.topN)).toEqual([3, 5, 5]);
  });

  it('cleans titles and snippets, merges duplicate URLs and keeps result order', async () => {
    const results: SearchResult[] = [
      {
        url: 'https://a.example/x',
        title: 'Odd 【title】 with † dagger',
        snippet: '  spread\n  over lines ',
      },
      { url: 'https://a.example/x', title: 'Same URL', snippet: '' },
      { url: 'not a url', title: '', snippet: 'no host' },
    ];
    const browser = createBrowserTool({ search: { search: async () => results }, viewLines: 20 });
    const text = await browser.execute(
      { recipient: 'browser.search', input: '{"query":"odd"}', contentType: undefined },
      context(),
    );
    expect(text.split('\n').slice(7)).toEqual([
      'L4:   * 【0†Odd 〖title〗 with ‡ dagger†a.example】 spread over lines',
      'L5:   * 【0†Same URL†a.example】',
      'L6:   * 【1†not a url】 no host',
    ]);
  });

  it('reports provider failures as text and keeps the session', async () => {
    const browser = createBrowserTool({
      search: {
        search: async () => {
          throw new Error('quota exceeded');
        },
      },
    });
    const text = await browser.execute(
      { recipient: 'browser.search', input: '{"query":"lumen"}', contentType: undefined },
      context(),
    );
    expect(text).toBe('Error during search for `lumen`: quota exceeded');
    expect(browser.currentCursor).toBe(-1);
  });
});

describe('browser.open', () => {
  it('opens a result by id as a line-numbered window under a new cursor', async () => {
    const { call } = setup();
    await call('search', { query: 'theme' });
    expect(await call('open', { id: 0 })).toMatchInlineSnapshot(`
      "[1] Themes (https://lumen.example/themes)
      **viewing lines [0 - 7] of 22**

      L0: 
      L1: URL: https://lumen.example/themes
      L2: Lumen ships three themes: light, dark and sepia.
      L3: 
      L4: Pick one with the theme key of lumen.toml, or see 【0†configuration】.
      L5: Other sites document 【1†colour schemes†colors.example】 in depth.
      L6: Filler line 0.
      L7: Filler line 1."
    `);
  });

  it('scrolls with loc / num_lines, each view getting its own cursor', async () => {
    const { call, browser } = setup();
    await call('search', { query: 'theme' });
    await call('open', { id: 0 });
    expect(await call('open', { loc: 21, num_lines: 2 })).toMatchInlineSnapshot(`
      "[2] Themes (https://lumen.example/themes)
      **viewing lines [21 - 22] of 22**

      L21: Filler line 15.
      L22: The LUMEN_THEME variable overrides the theme key for one build."
    `);
    expect(await call('open', { cursor: 0, loc: 4 })).toMatch(
      /^\[3\] theme\n\*\*viewing lines \[4 - 5\] of 5\*\*/,
    );
    expect(browser.currentCursor).toBe(3);
  });

  it('follows a link of an earlier page given its cursor, using the page cache', async () => {
    const { call, web } = setup();
    await call('search', { query: 'theme' });
    await call('open', { id: 0 });
    await call('open', { id: 1, cursor: 0 });
    expect(await call('open', { id: 0, cursor: 1 })).toMatchInlineSnapshot(`
      "[3] Configuration (https://lumen.example/configuration)
      **viewing lines [0 - 3] of 3**

      L0: 
      L1: URL: https://lumen.example/configuration
      L2: Every key of lumen.toml is optional.
      L3: The theme key defaults to light."
    `);
    expect(web.fetched).toEqual(['https://lumen.example/themes', 'https://lumen.example/configuration']);
  });

  it('fetches a URL given as id again (a refresh) and shows its source on request', async () => {
    const { call, web } = setup();
    await call('open', { id: 'https://lumen.example/configuration' });
    await call('open', { id: 'https://lumen.example/configuration' });
    expect(web.fetched).toHaveLength(2);
    expect(
      await call('open', { id: 'https://lumen.example/configuration', view_source: true }),
    ).toMatchInlineSnapshot(`
      "[2] Configuration (view-source:https://lumen.example/configuration)
      **viewing lines [0 - 3] of 3**

      L0: 
      L1: URL: https://lumen.example/configuration
      L2: <raw>Every key of lumen.toml is optional.
      L3: The theme key defaults to light.</raw>"
    `);
  });

  it('reports bad ids, cursors and locations with the reference texts, without pushing a page', async () => {
    const { call, browser } = setup();
    expect(await call('open', {})).toBe('No pages to access!');
    await call('search', { query: 'theme' });
    expect(await call('open', { id: 7 })).toBe('Invalid link id `7`.');
    expect(await call('open', { cursor: 4 })).toBe(
      'Cursor `4` is out of range. Available cursor indices: [0 - 0].',
    );
    expect(await call('open', { loc: 6 })).toBe(
      'Invalid location parameter: `6`. Cannot exceed page maximum of 5.',
    );
    expect(await call('open', { id: 'https://lumen.example/missing' })).toBe(
      'Error fetching URL `https://lumen.example/missing`: 404 for https://lumen.example/missing',
    );
    expect(browser.currentCursor).toBe(0);
  });

  it('explains that URLs cannot be opened without a page fetcher', async () => {
    const browser = createBrowserTool({ search: { search: async () => [] } });
    const text = await browser.execute(
      { recipient: 'browser.open', input: '{"id":"https://x.example/"}', contentType: undefined },
      context(),
    );
    expect(text).toBe(
      'Error fetching URL `https://x.example/`: this browser has no page fetcher; pass `fetch` to createBrowserTool',
    );
  });
});

describe('browser.find', () => {
  it('lists matches as links that open the page just above the match', async () => {
    const { call } = setup();
    await call('open', { id: 'https://lumen.example/themes' });
    expect(await call('find', { pattern: 'LUMEN_theme' })).toMatchInlineSnapshot(`
      "[1] Find results for text: \`lumen_theme\` in \`Themes\` (https://lumen.example/themes/find?pattern=lumen_theme)
      **viewing lines [0 - 1] of 1**

      L0: # 【0†match at L22】
      L1: The LUMEN_THEME variable overrides the theme key for one build."
    `);
    expect(await call('open', { id: 0 })).toMatch(
      /^\[2\] Themes \(https:\/\/lumen.example\/themes\)\n\*\*viewing lines \[18 - 22\] of 22\*\*/,
    );
  });

  it('refuses search and find result pages', async () => {
    const { call } = setup();
    await call('search', { query: 'theme' });
    expect(await call('find', { pattern: 'x' })).toBe(
      'Cannot run `find` on search results page or find results page',
    );
    await call('open', { id: 0 });
    await call('find', { pattern: 'theme' });
    expect(await call('find', { pattern: 'theme' })).toBe(
      'Cannot run `find` on search results page or find results page',
    );
    expect(await call('find', { pattern: 'sepia', cursor: 1 })).toMatch(
      /^\[3\] Find results for text: `sepia`/,
    );
  });
});

describe('session state', () => {
  it('resolves citations to the cited pages and lines', async () => {
    const { call, browser } = setup();
    await call('search', { query: 'theme' });
    await call('open', { id: 0 });
    const [citation, ...rest] = browser.resolveCitations(
      'Use LUMEN_THEME【1†L22】 or sepia【1†L2-L3】, see 【9†L1】.',
    );
    expect(rest).toHaveLength(1);
    expect(citation).toMatchObject({
      cursor: 1,
      url: 'https://lumen.example/themes',
      title: 'Themes',
      lines: ['The LUMEN_THEME variable overrides the theme key for one build.'],
    });
    expect(rest[0]!.lines).toEqual(['Lumen ships three themes: light, dark and sepia.', '']);
  });

  it('saves, restores (through JSON) and resets the page stack', async () => {
    const { call, browser } = setup();
    await call('search', { query: 'theme' });
    await call('open', { id: 1 });
    const saved = JSON.parse(JSON.stringify(browser.saveState()));
    const other: BrowserTool = createBrowserTool({
      search: createMemoryWeb([]).search,
      viewLines: 8,
      state: saved,
    });
    expect(other.currentCursor).toBe(1);
    const scrolled = await other.execute(
      { recipient: 'browser.open', input: '{"loc":3}', contentType: undefined },
      context(),
    );
    expect(scrolled).toMatch(/^\[2\] Configuration/);
    browser.reset();
    expect(browser.currentCursor).toBe(-1);
    expect(await call('open', {})).toBe('No pages to access!');
    browser.restoreState(saved);
    expect(browser.currentCursor).toBe(1);
  });
});

describe('errors and cancellation', () => {
  it('answers malformed calls with the reference JSON errors', async () => {
    const { call } = setup();
    expect(await call('search', '{"query": "unterminated')).toBe('{"error": "Invalid function arguments"}');
    expect(await call('navigate', {})).toBe('{"error": "Unknown function: navigate"}');
    expect(await call('search', {})).toBe('Missing required argument `query`.');
  });

  it('rethrows when the call is aborted instead of reporting a fetch error', async () => {
    const controller = new AbortController();
    const slow: SearchProvider = {
      search: (_query, { signal }) =>
        new Promise((_resolve, reject) =>
          signal.addEventListener('abort', () => reject(signal.reason), { once: true }),
        ),
    };
    const browser = createBrowserTool({ search: slow });
    const pending = browser.execute(
      { recipient: 'browser.search', input: '{"query":"x"}', contentType: undefined },
      context(controller.signal),
    );
    controller.abort(new Error('run cancelled'));
    await expect(pending).rejects.toThrow('run cancelled');
    expect(browser.currentCursor).toBe(-1);
  });

  it('sizes windows by tokens by default', async () => {
    const long: BrowserPage = {
      url: 'https://lumen.example/long',
      title: 'Long',
      text: Array.from({ length: 400 }, (_, index) => `Sentence number ${index} about static sites.`).join(
        '\n',
      ),
      links: [],
    };
    const browser = createBrowserTool({ search: createMemoryWeb([long]).search, viewTokens: 120 });
    const text = await browser.execute(
      { recipient: 'browser.open', input: JSON.stringify({ id: long.url }), contentType: undefined },
      context(),
    );
    expect(text.split('\n')[1]).toMatchInlineSnapshot(`"**viewing lines [0 - 11] of 401**"`);
  });

  it('rejects invalid options before any call', () => {
    const search: SearchProvider = { search: async () => [] };
    expect(() => createBrowserTool({ search, viewTokens: 0 })).toThrow(ConfigurationError);
    expect(() => createBrowserTool({ search, viewLines: 2.5 })).toThrow(ConfigurationError);
    expect(() => createBrowserTool({ search, maxSearchResults: -1 })).toThrow(ConfigurationError);
  });
});
