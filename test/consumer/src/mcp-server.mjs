// A tiny MCP server over stdio, written with the official SDK: the app's own tool server for mcp.ts. Plain
// JavaScript: the SDK's own declarations do not compile without skipLibCheck unless the DOM library is in
// (its shared/transport.d.ts names HeadersInit).
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { z } from 'zod';

const server = new McpServer({ name: 'units', version: '1.0.0' }, { instructions: 'Converts units.' });
server.registerTool(
  'km-to-miles',
  { description: 'Converts kilometres to miles.', inputSchema: { km: z.number() } },
  async ({ km }) => ({ content: [{ type: 'text', text: `${(km * 0.621371).toFixed(1)} miles` }] }),
);
await server.connect(new StdioServerTransport());
