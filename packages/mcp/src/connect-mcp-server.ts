/**
 * `connectMcpServer`: the tools of an MCP server as harmony-agents function tools.
 */

import { ConfigurationError, type FunctionTool, type ToolContext } from '@harmony-agents/core';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { ToolListChangedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { McpServerError } from './mcp-server-error.js';
import { createMcpToolList, type McpToolInfo } from './mcp-tool.js';
import { createMcpTransport, type OpenedTransport } from './mcp-transport.js';
import type { McpHttpServerOptions, McpStdioServerOptions } from './mcp-transport-options.js';

/** The client name and version sent in the MCP handshake. */
const CLIENT_INFO = { name: 'harmony-agents', version: '0.2.0' };

/** More pages than any server needs; stops a server that keeps returning cursors. */
const MAX_TOOL_LIST_PAGES = 100;

/** How long `close()` waits for an HTTP server to end the session. */
const TERMINATE_SESSION_TIMEOUT_MS = 2000;

/** Options of {@link connectMcpServer} besides the transport's. */
export interface McpServerOptions {
  /**
   * The server's name, used as the tool-name prefix and in errors.
   * @defaultValue the name the server reports in the handshake
   */
  readonly name?: string | undefined;
  /**
   * Prefix every tool name with the server's name (`everything` + `get-sum` → `everything_get_sum`),
   * so that two servers can offer tools of the same name. @defaultValue false
   */
  readonly prefixToolNames?: boolean | undefined;
  /**
   * Which of the server's tools the agent gets; the others are never shown to the model. Use it to
   * leave out a tool whose name collides with another one's after mapping.
   * @defaultValue every tool
   */
  readonly filter?: ((tool: McpToolInfo) => boolean) | undefined;
  /**
   * Timeout of one call to this server's tools in milliseconds; when it expires the call is cancelled
   * (the MCP `notifications/cancelled` is sent) and the model gets a timeout error.
   * @defaultValue the agent's tool timeout
   */
  readonly timeoutMs?: number | undefined;
  /**
   * Which calls need a person's approval before they run (see `agent.resume`): all of this server's
   * tools (`true`), the tools named in a list (names on the server, e.g. `['write_file']`), or a
   * function of the tool and the call's arguments (e.g. `(tool) => tool.annotations?.readOnlyHint !== true`).
   * @defaultValue false
   */
  readonly needsApproval?: McpApprovalPolicy | undefined;
  /** Aborts connecting (the handshake and the first tool list). */
  readonly signal?: AbortSignal | undefined;
  /** Called with the new list after the server announced a change (`notifications/tools/list_changed`) and it was fetched. */
  readonly onToolsChanged?: ((tools: readonly FunctionTool[]) => void) | undefined;
  /** Called with failures that happen outside a call: a refresh that failed, the server exiting. */
  readonly onError?: ((error: McpServerError | Error) => void) | undefined;
  /** Receives what a stdio server writes to stderr (otherwise only its last lines are kept, for errors). */
  readonly onStderr?: ((text: string) => void) | undefined;
}

/** Which MCP calls need approval: see {@link McpServerOptions.needsApproval}. */
export type McpApprovalPolicy =
  | boolean
  | readonly string[]
  | ((tool: McpToolInfo, args: unknown, context: ToolContext) => boolean | Promise<boolean>);

/** Options of {@link connectMcpServer}: a stdio or HTTP server, and the common options. */
export type ConnectMcpServerOptions = (McpStdioServerOptions | McpHttpServerOptions) & McpServerOptions;

/** A connected MCP server. */
export interface McpServerConnection {
  /** The server's name (the `name` option, or the one it reported). */
  readonly name: string;
  /**
   * The server's tools as function tools, ready for `createAgent({ tools })`. The list is replaced when
   * the server announces a change; pass `tools: () => server.tools` to use the current list at each run.
   */
  readonly tools: readonly FunctionTool[];
  /** The server's instructions from the handshake, for the agent's instructions; undefined if none. */
  readonly instructions: string | undefined;
  /**
   * Fetches the tool list again and replaces {@link McpServerConnection.tools}.
   * @throws {@link McpServerError} if the server cannot answer, `ToolDefinitionError` if the new list is unusable (the old list stays).
   */
  refreshTools(): Promise<readonly FunctionTool[]>;
  /** Ends the connection: a stdio server's process is ended (stdin closed, then SIGTERM, then SIGKILL). Idempotent. */
  close(): Promise<void>;
}

/**
 * Connects to an MCP server over stdio (`{ command, args, env, cwd }`) or streamable HTTP
 * (`{ url, headers }`) with the official MCP TypeScript SDK, lists its tools and returns them as
 * function tools: names mapped to identifiers gpt-oss can call (`get-sum` → `get_sum`), input schemas
 * normalized like any `defineTool` JSON Schema. A call goes to the server as `tools/call`; its
 * `structuredContent` (or else its content, as text) is what the model sees; a tool error, a
 * crashed server or a timeout reaches the model as a tool error and the run goes on.
 *
 * @example
 * ```ts
 * const server = await connectMcpServer({ command: 'npx', args: ['-y', '@modelcontextprotocol/server-everything'] });
 * try {
 *   const agent = createAgent({ backend, tools: server.tools });
 *   console.log((await agent.run('What is 2 + 3? Use get_sum.')).finalText);
 * } finally {
 *   await server.close();
 * }
 * ```
 * @throws `ConfigurationError` for invalid options, {@link McpServerError} (reason `connect_failed`)
 * when the server cannot be started or reached, `ToolDefinitionError` when two tool names collide
 * after mapping or a schema cannot be used (the connection is closed in both cases).
 */
export async function connectMcpServer(options: ConnectMcpServerOptions): Promise<McpServerConnection> {
  if (typeof options !== 'object' || options === null) {
    throw new ConfigurationError('connectMcpServer expects an options object');
  }
  if (options.name !== undefined && (typeof options.name !== 'string' || options.name === '')) {
    throw new ConfigurationError('connectMcpServer: name must be a non-empty string');
  }
  const approval = options.needsApproval;
  if (
    approval !== undefined &&
    typeof approval !== 'boolean' &&
    typeof approval !== 'function' &&
    !(Array.isArray(approval) && approval.every((name) => typeof name === 'string'))
  ) {
    throw new ConfigurationError(
      'connectMcpServer: needsApproval must be a boolean, a list of tool names or a function',
    );
  }
  const opened = createMcpTransport(options, options.onStderr);
  const client = new Client(CLIENT_INFO, { capabilities: {} });
  const connection = new Connection(client, opened, options);
  try {
    await client.connect(opened.transport, options.signal === undefined ? {} : { signal: options.signal });
  } catch (error) {
    const name = options.name ?? 'mcp';
    await client.close().catch(() => {});
    throw new McpServerError(
      `Could not connect to the MCP server "${name}": ${describe(error)}`,
      withStderr({ reason: 'connect_failed', serverName: name, cause: error }, opened.stderrTail()),
    );
  }
  try {
    await connection.start();
  } catch (error) {
    await connection.close();
    throw error;
  }
  return connection;
}

class Connection implements McpServerConnection {
  readonly #client: Client;
  readonly #opened: OpenedTransport;
  readonly #options: McpServerOptions;
  #name: string;
  #tools: readonly FunctionTool[] = [];
  #state: 'open' | 'exited' | 'closed' = 'open';
  #refreshing: Promise<readonly FunctionTool[]> | undefined;

  constructor(client: Client, opened: OpenedTransport, options: McpServerOptions) {
    this.#client = client;
    this.#opened = opened;
    this.#options = options;
    this.#name = options.name ?? 'mcp';
  }

  get name(): string {
    return this.#name;
  }

  get tools(): readonly FunctionTool[] {
    return this.#tools;
  }

  get instructions(): string | undefined {
    return this.#client.getInstructions();
  }

  async start(): Promise<void> {
    this.#name = this.#options.name ?? (this.#client.getServerVersion()?.name || 'mcp');
    this.#client.onclose = () => {
      if (this.#state !== 'open') return;
      this.#state = 'exited';
      this.#report(this.#connectionError('connection_closed', undefined));
    };
    this.#client.setNotificationHandler(ToolListChangedNotificationSchema, () => {
      this.refreshTools().then(
        (tools) => this.#options.onToolsChanged?.(tools),
        (error: unknown) => this.#report(error),
      );
    });
    await this.refreshTools();
  }

  refreshTools(): Promise<readonly FunctionTool[]> {
    // One refresh at a time; a change announced during a refresh gets its own, after it.
    const previous = this.#refreshing ?? Promise.resolve(this.#tools);
    const next = previous.catch(() => this.#tools).then(() => this.#fetchTools());
    this.#refreshing = next;
    return next;
  }

  async #fetchTools(): Promise<readonly FunctionTool[]> {
    this.#checkOpen(undefined);
    const listed: McpToolInfo[] = [];
    let cursor: string | undefined;
    try {
      for (let page = 0; page < MAX_TOOL_LIST_PAGES; page += 1) {
        const result = await this.#client.listTools(
          cursor === undefined ? undefined : { cursor },
          this.#options.signal === undefined ? undefined : { signal: this.#options.signal },
        );
        listed.push(...(result.tools as McpToolInfo[]));
        cursor = result.nextCursor;
        if (cursor === undefined) break;
      }
    } catch (error) {
      throw this.#callError(error, undefined);
    }
    const filter = this.#options.filter;
    this.#tools = createMcpToolList(filter === undefined ? listed : listed.filter(filter), {
      serverName: this.#name,
      prefix: this.#options.prefixToolNames === true ? this.#name : undefined,
      timeoutMs: this.#options.timeoutMs,
      needsApproval: this.#options.needsApproval,
      call: (mcpName, args, signal) => this.#call(mcpName, args, signal),
    });
    return this.#tools;
  }

  async #call(mcpName: string, args: unknown, signal: AbortSignal): Promise<unknown> {
    this.#checkOpen(mcpName);
    try {
      // The runner owns the timeout (the tool's signal aborts, which sends notifications/cancelled).
      return await this.#client.callTool(
        { name: mcpName, arguments: (args ?? {}) as Record<string, unknown> },
        undefined,
        { signal, timeout: 2_147_483_647 },
      );
    } catch (error) {
      throw this.#callError(error, mcpName);
    }
  }

  async close(): Promise<void> {
    if (this.#state === 'closed') return;
    this.#state = 'closed';
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      this.#opened.terminateSession().catch(() => {}),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, TERMINATE_SESSION_TIMEOUT_MS);
      }),
    ]);
    clearTimeout(timer);
    await this.#client.close().catch(() => {});
  }

  #checkOpen(mcpName: string | undefined): void {
    if (this.#state === 'closed') {
      throw new McpServerError(`The connection to the MCP server "${this.#name}" was closed`, {
        reason: 'closed',
        serverName: this.#name,
        ...(mcpName === undefined ? {} : { mcpToolName: mcpName }),
      });
    }
    if (this.#state === 'exited') throw this.#connectionError('connection_closed', mcpName);
  }

  #callError(error: unknown, mcpName: string | undefined): McpServerError {
    if (error instanceof McpServerError) return error;
    if (this.#state === 'closed') {
      return new McpServerError(`The connection to the MCP server "${this.#name}" was closed`, {
        reason: 'closed',
        serverName: this.#name,
        cause: error,
        ...(mcpName === undefined ? {} : { mcpToolName: mcpName }),
      });
    }
    const code = (error as { code?: unknown } | null)?.code;
    if (this.#state === 'exited' || code === -32000 || !isJsonRpcError(error)) {
      return this.#connectionError('connection_closed', mcpName, error);
    }
    return new McpServerError(`The MCP server "${this.#name}" refused the request: ${describe(error)}`, {
      reason: 'request_failed',
      serverName: this.#name,
      cause: error,
      ...(mcpName === undefined ? {} : { mcpToolName: mcpName }),
    });
  }

  #connectionError(
    reason: 'connection_closed',
    mcpName: string | undefined,
    cause?: unknown,
  ): McpServerError {
    const during = mcpName === undefined ? '' : ` during the call to ${mcpName}`;
    const detail = cause === undefined || isConnectionClosed(cause) ? '' : `: ${describe(cause)}`;
    return new McpServerError(
      `The MCP server "${this.#name}" is not reachable${during} (the connection closed or the server exited)${detail}`,
      withStderr(
        {
          reason,
          serverName: this.#name,
          ...(cause === undefined ? {} : { cause }),
          ...(mcpName === undefined ? {} : { mcpToolName: mcpName }),
        },
        this.#opened.stderrTail(),
      ),
    );
  }

  #report(error: unknown): void {
    try {
      this.#options.onError?.(error instanceof Error ? error : new Error(String(error)));
    } catch {
      // A throwing listener must not break the connection.
    }
  }
}

function isJsonRpcError(error: unknown): boolean {
  return typeof (error as { code?: unknown } | null)?.code === 'number';
}

function isConnectionClosed(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === -32000;
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const cause = error.cause instanceof Error ? ` (${error.cause.message})` : '';
    return `${error.message}${cause}`;
  }
  return String(error);
}

function withStderr<T extends object>(options: T, stderr: string | undefined): T & { stderr?: string } {
  return stderr === undefined ? options : { ...options, stderr };
}
