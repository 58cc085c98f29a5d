/**
 * A streamable-HTTP MCP server on 127.0.0.1, written with the official SDK (one SDK server per
 * session), that records what it receives: the `Authorization` headers, the calls it started and the
 * calls the client cancelled (`notifications/cancelled`).
 *
 * Tools: `lookup-order` (structured content), `refuse` (`isError`), `stall` (never answers; notices
 * the cancellation). `addTool(name)` adds an `echo`-like tool and announces `tools/list_changed`.
 */

import { randomUUID } from 'node:crypto';
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { CallToolRequestSchema, ListToolsRequestSchema } from '@modelcontextprotocol/sdk/types.js';

/** The running server and what it saw. */
export interface LoopbackMcpServer {
  /** The MCP endpoint, `http://127.0.0.1:<port>/mcp`. */
  readonly url: string;
  /** The `Authorization` header of every HTTP request. */
  readonly authorizations: (string | undefined)[];
  /** The names of the tools whose calls started. */
  readonly started: string[];
  /** The names of the tools whose calls the client cancelled. */
  readonly cancelled: string[];
  /** Adds a tool that answers `<name>: <message>` and announces the change to every session. */
  addTool(name: string): Promise<void>;
  /** Stops the server and drops every connection. */
  close(): Promise<void>;
}

const object = (properties: Record<string, unknown>, required: string[] = []) => ({
  type: 'object',
  properties,
  required,
});

/** Starts the server on an ephemeral loopback port. */
export async function startLoopbackMcpServer(): Promise<LoopbackMcpServer> {
  const authorizations: (string | undefined)[] = [];
  const started: string[] = [];
  const cancelled: string[] = [];
  const tools = [
    {
      name: 'lookup-order',
      description: 'Looks up an order by id.',
      inputSchema: object({ id: { type: 'string', description: 'The order id, e.g. A-1041' } }, ['id']),
    },
    { name: 'refuse', description: 'Always refuses.', inputSchema: object({}) },
    { name: 'stall', description: 'Never answers.', inputSchema: object({}) },
  ];
  const sessions = new Map<string, { transport: StreamableHTTPServerTransport; server: Server }>();

  function createSessionServer(): Server {
    const server = new Server(
      { name: 'orders', version: '1.0.0' },
      { capabilities: { tools: { listChanged: true } }, instructions: 'Order lookups for the shop.' },
    );
    server.setRequestHandler(ListToolsRequestSchema, () => ({ tools }));
    server.setRequestHandler(CallToolRequestSchema, async (request, extra) => {
      const { name, arguments: args } = request.params;
      started.push(name);
      switch (name) {
        case 'lookup-order':
          return {
            content: [{ type: 'text', text: `Order ${String(args?.id)} has shipped.` }],
            structuredContent: { id: args?.id, status: 'shipped' },
          };
        case 'refuse':
          return { content: [{ type: 'text', text: 'orders are read-only today' }], isError: true };
        case 'stall':
          return new Promise((_, reject) => {
            extra.signal.addEventListener('abort', () => {
              cancelled.push(name);
              reject(new Error('cancelled'));
            });
          });
        default:
          return { content: [{ type: 'text', text: `${name}: ${String(args?.message)}` }] };
      }
    });
    return server;
  }

  const http: HttpServer = createServer((request, response) => {
    authorizations.push(request.headers.authorization);
    const sessionId = request.headers['mcp-session-id'];
    const existing = typeof sessionId === 'string' ? sessions.get(sessionId) : undefined;
    if (existing !== undefined) {
      void existing.transport.handleRequest(request, response);
      return;
    }
    if (request.method !== 'POST' || sessionId !== undefined) {
      response.writeHead(404).end();
      return;
    }
    const server = createSessionServer();
    const transport: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      onsessioninitialized: (id) => {
        sessions.set(id, { transport, server });
      },
    });
    void server.connect(transport).then(() => transport.handleRequest(request, response));
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/mcp`,
    authorizations,
    started,
    cancelled,
    async addTool(name) {
      tools.push({
        name,
        description: `Answers with ${name}.`,
        inputSchema: object({ message: { type: 'string' } }, ['message']),
      });
      await Promise.all([...sessions.values()].map(({ server }) => server.sendToolListChanged()));
    },
    async close() {
      await Promise.all([...sessions.values()].map(({ server }) => server.close().catch(() => {})));
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}
