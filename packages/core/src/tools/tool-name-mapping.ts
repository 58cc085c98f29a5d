/**
 * Tool names from other systems (MCP servers, OpenAPI operation ids, other SDKs) mapped to names
 * gpt-oss can call as `functions.<name>`, and back.
 */

import { ToolDefinitionError } from '../errors.js';

/** A Harmony function name: what gpt-oss writes after `functions.`. */
const HARMONY_TOOL_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** One code point that cannot appear in a Harmony function name. */
const UNSAFE_CHARACTER = /[^A-Za-z0-9_]/gu;

/**
 * The Harmony-safe identifier for a tool name from another system, deterministic and idempotent:
 * - every code point other than an ASCII letter, digit or `_` becomes one `_`
 *   (`get-weather` → `get_weather`, `files.read` → `files_read`, `search web` → `search_web`,
 *   `météo` → `m_t_o`);
 * - a name starting with a digit gets a leading `_` (`3d-render` → `_3d_render`);
 * - a name that is already a valid identifier is returned unchanged.
 *
 * Two names can map to the same identifier (`get-weather` and `get_weather`): to map a whole tool
 * list, use {@link createToolNameMapping}, which refuses such collisions.
 *
 * @param name - The tool's name in its own system: a non-empty string.
 * @returns A name matching `[A-Za-z_][A-Za-z0-9_]*`.
 * @throws {@link ToolDefinitionError} if `name` is not a non-empty string.
 *
 * @example
 * ```ts
 * toHarmonyToolName('get-weather'); // 'get_weather'
 * ```
 */
export function toHarmonyToolName(name: string): string {
  if (typeof name !== 'string' || name === '') {
    throw new ToolDefinitionError(
      `Cannot map tool name ${JSON.stringify(name) ?? String(name)}: a tool name must be a non-empty string`,
    );
  }
  if (HARMONY_TOOL_NAME_PATTERN.test(name)) {
    return name;
  }
  const safe = name.replace(UNSAFE_CHARACTER, '_');
  return /^[0-9]/.test(safe) ? `_${safe}` : safe;
}

/**
 * A two-way mapping between a tool list's own names and their Harmony names, built by
 * {@link createToolNameMapping}. Immutable.
 */
export interface ToolNameMapping {
  /** The number of tools mapped. */
  readonly size: number;
  /**
   * The Harmony name (`functions.<name>`) of a tool given its original name.
   * @returns `undefined` if `originalName` is not in the mapping.
   */
  toHarmony(originalName: string): string | undefined;
  /**
   * The original name of a tool given its Harmony name (the name the model called).
   * @returns `undefined` if no tool of the mapping has this Harmony name.
   */
  fromHarmony(harmonyName: string): string | undefined;
  /** Every `[originalName, harmonyName]` pair, in the order the names were given. */
  entries(): Array<[originalName: string, harmonyName: string]>;
}

/**
 * Maps a list of tool names from another system to Harmony-safe names with
 * {@link toHarmonyToolName}, and back. Use it when you expose tools whose names you do not choose
 * (an MCP server's `get-weather`): define each tool with `toHarmony(name)`, and translate a call's
 * name back with `fromHarmony(name)`.
 *
 * @param originalNames - The tools' names in their own system, each a non-empty string.
 * @throws {@link ToolDefinitionError} if a name is given twice, or two names map to the same
 *   Harmony name (`get-weather` and `get_weather`): the message names both; rename one of the tools.
 *
 * @example
 * ```ts
 * const names = createToolNameMapping(['get-weather', 'files.read']);
 * names.toHarmony('get-weather'); // 'get_weather'
 * names.fromHarmony('files_read'); // 'files.read'
 * ```
 */
export function createToolNameMapping(originalNames: Iterable<string>): ToolNameMapping {
  const toHarmony = new Map<string, string>();
  const fromHarmony = new Map<string, string>();
  for (const originalName of originalNames) {
    const harmonyName = toHarmonyToolName(originalName);
    if (toHarmony.has(originalName)) {
      throw new ToolDefinitionError(`Duplicate tool name ${JSON.stringify(originalName)}`, {
        toolName: originalName,
      });
    }
    const other = fromHarmony.get(harmonyName);
    if (other !== undefined) {
      throw new ToolDefinitionError(
        `Tool names ${JSON.stringify(other)} and ${JSON.stringify(originalName)} both map to the Harmony name "${harmonyName}"; rename one of them`,
        { toolName: originalName },
      );
    }
    toHarmony.set(originalName, harmonyName);
    fromHarmony.set(harmonyName, originalName);
  }
  return Object.freeze({
    size: toHarmony.size,
    toHarmony: (originalName: string) => toHarmony.get(originalName),
    fromHarmony: (harmonyName: string) => fromHarmony.get(harmonyName),
    entries: () => [...toHarmony.entries()],
  });
}
