/**
 * `@harmony-agents/core`: the token-exact Harmony format, tools and the agent runner for gpt-oss.
 * @packageDocumentation
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
} from './backend.js';
// Backend contract
export { BACKEND_SPECIFICATION_VERSION } from './backend.js';
export type {
  BackendErrorKind,
  ErrorSource,
  HarmonyAgentsErrorOptions,
  PageFetchErrorReason,
  ToolCallErrorOptions,
} from './errors.js';
// Errors
export {
  BackendError,
  ConfigurationError,
  HarmonyAgentsError,
  HarmonyJSONError,
  HarmonyParseError,
  HarmonyRenderError,
  isHarmonyAgentsError,
  MaxToolRoundsExceededError,
  PageFetchError,
  RepeatedToolCallError,
  RunAbortedError,
  TokenBudgetExceededError,
  TokenizerError,
  ToolArgumentsError,
  ToolCallError,
  ToolDefinitionError,
  ToolExecutionError,
  ToolInputRejectedError,
  ToolTimeoutError,
  UnknownToolError,
} from './errors.js';
export {
  ASSISTANT_ACTION_STOP_TOKENS,
  HARMONY_TOKENS,
  PARSER_STOP_TOKENS,
  SPECIAL_TOKEN_IDS,
  SPECIAL_TOKENS,
} from './harmony/special-tokens.js';
export type { AllowedSpecial, EncodeOptions } from './harmony/tokenizer.js';
export { loadO200kHarmonyTokenizer, O200K_BASE_SHA256, O200kHarmonyTokenizer } from './harmony/tokenizer.js';
export type {
  ChannelConfig,
  Content,
  DeveloperContent,
  JsonValue,
  Message,
  ParseOptions,
  ReasoningEffort,
  RenderConversationConfig,
  RenderOptions,
  Role,
  SystemContent,
  TextContent,
  ToolDescription,
  ToolNamespaceConfig,
} from './harmony/types.js';
// Harmony: data model and tokenizer
export { ROLES } from './harmony/types.js';

// Tools
export type {
  BuiltinTool,
  BuiltinToolCall,
  FunctionTool,
  Tool,
  ToolContext,
  ValidationResult,
} from './tools/types.js';
