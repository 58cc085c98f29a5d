import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigurationError, PageFetchError, ToolInputRejectedError } from '@harmony-agents/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalDocumentsProvider } from '../src/browser/local-documents-provider.js';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), 'fixtures/docs');
const options = { signal: new AbortController().signal, viewSource: false };
const searchOptions = { signal: new AbortController().signal, topN: 10 };

async function failure(
  promise: Promise<unknown>,
): Promise<{ type: string; reason: string; message: string }> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (error instanceof ToolInputRejectedError)
    return { type: 'rejected', reason: error.reason, message: error.message };
  if (error instanceof PageFetchError) return { type: 'fetch', reason: error.reason, message: error.message };
  throw new Error(`expected a typed failure, got ${String(error)}`);
}

describe('local documents provider over the fixture folder', () => {
  const docs = createLocalDocumentsProvider({ root: FIXTURES });

  it('indexes Markdown, text and HTML files in path order', async () => {
    expect(await docs.documentUrls()).toEqual([
      'docs://local/configuration.md',
      'docs://local/faq.txt',
      'docs://local/getting-started.md',
      'docs://local/guides/deployment.html',
    ]);
  });

  it('finds documents by content and title, best first, with a snippet around the match', async () => {
    const results = await docs.search('deploy static host', searchOptions);
    expect(results[0]).toEqual({
      url: 'docs://local/guides/deployment.html',
      title: 'Deploying a Lumen site',
      snippet:
        'A Lumen site is a folder of static files, so any static host can serve it. Build it with `lumen build --clean` before every deployment so that removed notes disappear.',
    });
    const theme = (await docs.search('LUMEN_THEME', searchOptions)).map((result) => result.url);
    expect(theme.slice(0, 2).sort()).toEqual(['docs://local/configuration.md', 'docs://local/faq.txt']);
    expect(await docs.search('theme', { ...searchOptions, topN: 1 })).toHaveLength(1);
    expect(await docs.search('zebra', searchOptions)).toEqual([]);
  });

  it('opens documents by URL or relative path, resolving their links to document URLs', async () => {
    const page = await docs.fetch('docs://local/getting-started.md', options);
    expect(page.title).toBe('Getting started with Lumen');
    expect(page.links).toEqual([
      'docs://local/configuration.md',
      'docs://local/guides/deployment.html',
      'https://example.org/lumen',
    ]);
    expect(page.text).toContain('Read 【0†the configuration guide】 to change the theme, and');
    const html = await docs.fetch('guides/deployment.html', options);
    expect(html.url).toBe('docs://local/guides/deployment.html');
    expect(html.links.slice(0, 2)).toEqual([
      'docs://local/getting-started.md',
      'docs://local/configuration.md',
    ]);
    expect(html.text).not.toContain('analyticsEnabled');
    const source = await docs.fetch('guides/deployment.html', { ...options, viewSource: true });
    expect(source.text).toContain('<script>window.analyticsEnabled = true;</script>');
  });

  it('refuses other schemes, unknown types and missing documents', async () => {
    expect(await failure(docs.fetch('https://example.org/', options))).toMatchObject({
      reason: 'unsupported_url',
    });
    expect(await failure(docs.fetch('docs://local/lumen.toml', options))).toMatchObject({
      reason: 'unsupported_type',
    });
    expect(await failure(docs.fetch('docs://local/missing.md', options))).toEqual({
      type: 'fetch',
      reason: 'not_found',
      message: 'No document `missing.md`',
    });
    expect(await failure(docs.fetch('docs://local/guides.md', options))).toMatchObject({
      reason: 'not_found',
    });
  });

  it('honours an aborted signal', async () => {
    const controller = new AbortController();
    controller.abort(new Error('stop'));
    await expect(docs.search('theme', { topN: 3, signal: controller.signal })).rejects.toThrow('stop');
  });

  it('rejects a root that is not a folder', () => {
    expect(() => createLocalDocumentsProvider({ root: join(FIXTURES, 'faq.txt') })).toThrow(
      ConfigurationError,
    );
    expect(() => createLocalDocumentsProvider({ root: join(FIXTURES, 'nope') })).toThrow(ConfigurationError);
    expect(() => createLocalDocumentsProvider({ root: FIXTURES, baseUrl: 'no scheme' })).toThrow(
      ConfigurationError,
    );
  });
});

