/**
 * One MCP tool as a function tool.
 */

import {
  defineTool,
  type FunctionTool,
  type ToolApprovalPolicy,
  ToolDefinitionError,
} from '@harmony-agents/core';
import type { McpApprovalPolicy } from './connect-mcp-server.js';
import { type McpCallResult, mcpCallOutcome } from './mcp-call-result.js';
import { McpServerError } from './mcp-server-error.js';
import { mapMcpToolNames } from './mcp-tool-names.js';

/** A tool as the server lists it (`tools/list`), the fields the filter and the mapping read. */
export interface McpToolInfo {
  /** The tool's name on the server (e.g. `get-sum`). */
  readonly name: string;
  /** A human-readable title. */
  readonly title?: string | undefined;
  /** What the tool does; shown to the model. */
  readonly description?: string | undefined;
  /** The JSON Schema of the arguments (an object schema). */
  readonly inputSchema: Readonly<Record<string, unknown>>;
  /** The JSON Schema of `structuredContent`, if the tool declares one. */
  readonly outputSchema?: Readonly<Record<string, unknown>> | undefined;
  /** Hints about the tool's behaviour (`readOnlyHint`, `destructiveHint`, ...). */
  readonly annotations?: Readonly<Record<string, unknown>> | undefined;
}

/** What the tools of one server share. */
export interface McpToolListSettings {
  readonly serverName: string;
  readonly prefix: string | undefined;
  readonly timeoutMs: number | undefined;
  readonly needsApproval: McpApprovalPolicy | undefined;
  /** Sends `tools/call`; rejects with an {@link McpServerError}. */
  readonly call: (mcpName: string, args: unknown, signal: AbortSignal) => Promise<unknown>;
}

/**
 * Turns a server's tool list into function tools.
 * @throws `ToolDefinitionError` for a name collision after mapping or a schema that cannot be used.
 */
export function createMcpToolList(
  tools: readonly McpToolInfo[],
  settings: McpToolListSettings,
): readonly FunctionTool[] {
  const names = mapMcpToolNames(
    tools.map((tool) => tool.name),
    settings.serverName,
    settings.prefix,
  );
  return Object.freeze(
    tools.map((tool) => {
      const name = names.get(tool.name) ?? tool.name;
      try {
        return defineTool({
          name,
          description: tool.description ?? tool.title ?? '',
          parameters: tool.inputSchema,
          timeoutMs: settings.timeoutMs,
          needsApproval: approvalPolicy(settings.needsApproval, tool),
          execute: async (args, context) => {
            const result = (await settings.call(tool.name, args, context.signal)) as McpCallResult;
            const outcome = mcpCallOutcome(result);
            if (!outcome.ok) {
              throw new McpServerError(`${name} failed: ${outcome.message}`, {
                reason: 'tool_error',
                serverName: settings.serverName,
                mcpToolName: tool.name,
              });
            }
            return outcome.value;
          },
        });
      } catch (error) {
        if (!(error instanceof ToolDefinitionError)) throw error;
        throw new ToolDefinitionError(
          `MCP server "${settings.serverName}", tool "${tool.name}": ${error.message} (leave it out with the filter option)`,
          { toolName: name, cause: error },
        );
      }
    }),
  );
}

/** One tool's approval policy from the server's. */
function approvalPolicy(
  policy: McpApprovalPolicy | undefined,
  tool: McpToolInfo,
): ToolApprovalPolicy | undefined {
  if (policy === undefined || typeof policy === 'boolean') return policy;
  if (typeof policy === 'function') return (args, context) => policy(tool, args, context);
  return policy.includes(tool.name);
}
