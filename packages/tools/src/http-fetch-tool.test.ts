import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  ConfigurationError,
  type FunctionTool,
  type ToolContext,
  ToolExecutionError,
  ToolInputRejectedError,
} from '@harmony-agents/core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createHttpFetchTool, type HttpFetchToolOptions } from './http-fetch-tool.js';

function context(signal: AbortSignal = new AbortController().signal): ToolContext {
  return {
    signal,
    callId: 'call_1',
    step: 1,
    recipient: 'functions.http_fetch',
    channel: 'commentary',
    context: undefined,
  };
}

let server: Server;
let origin = '';
let port = 0;
let requests: string[] = [];

function route(request: IncomingMessage, response: ServerResponse): void {
  const url = request.url ?? '/';
  switch (url) {
    case '/text':
      response.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
      response.end('héllo from loopback');
      return;
    case '/json':
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end('{"ok":true}');
      return;
    case '/latin1':
      response.writeHead(200, { 'content-type': 'text/plain; charset=iso-8859-1' });
      response.end(Buffer.from([0x63, 0x61, 0x66, 0xe9]));
      return;
    case '/redirect':
      response.writeHead(302, { location: '/text' });
      response.end();
      return;
    case '/loop':
      response.writeHead(302, { location: '/loop' });
      response.end();
      return;
    case '/to-elsewhere':
      response.writeHead(302, { location: 'http://not-allowed.example/' });
      response.end();
      return;
    case '/to-file':
      response.writeHead(302, { location: 'file:///etc/passwd' });
      response.end();
      return;
    case '/image':
      response.writeHead(200, { 'content-type': 'image/png' });
      response.end(Buffer.from([0x89, 0x50, 0x4e, 0x47]));
      return;
    case '/gzip':
      response.writeHead(200, { 'content-type': 'text/plain', 'content-encoding': 'gzip' });
      response.end('not really gzip');
      return;
    case '/huge':
      response.writeHead(200, { 'content-type': 'text/plain' });
      for (let index = 0; index < 100; index += 1) response.write('x'.repeat(10_000));
      response.end();
      return;
    case '/slow':
      response.writeHead(200, { 'content-type': 'text/plain' });
      response.write('partial');
      return;
    case '/missing':
      response.writeHead(404, { 'content-type': 'text/plain' });
      response.end('no such page');
      return;
    default:
      response.writeHead(500);
      response.end();
  }
}

