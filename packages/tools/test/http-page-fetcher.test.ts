import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import {
  ConfigurationError,
  PageFetchError,
  type ToolContext,
  ToolInputRejectedError,
} from '@harmony-agents/core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createBrowserTool } from '../src/browser/browser-tool.js';
import { createHttpPageFetcher, type HttpPageFetcherOptions } from '../src/browser/http-page-fetcher.js';
import { createHttpFetchTool } from '../src/http-fetch-tool.js';
import type { HostResolver } from '../src/network-policy.js';

const ARTICLE = `<!DOCTYPE html><html><head><title>Static sites</title></head><body>
<nav><a href="/">Home</a></nav>
<main><h1>Static sites</h1>
<p>A static site is a folder of files. Read <a href="/plain">the plain notes</a> or
<a href="https://elsewhere.example/guide">an outside guide</a>.</p>
<ul><li>fast</li><li>cheap</li></ul></main></body></html>`;

/** A loopback HTTP server with fixture routes; counts connections and requests. */
function createFixtureServer() {
  const stats = { connections: 0, requests: [] as string[], hanging: [] as ServerResponse[] };
  const server: Server = createServer((request, response) => {
    const url = request.url ?? '/';
    stats.requests.push(url);
    const send = (
      status: number,
      type: string,
      body: string | Buffer,
      headers: Record<string, string> = {},
    ) => {
      response.writeHead(status, { 'content-type': type, ...headers });
      response.end(body);
    };
    const redirect = (location: string) => {
      response.writeHead(302, { location });
      response.end();
    };
    if (url === '/article') return send(200, 'text/html; charset=utf-8', ARTICLE);
    if (url === '/plain') return send(200, 'text/plain', 'Plain notes.\nSecond line.');
    if (url === '/notes.md') return send(200, 'text/markdown', '# Notes\nSee [the article](/article).');
    if (url === '/data.json') return send(200, 'application/json', '{"ok": true}');
    if (url === '/latin1')
      return send(200, 'text/plain; charset=iso-8859-1', Buffer.from('caf\xe9', 'latin1'));
    if (url === '/image.png') return send(200, 'image/png', Buffer.from([0x89, 0x50, 0x4e, 0x47]));
    if (url === '/gzip')
      return send(200, 'text/plain', gzipSync('Compressed notes.'), { 'content-encoding': 'gzip' });
    if (url === '/compress') return send(200, 'text/plain', 'packed', { 'content-encoding': 'compress' });
    if (url === '/missing') return send(404, 'text/html', '<p>nope</p>');
    if (url === '/to-article') return redirect('/article');
    if (url.startsWith('/chain/')) {
      const left = Number(url.slice('/chain/'.length));
      return redirect(left === 0 ? '/article' : `/chain/${left - 1}`);
    }
    if (url === '/loop') return redirect('/loop');
    if (url === '/to-elsewhere') return redirect('http://elsewhere.example/');
    if (url === '/to-localhost')
      return redirect(`http://localhost:${(server.address() as AddressInfo).port}/article`);
    if (url === '/to-file') return redirect('file:///etc/passwd');
    if (url === '/huge-declared') return send(200, 'text/plain', 'x'.repeat(5000));
    if (url === '/huge-streamed') {
      response.writeHead(200, { 'content-type': 'text/plain' });
      const chunk = 'y'.repeat(1024);
      let sent = 0;
      const pump = () => {
        while (sent < 64 && response.write(chunk)) sent++;
        if (sent < 64) response.once('drain', pump);
        else response.end();
      };
      pump();
      return;
    }
    if (url === '/slow') {
      response.writeHead(200, { 'content-type': 'text/plain' });
      response.write('the first bytes arrive, the rest never does');
      stats.hanging.push(response);
      return;
    }
    send(404, 'text/plain', 'no route');
  });
  server.on('connection', () => {
    stats.connections++;
  });
  return { server, stats };
}

const { server, stats } = createFixtureServer();
let origin: string;

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

