import { describe, expect, it } from 'vitest';
import { loadCase } from '../../test/vectors.js';
import { BUILTIN_TOOL_NAMESPACES } from './builtin-tool-namespaces.js';
import { harmonyMessageFromJSON } from './json.js';

function namespacesOf(caseId: string): Record<string, unknown> {
  const input = loadCase(caseId).input as { messages: unknown[] };
  const system = harmonyMessageFromJSON(input.messages[0]);
  const content = system.content[0];
  if (content?.type !== 'system_content' || content.tools == null) throw new TypeError('no system tools');
  return content.tools;
}

describe('BUILTIN_TOOL_NAMESPACES', () => {
  it("equals openai-harmony's browser namespace", () => {
    expect(BUILTIN_TOOL_NAMESPACES.browser()).toEqual(namespacesOf('render/browser_tool_only').browser);
  });

  it("equals openai-harmony's python namespace", () => {
    expect(BUILTIN_TOOL_NAMESPACES.python()).toEqual(namespacesOf('render/browser_and_python_tool').python);
  });

  it('returns a fresh object each time', () => {
    expect(BUILTIN_TOOL_NAMESPACES.browser()).not.toBe(BUILTIN_TOOL_NAMESPACES.browser());
  });
});
