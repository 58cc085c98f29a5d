/**
 * The network policy of the tools that fetch URLs chosen by a model (`http_fetch` and the browser's
 * HTTP page fetcher), written once.
 *
 * Before every connection (every redirect hop included) a URL is checked: the scheme (http/https), no
 * credentials, the allowlist (origins and hosts), then every address its host resolves to must be
 * public unless private networks are allowed. The connection then goes only to the addresses that were
 * checked (a pinned `lookup` for `node:http`/`node:https`), so a second DNS answer (DNS rebinding)
 * cannot steer it elsewhere. The URL's host name is kept for the `Host` header, TLS SNI and certificate
 * checks.
 */

import { lookup as dnsLookup } from 'node:dns/promises';
import { request as httpRequest, type IncomingMessage, type OutgoingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { ConfigurationError, ToolInputRejectedError } from '@harmony-agents/core';
import { isPublicAddress } from './public-address.js';

export { isPublicAddress };

/** Resolves a host name to all of its IP addresses (IPv4 and IPv6, as text). */
export type HostResolver = (hostname: string) => Promise<readonly string[]>;

/** The default {@link HostResolver}: `dns.promises.lookup(hostname, { all: true })`. */
export const systemResolver: HostResolver = async (hostname) =>
  (await dnsLookup(hostname, { all: true, verbatim: true })).map((entry) => entry.address);

/**
 * Checks a count option (a byte limit, a timeout, a number of redirects) of a network tool, the same
 * way for every tool: an integer of at least `minimum`. `owner` prefixes the message.
 * @throws {@link ConfigurationError} for anything else (NaN, infinite, fractional, too small).
 */
export function checkCount(owner: string, name: string, value: number, minimum: number): number {
  if (!Number.isSafeInteger(value) || value < minimum) {
    throw new ConfigurationError(`${owner}: ${name} must be an integer of at least ${minimum}, got ${value}`);
  }
  return value;
}

/** The URL's host name without IPv6 brackets, lower case. */
export function hostnameOf(url: URL): string {
  return url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
}

/**
 * True if `hostname` is allowed by the host entries of `allowlist`: an entry matches itself exactly
 * (case-insensitive, brackets around IPv6 addresses optional), and an entry `*.example.com` matches
 * every subdomain of `example.com` (not `example.com` itself).
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

/** A parsed allowlist: origins (scheme, host and port must match) and hosts (any scheme and port). */
export interface Allowlist {
  /** Origins as `URL.origin` spells them, e.g. `https://api.example.com`. */
  readonly origins: readonly string[];
  /** Host entries for {@link isHostAllowed}: `example.com`, `*.example.com`, `127.0.0.1`, `[::1]`. */
  readonly hosts: readonly string[];
}

/**
 * Parses allowlist entries: an entry with `://` is an http(s) origin without path
 * (`https://api.example.com`, `http://127.0.0.1:8080`), any other entry a host (`example.com`,
 * `*.example.com`). `owner` prefixes the error messages (e.g. `createHttpFetchTool`).
 * @throws {@link ConfigurationError} for an entry that is empty, not a string, or a malformed origin.
 */
export function parseAllowlist(entries: readonly string[], owner: string): Allowlist {
  if (!Array.isArray(entries)) throw new ConfigurationError(`${owner}: allowlist must be an array`);
  const origins: string[] = [];
  const hosts: string[] = [];
  for (const entry of entries) {
    if (typeof entry !== 'string' || entry.trim() === '') {
      throw new ConfigurationError(`${owner}: allowlist entries must be non-empty strings`);
    }
    if (!entry.includes('://')) {
      hosts.push(entry.trim());
      continue;
    }
    let url: URL;
    try {
      url = new URL(entry);
    } catch {
      throw new ConfigurationError(`${owner}: allowlist entry "${entry}" is not a valid origin`);
    }
    if (
      (url.protocol !== 'http:' && url.protocol !== 'https:') ||
      url.pathname !== '/' ||
      url.search !== ''
    ) {
      throw new ConfigurationError(
        `${owner}: allowlist entry "${entry}" must be an http(s) origin without path, e.g. https://api.example.com`,
      );
    }
    origins.push(url.origin);
  }
  return { origins, hosts };
}

/** True if `url` matches one of the origins or hosts of `allowlist`. */
export function isUrlAllowed(url: URL, allowlist: Allowlist): boolean {
  return allowlist.origins.includes(url.origin) || isHostAllowed(hostnameOf(url), allowlist.hosts);
}

/** The resolved policy of {@link checkTarget} and {@link fetchPinned}. */
export interface NetworkPolicy {
  /** What may be fetched; undefined allows any host. */
  readonly allowlist: Allowlist | undefined;
  /** Allow loopback, private, link-local and other non-public addresses. */
  readonly allowPrivateNetwork: boolean;
  /** Resolves host names before connecting. */
  readonly resolver: HostResolver;
}

/** One checked address to connect to. */
export interface CheckedAddress {
  /** The IP address, as text. */
  readonly address: string;
  /** The IP version. */
  readonly family: 4 | 6;
}

/** The addresses a check passed, in the resolver's order; never empty. */
export type CheckedAddresses = readonly [CheckedAddress, ...CheckedAddress[]];

function checkedAddress(address: string): CheckedAddress {
  return { address, family: isIP(address) === 6 ? 6 : 4 };
}

function reject(message: string, reason: string, cause?: unknown): ToolInputRejectedError {
  return new ToolInputRejectedError(message, cause === undefined ? { reason } : { reason, cause });
}

/**
 * Checks one URL before any connection and returns the addresses to connect to (all of them passed the
 * check, in the resolver's order): the scheme, no credentials, the allowlist (before resolving
 * anything), then, unless private networks are allowed, that every address of the host is public. An IP
 * literal is its own address and is not resolved.
 * @throws {@link ToolInputRejectedError} `unsupported_protocol`, `credentials_not_allowed`,
 * `not_allowed`, `unresolvable_host` (the resolver failed or answered no valid address) or
 * `private_address`.
 */
export async function checkTarget(url: URL, policy: NetworkPolicy): Promise<CheckedAddresses> {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw reject(`Only http and https URLs can be fetched, not \`${url.protocol}\``, 'unsupported_protocol');
  }
  if (url.username !== '' || url.password !== '') {
    throw reject('URLs with credentials (user:password@) are not allowed', 'credentials_not_allowed');
  }
  const hostname = hostnameOf(url);
  const allowlist = policy.allowlist;
  if (allowlist !== undefined && !isUrlAllowed(url, allowlist)) {
    const what = allowlist.origins.length > 0 ? `\`${url.origin}\`` : `Host \`${hostname}\``;
    throw reject(`${what} is not in the allowlist`, 'not_allowed');
  }
  let addresses: readonly string[];
  if (isIP(hostname) !== 0) {
    addresses = [hostname];
  } else {
    try {
      addresses = await policy.resolver(hostname);
    } catch (error) {
      throw reject(`Could not resolve host \`${hostname}\``, 'unresolvable_host', error);
    }
  }
  const [first, ...rest] = addresses;
  if (first === undefined || addresses.some((address) => isIP(address) === 0)) {
    throw reject(`Could not resolve host \`${hostname}\``, 'unresolvable_host');
  }
  if (!policy.allowPrivateNetwork) {
    const blocked = addresses.find((address) => !isPublicAddress(address));
    if (blocked !== undefined) {
      throw reject(
        `Refusing to connect to \`${hostname}\`: it resolves to the non-public address ${blocked}`,
        'private_address',
      );
    }
  }
  return [checkedAddress(first), ...rest.map(checkedAddress)];
}

