import { once } from 'node:events';
import { createServer, get, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  contentEncodingOf,
  decodedBody,
  decodeText,
  isTextMediaType,
  mediaTypeOf,
  readCapped,
} from './http-response.js';

const TEXT = 'Bonjour, café! '.repeat(200);
const ENCODED: Record<string, Buffer> = {
  gzip: gzipSync(TEXT),
  'x-gzip': gzipSync(TEXT),
  deflate: deflateSync(TEXT),
  br: brotliCompressSync(TEXT),
  identity: Buffer.from(TEXT),
  compress: Buffer.from('not decodable here'),
  broken: Buffer.from('not gzip at all'),
  bomb: gzipSync(Buffer.alloc(1_000_000)),
};

const server = createServer((request, response) => {
  const name = (request.url ?? '/').slice(1);
  const body = ENCODED[name] ?? Buffer.alloc(0);
  const encoding = name === 'broken' ? 'gzip' : name === 'bomb' ? 'gzip' : name;
  response.writeHead(200, { 'content-type': 'text/plain; charset=utf-8', 'content-encoding': encoding });
  response.end(body);
});
let origin = '';

beforeAll(async () => {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => {
  server.closeAllConnections();
  server.close();
});

async function responseOf(name: string): Promise<IncomingMessage> {
  const request = get(`${origin}/${name}`);
  const [response] = (await once(request, 'response')) as [IncomingMessage];
  return response;
}

describe('decodedBody', () => {
  it.each(['gzip', 'x-gzip', 'deflate', 'br', 'identity'])('undoes %s', async (name) => {
    const response = await responseOf(name);
    expect(contentEncodingOf(response)).toBe(name);
    const body = decodedBody(response);
    expect(body).toBeDefined();
    const read = await readCapped(body!, 1_000_000);
    expect([decodeText(read.body, 'text/plain'), read.truncated]).toEqual([TEXT, false]);
  });

  it('returns undefined for an encoding it cannot undo', async () => {
    const response = await responseOf('compress');
    expect(decodedBody(response)).toBeUndefined();
    response.destroy();
  });

  it('fails the read when the body is not what its encoding says', async () => {
    const body = decodedBody(await responseOf('broken'));
    await expect(readCapped(body!, 1_000)).rejects.toThrow(/header/);
  });

  it('caps the decoded size, not the transferred one', async () => {
    const response = await responseOf('bomb');
    expect(ENCODED.bomb!.length).toBeLessThan(4096);
    const read = await readCapped(decodedBody(response)!, 4096);
    expect([read.body.length, read.truncated]).toEqual([4096, true]);
  });
});

describe('readCapped', () => {
  it('reads a body of exactly maxBytes without truncating it', async () => {
    const read = await readCapped(await responseOf('identity'), Buffer.byteLength(TEXT));
    expect(read.truncated).toBe(false);
    const cut = await readCapped(await responseOf('identity'), Buffer.byteLength(TEXT) - 1);
    expect([cut.body.length, cut.truncated]).toEqual([Buffer.byteLength(TEXT) - 1, true]);
  });
});

describe('media types and charsets', () => {
  it('reads the media type and tells text from the rest', () => {
    expect(mediaTypeOf('Text/HTML; charset=UTF-8')).toBe('text/html');
    expect(mediaTypeOf('')).toBe('');
    for (const type of [
      'text/plain',
      'application/json',
      'application/x-javascript',
      'application/ld+json',
    ]) {
      expect(isTextMediaType(type)).toBe(true);
    }
    for (const type of ['image/png', 'application/octet-stream', 'application/pdf', '']) {
      expect(isTextMediaType(type)).toBe(false);
    }
  });

  it('decodes the declared charset, UTF-8 otherwise', () => {
    const latin1 = Uint8Array.from([0x63, 0x61, 0x66, 0xe9]);
    expect(decodeText(latin1, 'text/plain; charset="ISO-8859-1"')).toBe('café');
    expect(decodeText(Buffer.from('café'), 'text/plain; charset=no-such-charset')).toBe('café');
    expect(decodeText(Buffer.from('café'), 'text/plain')).toBe('café');
  });
});
