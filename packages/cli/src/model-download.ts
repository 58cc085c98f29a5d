/**
 * A resumable model download: bytes go to `<file>.partial`, an interrupted download continues from there with
 * an HTTP `Range` request, and the file takes its final name only once complete. Free disk space is checked
 * against the server's size before a byte is written.
 */

import { createWriteStream, existsSync, mkdirSync, renameSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { ConfigurationError, ModelDownloadError, type ModelDownloadErrorReason } from '@harmony-agents/core';
import { formatBytes } from './model-catalog.js';
import type { SystemResources } from './system-resources.js';

/** Options of {@link downloadModelFile}. */
export interface ModelDownloadOptions {
  /** What the user asked for (`hf:...`), named in errors. */
  readonly uri: string;
  /** The URL to download. */
  readonly url: string;
  /** The final path; the download goes to `<path>.partial` first. */
  readonly path: string;
  /** Sent with the requests (`Authorization` for gated repositories). */
  readonly headers?: Readonly<Record<string, string>>;
  /** Stops the download; the partial file is kept for the next attempt. */
  readonly signal?: AbortSignal | undefined;
  /** How long to wait for response headers, and for each chunk of the body, in milliseconds. */
  readonly timeoutMs?: number;
  /** Called as bytes arrive (with the bytes already there from an earlier attempt). */
  readonly onProgress?: (downloadedBytes: number, totalBytes: number | undefined) => void;
  /** Disk space, memory. */
  readonly resources: SystemResources;
}

/** What a download did. */
export interface ModelDownloadResult {
  /** The complete file. */
  readonly path: string;
  /** Its size. */
  readonly bytes: number;
  /** Bytes an earlier attempt had downloaded (0 for a fresh download). */
  readonly resumedFrom: number;
}

/** Room left on the disk besides the model. */
const DISK_MARGIN_BYTES = 100e6;

const REASONS_BY_CODE: Readonly<Record<string, ModelDownloadErrorReason>> = {
  ENOTFOUND: 'dns',
  EAI_AGAIN: 'dns',
  ECONNREFUSED: 'connection_refused',
  ENETUNREACH: 'unreachable',
  EHOSTUNREACH: 'unreachable',
  ETIMEDOUT: 'timeout',
  UND_ERR_CONNECT_TIMEOUT: 'timeout',
  UND_ERR_HEADERS_TIMEOUT: 'timeout',
};

/** The reason of a failed `fetch`, from the error code along its `cause` chain. */
function failureReason(error: unknown): ModelDownloadErrorReason {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') {
      if (REASONS_BY_CODE[code] !== undefined) return REASONS_BY_CODE[code];
      if (/CERT|TLS|SSL/u.test(code)) return 'tls';
    }
    current = (current as { cause?: unknown }).cause;
  }
  return 'network';
}

/** The partial file of a download. */
export function partialPath(path: string): string {
  return `${path}.partial`;
}

/** Bytes already downloaded into the partial file of `path`. */
export function partialBytes(path: string): number {
  const partial = partialPath(path);
  return existsSync(partial) ? statSync(partial).size : 0;
}

/** The total size from `Content-Range: bytes a-b/total`, or from `Content-Length` plus the offset. */
function totalSize(response: Response, offset: number): number | undefined {
  const range = /\/(\d+)\s*$/u.exec(response.headers.get('content-range') ?? '');
  if (range?.[1] !== undefined) return Number(range[1]);
  const length = response.headers.get('content-length');
  return length === null ? undefined : offset + Number(length);
}

/**
 * Downloads `url` to `path`, resuming from `<path>.partial` when an earlier attempt left one.
 * @throws {@link ModelDownloadError} when the host cannot be reached, answers with an error status, stops
 * sending (`timeout`) or drops the connection (`network`): the partial file is kept and the next call resumes.
 * {@link ConfigurationError} when the disk lacks room for the rest of the file. The signal's reason when
 * aborted.
 */