beforeEach(() => {
  stats.connections = 0;
  stats.requests = [];
});

afterEach(() => {
  for (const response of stats.hanging.splice(0)) response.destroy();
});

const fetchOptions = { signal: new AbortController().signal, viewSource: false };
const loopback = (options: HttpPageFetcherOptions = {}) =>
  createHttpPageFetcher({ allowPrivateNetwork: true, allowlist: ['127.0.0.1'], ...options });

async function failure(promise: Promise<unknown>) {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (error instanceof ToolInputRejectedError)
    return { type: 'rejected', reason: error.reason, message: error.message };
  if (error instanceof PageFetchError) return { type: 'fetch', reason: error.reason, message: error.message };
  throw new Error(`expected a typed failure, got ${String(error)}`);
}

describe('HTTP page fetcher against a loopback server', () => {
  it('turns HTML into text with link markers', async () => {
    const page = await loopback().fetch(`${origin}/article`, fetchOptions);
    expect(page.title).toBe('Static sites');
    expect(page.links).toEqual([`${origin}/`, `${origin}/plain`, 'https://elsewhere.example/guide']);
    expect(page.text).toMatchInlineSnapshot(`
      "【0†Home】

      # Static sites

      A static site is a folder of files. Read 【1†the plain notes】 or 【2†an outside guide†elsewhere.example】.

        * fast
        * cheap"
    `);
  });

  it('reads text, Markdown and JSON, honouring the charset, and shows sources raw', async () => {
    const fetcher = loopback();
    expect((await fetcher.fetch(`${origin}/plain`, fetchOptions)).text).toBe('Plain notes.\nSecond line.');
    const markdown = await fetcher.fetch(`${origin}/notes.md`, fetchOptions);
    expect([markdown.title, markdown.text, markdown.links]).toEqual([
      'Notes',
      '# Notes\nSee 【0†the article】.',
      [`${origin}/article`],
    ]);
    expect((await fetcher.fetch(`${origin}/data.json`, fetchOptions)).text).toBe('{"ok": true}');
    expect((await fetcher.fetch(`${origin}/latin1`, fetchOptions)).text).toBe('café');
    const source = await fetcher.fetch(`${origin}/article`, { ...fetchOptions, viewSource: true });
    expect(source.text).toBe(ARTICLE);
    expect(source.links).toEqual([]);
  });

  it('follows redirects by hand, reporting the final URL', async () => {
    const page = await loopback().fetch(`${origin}/chain/2`, fetchOptions);
    expect(page.url).toBe(`${origin}/article`);
    expect(stats.requests).toEqual(['/chain/2', '/chain/1', '/chain/0', '/article']);
  });

  it('stops redirect loops and long chains', async () => {
    expect(await failure(loopback({ maxRedirects: 3 }).fetch(`${origin}/loop`, fetchOptions))).toEqual({
      type: 'rejected',
      reason: 'too_many_redirects',
      message: 'Too many redirects (more than 3)',
    });
    expect(stats.requests).toEqual(['/loop', '/loop', '/loop', '/loop']);
    expect(
      await failure(loopback({ maxRedirects: 2 }).fetch(`${origin}/chain/5`, fetchOptions)),
    ).toMatchObject({
      reason: 'too_many_redirects',
    });
  });

  it('re-checks every redirect hop against the allowlist and scheme before connecting', async () => {
    const resolved: string[] = [];
    const resolver: HostResolver = async (hostname) => {
      resolved.push(hostname);
      return ['127.0.0.1'];
    };
    const fetcher = loopback({ resolver });
    expect(await failure(fetcher.fetch(`${origin}/to-elsewhere`, fetchOptions))).toEqual({
      type: 'rejected',
      reason: 'not_allowed',
      message: 'Host `elsewhere.example` is not in the allowlist',
    });
    expect(await failure(fetcher.fetch(`${origin}/to-localhost`, fetchOptions))).toMatchObject({
      reason: 'not_allowed',
    });
    expect(await failure(fetcher.fetch(`${origin}/to-file`, fetchOptions))).toMatchObject({
      reason: 'unsupported_protocol',
    });
    expect(stats.requests).toEqual(['/to-elsewhere', '/to-localhost', '/to-file']);
    expect(resolved).toEqual([]);
    const both = loopback({ allowlist: ['127.0.0.1', 'localhost'] });
    expect((await both.fetch(`${origin}/to-localhost`, fetchOptions)).title).toBe('Static sites');
  });

  it('decompresses gzip bodies and refuses content encodings it cannot undo', async () => {
    expect((await loopback().fetch(`${origin}/gzip`, fetchOptions)).text).toBe('Compressed notes.');
    expect(await failure(loopback().fetch(`${origin}/compress`, fetchOptions))).toEqual({
      type: 'rejected',
      reason: 'unsupported_encoding',
      message: 'Unsupported content encoding `compress`',
    });
  });

  it('refuses responses over maxBytes, by header and while streaming', async () => {
    const fetcher = loopback({ maxBytes: 4096 });
    expect(await failure(fetcher.fetch(`${origin}/huge-declared`, fetchOptions))).toEqual({
      type: 'rejected',
      reason: 'too_large',
      message: `The response from \`${origin}/huge-declared\` is larger than the limit of 4096 bytes`,
    });
    expect(await failure(fetcher.fetch(`${origin}/huge-streamed`, fetchOptions))).toMatchObject({
      reason: 'too_large',
    });
  });

  it('times out slow responses', async () => {
    expect(await failure(loopback({ timeoutMs: 200 }).fetch(`${origin}/slow`, fetchOptions))).toEqual({
      type: 'fetch',
      reason: 'timeout',
      message: 'Timed out after 200 ms',
    });
  });

  it("rethrows the caller's abort reason", async () => {
    const controller = new AbortController();
    const pending = loopback().fetch(`${origin}/slow`, { signal: controller.signal, viewSource: false });
    setTimeout(() => controller.abort(new Error('user cancelled')), 50);
    await expect(pending).rejects.toThrow('user cancelled');
  });

  it('rejects non-text content, error statuses, bad URLs and closed ports', async () => {
    const fetcher = loopback();
    expect(await failure(fetcher.fetch(`${origin}/image.png`, fetchOptions))).toEqual({
      type: 'rejected',
      reason: 'unsupported_content_type',
      message: 'Unsupported content type `image/png`: only HTML and text can be shown',
    });
    expect(await failure(fetcher.fetch(`${origin}/missing`, fetchOptions))).toEqual({
      type: 'fetch',
      reason: 'http_status',
      message: 'HTTP 404 Not Found',
    });
    expect(await failure(fetcher.fetch('not a url', fetchOptions))).toMatchObject({ reason: 'invalid_url' });
    expect(await failure(fetcher.fetch('ftp://127.0.0.1/x', fetchOptions))).toMatchObject({
      reason: 'unsupported_protocol',
    });
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    expect(await failure(fetcher.fetch(`http://127.0.0.1:${port}/`, fetchOptions))).toMatchObject({
      type: 'fetch',
      reason: 'network',
    });
  });
});

