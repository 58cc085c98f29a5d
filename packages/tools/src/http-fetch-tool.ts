/**
 * An `http_fetch` function tool: GET a text resource from an allowlisted origin or host.
 *
 * Every hop (redirects are followed by hand, at most `maxRedirects`) is checked before connecting: the
 * scheme (http/https), no credentials in the URL, the allowlist, then every address the host resolves to
 * must be public unless `allowPrivateNetwork` (the address rule is shared with the browser's page fetcher:
 * `browser/network-address-policy.ts`). The connection is then made to the address that was checked (a
 * custom `lookup`), so a second, different DNS answer cannot redirect it. The body is streamed under a
 * byte limit (the rest is cut off) and the whole fetch under a time limit; only text content types are read.
 */

import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { isIP } from 'node:net';
import {
  ConfigurationError,
  defineTool,
  type FunctionTool,
  type ToolContext,
  ToolExecutionError,
  ToolInputRejectedError,
} from '@harmony-agents/core';
import ipaddr from 'ipaddr.js';
import { z } from 'zod';
import {
  type HostResolver,
  hostnameOf,
  isHostAllowed,
  isPublicAddress,
  systemResolver,
} from './browser/network-address-policy.js';

/** Options of {@link createHttpFetchTool}. */
export interface HttpFetchToolOptions {
  /**
   * What may be fetched (required, not empty). An entry is either an origin (`https://api.example.com`,
   * `http://127.0.0.1:8080`: scheme, host and port must match) or a host (`example.com`, or `*.example.com`
   * for its subdomains: any scheme and port). Checked on every redirect hop.
   */
  readonly allowlist: readonly string[];
  /**
   * Largest body read, in bytes; a longer body is cut off (and the cut is stated).
   * @defaultValue 1000000
   */
  readonly maxBytes?: number;
  /**
   * Time limit of the whole fetch (redirects and body included), in milliseconds.
   * @defaultValue 15000
   */
  readonly timeoutMs?: number;
  /**
   * Redirects followed at most.
   * @defaultValue 5
   */
  readonly maxRedirects?: number;
  /**
   * Allow loopback, private, link-local and other non-public addresses.
   * @defaultValue false
   */
  readonly allowPrivateNetwork?: boolean;
  /**
   * Resolves a host name to all its addresses before connecting.
   * @defaultValue `dns.promises.lookup(host, { all: true })`
   */
  readonly resolver?: HostResolver;
  /**
   * The `User-Agent` header.
   * @defaultValue `'harmony-agents-http-fetch/0.1'`
   */
  readonly userAgent?: string;
  /**
   * The tool's name, as the model calls it (`functions.<name>`).
   * @defaultValue `'http_fetch'`
   */
  readonly name?: string;
}

interface AllowlistRules {
  readonly origins: readonly string[];
  readonly hosts: readonly string[];
}

interface ResolvedHttpFetchOptions {
  readonly allowlist: AllowlistRules;
  readonly maxBytes: number;
  readonly timeoutMs: number;
  readonly maxRedirects: number;
  readonly allowPrivateNetwork: boolean;
  readonly resolver: HostResolver;
  readonly userAgent: string;
}

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const TEXT_TYPES = new Set([
  'application/json',
  'application/xml',
  'application/xhtml+xml',
  'application/javascript',
  'application/ecmascript',
  'application/x-yaml',
  'application/yaml',
  'application/toml',
  'application/x-ndjson',
]);

function reject(message: string, reason: string): ToolInputRejectedError {
  return new ToolInputRejectedError(message, { reason });
}

function isTextType(mediaType: string): boolean {
  return (
    mediaType.startsWith('text/') ||
    TEXT_TYPES.has(mediaType) ||
    /^application\/[\w.+-]+\+(json|xml)$/.test(mediaType)
  );
}

function parseAllowlist(entries: readonly string[]): AllowlistRules {
  if (!Array.isArray(entries) || entries.length === 0) {
    throw new ConfigurationError('createHttpFetchTool: allowlist must list at least one origin or host');
  }
  const origins: string[] = [];
  const hosts: string[] = [];
  for (const entry of entries) {
    if (typeof entry !== 'string' || entry.trim() === '') {
      throw new ConfigurationError('createHttpFetchTool: allowlist entries must be non-empty strings');
    }
    if (!entry.includes('://')) {
      hosts.push(entry.trim());
      continue;
    }
    let url: URL;
    try {
      url = new URL(entry);
    } catch {
      throw new ConfigurationError(`createHttpFetchTool: allowlist entry "${entry}" is not a valid origin`);
    }
    if (
      (url.protocol !== 'http:' && url.protocol !== 'https:') ||
      url.pathname !== '/' ||
      url.search !== ''
    ) {
      throw new ConfigurationError(
        `createHttpFetchTool: allowlist entry "${entry}" must be an http(s) origin without path, e.g. https://api.example.com`,
      );
    }
    origins.push(url.origin);
  }
  return { origins, hosts };
}