describe('local documents provider safety', () => {
  let base: string;
  let root: string;

  beforeAll(() => {
    base = mkdtempSync(join(tmpdir(), 'browser-docs-'));
    root = join(base, 'root');
    const outside = join(base, 'outside');
    mkdirSync(join(root, 'sub'), { recursive: true });
    mkdirSync(outside);
    writeFileSync(join(outside, 'secret.md'), '# Secret\nThe launch code is swordfish.\n');
    writeFileSync(join(root, 'notes.md'), '# Notes\nPublic notes about penguins.\n');
    writeFileSync(join(root, 'sub', 'inner.md'), '# Inner\nMore about penguins.\n');
    writeFileSync(join(root, '.hidden.md'), '# Hidden\npenguins in hiding\n');
    writeFileSync(join(root, 'binary.txt'), Buffer.from([0x70, 0x65, 0x6e, 0x00, 0x01, 0x02, 0x67, 0x75]));
    writeFileSync(join(root, 'latin1.txt'), Buffer.from('penguins caf\xe9', 'latin1'));
    writeFileSync(join(root, 'huge.md'), `# Huge\n${'penguins '.repeat(500)}`);
    symlinkSync(join(outside, 'secret.md'), join(root, 'escape.md'));
    symlinkSync(outside, join(root, 'linked-outside'));
    symlinkSync(join(root, 'notes.md'), join(root, 'alias.md'));
    symlinkSync(root, join(root, 'sub', 'loop'));
  });

  afterAll(() => {
    rmSync(base, { recursive: true, force: true });
  });

  const provider = () => createLocalDocumentsProvider({ root, maxFileBytes: 1000, baseUrl: 'kb://notes' });

  it('indexes only regular text files inside the root, skipping hidden, binary, oversized and escaping files', async () => {
    const docs = provider();
    expect(docs.baseUrl).toBe('kb://notes/');
    expect(await docs.documentUrls()).toEqual([
      'kb://notes/alias.md',
      'kb://notes/notes.md',
      'kb://notes/sub/inner.md',
    ]);
    expect(await docs.search('swordfish', searchOptions)).toEqual([]);
    const titles = (await docs.search('penguins', searchOptions)).map((result) => result.title);
    expect(titles.sort()).toEqual(['Inner', 'Notes', 'Notes']);
  });

  it('refuses to open anything outside the root', async () => {
    const docs = provider();
    for (const url of [
      'kb://notes/escape.md',
      'kb://notes/linked-outside/secret.md',
      'kb://notes/..%2Foutside%2Fsecret.md',
      'kb://notes/sub/..%2F..%2Foutside/secret.md',
      'kb://notes/../outside/secret.md',
      '../outside/secret.md',
      'sub/../../outside/secret.md',
    ]) {
      expect(await failure(docs.fetch(url, options)), url).toMatchObject({
        type: 'rejected',
        reason: 'outside_root',
      });
    }
    expect(await failure(docs.fetch('/outside/secret.md', options))).toMatchObject({ reason: 'not_found' });
  });

  it('refuses binary and oversized files, and opens links that stay inside', async () => {
    const docs = provider();
    expect(await failure(docs.fetch('binary.txt', options))).toEqual({
      type: 'rejected',
      reason: 'binary_file',
      message: '`binary.txt` is a binary file',
    });
    expect(await failure(docs.fetch('latin1.txt', options))).toMatchObject({ reason: 'binary_file' });
    expect(await failure(docs.fetch('huge.md', options))).toMatchObject({ reason: 'too_large' });
    expect((await docs.fetch('alias.md', options)).title).toBe('Notes');
    expect((await docs.fetch('sub/loop/notes.md', options)).url).toBe('kb://notes/sub/loop/notes.md');
  });

  it('sees new files after refresh()', async () => {
    const docs = provider();
    expect(await docs.search('walrus', searchOptions)).toEqual([]);
    writeFileSync(join(root, 'walrus.md'), '# Walrus\nA walrus appears.\n');
    expect(await docs.search('walrus', searchOptions)).toEqual([]);
    docs.refresh();
    expect((await docs.search('walrus', searchOptions)).map((result) => result.url)).toEqual([
      'kb://notes/walrus.md',
    ]);
  });
});
