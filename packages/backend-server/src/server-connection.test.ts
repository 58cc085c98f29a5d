import { once } from 'node:events';
import { createServer, type Server, type ServerResponse } from 'node:http';
import { BackendError } from '@harmony-agents/core';
import { afterEach, describe, expect, it } from 'vitest';
import { resolveServerBackendOptions, type ServerBackendOptions } from './server-backend-options.js';
import { RequestAborted, ServerConnection } from './server-connection.js';

type Handler = (response: ServerResponse, attempt: number) => void | Promise<void>;
const servers: Server[] = [];

async function serve(handler: Handler): Promise<string> {
  let attempt = 0;
  const server = createServer((request, response) => {
    request.resume();
    void handler(response, attempt++);
  });
  servers.push(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  return `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`;
}

afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    server.close();
  }
});

function connect(baseUrl: string, options: Partial<ServerBackendOptions> = {}) {
  let calls = 0;
  const connection = new ServerConnection(
    resolveServerBackendOptions(
      {
        baseUrl,
        retryDelayMs: 10,
        fetch: (input, init) => {
          calls++;
          return globalThis.fetch(input, init);
        },
        ...options,
      },
      'test',
    ),
  );
  return { connection, calls: () => calls };
}

async function drain(stream: AsyncGenerator<unknown>): Promise<unknown[]> {
  const events: unknown[] = [];
  for await (const event of stream) events.push(event);
  return events;
}

const sse = (response: ServerResponse) => response.writeHead(200, { 'content-type': 'text/event-stream' });