describe('HTTP page fetcher address rules', () => {
  it('refuses loopback and private addresses by default, without connecting', async () => {
    const resolved: string[] = [];
    const resolver: HostResolver = async (hostname) => {
      resolved.push(hostname);
      return hostname === 'intranet.test' ? ['10.0.0.7'] : ['93.184.216.34', '127.0.0.1'];
    };
    const fetcher = createHttpPageFetcher({ resolver });
    const port = (server.address() as AddressInfo).port;
    expect(await failure(fetcher.fetch(`${origin}/article`, fetchOptions))).toEqual({
      type: 'rejected',
      reason: 'private_address',
      message: 'Refusing to connect to `127.0.0.1`: it resolves to the non-public address 127.0.0.1',
    });
    expect(await failure(fetcher.fetch(`http://[::1]:${port}/article`, fetchOptions))).toMatchObject({
      reason: 'private_address',
    });
    expect(await failure(fetcher.fetch(`http://intranet.test:${port}/article`, fetchOptions))).toMatchObject({
      reason: 'private_address',
    });
    expect(await failure(fetcher.fetch(`http://rebinding.test:${port}/article`, fetchOptions))).toMatchObject(
      {
        reason: 'private_address',
      },
    );
    expect(resolved).toEqual(['intranet.test', 'rebinding.test']);
    expect(stats.connections).toBe(0);
    expect(stats.requests).toEqual([]);
  });

  it('checks the allowlist before resolving anything', async () => {
    const resolved: string[] = [];
    const fetcher = createHttpPageFetcher({
      allowlist: ['docs.example.org'],
      resolver: async (hostname) => {
        resolved.push(hostname);
        return ['93.184.216.34'];
      },
    });
    expect(await failure(fetcher.fetch('http://intranet.test/', fetchOptions))).toMatchObject({
      reason: 'not_allowed',
    });
    expect(resolved).toEqual([]);
    expect(stats.connections).toBe(0);
    expect(stats.requests).toEqual([]);
  });
});

