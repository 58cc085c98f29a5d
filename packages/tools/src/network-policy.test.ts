import { once } from 'node:events';
import { createServer as createHttpServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { ConfigurationError, ToolInputRejectedError } from '@harmony-agents/core';
import { describe, expect, it } from 'vitest';
import {
  type CheckedAddresses,
  checkTarget,
  type HostResolver,
  isHostAllowed,
  isPublicAddress,
  isUrlAllowed,
  type NetworkPolicy,
  parseAllowlist,
  pinnedLookup,
  requestPinned,
} from './network-policy.js';

describe('isPublicAddress', () => {
  it.each([
    ['8.8.8.8', true],
    ['2606:4700::1111', true],
    ['::ffff:8.8.8.8', true],
    ['127.0.0.1', false],
    ['127.0.0.2', false],
    ['10.1.2.3', false],
    ['172.16.0.1', false],
    ['192.168.1.1', false],
    ['169.254.169.254', false],
    ['100.64.0.1', false],
    ['0.0.0.0', false],
    ['224.0.0.1', false],
    ['::1', false],
    ['::', false],
    ['fe80::1', false],
    ['fd12:3456::1', false],
    ['::ffff:127.0.0.1', false],
    ['64:ff9b::a00:1', false],
    ['not an address', false],
  ])('%s → %s', (address, expected) => {
    expect(isPublicAddress(address)).toBe(expected);
  });
});

describe('allowlists', () => {
  it('matches exact hosts and subdomain wildcards, case-insensitively', () => {
    const allowlist = ['Docs.Example.org', '*.lumen.example', '[::1]'];
    expect(isHostAllowed('docs.example.org', allowlist)).toBe(true);
    expect(isHostAllowed('api.lumen.example', allowlist)).toBe(true);
    expect(isHostAllowed('a.b.lumen.example', allowlist)).toBe(true);
    expect(isHostAllowed('lumen.example', allowlist)).toBe(false);
    expect(isHostAllowed('evillumen.example', allowlist)).toBe(false);
    expect(isHostAllowed('example.org', allowlist)).toBe(false);
    expect(isHostAllowed('::1', allowlist)).toBe(true);
  });

  it('parses origins and hosts, and matches origins by scheme, host and port', () => {
    const allowlist = parseAllowlist(
      ['https://API.example.com', ' *.docs.example ', 'http://[::1]:8080'],
      'test',
    );
    expect(allowlist).toEqual({
      origins: ['https://api.example.com', 'http://[::1]:8080'],
      hosts: ['*.docs.example'],
    });
    expect(isUrlAllowed(new URL('https://api.example.com/v1?q=1'), allowlist)).toBe(true);
    expect(isUrlAllowed(new URL('http://api.example.com/'), allowlist)).toBe(false);
    expect(isUrlAllowed(new URL('https://api.example.com:8443/'), allowlist)).toBe(false);
    expect(isUrlAllowed(new URL('http://[::1]:8080/x'), allowlist)).toBe(true);
    expect(isUrlAllowed(new URL('ftp://a.docs.example/'), allowlist)).toBe(true);
  });

  it('refuses malformed entries, naming the owner', () => {
    expect(() => parseAllowlist([''], 'createThing')).toThrow(
      new ConfigurationError('createThing: allowlist entries must be non-empty strings'),
    );
    expect(() => parseAllowlist(['https://example.com/path'], 'createThing')).toThrow(ConfigurationError);
    expect(() => parseAllowlist(['ftp://example.com'], 'createThing')).toThrow(ConfigurationError);
    expect(() => parseAllowlist(['https://'], 'createThing')).toThrow(/is not a valid origin/);
  });
});

describe('checkTarget', () => {
  function recordingResolver(table: Record<string, string[]>) {
    const calls: string[] = [];
    const resolver: HostResolver = async (hostname) => {
      calls.push(hostname);
      const addresses = table[hostname];
      if (addresses === undefined)
        throw new ToolInputRejectedError(`ENOTFOUND ${hostname}`, { reason: 'test' });
      return addresses;
    };
    return { calls, resolver };
  }
  const strict = (resolver: HostResolver, hosts?: string[]): NetworkPolicy => ({
    allowlist: hosts === undefined ? undefined : { origins: [], hosts },
    allowPrivateNetwork: false,
    resolver,
  });
  const reasonOf = async (promise: Promise<unknown>) => {
    const error = await promise.then(
      () => undefined,
      (caught: unknown) => caught,
    );
    return error instanceof ToolInputRejectedError ? error.reason : error;
  };

  it('returns every address of a host whose addresses are all public, in order', async () => {
    const { calls, resolver } = recordingResolver({ 'docs.example.org': ['93.184.216.34', '2606:2800::1'] });
    expect(await checkTarget(new URL('https://docs.example.org/x'), strict(resolver))).toEqual([
      { address: '93.184.216.34', family: 4 },
      { address: '2606:2800::1', family: 6 },
    ]);
    expect(calls).toEqual(['docs.example.org']);
  });

  it('refuses a host with any non-public address, and IP literals without resolving', async () => {
    const { calls, resolver } = recordingResolver({ 'mixed.example': ['93.184.216.34', '10.0.0.8'] });
    const policy = strict(resolver);
    expect(await reasonOf(checkTarget(new URL('http://mixed.example/'), policy))).toBe('private_address');
    expect(await reasonOf(checkTarget(new URL('http://169.254.169.254/latest'), policy))).toBe(
      'private_address',
    );
    expect(await reasonOf(checkTarget(new URL('http://[::1]:8080/'), policy))).toBe('private_address');
    expect(await reasonOf(checkTarget(new URL('http://0x7f.1/'), policy))).toBe('private_address');
    expect(calls).toEqual(['mixed.example']);
  });

  it('checks the scheme and credentials first, then the allowlist before resolving', async () => {
    const { calls, resolver } = recordingResolver({});
    const policy = strict(resolver, ['docs.example.org']);
    expect(await reasonOf(checkTarget(new URL('file:///etc/passwd'), policy))).toBe('unsupported_protocol');
    expect(await reasonOf(checkTarget(new URL('https://user:secret@docs.example.org/'), policy))).toBe(
      'credentials_not_allowed',
    );
    expect(await reasonOf(checkTarget(new URL('https://other.example/'), policy))).toBe('not_allowed');
    expect(calls).toEqual([]);
    expect(await reasonOf(checkTarget(new URL('https://docs.example.org/'), policy))).toBe(
      'unresolvable_host',
    );
    expect(calls).toEqual(['docs.example.org']);
  });

  it('names the host, or the origin when the allowlist has origins, in a refusal', async () => {
    const { resolver } = recordingResolver({});
    await expect(
      checkTarget(new URL('https://other.example/'), strict(resolver, ['a.example'])),
    ).rejects.toThrow('Host `other.example` is not in the allowlist');
    const withOrigins: NetworkPolicy = {
      ...strict(resolver),
      allowlist: { origins: ['https://a.example'], hosts: [] },
    };
    await expect(checkTarget(new URL('http://a.example:81/'), withOrigins)).rejects.toThrow(
      '`http://a.example:81` is not in the allowlist',
    );
  });

  it('with private networks allowed, still resolves (the answer is what gets pinned) but accepts any address', async () => {
    const { calls, resolver } = recordingResolver({ 'intranet.test': ['10.0.0.7', '::1'] });
    const policy: NetworkPolicy = { allowlist: undefined, allowPrivateNetwork: true, resolver };
    expect(await checkTarget(new URL('http://intranet.test:1/'), policy)).toEqual([
      { address: '10.0.0.7', family: 4 },
      { address: '::1', family: 6 },
    ]);
    expect(await checkTarget(new URL('http://[::1]:1/'), policy)).toEqual([{ address: '::1', family: 6 }]);
    expect(calls).toEqual(['intranet.test']);
  });

  it('treats an empty answer, or one that is not an address, as an unresolvable host', async () => {
    const { resolver } = recordingResolver({ 'empty.example': [], 'odd.example': ['93.184.216.34', 'nope'] });
    const policy: NetworkPolicy = { allowlist: undefined, allowPrivateNetwork: true, resolver };
    expect(await reasonOf(checkTarget(new URL('http://empty.example/'), policy))).toBe('unresolvable_host');
    expect(await reasonOf(checkTarget(new URL('http://odd.example/'), policy))).toBe('unresolvable_host');
  });
});

describe('pinned connections', () => {
  const pinned: CheckedAddresses = [
    { address: '127.0.0.1', family: 4 },
    { address: '::1', family: 6 },
  ];

  it('answers only the checked addresses, whatever host is asked', () => {
    const lookup = pinnedLookup(pinned);
    const answers: unknown[][] = [];
    lookup('elsewhere.example', {}, (...args: unknown[]) => answers.push(args));
    lookup('elsewhere.example', { all: true }, ((...args: unknown[]) => answers.push(args)) as never);
    expect(answers).toEqual([
      [null, '127.0.0.1', 4],
      [null, pinned],
    ]);
  });

  it('keeps the URL host in the Host header while connecting to the checked address', async () => {
    const hosts: (string | undefined)[] = [];
    const server = createHttpServer((request, response) => {
      hosts.push(request.headers.host);
      response.end('ok');
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const port = (server.address() as AddressInfo).port;
    try {
      const response: IncomingMessage = await requestPinned(
        new URL(`http://named.test:${port}/x`),
        [{ address: '127.0.0.1', family: 4 }],
        { signal: new AbortController().signal, headers: {} },
      );
      response.resume();
      expect(response.statusCode).toBe(200);
      expect(hosts).toEqual([`named.test:${port}`]);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });

  it('sends the URL host as TLS server name (SNI) while connecting to the checked address', async () => {
    const serverNames: string[] = [];
    const server = createTlsServer({
      SNICallback: (serverName, callback) => {
        serverNames.push(serverName);
        callback(new ToolInputRejectedError('no certificate in this test', { reason: 'test' }));
      },
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const port = (server.address() as AddressInfo).port;
    try {
      const attempt = requestPinned(
        new URL(`https://secure.test:${port}/`),
        [{ address: '127.0.0.1', family: 4 }],
        {
          signal: new AbortController().signal,
          headers: {},
        },
      );
      await expect(attempt).rejects.toThrow();
      expect(serverNames).toEqual(['secure.test']);
    } finally {
      server.close();
    }
  });
});
