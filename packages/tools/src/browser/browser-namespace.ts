/**
 * The `browser` namespace rendered in the system message. Its texts are a contract with the model
 * (gpt-oss was trained on them), so they match openai-harmony's `ToolNamespaceConfig::browser()`
 * character for character.
 */

import type { ToolNamespaceConfig } from '@harmony-agents/core';
import { BUILTIN_TOOL_NAMESPACES } from '@harmony-agents/core/harmony';

/** The namespace name, also the recipient prefix (`browser.search`, `browser.open`, `browser.find`). */
export const BROWSER_NAMESPACE_NAME = 'browser';

/** openai-harmony's last description line; the reference tool replaces it with `sources=<source>`. */
const DEFAULT_SOURCES_LINE = 'sources=web (default: web)';

/**
 * Builds the `browser` namespace. Without `sources` it is openai-harmony's (last description line
 * `sources=web (default: web)`); with `sources` that line becomes `sources=<sources>`, as gpt-oss's
 * reference `SimpleBrowserTool` writes it for its backend's source.
 * @param sources - what the searches cover, e.g. `web` or `docs`; undefined keeps openai-harmony's line.
 */
export function createBrowserNamespace(sources?: string): ToolNamespaceConfig {
  const namespace = BUILTIN_TOOL_NAMESPACES.browser();
  if (sources === undefined) return namespace;
  const description = (namespace.description ?? '').replace(DEFAULT_SOURCES_LINE, `sources=${sources}`);
  return { ...namespace, description };
}