describe('browser tool with the HTTP page fetcher', () => {
  const context: ToolContext = {
    signal: new AbortController().signal,
    callId: 'call-1',
    step: 1,
    recipient: 'browser.open',
    channel: 'analysis',
    context: undefined,
  };

  it('opens URLs and links, and shows fetch failures to the model as text', async () => {
    const browser = createBrowserTool({ search: { search: async () => [] }, fetch: loopback() });
    const open = (args: unknown) =>
      browser.execute(
        { recipient: 'browser.open', input: JSON.stringify(args), contentType: undefined },
        context,
      );
    const page = await open({ id: `${origin}/article` });
    expect(page.split('\n').slice(0, 5)).toEqual([
      `[0] Static sites (${origin}/article)`,
      '**viewing lines [0 - 10] of 10**',
      '',
      'L0: ',
      `L1: URL: ${origin}/article`,
    ]);
    expect(await open({ id: 1 })).toMatch(/^\[1\] plain \(http:\/\/127\.0\.0\.1:\d+\/plain\)/);
    expect(await open({ id: 2, cursor: 0 })).toBe(
      'Error fetching URL `https://elsewhere.example/guide`: Host `elsewhere.example` is not in the allowlist',
    );
    expect(await open({ id: `${origin}/image.png` })).toBe(
      `Error fetching URL \`${origin}/image.png\`: Unsupported content type \`image/png\`: only HTML and text can be shown`,
    );
    expect(browser.currentCursor).toBe(1);
  });
});

describe('createHttpPageFetcher options', () => {
  it.each([
    ['maxBytes', 0],
    ['maxBytes', -1],
    ['maxBytes', 1.5],
    ['maxBytes', Number.NaN],
    ['maxBytes', Number.POSITIVE_INFINITY],
    ['timeoutMs', 0],
    ['timeoutMs', Number.NaN],
    ['timeoutMs', 2.5],
    ['maxRedirects', -1],
    ['maxRedirects', 0.5],
    ['maxRedirects', Number.POSITIVE_INFINITY],
  ] as const)('refuses %s = %s with the ConfigurationError http_fetch throws', (name, value) => {
    const fetchError = captured(() => createHttpFetchTool({ allowlist: ['example.com'], [name]: value }));
    const pageError = captured(() => createHttpPageFetcher({ [name]: value }));
    expect(fetchError).toBeInstanceOf(ConfigurationError);
    expect(pageError).toBeInstanceOf(ConfigurationError);
    expect((pageError as ConfigurationError).code).toBe((fetchError as ConfigurationError).code);
    expect((pageError as Error).message).toContain(name);
  });

  it('accepts the smallest valid values', () => {
    expect(() => createHttpPageFetcher({ maxBytes: 1, timeoutMs: 1, maxRedirects: 0 })).not.toThrow();
  });
});

function captured(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  return undefined;
}