export async function downloadModelFile(options: ModelDownloadOptions): Promise<ModelDownloadResult> {
  const { uri, url, path, resources } = options;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const partial = partialPath(path);
  mkdirSync(dirname(path), { recursive: true });
  const offset = partialBytes(path);
  const controller = new AbortController();
  const onAbort = () => controller.abort(options.signal?.reason);
  options.signal?.addEventListener('abort', onAbort, { once: true });
  let timedOut = false;
  let timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, timeoutMs);
  const restartTimer = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, timeoutMs);
  };
  const fail = (
    reason: ModelDownloadErrorReason,
    why: string,
    extra: { status?: number; cause?: unknown } = {},
  ) => new ModelDownloadError(`Could not download ${uri}: ${why}`, { uri, url, reason, ...extra });
  let written = offset;
  try {
    let response: Response;
    try {
      response = await fetch(url, {
        headers: {
          ...options.headers,
          'accept-encoding': 'identity',
          ...(offset > 0 ? { range: `bytes=${offset}-` } : {}),
        },
        signal: controller.signal,
        redirect: 'follow',
      });
    } catch (error) {
      if (options.signal?.aborted === true) throw options.signal.reason;
      if (timedOut) throw fail('timeout', `${new URL(url).host} did not answer within ${timeoutMs / 1000} s`);
      const reason = failureReason(error);
      throw fail(reason, `${new URL(url).host}: ${describeReason(reason)}`, { cause: error });
    }
    if (response.status === 416 && offset > 0) {
      // The partial file already holds every byte.
      await response.body?.cancel();
      renameSync(partial, path);
      return { path, bytes: offset, resumedFrom: offset };
    }
    if (response.status !== 200 && response.status !== 206) {
      await response.body?.cancel();
      const hint =
        response.status === 401 || response.status === 403 ? ' (a gated repository? set HF_TOKEN)' : '';
      throw fail('http_status', `${response.url || url} answered HTTP ${response.status}${hint}`, {
        status: response.status,
      });
    }
    // A server that ignores the range sends the whole file again: start over.
    const resumedFrom = response.status === 206 ? offset : 0;
    written = resumedFrom;
    const total = totalSize(response, resumedFrom);
    if (total !== undefined) {
      const needed = total - resumedFrom + DISK_MARGIN_BYTES;
      const free = await resources.freeDiskBytes(path);
      if (free < needed) {
        await response.body?.cancel();
        throw new ConfigurationError(
          `Not enough free disk space in ${dirname(path)}: the download needs ${formatBytes(total - resumedFrom)} more, ` +
            `${formatBytes(free)} are free. Free some space, or choose another folder with --models-dir.`,
        );
      }
    }
    const file = createWriteStream(partial, { flags: resumedFrom > 0 ? 'a' : 'w' });
    const finished = new Promise<void>((resolve, reject) => {
      file.once('finish', resolve);
      file.once('error', reject);
    });
    options.onProgress?.(written, total);
    try {
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        restartTimer();
        if (!file.write(chunk)) await new Promise<void>((resolve) => file.once('drain', () => resolve()));
        written += chunk.length;
        options.onProgress?.(written, total);
      }
    } catch (error) {
      file.end();
      await finished.catch(() => undefined);
      if (options.signal?.aborted === true) throw options.signal.reason;
      const where = `at ${formatBytes(written)}${total === undefined ? '' : ` of ${formatBytes(total)}`}`;
      if (timedOut) {
        throw fail('timeout', `the server stopped sending ${where} (no data for ${timeoutMs / 1000} s)`);
      }
      throw fail('network', `the connection broke ${where}`, { cause: error });
    }
    file.end();
    await finished;
    if (total !== undefined && written !== total) {
      throw fail('network', `the connection ended at ${formatBytes(written)} of ${formatBytes(total)}`);
    }
    renameSync(partial, path);
    return { path, bytes: written, resumedFrom };
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', onAbort);
  }
}

/** Words for a failure reason. */
export function describeReason(reason: ModelDownloadErrorReason): string {
  switch (reason) {
    case 'dns':
      return 'the host name could not be resolved (no network?)';
    case 'connection_refused':
      return 'the connection was refused';
    case 'unreachable':
      return 'the host is unreachable (no network?)';
    case 'timeout':
      return 'no answer in time';
    case 'tls':
      return 'the secure connection failed';
    case 'http_status':
      return 'the server answered with an error';
    case 'invalid_response':
      return 'the server gave an unusable answer';
    case 'network':
      return 'the connection failed';
  }
}
