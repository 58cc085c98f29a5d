/**
 * The `# Response Formats` section of the developer message (Harmony format guide, "Structured output";
 * SPEC §8). openai-harmony has no field for it; the section is text appended to the developer message.
 */

import type { JsonValue } from './types.js';

/** One response format: a named JSON Schema the model's final answer must follow. */
export interface ResponseFormat {
  /** The format name, rendered as `## <name>` (like a schema name in the Responses API). */
  readonly name: string;
  /** Rendered as a `// ` comment line above the schema; each line of a multi-line text gets its own `// `. */
  readonly description?: string;
  /** The JSON Schema, rendered as compact JSON (`JSON.stringify`, key order kept). */
  readonly schema: JsonValue;
}

/**
 * The text of the `# Response Formats` section, as the Harmony format guide documents it:
 *
 * ```text
 * # Response Formats
 *
 * ## {format name}
 *
 * // {description or context}
 * {schema as compact JSON}
 * ```
 *
 * Formats are separated by a blank line. The section goes at the end of the developer message, after a
 * blank line.
 *
 * @example
 * ```ts
 * renderResponseFormatsSection([{ name: 'shopping_list', schema: { type: 'object' } }]);
 * // '# Response Formats\n\n## shopping_list\n\n{"type":"object"}'
 * ```
 */
export function renderResponseFormatsSection(formats: readonly ResponseFormat[]): string {
  const blocks = formats.map((format) => {
    const comment =
      format.description === undefined || format.description === ''
        ? ''
        : `${format.description
            .split('\n')
            .map((line) => `// ${line}`)
            .join('\n')}\n`;
    return `## ${format.name}\n\n${comment}${JSON.stringify(format.schema)}`;
  });
  return ['# Response Formats', ...blocks].join('\n\n');
}

/**
 * The developer message's text with the `# Response Formats` section at its end: joined to the existing text
 * (instructions, tools) by a blank line, or alone when that text is empty.
 */
export function appendResponseFormatsSection(
  developerText: string,
  formats: readonly ResponseFormat[],
): string {
  const section = renderResponseFormatsSection(formats);
  return developerText === '' ? section : `${developerText}\n\n${section}`;
}
