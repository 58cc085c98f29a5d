/**
 * Developer content: instructions and function tools (SPEC §5).
 */

import { namespacesByName, renderToolsSection } from './tools-section.js';
import type { DeveloperContent, ToolDescription, ToolNamespaceConfig } from './types.js';

/** The namespace that holds function tools, and the key it is stored under. */
export const FUNCTIONS_NAMESPACE = 'functions';

/** Options of {@link createDeveloperContent}. */
export interface DeveloperContentOptions {
  /**
   * Rendered under `# Instructions`.
   * @defaultValue none
   */
  readonly instructions?: string | null;
  /**
   * Function tools, rendered as `namespace functions { ... }` (openai-harmony's `with_function_tools`).
   * An empty list still renders an empty `## functions` namespace but does not count as "has function tools".
   * @defaultValue none
   */
  readonly functionTools?: readonly ToolDescription[] | null;
  /**
   * Other namespaces, keyed by their `name` (a `functions` namespace here is replaced by `functionTools`
   * when both are given).
   * @defaultValue none
   */
  readonly tools?: readonly ToolNamespaceConfig[] | null;
}

/**
 * Creates developer content (openai-harmony's `DeveloperContent.new()` plus `with_instructions` /
 * `with_function_tools`).
 *
 * @example
 * ```ts
 * const developer = createDeveloperContent({
 *   instructions: 'Answer like a pirate.',
 *   functionTools: [{ name: 'get_weather', description: 'Gets the weather.', parameters: { type: 'object' } }],
 * });
 * ```
 */
export function createDeveloperContent(options: DeveloperContentOptions = {}): DeveloperContent {
  const namespaces = [...(options.tools ?? [])];
  if (options.functionTools !== undefined && options.functionTools !== null) {
    namespaces.push({ name: FUNCTIONS_NAMESPACE, tools: options.functionTools });
  }
  const tools = namespaces.length === 0 ? undefined : namespacesByName(namespaces);
  const instructions = options.instructions;
  return {
    type: 'developer_content',
    ...(instructions === undefined || instructions === null ? {} : { instructions }),
    ...(tools === undefined ? {} : { tools }),
  };
}

/**
 * The text of developer content (SPEC §5): `# Instructions`, the instructions, then the tools section,
 * joined with blank lines. Empty instructions still render the heading.
 */
export function renderDeveloperContentText(content: DeveloperContent): string {
  const sections: string[] = [];
  if (content.instructions !== undefined && content.instructions !== null) {
    sections.push('# Instructions', content.instructions);
  }
  if (content.tools !== undefined && content.tools !== null && Object.keys(content.tools).length > 0) {
    sections.push(renderToolsSection(content.tools));
  }
  return sections.join('\n\n');
}

/**
 * Whether developer content has a non-empty `functions` namespace, which makes the system message say
 * that tool calls go to the commentary channel (SPEC §4).
 */
export function hasFunctionTools(content: DeveloperContent): boolean {
  const tools = content.tools;
  if (tools === undefined || tools === null || !Object.hasOwn(tools, FUNCTIONS_NAMESPACE)) return false;
  return (tools[FUNCTIONS_NAMESPACE]?.tools.length ?? 0) > 0;
}
