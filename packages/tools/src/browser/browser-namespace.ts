/**
 * The `browser` namespace rendered in the system message. Its texts are a contract with the model
 * (gpt-oss was trained on them), so they match openai-harmony's `ToolNamespaceConfig::browser()`
 * character for character.
 */

import type { ToolNamespaceConfig } from '@harmony-agents/core';

/** The namespace name, also the recipient prefix (`browser.search`, `browser.open`, `browser.find`). */
export const BROWSER_NAMESPACE_NAME = 'browser';

/** openai-harmony's last description line; the reference tool replaces it with `sources=<source>`. */
const DEFAULT_SOURCES_LINE = 'sources=web (default: web)';

const DESCRIPTION_LINES = [
  'Tool for browsing.',
  'The `cursor` appears in brackets before each browsing display: `[{cursor}]`.',
  'Cite information from the tool using the following format:',
  '`【{cursor}†L{line_start}(-L{line_end})?】`, for example: `【6†L9-L11】` or `【8†L3】`.',
  'Do not quote more than 10 words directly from the tool output.',
];

const OPEN_DESCRIPTION = [
  'Opens the link `id` from the page indicated by `cursor` starting at line number `loc`, showing `num_lines` lines.',
  'Valid link ids are displayed with the formatting: `【{id}†.*】`.',
  'If `cursor` is not provided, the most recent page is implied.',
  'If `id` is a string, it is treated as a fully qualified URL associated with `source`.',
  'If `loc` is not provided, the viewport will be positioned at the beginning of the document or centered on the most relevant passage, if available.',
  'Use this function without `id` to scroll to a new location of an opened page.',
].join('\n');

/**
 * Builds the `browser` namespace. Without `sources` it equals openai-harmony's (last description line
 * `sources=web (default: web)`); with `sources` that line becomes `sources=<sources>`, as gpt-oss's
 * reference `SimpleBrowserTool` writes it for its backend's source.
 * @param sources - what the searches cover, e.g. `web` or `docs`; undefined keeps openai-harmony's line.
 */
export function createBrowserNamespace(sources?: string): ToolNamespaceConfig {
  const sourcesLine = sources === undefined ? DEFAULT_SOURCES_LINE : `sources=${sources}`;
  return {
    name: BROWSER_NAMESPACE_NAME,
    description: [...DESCRIPTION_LINES, sourcesLine].join('\n'),
    tools: [
      {
        name: 'search',
        description: 'Searches for information related to `query` and displays `topn` results.',
        parameters: {
          type: 'object',
          properties: {
            query: { type: 'string' },
            topn: { type: 'number', default: 10 },
            source: { type: 'string' },
          },
          required: ['query'],
        },
      },
      {
        name: 'open',
        description: OPEN_DESCRIPTION,
        parameters: {
          type: 'object',
          properties: {
            id: { type: ['number', 'string'], default: -1 },
            cursor: { type: 'number', default: -1 },
            loc: { type: 'number', default: -1 },
            num_lines: { type: 'number', default: -1 },
            view_source: { type: 'boolean', default: false },
            source: { type: 'string' },
          },
        },
      },
      {
        name: 'find',
        description: 'Finds exact matches of `pattern` in the current page, or the page given by `cursor`.',
        parameters: {
          type: 'object',
          properties: {
            pattern: { type: 'string' },
            cursor: { type: 'number', default: -1 },
          },
          required: ['pattern'],
        },
      },
    ],
  };
}
