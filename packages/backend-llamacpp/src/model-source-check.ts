/**
 * A bounded check of a model's host before node-llama-cpp's downloader takes over. The downloader retries a
 * failed request about 150 times (12 minutes without network) and does not watch the abort signal until
 * the download proper starts; one request with a deadline tells a missing network, a refused connection or
 * an error status within seconds.
 */

import { type IncomingMessage, type OutgoingHttpHeaders, request as requestHttp } from 'node:http';
import { request as requestHttps } from 'node:https';
import type { LookupFunction } from 'node:net';
import { ModelDownloadError, type ModelDownloadErrorReason } from '@harmony-agents/core';
import type { ModelSource } from './model-source.js';

/** How long the check waits for the host, when loading does not say. */
export const DEFAULT_NETWORK_TIMEOUT_MS = 10_000;

const MAX_REDIRECTS = 5;
const MAX_MANIFEST_BYTES = 1024 * 1024;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

/** Options of {@link checkModelSource}. */
export interface ModelSourceCheckOptions {
  /** The time allowed for the whole check (every request and redirect). */
  readonly timeoutMs: number;
  /** Cancels the check; its reason is thrown. */
  readonly signal: AbortSignal | undefined;
  /** The DNS lookup of the requests (node's `dns.lookup` when absent). */
  readonly lookup?: LookupFunction | undefined;
}

/** What the check learnt. */
export interface ModelSourceCheck {
  /**
   * The request the server refused without credentials (HTTP 401 or 403). The check lets node-llama-cpp
   * retry it with its access tokens (`HF_TOKEN`, the Hugging Face token file).
   */
  readonly needsCredentials: { readonly url: string; readonly status: number } | undefined;
}

const REASONS_BY_CODE: Readonly<Record<string, ModelDownloadErrorReason>> = {
  ENOTFOUND: 'dns',
  EAI_AGAIN: 'dns',
  EAI_FAIL: 'dns',
  EAI_NONAME: 'dns',
  EAI_NODATA: 'dns',
  ECONNREFUSED: 'connection_refused',
  ENETUNREACH: 'unreachable',
  EHOSTUNREACH: 'unreachable',
  ENETDOWN: 'unreachable',
  EHOSTDOWN: 'unreachable',
  ETIMEDOUT: 'timeout',
  UND_ERR_CONNECT_TIMEOUT: 'timeout',
  UND_ERR_HEADERS_TIMEOUT: 'timeout',
  UND_ERR_BODY_TIMEOUT: 'timeout',
  ECONNRESET: 'network',
  ECONNABORTED: 'network',
  EPIPE: 'network',
  UND_ERR_SOCKET: 'network',
};

/** The first `code` string found along an error's `cause` chain. */
function errorCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * Classifies a network failure by its error code (node's `ENOTFOUND`, `ECONNREFUSED`, undici's timeouts,
 * TLS codes) along the `cause` chain, or an HTTP status error of node-llama-cpp's downloader (`statusCode`).
 * `undefined` when the error is not a network failure.
 */
export function networkFailureReason(error: unknown): ModelDownloadErrorReason | undefined {
  if (typeof (error as { statusCode?: unknown } | null)?.statusCode === 'number') return 'http_status';
  const code = errorCode(error);
  if (code === undefined) return undefined;
  const reason = REASONS_BY_CODE[code];
  if (reason !== undefined) return reason;
  if (/^(ERR_TLS|ERR_SSL|CERT_)|CERT|_SIGNATURE$/u.test(code)) return 'tls';
  return undefined;
}

function hostOf(url: URL): string {
  return url.port === '' ? url.hostname : `${url.hostname}:${url.port}`;
}

/** The part of a {@link ModelDownloadError}'s message after the URI, for a reason. */
export function describeFailure(
  reason: ModelDownloadErrorReason,
  url: URL,
  detail: { code?: string | undefined; status?: number | undefined; text?: string | undefined },
): string {
  const host = hostOf(url);
  const code = detail.code === undefined ? '' : ` (${detail.code})`;
  switch (reason) {
    case 'dns':
      return `the host name ${url.hostname} could not be resolved${code}: is the network down?`;
    case 'connection_refused':
      return `${host} refused the connection${code}`;
    case 'unreachable':
      return `${host} is unreachable${code}: is the network down?`;
    case 'timeout':
      return `${host} did not answer within ${detail.text ?? 'the time allowed'}${code}`;
    case 'tls':
      return `the TLS connection to ${host} failed${code}`;
    case 'http_status':
      return `${url.href} answered HTTP ${detail.status ?? 'error'}${detail.text ? ` ${detail.text}` : ''}`;
    case 'invalid_response':
      return `${url.href} gave an unusable answer: ${detail.text ?? 'unknown'}`;
    case 'network':
      return `the connection to ${host} failed${code}${detail.text ? `: ${detail.text}` : ''}`;
  }
}

interface Deadline {
  /** Aborted by the caller's signal or at the deadline. */
  readonly signal: AbortSignal;
  readonly timedOut: () => boolean;
  dispose(): void;
}

function createDeadline(timeoutMs: number, signal: AbortSignal | undefined): Deadline {
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, timeoutMs);
  timer.unref();
  const onAbort = () => controller.abort(signal?.reason);
  signal?.addEventListener('abort', onAbort, { once: true });
  return {
    signal: controller.signal,
    timedOut: () => timedOut,
    dispose: () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    },
  };
}

/** One GET, resolving at the response headers. */
function get(
  url: URL,
  headers: OutgoingHttpHeaders,
  signal: AbortSignal,
  lookup: LookupFunction | undefined,
): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const request = (url.protocol === 'https:' ? requestHttps : requestHttp)(url, {
      method: 'GET',
      headers,
      signal,
      ...(lookup === undefined ? {} : { lookup }),
    });
    request.once('response', resolve);
    request.once('error', reject);
    request.end();
  });
}

