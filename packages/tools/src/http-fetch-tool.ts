/**
 * An `http_fetch` function tool: GET a text resource from an allowlisted origin or host.
 *
 * Every hop (redirects are followed by hand, at most `maxRedirects`) is checked before connecting and
 * connects only to the addresses that were checked, under the network policy shared with the browser's
 * page fetcher (`network-policy.ts`): the scheme (http/https), no credentials in the URL, the allowlist,
 * then every address the host resolves to must be public unless `allowPrivateNetwork`. The body is
 * streamed under a byte limit (the rest is cut off) and the whole fetch under a time limit; only text
 * content types are read.
 */

import {
  ConfigurationError,
  defineTool,
  type FunctionTool,
  type ToolContext,
  ToolExecutionError,
  ToolInputRejectedError,
} from '@harmony-agents/core';
import { z } from 'zod';
import { contentEncodingOf, decodeText, isTextMediaType, mediaTypeOf, readCapped } from './http-response.js';
import {
  checkCount,
  fetchPinned,
  type HostResolver,
  type NetworkPolicy,
  parseAllowlist,
  systemResolver,
} from './network-policy.js';

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

interface ResolvedHttpFetchOptions {
  readonly policy: NetworkPolicy;
  readonly maxBytes: number;
  readonly timeoutMs: number;
  readonly maxRedirects: number;
  readonly userAgent: string;
}

const OWNER = 'createHttpFetchTool';

function reject(message: string, reason: string): ToolInputRejectedError {
  return new ToolInputRejectedError(message, { reason });
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
    const final = await fetchPinned(url, options.policy, {
      signal,
      maxRedirects: options.maxRedirects,
      headers: {
        'user-agent': options.userAgent,
        accept: 'text/*, application/json;q=0.9, */*;q=0.1',
        'accept-encoding': 'identity',
      },
    });
    url = final.url;
    const response = final.response;
    const contentType = response.headers['content-type'] ?? '';
    const mediaType = mediaTypeOf(contentType);
    const encoding = contentEncodingOf(response);
    if (encoding !== 'identity') {
      response.destroy();
      throw reject(`The response uses the unsupported content encoding ${encoding}`, 'unsupported_encoding');
    }
    if (!isTextMediaType(mediaType)) {
      response.destroy();
      throw reject(
        `The response is ${mediaType === '' ? 'of unknown type' : mediaType}; only text content can be fetched`,
        'unsupported_content_type',
      );
    }
    const { body, truncated } = await readCapped(response, options.maxBytes);
    const head = `HTTP ${response.statusCode ?? 0} ${response.statusMessage ?? ''}`.trimEnd();
    const note = truncated ? `\n[response cut off after ${options.maxBytes} bytes]` : '';
    return `${head}\nURL: ${url.href}\nContent-Type: ${contentType}\n\n${decodeText(body, contentType)}${note}`;
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
export function createHttpFetchTool(options: HttpFetchToolOptions): FunctionTool<
  {
    /** The URL to GET. */
    url: string;
  },
  string
> {
  const allowlist = parseAllowlist(options.allowlist, OWNER);
  if (allowlist.origins.length + allowlist.hosts.length === 0) {
    throw new ConfigurationError(`${OWNER}: allowlist must list at least one origin or host`);
  }
  const resolved: ResolvedHttpFetchOptions = {
    policy: {
      allowlist,
      allowPrivateNetwork: options.allowPrivateNetwork ?? false,
      resolver: options.resolver ?? systemResolver,
    },
    maxBytes: checkCount(OWNER, 'maxBytes', options.maxBytes ?? 1_000_000, 1),
    timeoutMs: checkCount(OWNER, 'timeoutMs', options.timeoutMs ?? 15_000, 1),
    maxRedirects: checkCount(OWNER, 'maxRedirects', options.maxRedirects ?? 5, 0),
    userAgent: options.userAgent ?? 'harmony-agents-http-fetch/0.1',
  };
  const sites = [...allowlist.origins, ...allowlist.hosts].join(', ');
  return defineTool({
    name: options.name ?? 'http_fetch',
    description: `Fetches a text resource (HTML, JSON, plain text, ...) with an HTTP GET. Only these sites are allowed: ${sites}.`,
    parameters: z.object({ url: z.string().max(4096).describe('The absolute http(s) URL to fetch') }),
    timeoutMs: resolved.timeoutMs + 5_000,
    execute: (args, context) => fetchText(args.url, resolved, context),
  });
}
