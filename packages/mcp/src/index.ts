/**
 * `@harmony-agents/mcp`: the tools of MCP servers (stdio or streamable HTTP) as harmony-agents function tools.
 * @module \@harmony-agents/mcp
 */

export type {
  ConnectMcpServerOptions,
  McpApprovalPolicy,
  McpServerConnection,
  McpServerOptions,
} from './connect-mcp-server.js';
export { connectMcpServer } from './connect-mcp-server.js';
export type { McpCallResult } from './mcp-call-result.js';
export { contentToText } from './mcp-call-result.js';
export type { McpServerErrorReason } from './mcp-server-error.js';
export { McpServerError } from './mcp-server-error.js';
export type { McpToolInfo } from './mcp-tool.js';
export type { McpHttpServerOptions, McpStdioServerOptions } from './mcp-transport-options.js';
