/**
 * A {@link PageFetcher} over HTTP(S), hardened for URLs chosen by a model. Every hop (redirects are
 * followed by hand) goes through the network policy shared with `http_fetch` (`../network-policy.ts`):
 * the scheme, no credentials, an optional allowlist and, unless private networks are allowed, every
 * address of the host must be public; the connection then goes only to the addresses that were checked,
 * so a second DNS answer (DNS rebinding) cannot steer it elsewhere. The body is decompressed and read
 * as a stream under a size limit, the whole fetch under a timeout, and only HTML and text content is
 * accepted.
 */

import type { IncomingMessage } from 'node:http';
import { PageFetchError, ToolInputRejectedError } from '@harmony-agents/core';
import { decodedBody, decodeText, isTextMediaType, mediaTypeOf, readCapped } from '../http-response.js';
import {
  checkCount,
  fetchPinned,
  type HostResolver,
  type NetworkPolicy,
  parseAllowlist,
  systemResolver,
} from '../network-policy.js';
import { htmlToPage } from './html-to-text.js';
import type { BrowserPage, PageFetcher, PageFetchOptions } from './search-provider.js';
import { markdownToPage, textToPage } from './text-to-page.js';

/** Options of {@link createHttpPageFetcher}. */
export interface HttpPageFetcherOptions {
  /**
   * What may be fetched, checked on every redirect hop: hosts (`example.com`, or `*.example.com` for its
   * subdomains; any scheme and port) or origins (`https://docs.example.org`, `http://127.0.0.1:8080`:
   * scheme, host and port must match).
   * @defaultValue undefined: any host (subject to `allowPrivateNetwork`)
   */
  readonly allowlist?: readonly string[];
  /**
   * Allow loopback, private, link-local and other non-public addresses.
   * @defaultValue false
   */
  readonly allowPrivateNetwork?: boolean;
  /**
   * Responses larger than this are refused (checked while streaming).
   * @defaultValue 2_000_000 bytes
   */
  readonly maxBytes?: number;
  /**
   * Timeout for the whole fetch, redirects and body included, in milliseconds.
   * @defaultValue 15_000
   */
  readonly timeoutMs?: number;
  /**
   * Redirects followed at most.
   * @defaultValue 5
   */
  readonly maxRedirects?: number;
  /**
   * Resolves host names to all their addresses, once per hop: the addresses are checked, then the
   * connection goes only to them.
   * @defaultValue `dns.promises.lookup(host, { all: true })`
   */
  readonly resolver?: HostResolver;
  /**
   * Keep only the main content of HTML pages (Mozilla Readability) when they look like articles.
   * @defaultValue true
   */
  readonly readability?: boolean;
  /**
   * The `User-Agent` header.
   * @defaultValue `'harmony-agents-browser/0.1'`
   */
  readonly userAgent?: string;
}

interface ResolvedOptions {
  readonly policy: NetworkPolicy;
  readonly maxBytes: number;
  readonly timeoutMs: number;
  readonly maxRedirects: number;
  readonly readability: boolean;
  readonly userAgent: string;
}

const OWNER = 'createHttpPageFetcher';

type ContentKind = 'html' | 'markdown' | 'text';

/** How a media type is read, or undefined when it is not text. */
function contentKindOf(mediaType: string): ContentKind | undefined {
  if (mediaType === 'text/html' || mediaType === 'application/xhtml+xml') return 'html';
  if (mediaType === 'text/markdown' || mediaType === 'text/x-markdown') return 'markdown';
  return isTextMediaType(mediaType) ? 'text' : undefined;
}

function tooLarge(url: string, maxBytes: number): ToolInputRejectedError {
  return new ToolInputRejectedError(
    `The response from \`${url}\` is larger than the limit of ${maxBytes} bytes`,
    { reason: 'too_large' },
  );
}

/** Reads the decoded body, refusing it as soon as it exceeds `maxBytes`. */
async function readLimited(response: IncomingMessage, url: string, maxBytes: number): Promise<Uint8Array> {
  const body = decodedBody(response);
  if (body === undefined) {
    response.destroy();
    throw new ToolInputRejectedError(
      `Unsupported content encoding \`${response.headers['content-encoding'] ?? ''}\``,
      { reason: 'unsupported_encoding' },
    );
  }
  if (Number(response.headers['content-length'] ?? Number.NaN) > maxBytes) {
    response.destroy();
    throw tooLarge(url, maxBytes);
  }
  const read = await readCapped(body, maxBytes);
  if (read.truncated) throw tooLarge(url, maxBytes);
  return read.body;
}

class HttpPageFetcher implements PageFetcher {
  readonly #options: ResolvedOptions;

