import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  BUILTIN_TOOL_NAMESPACES,
  createMessage,
  createSystemContent,
  harmonyMessageFromJSON,
  loadHarmonyEncoding,
} from '@harmony-agents/core/harmony';
import { describe, expect, it } from 'vitest';
import { createBrowserNamespace } from '../src/browser/browser-namespace.js';
import { createBrowserTool } from '../src/browser/browser-tool.js';
import type { SearchProvider } from '../src/browser/search-provider.js';

/** The Harmony golden vectors kept in the repository (`test-vectors/harmony`). */
const VECTORS_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../../test-vectors/harmony');

interface VectorCase {
  readonly id: string;
  readonly input: { readonly messages: readonly { readonly content: readonly Record<string, unknown>[] }[] };
}

function loadCase(id: string): VectorCase {
  const { cases } = JSON.parse(readFileSync(join(VECTORS_DIR, 'cases.json'), 'utf8')) as {
    cases: VectorCase[];
  };
  const found = cases.find((candidate) => candidate.id === id);
  expect(found, `vector case ${id}`).toBeDefined();
  return found!;
}

const noSearch: SearchProvider = { search: async () => [] };
const browserOnly = loadCase('render/browser_tool_only');
const systemJSON = browserOnly.input.messages[0]!;
const harmonyBrowser = (systemJSON.content[0]!.tools as Record<string, unknown>).browser;

describe('browser namespace', () => {
  it("equals openai-harmony's browser namespace with default options", () => {
    expect(createBrowserTool({ search: noSearch }).namespace).toEqual(harmonyBrowser);
    expect(createBrowserNamespace()).toEqual(BUILTIN_TOOL_NAMESPACES.browser());
  });

  it('renders the golden system message test_browser_tool_only.txt', () => {
    const encoding = loadHarmonyEncoding();
    const golden = readFileSync(
      join(VECTORS_DIR, 'test-data', 'test_browser_tool_only.txt'),
      'utf8',
    ).trimEnd();
    const system = createSystemContent({
      conversationStartDate: '2025-06-28',
      tools: [createBrowserTool({ search: noSearch }).namespace],
    });
    const tokens = encoding.renderConversationForCompletion([createMessage('system', system)], 'assistant');
    expect(encoding.decodeUtf8(tokens)).toBe(golden);
    const fromVector = harmonyMessageFromJSON(systemJSON);
    expect(encoding.renderConversationForCompletion([fromVector], 'assistant')).toEqual(tokens);
  });

  it('replaces the sources line like the reference SimpleBrowserTool when `sources` is set', () => {
    const description = createBrowserTool({ search: noSearch, sources: 'docs' }).namespace.description!;
    expect(description.split('\n').at(-1)).toBe('sources=docs');
    expect(description.split('\n').slice(0, -1)).toEqual(
      (harmonyBrowser as { description: string }).description.split('\n').slice(0, -1),
    );
  });
});
