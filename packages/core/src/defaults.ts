/**
 * Every behaviour-changing default of the SDK, in one place.
 */

/** openai-harmony's default model identity (`SystemContent.new()`). */
export const DEFAULT_MODEL_IDENTITY = 'You are ChatGPT, a large language model trained by OpenAI.';

/** openai-harmony's default knowledge cutoff. */
export const DEFAULT_KNOWLEDGE_CUTOFF = '2024-06';

/** The default reasoning effort (openai-harmony's default). */
export const DEFAULT_REASONING_EFFORT = 'medium';

/** The channels gpt-oss uses; all required. */
export const DEFAULT_VALID_CHANNELS: readonly string[] = ['analysis', 'commentary', 'final'];

/** How many tool rounds (model steps that end in tool calls) one run may make. */
export const DEFAULT_MAX_TOOL_ROUNDS = 10;

/** How long one tool call may take, in milliseconds. */
export const DEFAULT_TOOL_TIMEOUT_MS = 60_000;

/** How many identical calls (same tool, same arguments) one run may make before it is refused. */
export const DEFAULT_MAX_IDENTICAL_TOOL_CALLS = 3;
