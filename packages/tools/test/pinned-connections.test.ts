/**
 * DNS rebinding: a resolver answers a checked, allowed address first and a different one afterwards.
 * Both fetching tools must connect to the address they checked, on every hop. Two loopback servers
 * share one port: server A on 127.0.0.1, server B on 127.0.0.2 (or on ::1 where 127.0.0.2 cannot be
 * bound), so only the address tells them apart.
 */

import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ToolContext } from '@harmony-agents/core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createHttpPageFetcher } from '../src/browser/http-page-fetcher.js';
import { createHttpFetchTool } from '../src/http-fetch-tool.js';
import type { HostResolver } from '../src/network-policy.js';

interface FixtureServer {
  readonly server: Server;
  connections: number;
  requests: { path: string; host: string | undefined }[];
}

function fixtureServer(name: string): FixtureServer {
  const fixture: FixtureServer = { server: createServer(), connections: 0, requests: [] };
  fixture.server.on('connection', () => {
    fixture.connections++;
  });
  fixture.server.on('request', (request, response) => {
    const path = request.url ?? '/';
    fixture.requests.push({ path, host: request.headers.host });
    if (path === '/to-other') {
      response.writeHead(302, { location: `http://other.test:${port}/page` });
      response.end();
      return;
    }
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    response.end(
      `<html><head><title>Server ${name}</title></head><body><p>Served by ${name}.</p></body></html>`,
    );
  });
  return fixture;
}

async function listen(server: Server, portToUse: number, host: string): Promise<void> {
  server.listen(portToUse, host);
  await Promise.race([
    once(server, 'listening'),
    once(server, 'error').then(([error]) => Promise.reject(error)),
  ]);
}

async function canBind(host: string): Promise<boolean> {
  const probe = createServer();
  try {
    await listen(probe, 0, host);
    probe.close();
    return true;
  } catch {
    return false;
  }
}

const serverA = fixtureServer('A');
const serverB = fixtureServer('B');
let port = 0;
let addressB = '127.0.0.2';

beforeAll(async () => {
  if (!(await canBind(addressB))) addressB = '::1';
  for (let attempt = 0; ; attempt++) {
    await listen(serverA.server, 0, '127.0.0.1');
    port = (serverA.server.address() as AddressInfo).port;
    try {
      await listen(serverB.server, port, addressB);
      return;
    } catch (error) {
      serverA.server.close();
      if (attempt >= 10) throw error;
    }
  }
});

afterAll(() => {
  for (const { server } of [serverA, serverB]) {
    server.closeAllConnections();
    server.close();
  }
});

beforeEach(() => {
  for (const fixture of [serverA, serverB]) {
    fixture.connections = 0;
    fixture.requests = [];
  }
});

/** Answers 127.0.0.1 the first time, then B's address: the rebinding DNS server. */
function rebindingResolver() {
  const calls: string[] = [];
  const resolver: HostResolver = async (hostname) => {
    calls.push(hostname);
    return calls.length === 1 ? ['127.0.0.1'] : [addressB];
  };
  return { calls, resolver };
}

/** A page fetcher for the loopback fixtures that asks a fresh {@link rebindingResolver}. */
function rebindingPageFetcher(allowlist: string[] = ['rebind.test', 'other.test']) {
  const { calls, resolver } = rebindingResolver();
  return { calls, fetcher: createHttpPageFetcher({ allowlist, allowPrivateNetwork: true, resolver }) };
}

const fetchOptions = { signal: new AbortController().signal, viewSource: false };

describe('pinned connections against DNS rebinding', () => {
  it('the page fetcher connects to the address it checked, although the resolver answers differently afterwards', async () => {
    const { calls, fetcher } = rebindingPageFetcher();
    const page = await fetcher.fetch(`http://rebind.test:${port}/page`, fetchOptions);
    expect(page.title).toBe('Server A');
    expect(calls).toEqual(['rebind.test']);
    expect(serverA.requests).toEqual([{ path: '/page', host: `rebind.test:${port}` }]);
    expect(serverB.connections).toBe(0);
    // The resolver's later answer does lead to B once it is the checked one: the servers are told apart.
    expect((await fetcher.fetch(`http://rebind.test:${port}/page`, fetchOptions)).title).toBe('Server B');
    expect(calls).toEqual(['rebind.test', 'rebind.test']);
  });

  it('the page fetcher pins every redirect hop to the answer checked for that hop', async () => {
    const { calls, fetcher } = rebindingPageFetcher();
    const page = await fetcher.fetch(`http://rebind.test:${port}/to-other`, fetchOptions);
    expect([page.title, page.url]).toEqual(['Server B', `http://other.test:${port}/page`]);
    expect(calls).toEqual(['rebind.test', 'other.test']);
    expect(serverA.requests).toEqual([{ path: '/to-other', host: `rebind.test:${port}` }]);
    expect(serverB.requests).toEqual([{ path: '/page', host: `other.test:${port}` }]);
  });

  it('a redirect to a host outside the allowlist connects nowhere', async () => {
    const { calls, fetcher } = rebindingPageFetcher(['rebind.test']);
    await expect(fetcher.fetch(`http://rebind.test:${port}/to-other`, fetchOptions)).rejects.toThrow(
      'Host `other.test` is not in the allowlist',
    );
    expect(calls).toEqual(['rebind.test']);
    expect(serverB.connections).toBe(0);
  });

  it('http_fetch connects to the address it checked as well', async () => {
    const { calls, resolver } = rebindingResolver();
    const tool = createHttpFetchTool({ allowlist: ['rebind.test'], allowPrivateNetwork: true, resolver });
    const context: ToolContext = {
      signal: new AbortController().signal,
      callId: 'call_1',
      step: 1,
      recipient: 'functions.http_fetch',
      channel: 'commentary',
      context: undefined,
    };
    const output = await tool.execute({ url: `http://rebind.test:${port}/page` }, context);
    expect(output).toContain('Served by A.');
    expect(calls).toEqual(['rebind.test']);
    expect(serverB.connections).toBe(0);
  });
});