beforeAll(async () => {
  server = createServer((request, response) => {
    requests.push(request.url ?? '');
    route(request, response);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  port = (server.address() as AddressInfo).port;
  origin = `http://127.0.0.1:${port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((done) => server.close(() => done()));
});

beforeEach(() => {
  requests = [];
});

function localTool(options: Partial<HttpFetchToolOptions> = {}): FunctionTool<{ url: string }, string> {
  return createHttpFetchTool({ allowlist: [origin], allowPrivateNetwork: true, ...options });
}

async function fetchWith(tool: FunctionTool<{ url: string }, string>, url: string, signal?: AbortSignal) {
  return Promise.resolve(tool.execute({ url }, context(signal)));
}

async function failure(promise: Promise<unknown>): Promise<Error> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(Error);
  return error as Error;
}

describe('http_fetch against a loopback server', () => {
  it('fetches text with status, final URL and content type', async () => {
    const output = await fetchWith(localTool(), `${origin}/text`);
    expect(output).toBe(
      `HTTP 200 OK\nURL: ${origin}/text\nContent-Type: text/plain; charset=utf-8\n\nhéllo from loopback`,
    );
  });

  it('decodes the declared charset and accepts JSON', async () => {
    expect(await fetchWith(localTool(), `${origin}/latin1`)).toMatch(/\n\ncafé$/);
    expect(await fetchWith(localTool(), `${origin}/json`)).toMatch(/\n\n\{"ok":true\}$/);
  });

  it('returns non-2xx responses with their status', async () => {
    expect(await fetchWith(localTool(), `${origin}/missing`)).toMatch(
      /^HTTP 404 Not Found\n[\s\S]*no such page$/,
    );
  });

  it('follows redirects and re-checks every hop', async () => {
    expect(await fetchWith(localTool(), `${origin}/redirect`)).toContain(`URL: ${origin}/text`);
    const elsewhere = await failure(fetchWith(localTool(), `${origin}/to-elsewhere`));
    expect((elsewhere as ToolInputRejectedError).reason).toBe('not_allowed');
    const file = await failure(fetchWith(localTool(), `${origin}/to-file`));
    expect((file as ToolInputRejectedError).reason).toBe('unsupported_protocol');
    const loop = await failure(fetchWith(localTool({ maxRedirects: 3 }), `${origin}/loop`));
    expect((loop as ToolInputRejectedError).reason).toBe('too_many_redirects');
    expect(requests.filter((url) => url === '/loop')).toHaveLength(4);
  });

  it('refuses non-text content and content encodings', async () => {
    const image = await failure(fetchWith(localTool(), `${origin}/image`));
    expect((image as ToolInputRejectedError).reason).toBe('unsupported_content_type');
    expect(image.message).toContain('image/png');
    const gzip = await failure(fetchWith(localTool(), `${origin}/gzip`));
    expect((gzip as ToolInputRejectedError).reason).toBe('unsupported_encoding');
  });

  it('cuts a large body at maxBytes while streaming', async () => {
    const output = await fetchWith(localTool({ maxBytes: 25_000 }), `${origin}/huge`);
    const body = output.slice(output.indexOf('\n\n') + 2);
    expect(body).toBe(`${'x'.repeat(25_000)}\n[response cut off after 25000 bytes]`);
  });

  it('times out a response that never ends', async () => {
    const error = await failure(fetchWith(localTool({ timeoutMs: 300 }), `${origin}/slow`));
    expect(error).toBeInstanceOf(ToolExecutionError);
    expect(error.message).toBe(`Fetching ${origin}/slow timed out after 300 ms`);
  });

  it('stops when the run is aborted', async () => {
    const controller = new AbortController();
    const pending = fetchWith(localTool(), `${origin}/slow`, controller.signal);
    setTimeout(() => controller.abort(new Error('aborted by test')), 50);
    await expect(pending).rejects.toThrow('aborted by test');
  });

  it('reports a refused connection as a tool error', async () => {
    const closed = createServer();
    await new Promise<void>((done) => closed.listen(0, '127.0.0.1', done));
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise<void>((done) => closed.close(() => done()));
    const tool = createHttpFetchTool({ allowlist: ['127.0.0.1'], allowPrivateNetwork: true });
    const error = await failure(fetchWith(tool, `http://127.0.0.1:${closedPort}/`));
    expect(error).toBeInstanceOf(ToolExecutionError);
    expect(error.message).toContain('ECONNREFUSED');
  });
});

