/**
 * `--mcp CONFIG.json`: MCP servers in the layout most MCP clients share,
 * `{ "mcpServers": { "<name>": { "command", "args", "env", "cwd" } | { "url", "headers" } } }`, connected with
 * `@harmony-agents/mcp`. Their tools join the chat's; with several servers, tool names get the server's name
 * as a prefix.
 */

import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { ConfigurationError, type FunctionTool } from '@harmony-agents/core';
import {
  type ConnectMcpServerOptions,
  connectMcpServer,
  type McpServerConnection,
} from '@harmony-agents/mcp';

/** The MCP servers of a chat, connected. */
export interface McpServers {
  /** Every server's tools. */
  readonly tools: readonly FunctionTool[];
  /** The servers' instructions, for the developer message (empty when none). */
  readonly instructions: string;
  /** `name (n tools)` per server. */
  readonly summary: string;
  /** Ends every connection (stdio servers' processes exit). */
  close(): Promise<void>;
}

function isStringRecord(value: unknown): value is Record<string, string> {
  return (
    typeof value === 'object' &&
    value !== null &&
    Object.values(value).every((item) => typeof item === 'string')
  );
}

/**
 * Reads a configuration file into connection options, one per server. Relative `cwd`s are resolved against
 * the file's folder.
 * @throws {@link ConfigurationError} naming the file and what is wrong in it.
 */
export async function readMcpConfig(file: string): Promise<ConnectMcpServerOptions[]> {
  const path = resolve(file);
  const fail = (why: string, cause?: unknown): never => {
    throw new ConfigurationError(`--mcp ${path}: ${why}`, cause === undefined ? undefined : { cause });
  };
  let json: unknown;
  try {
    json = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    return fail((error as Error).message, error);
  }
  const servers = (json as { mcpServers?: unknown } | null)?.mcpServers;
  if (typeof servers !== 'object' || servers === null || Array.isArray(servers)) {
    return fail('expected { "mcpServers": { "<name>": { "command": ... } or { "url": ... } } }');
  }
  const entries = Object.entries(servers as Record<string, unknown>);
  if (entries.length === 0) fail('mcpServers is empty');
  return entries.map(([name, value]) => {
    const server = value as Record<string, unknown>;
    if (typeof server !== 'object' || server === null) return fail(`server "${name}" is not an object`);
    if (typeof server.url === 'string') {
      if (server.headers !== undefined && !isStringRecord(server.headers)) {
        return fail(`server "${name}": headers must map names to strings`);
      }
      return { name, url: server.url, ...(server.headers === undefined ? {} : { headers: server.headers }) };
    }
    if (typeof server.command !== 'string' || server.command === '') {
      return fail(
        `server "${name}" needs "command" (a program to start) or "url" (a streamable HTTP endpoint)`,
      );
    }
    const args = server.args ?? [];
    if (!Array.isArray(args) || !args.every((item) => typeof item === 'string')) {
      return fail(`server "${name}": args must be an array of strings`);
    }
    if (server.env !== undefined && !isStringRecord(server.env)) {
      return fail(`server "${name}": env must map names to strings`);
    }
    return {
      name,
      command: server.command,
      args,
      ...(server.env === undefined ? {} : { env: server.env }),
      ...(typeof server.cwd === 'string' ? { cwd: resolve(dirname(path), server.cwd) } : {}),
    };
  });
}

/**
 * Connects every server of `file`. A server that fails closes the ones already connected. With `confirm`,
 * every call of their tools waits for a person's approval.
 */
export async function connectMcpServers(file: string, confirm = false): Promise<McpServers> {
  const options = await readMcpConfig(file);
  const connections: McpServerConnection[] = [];
  const close = async () => {
    await Promise.all(connections.map((connection) => connection.close()));
  };
  try {
    for (const server of options) {
      connections.push(
        await connectMcpServer({
          ...server,
          prefixToolNames: options.length > 1,
          ...(confirm ? { needsApproval: true } : {}),
        }),
      );
    }
  } catch (error) {
    await close();
    throw error;
  }
  return {
    tools: connections.flatMap((connection) => connection.tools),
    instructions: connections
      .filter((connection) => connection.instructions !== undefined && connection.instructions.trim() !== '')
      .map((connection) => `## ${connection.name}\n${connection.instructions?.trim()}`)
      .join('\n\n'),
    summary: connections
      .map((connection) => `${connection.name} (${connection.tools.length} tools)`)
      .join(', '),
    close,
  };
}
