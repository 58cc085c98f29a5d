/**
 * MCP tool names (letters, digits, `_`, `-`, `.`, up to 128 characters) mapped to the identifiers
 * gpt-oss calls as `functions.<name>`, with core's `createToolNameMapping`.
 */

import { createToolNameMapping, ToolDefinitionError } from '@harmony-agents/core';

/**
 * Maps every MCP tool name of a server, behind `<prefix>_` when a prefix is given
 * (`get-sum` → `get_sum`, or `everything_get_sum`), and refuses two tools that map to the same name.
 * @returns MCP name → Harmony name.
 * @throws `ToolDefinitionError` naming both MCP tools and the shared name.
 */
export function mapMcpToolNames(
  mcpNames: readonly string[],
  serverName: string,
  prefix?: string,
): Map<string, string> {
  const prefixed = (mcpName: string) =>
    prefix === undefined || prefix === '' ? mcpName : `${prefix}_${mcpName}`;
  try {
    const mapping = createToolNameMapping(mcpNames.map(prefixed));
    return new Map(mcpNames.map((mcpName) => [mcpName, mapping.toHarmony(prefixed(mcpName)) ?? mcpName]));
  } catch (error) {
    if (!(error instanceof ToolDefinitionError)) throw error;
    throw new ToolDefinitionError(
      `MCP server "${serverName}": ${error.message.replace(/; rename one of them$/, '')}; leave one out with the filter option`,
      error.toolName === undefined ? { cause: error } : { toolName: error.toolName, cause: error },
    );
  }
}
