import { PageFetchError, ToolInputRejectedError } from '@harmony-agents/core';
import { describe, expect, it } from 'vitest';
import { checkTarget, type HostResolver, isHostAllowed, isPublicAddress } from './network-address-policy.js';

describe('isPublicAddress', () => {
  it.each([
    ['8.8.8.8', true],
    ['2606:4700::1111', true],
    ['::ffff:8.8.8.8', true],
    ['127.0.0.1', false],
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

describe('isHostAllowed', () => {
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
});

describe('checkTarget', () => {
  function recordingResolver(table: Record<string, string[]>) {
    const calls: string[] = [];
    const resolver: HostResolver = async (hostname) => {
      calls.push(hostname);
      const addresses = table[hostname];
      if (addresses === undefined) throw new Error(`ENOTFOUND ${hostname}`);
      return addresses;
    };
    return { calls, resolver };
  }
  const reasonOf = async (promise: Promise<unknown>) => {
    const error = await promise.then(
      () => undefined,
      (caught: unknown) => caught,
    );
    return error instanceof ToolInputRejectedError || error instanceof PageFetchError ? error.reason : error;
  };

  it('accepts hosts whose addresses are all public', async () => {
    const { calls, resolver } = recordingResolver({ 'docs.example.org': ['93.184.216.34', '2606:2800::1'] });
    await checkTarget(new URL('https://docs.example.org/x'), {
      allowlist: undefined,
      allowPrivateNetwork: false,
      resolver,
    });
    expect(calls).toEqual(['docs.example.org']);
  });

  it('refuses a host with any non-public address, and IP literals without resolving', async () => {
    const { calls, resolver } = recordingResolver({ 'mixed.example': ['93.184.216.34', '10.0.0.8'] });
    const policy = { allowlist: undefined, allowPrivateNetwork: false, resolver };
    expect(await reasonOf(checkTarget(new URL('http://mixed.example/'), policy))).toBe('private_address');
    expect(await reasonOf(checkTarget(new URL('http://169.254.169.254/latest'), policy))).toBe(
      'private_address',
    );
    expect(await reasonOf(checkTarget(new URL('http://[::1]:8080/'), policy))).toBe('private_address');
    expect(await reasonOf(checkTarget(new URL('http://0x7f.1/'), policy))).toBe('private_address');
    expect(calls).toEqual(['mixed.example']);
  });

  it('checks the allowlist before resolving, and the scheme first of all', async () => {
    const { calls, resolver } = recordingResolver({});
    const policy = { allowlist: ['docs.example.org'], allowPrivateNetwork: false, resolver };
    expect(await reasonOf(checkTarget(new URL('https://other.example/'), policy))).toBe('not_allowed');
    expect(await reasonOf(checkTarget(new URL('file:///etc/passwd'), policy))).toBe('unsupported_protocol');
    expect(await reasonOf(checkTarget(new URL('https://docs.example.org/'), policy))).toBe('network');
    expect(calls).toEqual(['docs.example.org']);
  });

  it('skips the address check when private networks are allowed', async () => {
    const { calls, resolver } = recordingResolver({});
    await checkTarget(new URL('http://localhost:1/'), {
      allowlist: undefined,
      allowPrivateNetwork: true,
      resolver,
    });
    expect(calls).toEqual([]);
  });

  it('treats an empty resolution as a network failure', async () => {
    const { resolver } = recordingResolver({ 'empty.example': [] });
    const policy = { allowlist: undefined, allowPrivateNetwork: false, resolver };
    expect(await reasonOf(checkTarget(new URL('http://empty.example/'), policy))).toBe('network');
  });
});
