/**
 * The error an MCP tool fails with: the tool reported an error, or the server could not be reached.
 */

import { HarmonyAgentsError, type HarmonyAgentsErrorOptions } from '@harmony-agents/core';

/**
 * Why an MCP call or connection failed:
 * - `tool_error`: the tool answered with `isError: true` (its text is the message);
 * - `connection_closed`: the server closed the connection or its process exited (a crash);
 * - `request_failed`: the server answered the request with a JSON-RPC error (an unknown tool,
 *   invalid parameters, a result that does not match the tool's output schema, ...);
 * - `connect_failed`: the server could not be started or reached, or did not complete the handshake;
 * - `closed`: the connection was closed with `close()` before the call.
 */
export type McpServerErrorReason =
  | 'tool_error'
  | 'connection_closed'
  | 'request_failed'
  | 'connect_failed'
  | 'closed';

/**
 * An MCP server failed a tool call or a connection. Thrown by {@link connectMcpServer} (reason
 * `connect_failed`) and by the `execute` of the tools it returns, where the runner reports it to the
 * model as the tool's result (wrapped in a `ToolExecutionError`) and the run goes on.
 */
export class McpServerError extends HarmonyAgentsError {
  /** The class name, `McpServerError`. */
  override readonly name = 'McpServerError';
  /** The error kind, `mcp_server_error`. */
  readonly code = 'mcp_server_error';
  /** Who must act: the tool (the server). */
  readonly source = 'tool';
  /** What went wrong. */
  readonly reason: McpServerErrorReason;
  /** The server's name (see {@link McpServerConnection.name}). */
  readonly serverName: string;
  /** The tool's name on the server (unmapped), for a failed call. */
  readonly mcpToolName: string | undefined;
  /** The last lines the server's process wrote to stderr (stdio servers), when it crashed or failed to start. */
  readonly stderr: string | undefined;
  constructor(
    message: string,
    options: HarmonyAgentsErrorOptions & {
      reason: McpServerErrorReason;
      serverName: string;
      mcpToolName?: string;
      stderr?: string;
    },
  ) {
    super(message, options);
    this.reason = options.reason;
    this.serverName = options.serverName;
    this.mcpToolName = options.mcpToolName;
    this.stderr = options.stderr;
  }
}