function checkCount(name: string, value: number, minimum: number): number {
  if (!Number.isInteger(value) || value < minimum) {
    throw new ConfigurationError(
      `createHttpFetchTool: ${name} must be an integer of at least ${minimum}, got ${value}`,
    );
  }
  return value;
}

/**
 * Checks one hop and returns the address to connect to.
 * @throws {@link ToolInputRejectedError} `unsupported_protocol`, `credentials_not_allowed`,
 * `not_allowed`, `private_address` or `unresolvable_host`.
 */
async function vetTarget(
  url: URL,
  options: ResolvedHttpFetchOptions,
): Promise<{ address: string; family: 4 | 6 }> {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw reject(`Only http and https URLs can be fetched, not ${url.protocol}`, 'unsupported_protocol');
  }
  if (url.username !== '' || url.password !== '') {
    throw reject('URLs with credentials (user:password@) are not allowed', 'credentials_not_allowed');
  }
  const hostname = hostnameOf(url);
  const allowed =
    options.allowlist.origins.includes(url.origin) || isHostAllowed(hostname, options.allowlist.hosts);
  if (!allowed) throw reject(`${url.origin} is not in the allowlist of this tool`, 'not_allowed');
  let addresses: readonly string[];
  if (ipaddr.isValid(hostname)) {
    addresses = [hostname];
  } else {
    try {
      addresses = await options.resolver(hostname);
    } catch (error) {
      throw new ToolInputRejectedError(`Could not resolve host ${hostname}`, {
        reason: 'unresolvable_host',
        cause: error,
      });
    }
  }
  const first = addresses[0];
  if (first === undefined) throw reject(`Could not resolve host ${hostname}`, 'unresolvable_host');
  if (!options.allowPrivateNetwork) {
    const blocked = addresses.find((address) => !isPublicAddress(address));
    if (blocked !== undefined) {
      throw reject(
        `Refusing to connect to ${hostname}: it resolves to the non-public address ${blocked}`,
        'private_address',
      );
    }
  }
  return { address: first, family: isIP(first) === 6 ? 6 : 4 };
}

/** Sends one GET to the checked address and waits for the response head. */
function get(url: URL, target: { address: string; family: 4 | 6 }, signal: AbortSignal, userAgent: string) {
  const pinnedLookup: LookupFunction = (_hostname, lookupOptions, callback) => {
    if (lookupOptions.all === true) {
      (callback as unknown as (error: null, addresses: { address: string; family: number }[]) => void)(null, [
        { address: target.address, family: target.family },
      ]);
      return;
    }
    callback(null, target.address, target.family);
  };
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<IncomingMessage>((resolve, rejectResponse) => {
    const request = send(url, {
      method: 'GET',
      signal,
      lookup: pinnedLookup,
      agent: false,
      headers: {
        'user-agent': userAgent,
        accept: 'text/*, application/json;q=0.9, */*;q=0.1',
        'accept-encoding': 'identity',
      },
    });
    request.on('response', resolve);
    request.on('error', rejectResponse);
    request.end();
  });
}

/** Reads up to `maxBytes` of the body; stops reading (and drops the connection) past it. */
async function readCapped(
  response: IncomingMessage,
  maxBytes: number,
): Promise<{ body: Uint8Array; truncated: boolean }> {
  const chunks: Buffer[] = [];
  let length = 0;
  let truncated = false;
  for await (const chunk of response as AsyncIterable<Buffer>) {
    const room = maxBytes - length;
    if (chunk.length > room) {
      chunks.push(chunk.subarray(0, room));
      length += room;
      truncated = true;
      break;
    }
    chunks.push(chunk);
    length += chunk.length;
  }
  if (truncated) response.destroy();
  return { body: Buffer.concat(chunks, length), truncated };
}

function decode(body: Uint8Array, contentType: string): string {
  const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(contentType)?.[1];
  try {
    return new TextDecoder(charset ?? 'utf-8').decode(body);
  } catch {
    return new TextDecoder('utf-8').decode(body);
  }
}

/**
 * Fetches `requested` under the policy of `options` and formats the result for the model:
 * `HTTP <status>`, the final URL and content type, a blank line, then the body.
 */
