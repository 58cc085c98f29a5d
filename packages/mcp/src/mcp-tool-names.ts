/**
 * MCP tool names (letters, digits, `_`, `-`, `.`, up to 128 characters) mapped to the identifiers
 * gpt-oss calls as `functions.<name>`.
 */

import { ToolDefinitionError } from '@harmony-agents/core';

/**
 * Maps one MCP tool name (optionally behind a prefix) to a Harmony function name: every character
 * other than an ASCII letter, digit or `_` becomes `_`, and a name starting with a digit gets a
 * leading `_` (`get-sum` → `get_sum`, `files.read` with prefix `fs` → `fs_files_read`).
 */
export function toHarmonyToolName(mcpName: string, prefix?: string): string {
  const joined = prefix === undefined || prefix === '' ? mcpName : `${prefix}_${mcpName}`;
  const safe = joined.replace(/[^A-Za-z0-9_]/g, '_');
  return safe === '' || /^[0-9]/.test(safe) ? `_${safe}` : safe;
}

/**
 * Maps every MCP tool name of a server and refuses two tools that map to the same Harmony name.
 * @throws `ToolDefinitionError` naming both MCP tools and the shared name.
 */
export function mapMcpToolNames(
  mcpNames: readonly string[],
  serverName: string,
  prefix?: string,
): Map<string, string> {
  const byHarmonyName = new Map<string, string>();
  const mapped = new Map<string, string>();
  for (const mcpName of mcpNames) {
    const name = toHarmonyToolName(mcpName, prefix);
    const other = byHarmonyName.get(name);
    if (other !== undefined) {
      throw new ToolDefinitionError(
        `MCP server "${serverName}": tools "${other}" and "${mcpName}" both map to the function name "${name}"; ` +
          'leave one out with the filter option',
        { toolName: name },
      );
    }
    byHarmonyName.set(name, mcpName);
    mapped.set(mcpName, name);
  }
  return mapped;
}
