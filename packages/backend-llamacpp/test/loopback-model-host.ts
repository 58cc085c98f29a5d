/**
 * A model host on 127.0.0.1 for download tests: it serves files (with `Range` support), answers with a
 * status, stalls, or refuses connections. Tests never talk to any other address.
 */

import { createReadStream, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** How the host answers one request; `undefined` leaves the request hanging (a stalled host). */
export type LoopbackHandler = (request: IncomingMessage, response: ServerResponse) => void;

/** A running loopback host. */
export interface LoopbackModelHost {
  /** `http://127.0.0.1:<port>/`. */
  readonly endpoint: string;
  /** The paths (with query) requested so far, in order. */
  readonly requests: string[];
  /** Stops listening and drops open connections (a stalled request ends). */
  close(): Promise<void>;
}

/** Starts a host on an ephemeral loopback port. */
export async function startLoopbackModelHost(handler: LoopbackHandler): Promise<LoopbackModelHost> {
  const requests: string[] = [];
  const server: Server = createServer((request, response) => {
    requests.push(request.url ?? '');
    handler(request, response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}/`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** An endpoint where nothing listens: a port that was just bound and released. */
export async function refusingEndpoint(): Promise<string> {
  const host = await startLoopbackModelHost(() => undefined);
  await host.close();
  return host.endpoint;
}

/**
 * Serves `path` as a download, honouring `Range: bytes=a-b`. With `stallAfterBytes`, each response stops
 * sending after that many bytes and calls `onStall` (the connection stays open).
 */
export function serveFile(
  response: ServerResponse,
  request: IncomingMessage,
  path: string,
  options: { stallAfterBytes?: number; onStall?: () => void } = {},
): void {
  const size = statSync(path).size;
  const range = /^bytes=(\d+)-(\d*)$/u.exec(request.headers.range ?? '');
  const start = range === null ? 0 : Number(range[1]);
  const end = range === null || range[2] === '' ? size - 1 : Math.min(size - 1, Number(range[2]));
  const headers = {
    'accept-ranges': 'bytes',
    'content-type': 'application/octet-stream',
    'content-length': String(end - start + 1),
  };
  if (range === null) {
    response.writeHead(200, headers);
  } else {
    response.writeHead(206, { ...headers, 'content-range': `bytes ${start}-${end}/${size}` });
  }
  if (request.method === 'HEAD') {
    response.end();
    return;
  }
  const stallAt = options.stallAfterBytes;
  if (stallAt === undefined || stallAt > end - start) {
    createReadStream(path, { start, end }).pipe(response);
    return;
  }
  createReadStream(path, { start, end: start + stallAt - 1 })
    .on('end', () => options.onStall?.())
    .pipe(response, { end: false });
}