describe('ServerConnection.stream', () => {
  it('reads events split anywhere across network chunks, until [DONE]', async () => {
    const baseUrl = await serve(async (response) => {
      sse(response);
      const text =
        'data: {"a":1}\n\ndata: {"b":"é"}\r\n\r\n: comment\n\ndata: [DONE]\n\ndata: {"never":1}\n\n';
      const bytes = Buffer.from(text);
      for (let index = 0; index < bytes.length; index += 3) {
        response.write(bytes.subarray(index, index + 3));
        await new Promise((resolve) => setImmediate(resolve));
      }
      response.end();
    });
    const { connection } = connect(baseUrl);
    expect(await drain(connection.stream('/x', {}, undefined))).toEqual([{ a: 1 }, { b: 'é' }]);
  });

  it('retries a refused connection, then fails with connection_failed naming the cause', async () => {
    const baseUrl = await serve(() => {});
    const port = new URL(baseUrl).port;
    for (const server of servers.splice(0)) server.close();
    const { connection, calls } = connect(`http://127.0.0.1:${port}`, { retries: 2 });
    const error = await drain(connection.stream('/x', {}, undefined)).catch((caught) => caught);
    expect(error).toBeInstanceOf(BackendError);
    expect(error).toMatchObject({ kind: 'connection_failed' });
    expect((error as Error).message).toContain('ECONNREFUSED');
    expect(calls()).toBe(3);
  });

  it('retries a 503 (model loading) and then streams', async () => {
    const baseUrl = await serve((response, attempt) => {
      if (attempt === 0) {
        response.writeHead(503, { 'content-type': 'application/json' });
        response.end('{"error":{"code":503,"message":"Loading model"}}');
        return;
      }
      sse(response);
      response.end('data: {"ok":true}\n\n');
    });
    const { connection, calls } = connect(baseUrl);
    expect(await drain(connection.stream('/x', {}, undefined))).toEqual([{ ok: true }]);
    expect(calls()).toBe(2);
  });

  it('quotes an error body, trimmed, with the status', async () => {
    const baseUrl = await serve((response) => {
      response.writeHead(500, { 'content-type': 'text/plain' });
      response.end(`  internal\n\n failure ${'x'.repeat(2000)}`);
    });
    const { connection, calls } = connect(baseUrl);
    const error = await drain(connection.stream('/x', {}, undefined)).catch((caught) => caught);
    expect(error).toMatchObject({ kind: 'http_status', status: 500 });
    expect((error as Error).message).toMatch(/HTTP 500 Internal Server Error: "internal failure x+…"$/u);
    expect((error as Error).message.length).toBeLessThan(700);
    expect(calls()).toBe(1);
  });

  it('times out waiting for the answer, the first event, or the next event', async () => {
    const silent = await serve(() => {});
    const connectFailure = await drain(
      connect(silent, { connectTimeoutMs: 100, retries: 0 }).connection.stream('/x', {}, undefined),
    ).catch((caught) => caught);
    expect(connectFailure).toMatchObject({ kind: 'timeout' });
    expect((connectFailure as Error).message).toContain('longer than 100 ms to answer');

    const headersOnly = await serve((response) => {
      sse(response);
      response.flushHeaders();
    });
    const firstFailure = await drain(
      connect(headersOnly, { firstTokenTimeoutMs: 100 }).connection.stream('/x', {}, undefined),
    ).catch((caught) => caught);
    expect(firstFailure).toMatchObject({ kind: 'timeout' });
    expect((firstFailure as Error).message).toContain('to send its first event');

    // llama-server sends its headers with the first token: waiting for them is under the first-token timeout.
    const llamaServerStyle = await drain(
      connect(silent, { connectTimeoutMs: 100, firstTokenTimeoutMs: 300 }).connection.stream(
        '/x',
        {},
        undefined,
        true,
      ),
    ).catch((caught) => caught);
    expect((llamaServerStyle as Error).message).toContain('longer than 300 ms to send its first event');

    const stalls = await serve((response) => {
      sse(response);
      response.write('data: {"n":1}\n\n');
    });
    const { connection, calls } = connect(stalls, { idleTimeoutMs: 100 });
    const events: unknown[] = [];
    const idleFailure = await (async () => {
      for await (const event of connection.stream('/x', {}, undefined)) events.push(event);
    })().catch((caught) => caught);
    expect(events).toEqual([{ n: 1 }]);
    expect(idleFailure).toMatchObject({ kind: 'timeout' });
    expect((idleFailure as Error).message).toContain('to send its next event');
    // Something was received: retrying would repeat it.
    expect(calls()).toBe(1);
  });

  it('does not retry a connection that breaks after the first event', async () => {
    const baseUrl = await serve((response) => {
      sse(response);
      response.write('data: {"n":1}\n\n', () => response.socket?.destroy());
    });
    const { connection, calls } = connect(baseUrl);
    const events: unknown[] = [];
    const error = await (async () => {
      for await (const event of connection.stream('/x', {}, undefined)) events.push(event);
    })().catch((caught) => caught);
    expect(events).toEqual([{ n: 1 }]);
    expect(error).toMatchObject({ kind: 'connection_failed' });
    expect(calls()).toBe(1);
  });

  it('reports events that are not JSON and error events', async () => {
    const garbage = await serve((response) => {
      sse(response);
      response.end('data: <html>oops</html>\n\n');
    });
    await expect(drain(connect(garbage).connection.stream('/x', {}, undefined))).rejects.toMatchObject({
      kind: 'protocol_error',
    });
    const failing = await serve((response) => {
      sse(response);
      response.end('data: {"error":{"code":500,"message":"slot crashed"}}\n\n');
    });
    const error = await drain(connect(failing).connection.stream('/x', {}, undefined)).catch(
      (caught) => caught,
    );
    expect(error).toMatchObject({ kind: 'generation_failed' });
    expect((error as Error).message).toContain('slot crashed');
  });

  it('ends with RequestAborted and closes the connection when the signal fires', async () => {
    let closed = false;
    const baseUrl = await serve((response) => {
      sse(response);
      response.write('data: {"n":1}\n\n');
      response.on('close', () => {
        closed = true;
      });
    });
    const controller = new AbortController();
    const { connection } = connect(baseUrl);
    const error = await (async () => {
      for await (const _event of connection.stream('/x', {}, controller.signal)) controller.abort('stop');
    })().catch((caught) => caught);
    expect(error).toBeInstanceOf(RequestAborted);
    await expect.poll(() => closed).toBe(true);
  });

  it('leaves unread events with the server (back-pressure)', async () => {
    let written = 0;
    const total = 200_000;
    const baseUrl = await serve(async (response) => {
      sse(response);
      const event = `data: {"filler":"${'x'.repeat(1000)}"}\n\n`;
      while (written < total && !response.destroyed) {
        if (!response.write(event)) await once(response, 'drain').catch(() => {});
        written++;
      }
      response.end();
    });
    const { connection } = connect(baseUrl);
    const stream = connection.stream('/x', {}, undefined);
    await stream.next();
    await new Promise((resolve) => setTimeout(resolve, 500));
    // 200 MB were offered; the socket buffers hold a few MB at most while nobody reads.
    expect(written).toBeLessThan(total / 4);
    await stream.return(undefined);
  });
});

describe('ServerConnection.json', () => {
  it('returns the parsed answer and rejects an answer that is not JSON', async () => {
    const baseUrl = await serve((response, attempt) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(attempt === 0 ? '{"tokens":[1,2]}' : 'not json');
    });
    const { connection } = connect(baseUrl);
    expect(await connection.json('/tokenize', { content: 'a' }, undefined)).toEqual({ tokens: [1, 2] });
    await expect(connection.json('/tokenize', { content: 'a' }, undefined)).rejects.toMatchObject({
      kind: 'protocol_error',
    });
  });
});
