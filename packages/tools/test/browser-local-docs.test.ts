import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ToolContext } from '@harmony-agents/core';
import { describe, expect, it } from 'vitest';
import { createBrowserTool } from '../src/browser/browser-tool.js';
import { createLocalDocumentsProvider } from '../src/browser/local-documents-provider.js';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), 'fixtures/docs');

function browse(viewTokens?: number) {
  const browser = createBrowserTool({
    search: createLocalDocumentsProvider({ root: FIXTURES }),
    ...(viewTokens === undefined ? {} : { viewTokens }),
  });
  const context: ToolContext = {
    signal: new AbortController().signal,
    callId: 'call',
    step: 1,
    recipient: 'browser',
    channel: 'analysis',
    context: undefined,
  };
  const call = (name: 'search' | 'open' | 'find', args: unknown) =>
    browser.execute(
      { recipient: `browser.${name}`, input: JSON.stringify(args), contentType: undefined },
      context,
    );
  return { browser, call };
}

describe('browser over the local documents fixtures', () => {
  it('searches, opens a result, scrolls by token-sized windows, finds and cites', async () => {
    const { browser, call } = browse(150);
    const results = await call('search', { query: 'deploy static host' });
    expect(results.split('\n').slice(7, 9)).toEqual([
      'L4:   * 【0†Deploying a Lumen site†local】 A Lumen site is a folder of static files, ',
      'L5: so any static host can serve it. Build it with `lumen build --clean` before ',
    ]);

    const first = await call('open', { id: 0 });
    expect(first).toMatchInlineSnapshot(`
      "[1] Deploying a Lumen site (docs://local/guides/deployment.html)
      **viewing lines [0 - 13] of 20**

      L0: 
      L1: URL: docs://local/guides/deployment.html
      L2: 【0†Getting started】 · 【1†Configuration】
      L3: 
      L4: # Deploying a Lumen site
      L5: 
      L6: A Lumen site is a folder of static files, so any static host can serve it. Build
      L7:  it with \`lumen build --clean\` before every deployment so that removed notes 
      L8: disappear.
      L9: 
      L10: ## GitHub Pages
      L11: 
      L12: Set \`base_path\` to the repository name, for example \`/my-notes/\`, then push the 
      L13: \`site\` folder to the \`gh-pages\` branch."
    `);
    const next = await call('open', { loc: 14 });
    expect(next.split('\n').slice(0, 5)).toEqual([
      '[2] Deploying a Lumen site (docs://local/guides/deployment.html)',
      '**viewing lines [14 - 20] of 20**',
      '',
      'L14: ',
      'L15: ## Your own server',
    ]);

    const linked = await call('open', { id: 1, cursor: 1 });
    expect(linked.split('\n')[0]).toBe('[3] Configuration reference (docs://local/configuration.md)');

    const found = await call('find', { pattern: 'rsync', cursor: 2 });
    expect(found.split('\n').slice(3, 5)).toEqual([
      'L0: # 【0†match at L17】',
      'L1:   * Copy the `site` folder with `rsync -a site/ server:/var/www/notes/`.',
    ]);
    const atMatch = await call('open', { id: 0 });
    expect(atMatch.split('\n').slice(0, 2)).toEqual([
      '[5] Deploying a Lumen site (docs://local/guides/deployment.html)',
      '**viewing lines [13 - 20] of 20**',
    ]);

    const [citation] = browser.resolveCitations('Copy it with rsync 【5†L17】.');
    expect(citation).toMatchObject({
      url: 'docs://local/guides/deployment.html',
      lines: ['  * Copy the `site` folder with `rsync -a site/ server:/var/www/notes/`.'],
    });
  });

  it('reports documents it refuses or cannot find as text', async () => {
    const { call } = browse();
    expect(await call('open', { id: 'docs://local/../../etc/passwd' })).toBe(
      'Error fetching URL `docs://local/../../etc/passwd`: `../../etc/passwd` is outside the documents folder',
    );
    expect(await call('open', { id: 'notes/missing.md' })).toBe(
      'Error fetching URL `notes/missing.md`: No document `notes/missing.md`',
    );
    expect(await call('open', { id: 'https://example.org/' })).toBe(
      'Error fetching URL `https://example.org/`: Only documents under docs://local/ can be opened',
    );
  });
});
