/**
 * A {@link PageFetcher} over HTTP(S) with Node's built-in `fetch`, hardened for URLs chosen by a model:
 * every hop (redirects are followed by hand) is checked against an optional host allowlist and, unless
 * private networks are allowed, every address of its host must be public, before connecting. The body
 * is read as a stream under a size limit, the whole fetch under a timeout, and only HTML and text
 * content is accepted.
 *
 * Limitation: `fetch` resolves the host again when it connects, so a DNS server that answers
 * differently within milliseconds (DNS rebinding) could still steer a connection to another address;
 * use an allowlist of trusted hosts where that matters.
 */

import { PageFetchError, ToolInputRejectedError } from '@harmony-agents/core';
import { htmlToPage } from './html-to-text.js';
import {
  type AddressPolicy,
  checkTarget,
  type HostResolver,
  systemResolver,
} from './network-address-policy.js';
import type { BrowserPage, PageFetcher, PageFetchOptions } from './search-provider.js';
import { markdownToPage, textToPage } from './text-to-page.js';

/** Options of {@link createHttpPageFetcher}. */
export interface HttpPageFetcherOptions {
  /**
   * Hosts that may be fetched (`example.com`, or `*.example.com` for its subdomains); checked on every
   * redirect hop.
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
   * Resolves host names to all their addresses for the address check.
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
  readonly policy: AddressPolicy;
  readonly maxBytes: number;
  readonly timeoutMs: number;
  readonly maxRedirects: number;
  readonly readability: boolean;
  readonly userAgent: string;
}

type ContentKind = 'html' | 'markdown' | 'text';

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const TEXT_TYPES = new Set([
  'application/json',
  'application/xml',
  'application/javascript',
  'application/x-javascript',
  'application/ecmascript',
  'application/x-yaml',
  'application/yaml',
  'application/toml',
]);

/** How a content type is read, or undefined when it is not text. */
function contentKindOf(mediaType: string): ContentKind | undefined {
  if (mediaType === 'text/html' || mediaType === 'application/xhtml+xml') return 'html';
  if (mediaType === 'text/markdown' || mediaType === 'text/x-markdown') return 'markdown';
  if (mediaType.startsWith('text/') || TEXT_TYPES.has(mediaType)) return 'text';
  if (/^application\/[\w.+-]+\+(json|xml)$/.test(mediaType)) return 'text';
  return undefined;
}

/** Decodes a body with the content type's charset (UTF-8 when absent or unknown). */
function decodeBody(body: Uint8Array, contentType: string): string {
  const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(contentType)?.[1];
  let decoder: { decode(input: Uint8Array): string };
  try {
    decoder = new TextDecoder(charset ?? 'utf-8');
  } catch {
    decoder = new TextDecoder('utf-8');
  }
  return decoder.decode(body);
}

function tooLarge(url: string, maxBytes: number): ToolInputRejectedError {
  return new ToolInputRejectedError(
    `The response from \`${url}\` is larger than the limit of ${maxBytes} bytes`,
    {
      reason: 'too_large',
    },
  );
}

/** Reads the body, refusing it as soon as it exceeds `maxBytes`. */
async function readLimited(response: Response, url: string, maxBytes: number): Promise<Uint8Array> {
  const declared = Number(response.headers.get('content-length') ?? Number.NaN);
  if (declared > maxBytes) {
    await response.body?.cancel();
    throw tooLarge(url, maxBytes);
  }
  if (response.body === null) return new Uint8Array();
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let length = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    length += value.byteLength;
    if (length > maxBytes) {
      await reader.cancel();
      throw tooLarge(url, maxBytes);
    }
    chunks.push(value);
  }
  const body = new Uint8Array(length);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return body;
}

function positive(value: number | undefined, fallback: number): number {
  return value !== undefined && Number.isFinite(value) && value >= 0 ? value : fallback;
}

class HttpPageFetcher implements PageFetcher {
  readonly #options: ResolvedOptions;

  constructor(options: HttpPageFetcherOptions) {
    this.#options = {
      policy: {
        allowlist: options.allowlist,
        allowPrivateNetwork: options.allowPrivateNetwork ?? false,
        resolver: options.resolver ?? systemResolver,
      },
      maxBytes: positive(options.maxBytes, 2_000_000),
      timeoutMs: positive(options.timeoutMs, 15_000),
      maxRedirects: positive(options.maxRedirects, 5),
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
      for (let redirects = 0; ; redirects++) {
        await checkTarget(current, this.#options.policy);
        signal.throwIfAborted();
        const response = await fetch(current, {
          redirect: 'manual',
          signal,
          headers: { 'user-agent': this.#options.userAgent, accept: 'text/html, text/*;q=0.9, */*;q=0.5' },
        });
        const location = response.headers.get('location');
        if (REDIRECT_STATUSES.has(response.status) && location !== null) {
          await response.body?.cancel();
          if (redirects >= this.#options.maxRedirects) {
            throw new ToolInputRejectedError(`Too many redirects (more than ${this.#options.maxRedirects})`, {
              reason: 'too_many_redirects',
            });
          }
          current = new URL(location, current);
          continue;
        }
        return await this.#toPage(response, current.href, options.viewSource);
      }
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
      const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : '';
      const message = error instanceof Error ? error.message : String(error);
      throw new PageFetchError(`${message}${cause}`, { url: current.href, reason: 'network', cause: error });
    }
  }

  async #toPage(response: Response, url: string, viewSource: boolean): Promise<BrowserPage> {
    if (!response.ok) {
      await response.body?.cancel();
      throw new PageFetchError(`HTTP ${response.status} ${response.statusText}`.trim(), {
        url,
        reason: 'http_status',
        status: response.status,
      });
    }
    const contentType = response.headers.get('content-type') ?? '';
    const mediaType = contentType.split(';')[0]!.trim().toLowerCase();
    const kind = contentKindOf(mediaType);
    if (kind === undefined) {
      await response.body?.cancel();
      throw new ToolInputRejectedError(
        `Unsupported content type \`${mediaType || 'unknown'}\`: only HTML and text can be shown`,
        { reason: 'unsupported_content_type' },
      );
    }
    const text = decodeBody(await readLimited(response, url, this.#options.maxBytes), contentType);
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
 * {@link ToolInputRejectedError} (reasons `invalid_url`, `unsupported_protocol`, `not_allowed`,
 * `private_address`, `too_many_redirects`, `too_large`, `unsupported_content_type`) or
 * {@link PageFetchError} (`network`, `timeout`, `http_status`); the browser tool shows their message
 * to the model. Cancellation through the caller's signal rethrows the signal's reason.
 * @example
 * ```ts
 * const fetcher = createHttpPageFetcher({ allowlist: ['docs.python.org', '*.mozilla.org'], maxBytes: 1_000_000 });
 * const browser = createBrowserTool({ search: mySearchProvider, fetch: fetcher });
 * ```
 */
export function createHttpPageFetcher(options: HttpPageFetcherOptions = {}): PageFetcher {
  return new HttpPageFetcher(options);
}