async function readText(response: IncomingMessage, limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of response as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) break;
    chunks.push(chunk);
  }
  response.destroy();
  return Buffer.concat(chunks).toString('utf8');
}

interface CheckContext {
  readonly uri: string;
  readonly deadline: Deadline;
  readonly options: ModelSourceCheckOptions;
}

function failure(
  context: CheckContext,
  reason: ModelDownloadErrorReason,
  url: URL,
  detail: { code?: string; status?: number; text?: string; cause?: unknown },
): ModelDownloadError {
  return new ModelDownloadError(
    `Could not download the model ${context.uri}: ${describeFailure(reason, url, detail)}`,
    {
      uri: context.uri,
      reason,
      url: url.href,
      ...(detail.status === undefined ? {} : { status: detail.status }),
      ...(detail.cause === undefined ? {} : { cause: detail.cause }),
    },
  );
}

/**
 * GETs `href`, following redirects. Resolves with the final response (2xx, or 401/403 for node-llama-cpp's
 * tokens to deal with), or throws the typed failure, or the caller's abort reason.
 */
async function fetchChecked(
  context: CheckContext,
  href: string,
  headers: OutgoingHttpHeaders,
): Promise<{ response: IncomingMessage; url: URL }> {
  let url = new URL(href);
  for (let redirects = 0; ; redirects++) {
    let response: IncomingMessage;
    try {
      response = await get(url, headers, context.deadline.signal, context.options.lookup);
    } catch (error) {
      if (context.options.signal?.aborted === true) throw context.options.signal.reason;
      if (context.deadline.timedOut()) {
        throw failure(context, 'timeout', url, { text: `${context.options.timeoutMs} ms`, cause: error });
      }
      const code = errorCode(error);
      throw failure(context, networkFailureReason(error) ?? 'network', url, {
        ...(code === undefined ? {} : { code }),
        text: error instanceof Error ? error.message : String(error),
        cause: error,
      });
    }
    const status = response.statusCode ?? 0;
    const location = response.headers.location;
    if (REDIRECT_STATUSES.has(status) && location !== undefined) {
      response.destroy();
      const next = URL.canParse(location, url.href) ? new URL(location, url.href) : undefined;
      if (next === undefined || (next.protocol !== 'http:' && next.protocol !== 'https:')) {
        throw failure(context, 'invalid_response', url, { text: `a redirect to ${location}` });
      }
      if (redirects >= MAX_REDIRECTS) {
        throw failure(context, 'invalid_response', url, { text: `more than ${MAX_REDIRECTS} redirects` });
      }
      url = next;
      continue;
    }
    if ((status >= 200 && status < 300) || status === 401 || status === 403) return { response, url };
    response.destroy();
    throw failure(context, 'http_status', url, {
      status,
      ...(response.statusMessage ? { text: response.statusMessage } : {}),
    });
  }
}

/** The GGUF file named by a Hugging Face manifest (`ggufFile.rfilename`). */
function manifestFileName(text: string): string | undefined {
  try {
    const manifest = JSON.parse(text) as { ggufFile?: { rfilename?: unknown } } | null;
    const fileName = manifest?.ggufFile?.rfilename;
    return typeof fileName === 'string' && fileName !== '' ? fileName : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Checks, with one deadline for everything, that the first file node-llama-cpp would download answers:
 * the file URL itself, or for an `hf:<owner>/<repo>:<tag>` URI the manifest and then the file it names.
 * Only response headers are read (plus the small manifest).
 * @throws {@link ModelDownloadError} naming the cause: `dns`, `connection_refused`, `unreachable`, `timeout`,
 * `tls`, `http_status` (with `status`), `invalid_response`, `network`. The reason of `options.signal` when it
 * aborts.
 */
export async function checkModelSource(
  source: ModelSource,
  options: ModelSourceCheckOptions,
): Promise<ModelSourceCheck> {
  options.signal?.throwIfAborted();
  if (source.type === 'other') return { needsCredentials: undefined };
  const deadline = createDeadline(options.timeoutMs, options.signal);
  const context: CheckContext = { uri: source.uri, deadline, options };
  try {
    let fileUrl: string;
    if (source.type === 'file') {
      fileUrl = source.url;
    } else {
      // node-llama-cpp asks with llama.cpp's user agent: only then does the manifest name the GGUF file.
      const { response, url } = await fetchChecked(context, source.manifestUrl, {
        'user-agent': 'llama-cpp',
        accept: 'application/json',
      });
      if (response.statusCode === 401 || response.statusCode === 403) {
        response.destroy();
        return { needsCredentials: { url: url.href, status: response.statusCode } };
      }
      let text: string;
      try {
        text = await readText(response, MAX_MANIFEST_BYTES);
      } catch (error) {
        if (options.signal?.aborted === true || !deadline.timedOut()) throw error;
        throw failure(context, 'timeout', url, { text: `${options.timeoutMs} ms`, cause: error });
      }
      const fileName = manifestFileName(text);
      if (fileName === undefined) {
        throw failure(context, 'invalid_response', url, { text: 'the manifest names no GGUF file' });
      }
      fileUrl = source.fileUrl(fileName);
    }
    const { response, url } = await fetchChecked(context, fileUrl, { range: 'bytes=0-0' });
    response.destroy();
    const status = response.statusCode ?? 0;
    return { needsCredentials: status === 401 || status === 403 ? { url: url.href, status } : undefined };
  } catch (error) {
    if (options.signal?.aborted === true) throw options.signal.reason;
    throw error;
  } finally {
    deadline.dispose();
  }
}
