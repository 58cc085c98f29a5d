/**
 * `@harmony-agents/core/backend`: for backend authors. The {@link Backend} contract, and what every
 * backend of a Harmony model needs: the header reader that tells when a tool call's arguments start, the
 * stop-token rules, and the JSON-Schema rewrite that grammar builders accept.
 *
 * Errors a backend throws (`BackendError`, `TokenBudgetExceededError`, `ConfigurationError`) come from
 * `@harmony-agents/core`; the token ids (`HARMONY_TOKENS`) and the tokenizer from `@harmony-agents/core/harmony`.
 *
 * @example
 * ```ts
 * import { BACKEND_SPECIFICATION_VERSION, type Backend } from '@harmony-agents/core/backend';
 * ```
 * @module \@harmony-agents/core/backend
 */

export type {
  Backend,
  BackendCapabilities,
  BackendChunk,
  BackendGenerateRequest,
  BackendUsage,
  ConstrainedToolSchema,
  FinishReason,
  SamplingOptions,
} from '../backend.js';
export { BACKEND_SPECIFICATION_VERSION } from '../backend.js';
export { ASSISTANT_ACTION_STOP_TOKENS, PARSER_STOP_TOKENS } from '../harmony/special-tokens.js';
export { validateJsonSchema } from '../tools/validate-json-schema.js';
export type { HarmonyHeader } from './harmony-header-tracker.js';
export { HarmonyHeaderTracker } from './harmony-header-tracker.js';
export { MAX_OPTIONAL_PROPERTIES, toGrammarJsonSchema } from './json-schema-for-grammar.js';
export { reportedStopToken } from './stop-tokens.js';
