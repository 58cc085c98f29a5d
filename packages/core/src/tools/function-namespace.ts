/**
 * The `functions` namespace of the developer message, built from function tools.
 */

import { FUNCTIONS_NAMESPACE } from '../harmony/developer-content.js';
import type { JsonValue, ToolDescription, ToolNamespaceConfig } from '../harmony/types.js';
import { isRecord } from './json-values.js';
import type { FunctionTool, Tool } from './types.js';

/**
 * Builds the `functions` namespace the renderer takes, with the function tools of `tools` in the
 * order given (built-in tools are skipped: they go in the system message).
 *
 * A tool whose parameters are an object without properties (`z.object({})`) is given no
 * `parameters`, so it renders `type name = () => any;` as in gpt-oss's own examples; the model then
 * calls it with `{}` or empty arguments.
 *
 * When no function tool is given the namespace has no tools; do not render it then (an empty
 * `functions` namespace still prints `## functions`).
 *
 * @example
 * ```ts
 * createDeveloperContent({ instructions, functionTools: functionToolsNamespace(tools).tools });
 * ```
 */
export function functionToolsNamespace(tools: readonly Tool[]): ToolNamespaceConfig {
  return {
    name: FUNCTIONS_NAMESPACE,
    tools: tools
      .filter((tool): tool is FunctionTool => tool.kind === 'function')
      .map(
        (tool): ToolDescription =>
          takesNoArguments(tool.parameters)
            ? { name: tool.name, description: tool.description }
            : { name: tool.name, description: tool.description, parameters: tool.parameters },
      ),
  };
}

function takesNoArguments(parameters: JsonValue): boolean {
  if (!isRecord(parameters) || parameters.type !== 'object') {
    return false;
  }
  return Object.entries(parameters).every(
    ([key, value]) =>
      key === 'type' ||
      (key === 'properties' && isRecord(value) && Object.keys(value).length === 0) ||
      (key === 'additionalProperties' && value === false),
  );
}