describe('http_fetch address policy (no connection is attempted)', () => {
  const resolverTo =
    (...addresses: string[]) =>
    async (hostname: string): Promise<string[]> => {
      resolved.push(hostname);
      return addresses;
    };
  let resolved: string[] = [];
  beforeEach(() => {
    resolved = [];
  });

  it('refuses a host that resolves to loopback unless private networks are allowed', async () => {
    const tool = createHttpFetchTool({ allowlist: ['internal.example'], resolver: resolverTo('127.0.0.1') });
    const error = await failure(fetchWith(tool, `http://internal.example:${port}/text`));
    expect((error as ToolInputRejectedError).reason).toBe('private_address');
    expect(error.message).toContain('127.0.0.1');
    expect(resolved).toEqual(['internal.example']);
    expect(requests).toEqual([]);
  });

  it('connects to the checked address only (pinned lookup)', async () => {
    const tool = createHttpFetchTool({
      allowlist: ['service.example'],
      allowPrivateNetwork: true,
      resolver: resolverTo('127.0.0.1'),
    });
    expect(await fetchWith(tool, `http://service.example:${port}/text`)).toContain('héllo from loopback');
    expect(requests).toEqual(['/text']);
  });

  it.each([
    ['10.0.0.8'],
    ['192.168.1.20'],
    ['169.254.169.254'],
    ['100.64.0.1'],
    ['::1'],
    ['fd00::1'],
    ['fe80::1'],
    ['::ffff:127.0.0.1'],
    ['0.0.0.0'],
  ])('refuses a host resolving to the non-public address %s', async (address) => {
    const tool = createHttpFetchTool({ allowlist: ['*.example.com'], resolver: resolverTo(address) });
    const error = await failure(fetchWith(tool, 'http://api.example.com/'));
    expect((error as ToolInputRejectedError).reason).toBe('private_address');
  });

  it('refuses when any of several addresses is private', async () => {
    const tool = createHttpFetchTool({
      allowlist: ['mixed.example'],
      resolver: resolverTo('93.184.216.34', '10.0.0.1'),
    });
    expect(((await failure(fetchWith(tool, 'http://mixed.example/'))) as ToolInputRejectedError).reason).toBe(
      'private_address',
    );
  });

  it('refuses private IP literals in any spelling, without resolving', async () => {
    const tool = createHttpFetchTool({
      allowlist: ['127.0.0.1', '[::1]', '10.0.0.1'],
      resolver: resolverTo('8.8.8.8'),
    });
    for (const url of [
      `http://127.0.0.1:${port}/text`,
      `http://2130706433:${port}/text`,
      `http://0x7f.1:${port}/text`,
      `http://[::1]:${port}/text`,
      'http://10.0.0.1/',
    ]) {
      expect(((await failure(fetchWith(tool, url))) as ToolInputRejectedError).reason).toBe(
        'private_address',
      );
    }
    expect(resolved).toEqual([]);
    expect(requests).toEqual([]);
  });

  it('refuses public hosts outside the allowlist before resolving them', async () => {
    const tool = createHttpFetchTool({
      allowlist: ['https://api.example.com'],
      resolver: resolverTo('93.184.216.34'),
    });
    for (const url of [
      'https://evil.example.net/',
      'http://api.example.com/',
      'https://api.example.com:8443/',
    ]) {
      expect(((await failure(fetchWith(tool, url))) as ToolInputRejectedError).reason).toBe('not_allowed');
    }
    expect(resolved).toEqual([]);
  });

  it('refuses other schemes, credentials and invalid URLs', async () => {
    const tool = createHttpFetchTool({ allowlist: ['example.com'], resolver: resolverTo('93.184.216.34') });
    const reasons = [];
    for (const url of [
      'ftp://example.com/',
      'file:///etc/passwd',
      'http://user:pass@example.com/',
      'not a url',
    ]) {
      reasons.push(((await failure(fetchWith(tool, url))) as ToolInputRejectedError).reason);
    }
    expect(reasons).toEqual([
      'unsupported_protocol',
      'unsupported_protocol',
      'credentials_not_allowed',
      'invalid_url',
    ]);
  });

  it('reports a host that does not resolve', async () => {
    const tool = createHttpFetchTool({
      allowlist: ['gone.example'],
      resolver: async () => {
        throw new ToolInputRejectedError('NXDOMAIN', { reason: 'test' });
      },
    });
    expect(((await failure(fetchWith(tool, 'http://gone.example/'))) as ToolInputRejectedError).reason).toBe(
      'unresolvable_host',
    );
  });

  it('requires a valid allowlist', () => {
    expect(() => createHttpFetchTool({ allowlist: [] })).toThrow(ConfigurationError);
    expect(() => createHttpFetchTool({ allowlist: ['https://example.com/path'] })).toThrow(
      ConfigurationError,
    );
    expect(() => createHttpFetchTool({ allowlist: ['ftp://example.com'] })).toThrow(ConfigurationError);
    expect(() => createHttpFetchTool({ allowlist: ['example.com'], maxBytes: 0 })).toThrow(
      ConfigurationError,
    );
  });
});