async function fetchText(
  requested: string,
  options: ResolvedHttpFetchOptions,
  context: ToolContext,
): Promise<string> {
  let url: URL;
  try {
    url = new URL(requested);
  } catch {
    throw reject(`"${requested}" is not a valid absolute URL`, 'invalid_url');
  }
  const timeout = AbortSignal.timeout(options.timeoutMs);
  const signal = AbortSignal.any([context.signal, timeout]);
  try {
    for (let redirects = 0; ; redirects += 1) {
      const target = await vetTarget(url, options);
      signal.throwIfAborted();
      const response = await get(url, target, signal, options.userAgent);
      const status = response.statusCode ?? 0;
      const location = response.headers.location;
      if (REDIRECT_STATUSES.has(status) && location !== undefined) {
        response.destroy();
        if (redirects >= options.maxRedirects) {
          throw reject(`Too many redirects (more than ${options.maxRedirects})`, 'too_many_redirects');
        }
        url = new URL(location, url);
        continue;
      }
      const contentType = response.headers['content-type'] ?? '';
      const mediaType = (contentType.split(';')[0] ?? '').trim().toLowerCase();
      const encoding = (response.headers['content-encoding'] ?? 'identity').toLowerCase();
      if (encoding !== 'identity') {
        response.destroy();
        throw reject(
          `The response uses the unsupported content encoding ${encoding}`,
          'unsupported_encoding',
        );
      }
      if (!isTextType(mediaType)) {
        response.destroy();
        throw reject(
          `The response is ${mediaType === '' ? 'of unknown type' : mediaType}; only text content can be fetched`,
          'unsupported_content_type',
        );
      }
      const { body, truncated } = await readCapped(response, options.maxBytes);
      const head = `HTTP ${status} ${response.statusMessage ?? ''}`.trimEnd();
      const note = truncated ? `\n[response cut off after ${options.maxBytes} bytes]` : '';
      return `${head}\nURL: ${url.href}\nContent-Type: ${contentType}\n\n${decode(body, contentType)}${note}`;
    }
  } catch (error) {
    if (context.signal.aborted) throw context.signal.reason;
    const errorOptions = { recipient: context.recipient, callId: context.callId, cause: error };
    if (timeout.aborted) {
      throw new ToolExecutionError(
        `Fetching ${url.href} timed out after ${options.timeoutMs} ms`,
        errorOptions,
      );
    }
    if (error instanceof ToolInputRejectedError) throw error;
    const message = error instanceof Error ? error.message : String(error);
    throw new ToolExecutionError(`Fetching ${url.href} failed: ${message}`, errorOptions);
  }
}

/**
 * Creates an `http_fetch` function tool (GET only) for the origins and hosts of `allowlist`.
 * Refusals throw {@link ToolInputRejectedError} (reasons `invalid_url`, `unsupported_protocol`,
 * `credentials_not_allowed`, `not_allowed`, `private_address`, `unresolvable_host`, `too_many_redirects`,
 * `unsupported_encoding`, `unsupported_content_type`); network failures and timeouts throw
 * {@link ToolExecutionError}. Non-2xx responses are returned with their status.
 *
 * @example
 * ```ts
 * const fetchTool = createHttpFetchTool({ allowlist: ['https://api.github.com', '*.wikipedia.org'] });
 * ```
 * @throws {@link ConfigurationError} for an empty or malformed allowlist or invalid limits.
 */
export function createHttpFetchTool(options: HttpFetchToolOptions): FunctionTool<{ url: string }, string> {
  const resolved: ResolvedHttpFetchOptions = {
    allowlist: parseAllowlist(options.allowlist),
    maxBytes: checkCount('maxBytes', options.maxBytes ?? 1_000_000, 1),
    timeoutMs: checkCount('timeoutMs', options.timeoutMs ?? 15_000, 1),
    maxRedirects: checkCount('maxRedirects', options.maxRedirects ?? 5, 0),
    allowPrivateNetwork: options.allowPrivateNetwork ?? false,
    resolver: options.resolver ?? systemResolver,
    userAgent: options.userAgent ?? 'harmony-agents-http-fetch/0.1',
  };
  const sites = [...resolved.allowlist.origins, ...resolved.allowlist.hosts].join(', ');
  return defineTool({
    name: options.name ?? 'http_fetch',
    description: `Fetches a text resource (HTML, JSON, plain text, ...) with an HTTP GET. Only these sites are allowed: ${sites}.`,
    parameters: z.object({ url: z.string().max(4096).describe('The absolute http(s) URL to fetch') }),
    timeoutMs: resolved.timeoutMs + 5_000,
    execute: (args, context) => fetchText(args.url, resolved, context),
  });
}