  constructor(options: HttpPageFetcherOptions) {
    this.#options = {
      policy: {
        allowlist: options.allowlist === undefined ? undefined : parseAllowlist(options.allowlist, OWNER),
        allowPrivateNetwork: options.allowPrivateNetwork ?? false,
        resolver: options.resolver ?? systemResolver,
      },
      maxBytes: checkCount(OWNER, 'maxBytes', options.maxBytes ?? 2_000_000, 1),
      timeoutMs: checkCount(OWNER, 'timeoutMs', options.timeoutMs ?? 15_000, 1),
      maxRedirects: checkCount(OWNER, 'maxRedirects', options.maxRedirects ?? 5, 0),
      readability: options.readability ?? true,
      userAgent: options.userAgent ?? 'harmony-agents-browser/0.1',
    };
  }

  async fetch(url: string, options: PageFetchOptions): Promise<BrowserPage> {
    let current: URL;
    try {
      current = new URL(url);
    } catch {
      throw new ToolInputRejectedError(`\`${url}\` is not a valid URL`, { reason: 'invalid_url' });
    }
    const timeout = AbortSignal.timeout(this.#options.timeoutMs);
    const signal = AbortSignal.any([options.signal, timeout]);
    try {
      const final = await fetchPinned(current, this.#options.policy, {
        signal,
        maxRedirects: this.#options.maxRedirects,
        headers: {
          'user-agent': this.#options.userAgent,
          accept: 'text/html, text/*;q=0.9, */*;q=0.5',
          'accept-encoding': 'gzip, deflate, br',
        },
      });
      current = final.url;
      return await this.#toPage(final.response, current.href, options.viewSource);
    } catch (error) {
      if (options.signal.aborted) throw options.signal.reason;
      if (timeout.aborted) {
        throw new PageFetchError(`Timed out after ${this.#options.timeoutMs} ms`, {
          url: current.href,
          reason: 'timeout',
          cause: error,
        });
      }
      if (error instanceof ToolInputRejectedError || error instanceof PageFetchError) throw error;
      const message = error instanceof Error ? error.message : String(error);
      throw new PageFetchError(message, { url: current.href, reason: 'network', cause: error });
    }
  }

  async #toPage(response: IncomingMessage, url: string, viewSource: boolean): Promise<BrowserPage> {
    const status = response.statusCode ?? 0;
    if (status < 200 || status > 299) {
      response.destroy();
      throw new PageFetchError(`HTTP ${status} ${response.statusMessage ?? ''}`.trim(), {
        url,
        reason: 'http_status',
        status,
      });
    }
    const contentType = response.headers['content-type'] ?? '';
    const mediaType = mediaTypeOf(contentType);
    const kind = contentKindOf(mediaType);
    if (kind === undefined) {
      response.destroy();
      throw new ToolInputRejectedError(
        `Unsupported content type \`${mediaType || 'unknown'}\`: only HTML and text can be shown`,
        { reason: 'unsupported_content_type' },
      );
    }
    const text = decodeText(await readLimited(response, url, this.#options.maxBytes), contentType);
    if (viewSource) return textToPage(text, { url });
    switch (kind) {
      case 'html':
        return htmlToPage(text, { url, readability: this.#options.readability });
      case 'markdown':
        return markdownToPage(text, { url });
      case 'text':
        return textToPage(text, { url });
    }
  }
}

/**
 * Creates a {@link PageFetcher} for http(s) URLs, for `createBrowserTool({ fetch })`. Failures throw
 * {@link ToolInputRejectedError} (reasons `invalid_url`, `unsupported_protocol`,
 * `credentials_not_allowed`, `not_allowed`, `unresolvable_host`, `private_address`,
 * `too_many_redirects`, `too_large`, `unsupported_content_type`, `unsupported_encoding`) or
 * {@link PageFetchError} (`network`, `timeout`, `http_status`); the browser tool shows their message
 * to the model. Cancellation through the caller's signal rethrows the signal's reason.
 * @example
 * ```ts
 * const fetcher = createHttpPageFetcher({ allowlist: ['docs.python.org', '*.mozilla.org'], maxBytes: 1_000_000 });
 * const browser = createBrowserTool({ search: mySearchProvider, fetch: fetcher });
 * ```
 * @throws {@link ConfigurationError} for a malformed allowlist entry (empty, or an origin with a path), or
 *   a `maxBytes` or `timeoutMs` that is not an integer of at least 1, or a `maxRedirects` that is not an
 *   integer of at least 0 (the same rules as `http_fetch`).
 */
export function createHttpPageFetcher(options: HttpPageFetcherOptions = {}): PageFetcher {
  return new HttpPageFetcher(options);
}
