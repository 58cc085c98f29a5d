/**
 * Reading the HTTP responses of the fetching tools (`http_fetch` and the browser's page fetcher): the
 * media type and whether it is text, content decoding, the body under a byte limit, and its charset.
 */

import type { IncomingMessage } from 'node:http';
import { pipeline, type Readable } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';

const TEXT_TYPES = new Set([
  'application/json',
  'application/xml',
  'application/xhtml+xml',
  'application/javascript',
  'application/x-javascript',
  'application/ecmascript',
  'application/x-yaml',
  'application/yaml',
  'application/toml',
  'application/x-ndjson',
]);

/** The media type of a `Content-Type` header value, lower case, without parameters (`''` when absent). */
export function mediaTypeOf(contentType: string): string {
  return (contentType.split(';')[0] ?? '').trim().toLowerCase();
}

/** True for `text/*`, JSON, XML, JavaScript, YAML, TOML and `+json`/`+xml` media types. */
export function isTextMediaType(mediaType: string): boolean {
  return (
    mediaType.startsWith('text/') ||
    TEXT_TYPES.has(mediaType) ||
    /^application\/[\w.+-]+\+(json|xml)$/.test(mediaType)
  );
}

/** The response's `Content-Encoding`, lower case (`identity` when absent). */
export function contentEncodingOf(response: IncomingMessage): string {
  return (response.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
}

/**
 * The response body with its content encoding undone (`identity`, `gzip`, `x-gzip`, `deflate`, `br`),
 * or undefined for another encoding. A decoding failure errors the returned stream.
 */
export function decodedBody(response: IncomingMessage): Readable | undefined {
  const encoding = contentEncodingOf(response);
  if (encoding === 'identity') return response;
  const decoder =
    encoding === 'gzip' || encoding === 'x-gzip'
      ? createGunzip()
      : encoding === 'deflate'
        ? createInflate()
        : encoding === 'br'
          ? createBrotliDecompress()
          : undefined;
  if (decoder === undefined) return undefined;
  // pipeline requires a callback; a failure reaches the reader anyway, as pipeline destroys `decoder` with it.
  return pipeline(response, decoder, () => undefined);
}

/**
 * Reads up to `maxBytes` of `body`; past that it stops reading, destroys the stream (dropping the
 * connection) and reports `truncated`.
 */
export async function readCapped(
  body: Readable,
  maxBytes: number,
): Promise<{ body: Uint8Array; truncated: boolean }> {
  const chunks: Buffer[] = [];
  let length = 0;
  let truncated = false;
  for await (const chunk of body as AsyncIterable<Buffer>) {
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
  if (truncated) body.destroy();
  return { body: Buffer.concat(chunks, length), truncated };
}

/** Decodes `body` with the charset of `contentType` (UTF-8 when absent or unknown). */
export function decodeText(body: Uint8Array, contentType: string): string {
  const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(contentType)?.[1];
  try {
    return new TextDecoder(charset ?? 'utf-8').decode(body);
  } catch {
    return new TextDecoder('utf-8').decode(body);
  }
}
