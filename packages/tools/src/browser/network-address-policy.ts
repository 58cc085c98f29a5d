/**
 * Which hosts the HTTP page fetcher may connect to: an optional host allowlist, and a rule that every
 * address a host resolves to must be public (no loopback, private, link-local, unique-local, CGNAT,
 * multicast or reserved ranges) unless private networks are explicitly allowed.
 */

import { lookup } from 'node:dns/promises';
import { PageFetchError, ToolInputRejectedError } from '@harmony-agents/core';
import ipaddr from 'ipaddr.js';

/** Resolves a host name to all of its IP addresses (IPv4 and IPv6, as text). */
export type HostResolver = (hostname: string) => Promise<readonly string[]>;

/** The default {@link HostResolver}: `dns.promises.lookup(hostname, { all: true })`. */
export const systemResolver: HostResolver = async (hostname) =>
  (await lookup(hostname, { all: true, verbatim: true })).map((entry) => entry.address);

/**
 * True if `address` is a public unicast address. IPv4-mapped IPv6 addresses are judged as IPv4;
 * anything that does not parse is not public.
 */
export function isPublicAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  return ipaddr.process(address).range() === 'unicast';
}

/** The URL's host name without IPv6 brackets, lower case. */
export function hostnameOf(url: URL): string {
  return url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
}

/**
 * True if `hostname` is allowed by `allowlist`: an entry matches itself exactly (case-insensitive,
 * brackets around IPv6 addresses optional), and an entry `*.example.com` matches every subdomain of
 * `example.com` (not `example.com` itself).
 */
export function isHostAllowed(hostname: string, allowlist: readonly string[]): boolean {
  const host = hostname.toLowerCase();
  return allowlist.some((entry) => {
    const pattern = entry.toLowerCase().replace(/^\[|\]$/g, '');
    return pattern.startsWith('*.')
      ? host.endsWith(pattern.slice(1)) && host.length > pattern.length - 1
      : host === pattern;
  });
}

/** The resolved policy of {@link checkTarget}. */
export interface AddressPolicy {
  readonly allowlist: readonly string[] | undefined;
  readonly allowPrivateNetwork: boolean;
  readonly resolver: HostResolver;
}

/**
 * Checks a URL before any connection: the scheme (http/https), the allowlist, then — unless private
 * networks are allowed — that every address of the host is public.
 * @throws {@link ToolInputRejectedError} `unsupported_protocol`, `not_allowed` or `private_address`.
 * @throws {@link PageFetchError} `network` when the host does not resolve.
 */
export async function checkTarget(url: URL, policy: AddressPolicy): Promise<void> {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ToolInputRejectedError(`Only http and https URLs can be opened, not \`${url.protocol}\``, {
      reason: 'unsupported_protocol',
    });
  }
  const hostname = hostnameOf(url);
  if (policy.allowlist !== undefined && !isHostAllowed(hostname, policy.allowlist)) {
    throw new ToolInputRejectedError(`Host \`${hostname}\` is not in the allowlist`, {
      reason: 'not_allowed',
    });
  }
  if (policy.allowPrivateNetwork) return;
  let addresses: readonly string[];
  if (ipaddr.isValid(hostname)) {
    addresses = [hostname];
  } else {
    try {
      addresses = await policy.resolver(hostname);
    } catch (error) {
      throw new PageFetchError(`Could not resolve host \`${hostname}\``, {
        url: url.href,
        reason: 'network',
        cause: error,
      });
    }
  }
  if (addresses.length === 0) {
    throw new PageFetchError(`Could not resolve host \`${hostname}\``, { url: url.href, reason: 'network' });
  }
  const blocked = addresses.find((address) => !isPublicAddress(address));
  if (blocked !== undefined) {
    throw new ToolInputRejectedError(
      `Refusing to connect to \`${hostname}\`: it resolves to the non-public address ${blocked}`,
      { reason: 'private_address' },
    );
  }
}
