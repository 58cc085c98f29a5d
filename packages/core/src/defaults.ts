/**
 * Every behaviour-changing default of core, in one place. Options document their default with
 * `@defaultValue`; the values live here and are applied once, when options are resolved.
 */

/** openai-harmony's default model identity (`SystemContent.new()`). */
export const DEFAULT_MODEL_IDENTITY = 'You are ChatGPT, a large language model trained by OpenAI.';

/** openai-harmony's default knowledge cutoff. */
export const DEFAULT_KNOWLEDGE_CUTOFF = '2024-06';

/** The default reasoning effort (openai-harmony's default). */
export const DEFAULT_REASONING_EFFORT = 'medium';

/** The channels gpt-oss uses; all required. */
export const DEFAULT_VALID_CHANNELS: readonly string[] = ['analysis', 'commentary', 'final'];

/** Which chain of thought of earlier turns the prompt keeps: the Harmony rule (drop it after a final answer). */
export const DEFAULT_REASONING_HISTORY = 'harmony';

/** How many tool rounds (model steps that end in tool calls) one run may make. */
export const DEFAULT_MAX_TOOL_ROUNDS = 10;

/** How long one tool call may take, in milliseconds. */
export const DEFAULT_TOOL_TIMEOUT_MS = 60_000;

/** How many identical calls (same tool, same arguments) one run may make before it is refused. */
export const DEFAULT_MAX_IDENTICAL_TOOL_CALLS = 3;

/** What the runner does with a failed tool call, for every kind: tell the model, so it can retry. */
export const DEFAULT_TOOL_ERROR_BEHAVIOR = 'report';

/** What the runner does with output that is not well-formed Harmony: salvage it, with `parse-error` events. */
export const DEFAULT_ON_PARSE_ERROR = 'recover';

/** Whether the runner asks backends that can to constrain tool arguments to the tool's schema. */
export const DEFAULT_CONSTRAIN_TOOL_ARGUMENTS = true;

/** Whether rendering a conversation for completion drops analysis before the last final answer (openai-harmony). */
export const DEFAULT_AUTO_DROP_ANALYSIS = true;

/** Whether `StreamableParser` rejects malformed headers (openai-harmony's default). */
export const DEFAULT_STRICT_PARSING = true;

/** How many times an answer that does not match the run's `output` schema goes back to the model. */
export const DEFAULT_MAX_OUTPUT_REPAIRS = 1;

/** What the runner does when a prompt and the answer's reserve do not fit the backend's context. */
export const DEFAULT_CONTEXT_OVERFLOW: 'error' = 'error';
