/**
 * Which tool a recipient addresses, tolerant of the recipients gpt-oss writes in the wild (see the
 * peers' notes, N1 and N4): a bare function name, a content type glued onto the name, a built-in tool
 * inside the `functions` namespace. A tolerant reading is only taken when it names exactly one tool
 * and the recipient as written names none, so a call is never routed to a tool it did not mean.
 */

import type { BuiltinTool, FunctionTool } from '../tools/types.js';
import type { ToolRouter } from './tool-executor.js';

/**
 * How the runner read a tool call that was not well-formed, reported in the `tool-call` event's
 * `repairs`:
 * - `bare-function-name`: `get_weather` was read as `functions.get_weather` (no built-in namespace
 *   has that name);
 * - `content-type-in-name`: `functions.get_weatherjson` was read as `functions.get_weather`;
 * - `builtin-in-functions-namespace`: `functions.browser.search` / `functions.python` were read as
 *   the built-in `browser.search` / `python` (no function has that name);
 * - `arguments-envelope`: arguments `{"name": ..., "parameters" | "arguments": {...}}` were read as
 *   the inner object;
 * - `arguments-encoded-twice`: arguments that are a JSON string holding JSON were decoded once more.
 *
 * Argument repairs are only made when the repaired value validates and the value as written does not.
 */
export type ToolCallRepair =
  | 'bare-function-name'
  | 'content-type-in-name'
  | 'builtin-in-functions-namespace'
  | 'arguments-envelope'
  | 'arguments-encoded-twice';

/** A tool a recipient resolved to. `recipient` is the canonical one, which authors the result. */
export type ToolRoute =
  | {
      readonly kind: 'function';
      readonly tool: FunctionTool<unknown, unknown>;
      readonly name: string;
      readonly recipient: string;
      readonly repair: ToolCallRepair | null;
    }
  | {
      readonly kind: 'builtin';
      readonly tool: BuiltinTool;
      readonly recipient: string;
      readonly repair: ToolCallRepair | null;
    };

const FUNCTIONS_PREFIX = 'functions.';
/** Content types seen glued onto a function name (`to=functions.shelljson<|message|>`). */
const GLUED_CONTENT_TYPES = ['json'] as const;

function functionRoute(router: ToolRouter, name: string, repair: ToolCallRepair | null): ToolRoute | null {
  const tool = router.functions.get(name);
  return tool === undefined
    ? null
    : { kind: 'function', tool, name, recipient: `${FUNCTIONS_PREFIX}${name}`, repair };
}

function builtinRoute(
  router: ToolRouter,
  recipient: string,
  repair: ToolCallRepair | null,
): ToolRoute | null {
  const dot = recipient.indexOf('.');
  const builtin = router.builtins.get(dot < 0 ? recipient : recipient.slice(0, dot));
  return builtin === undefined ? null : { kind: 'builtin', tool: builtin, recipient, repair };
}

/**
 * Finds the tool a recipient addresses: `functions.<name>`, `<namespace>` or `<namespace>.<command>`
 * as written, else one of the tolerant readings of {@link ToolCallRepair}; `null` when none applies.
 */
export function routeToolCall(router: ToolRouter, recipient: string): ToolRoute | null {
  if (recipient.startsWith(FUNCTIONS_PREFIX)) {
    const name = recipient.slice(FUNCTIONS_PREFIX.length);
    const exact = functionRoute(router, name, null);
    if (exact !== null) return exact;
    for (const contentType of GLUED_CONTENT_TYPES) {
      if (name.length > contentType.length && name.endsWith(contentType)) {
        const glued = functionRoute(router, name.slice(0, -contentType.length), 'content-type-in-name');
        if (glued !== null) return glued;
      }
    }
    return builtinRoute(router, name, 'builtin-in-functions-namespace');
  }
  const builtin = builtinRoute(router, recipient, null);
  if (builtin !== null) return builtin;
  return functionRoute(router, recipient, 'bare-function-name');
}