/**
 * A `lookup` for `node:http`/`node:https`/`node:net` that answers only `addresses` (already checked),
 * whatever host name is asked: all of them when `all` is requested (Node's happy-eyeballs connect),
 * else the first.
 */
export function pinnedLookup(addresses: CheckedAddresses): LookupFunction {
  return (_hostname, options, callback) => {
    if (options.all === true) {
      const all = addresses.map(({ address, family }) => ({ address, family }));
      (callback as unknown as (error: null, addresses: CheckedAddress[]) => void)(null, all);
      return;
    }
    callback(null, addresses[0].address, addresses[0].family);
  };
}

/**
 * Sends one GET to `url`, connecting only to `addresses`, and waits for the response head. The URL's
 * host stays in the `Host` header and in TLS (SNI and certificate check).
 */
export function requestPinned(
  url: URL,
  addresses: CheckedAddresses,
  options: { readonly signal: AbortSignal; readonly headers: OutgoingHttpHeaders },
): Promise<IncomingMessage> {
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<IncomingMessage>((resolve, rejectResponse) => {
    const request = send(url, {
      method: 'GET',
      signal: options.signal,
      lookup: pinnedLookup(addresses),
      agent: false,
      headers: options.headers,
    });
    request.on('response', resolve);
    request.on('error', rejectResponse);
    request.end();
  });
}

/** Options of {@link fetchPinned}. */
export interface FetchPinnedOptions {
  /** Stops the fetch (connections and redirects). */
  readonly signal: AbortSignal;
  /** Request headers (the `Host` header comes from the URL). */
  readonly headers: OutgoingHttpHeaders;
  /** Redirects followed at most. */
  readonly maxRedirects: number;
}

/** The final response of {@link fetchPinned} and the URL it answers. */
export interface PinnedResponse {
  /** The URL of the last hop. */
  readonly url: URL;
  /** The response, its body not read yet. */
  readonly response: IncomingMessage;
}

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

/**
 * GETs `url` under `policy`, following redirects by hand: every hop is checked with
 * {@link checkTarget} and connects only to the addresses that check returned.
 * @throws {@link ToolInputRejectedError} the reasons of {@link checkTarget}, or `too_many_redirects`.
 * Network failures, aborts and an invalid `Location` reject with Node's own errors, for the caller to
 * report in its own terms.
 */
export async function fetchPinned(
  url: URL,
  policy: NetworkPolicy,
  options: FetchPinnedOptions,
): Promise<PinnedResponse> {
  let current = url;
  for (let redirects = 0; ; redirects += 1) {
    const addresses = await checkTarget(current, policy);
    options.signal.throwIfAborted();
    const response = await requestPinned(current, addresses, options);
    const location = response.headers.location;
    if (!REDIRECT_STATUSES.has(response.statusCode ?? 0) || location === undefined) {
      return { url: current, response };
    }
    response.destroy();
    if (redirects >= options.maxRedirects) {
      throw reject(`Too many redirects (more than ${options.maxRedirects})`, 'too_many_redirects');
    }
    current = new URL(location, current);
  }
}
