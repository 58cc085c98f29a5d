/**
 * The transport to one MCP server: a child process over stdio, or streamable HTTP.
 */

import { ConfigurationError } from '@harmony-agents/core';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { McpHttpServerOptions, McpStdioServerOptions } from './mcp-transport-options.js';

/** How much of a stdio server's stderr is kept for error reports. */
const STDERR_TAIL_LENGTH = 4000;

/** A transport with what the connection needs to know about it. */
export interface OpenedTransport {
  readonly transport: Transport;
  /** The last lines of the server's stderr (stdio servers), or undefined. */
  stderrTail(): string | undefined;
  /** Ends an HTTP session on the server (DELETE); does nothing for stdio. */
  terminateSession(): Promise<void>;
}

/** Creates the transport the options describe (not started yet). */
export function createMcpTransport(
  options: McpStdioServerOptions | McpHttpServerOptions,
  onStderr: ((text: string) => void) | undefined,
): OpenedTransport {
  const hasCommand = typeof options.command === 'string' && options.command !== '';
  const hasUrl = options.url !== undefined;
  if (hasCommand === hasUrl) {
    throw new ConfigurationError(
      'connectMcpServer needs either `command` (a stdio server) or `url` (a streamable HTTP server), not both',
    );
  }
  if (hasUrl) {
    const http = options as McpHttpServerOptions;
    let url: URL;
    try {
      url = new URL(http.url);
    } catch (error) {
      throw new ConfigurationError(`connectMcpServer: url is not a valid URL: ${String(http.url)}`, {
        cause: error,
      });
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new ConfigurationError(`connectMcpServer: url must be http: or https:, got ${url.protocol}`);
    }
    const transport = new StreamableHTTPClientTransport(
      url,
      http.headers === undefined ? undefined : { requestInit: { headers: { ...http.headers } } },
    );
    return {
      transport,
      stderrTail: () => undefined,
      terminateSession: () => transport.terminateSession(),
    };
  }
  const stdio = options as McpStdioServerOptions;
  if (stdio.args !== undefined && !Array.isArray(stdio.args)) {
    throw new ConfigurationError('connectMcpServer: args must be an array of strings');
  }
  const transport = new StdioClientTransport({
    command: stdio.command,
    args: [...(stdio.args ?? [])],
    ...(stdio.env === undefined ? {} : { env: { ...stdio.env } }),
    ...(stdio.cwd === undefined ? {} : { cwd: stdio.cwd }),
    stderr: 'pipe',
  });
  let tail = '';
  // Always drained, so a chatty server never blocks on a full pipe.
  transport.stderr?.on('data', (chunk: Buffer | string) => {
    const text = chunk.toString();
    tail = (tail + text).slice(-STDERR_TAIL_LENGTH);
    onStderr?.(text);
  });
  return {
    transport,
    stderrTail: () => (tail.trim() === '' ? undefined : tail.trim()),
    terminateSession: async () => {},
  };
}
