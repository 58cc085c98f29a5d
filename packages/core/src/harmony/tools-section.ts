/**
 * The `# Tools` section that system and developer content render (SPEC §6).
 */

import { jsonSchemaToTypeScript } from './schema-to-typescript.js';
import type { ToolNamespaceConfig } from './types.js';

/**
 * Splits text like Rust's `str::lines()`: on `\n`, removing a `\r` that directly precedes it; a final
 * line ending does not produce an empty last line, and `''` gives no lines. A bare `\r` (including one
 * at the very end) stays part of its line.
 */
export function rustLines(text: string): string[] {
  if (text.length === 0) return [];
  const lines = text.split('\n');
  const endsWithNewline = lines[lines.length - 1] === '';
  if (endsWithNewline) lines.pop();
  const terminated = endsWithNewline ? lines.length : lines.length - 1;
  for (let index = 0; index < terminated; index++) {
    const line = lines[index]!;
    if (line.endsWith('\r')) lines[index] = line.slice(0, -1);
  }
  return lines;
}

/** Compares strings by Unicode code point, which is the byte order of their UTF-8 (Rust's `BTreeMap<String>`). */
export function compareCodePoints(left: string, right: string): number {
  const length = Math.min(left.length, right.length);
  for (let index = 0; index < length; index++) {
    const leftUnit = left.charCodeAt(index);
    const rightUnit = right.charCodeAt(index);
    if (leftUnit === rightUnit) continue;
    // Surrogates (U+D800-DFFF) encode code points above U+FFFF, which sort after U+E000-U+FFFF.
    const leftSurrogate = leftUnit >= 0xd800 && leftUnit <= 0xdfff;
    const rightSurrogate = rightUnit >= 0xd800 && rightUnit <= 0xdfff;
    if (leftSurrogate !== rightSurrogate) return leftSurrogate ? 1 : -1;
    return leftUnit - rightUnit;
  }
  return left.length - right.length;
}

/** Keys namespaces by name, a later one replacing an earlier one (own properties, even for `__proto__`). */
export function namespacesByName(
  namespaces: readonly ToolNamespaceConfig[],
): Record<string, ToolNamespaceConfig> {
  return Object.fromEntries(new Map(namespaces.map((namespace) => [namespace.name, namespace])));
}

/** The namespaces of a tools map in the order openai-harmony renders them: sorted by key. */
export function sortedNamespaces(
  tools: Readonly<Record<string, ToolNamespaceConfig>>,
): ToolNamespaceConfig[] {
  return Object.keys(tools)
    .sort(compareCodePoints)
    .map((key) => tools[key])
    .filter((namespace): namespace is ToolNamespaceConfig => namespace !== undefined);
}

function renderNamespace(namespace: ToolNamespaceConfig): string {
  const items: string[] = [`## ${namespace.name}\n`];
  const hasTools = namespace.tools.length > 0;
  if (typeof namespace.description === 'string') {
    for (const line of rustLines(namespace.description)) items.push(hasTools ? `// ${line}` : line);
  }
  if (hasTools) {
    items.push(`namespace ${namespace.name} {\n`);
    for (const tool of namespace.tools) {
      for (const line of rustLines(tool.description)) items.push(`// ${line}`);
      if (tool.parameters === undefined || tool.parameters === null) {
        items.push(`type ${tool.name} = () => any;\n`);
      } else {
        items.push(`type ${tool.name} = (_: ${jsonSchemaToTypeScript(tool.parameters, '')}) => any;\n`);
      }
    }
    items.push(`} // namespace ${namespace.name}`);
  }
  return items.join('\n');
}

/**
 * Renders the `# Tools` section for a tools map (namespaces sorted by key, SPEC §6).
 * The caller only renders it when the map is non-empty.
 */
export function renderToolsSection(tools: Readonly<Record<string, ToolNamespaceConfig>>): string {
  const sections = ['# Tools'];
  for (const namespace of sortedNamespaces(tools)) sections.push(renderNamespace(namespace));
  return sections.join('\n\n');
}
