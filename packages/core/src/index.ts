/**
 * `@harmony-agents/core`: the token-exact Harmony format, tools and the agent runner for gpt-oss.
 * @module \@harmony-agents/core
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
export {
  DEFAULT_KNOWLEDGE_CUTOFF,
  DEFAULT_MAX_IDENTICAL_TOOL_CALLS,
  DEFAULT_MAX_TOOL_ROUNDS,
  DEFAULT_MODEL_IDENTITY,
  DEFAULT_REASONING_EFFORT,
  DEFAULT_TOOL_TIMEOUT_MS,
} from './defaults.js';
export type {
  BackendErrorKind,
  ErrorSource,
  HarmonyAgentsErrorOptions,
  ModelDownloadErrorReason,
  PageFetchErrorReason,
  ToolCallErrorOptions,
} from './errors.js';
// Errors
export {
  BackendError,
  ConfigurationError,
  ContextWindowExceededError,
  HarmonyAgentsError,
  HarmonyJSONError,
  HarmonyParseError,
  HarmonyRenderError,
  isHarmonyAgentsError,
  MaxToolRoundsExceededError,
  ModelDownloadError,
  OutputValidationError,
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
// Harmony: rendering, builders, encoding, JSON interop
export { BUILTIN_TOOL_NAMESPACES } from './harmony/builtin-tool-namespaces.js';
export type { CreateMessageOptions } from './harmony/create-message.js';
export { createMessage } from './harmony/create-message.js';
export type { DeveloperContentOptions } from './harmony/developer-content.js';
export { createDeveloperContent } from './harmony/developer-content.js';
export { HARMONY_GPT_OSS_ENCODING_NAME, HarmonyEncoding, loadHarmonyEncoding } from './harmony/encoding.js';
export type {
  HarmonyContentJSON,
  HarmonyConversationJSON,
  HarmonyMessageJSON,
  HarmonyReasoningEffortJSON,
  HarmonyToolDescriptionJSON,
  HarmonyToolNamespaceConfigJSON,
} from './harmony/json.js';
export {
  harmonyConversationFromJSON,
  harmonyConversationToJSON,
  harmonyMessageFromJSON,
  harmonyMessageToJSON,
} from './harmony/json.js';
export type {
  HarmonyParserEncoding,
  StreamableParserHeader,
  StreamableParserState,
} from './harmony/parser.js';
export { parseMessagesFromCompletionTokens, StreamableParser } from './harmony/parser.js';
export type { ResponseFormat } from './harmony/response-formats.js';
export { renderResponseFormatsSection } from './harmony/response-formats.js';
export { jsonSchemaToTypeScript } from './harmony/schema-to-typescript.js';
export {
  ASSISTANT_ACTION_STOP_TOKENS,
  HARMONY_TOKENS,
  PARSER_STOP_TOKENS,
  SPECIAL_TOKEN_IDS,
  SPECIAL_TOKENS,
} from './harmony/special-tokens.js';
export type {
  HarmonyStreamDecoderOptions,
  MessageOpening,
  StreamDecoderEvent,
} from './harmony/stream-decoder.js';
export { HarmonyStreamDecoder } from './harmony/stream-decoder.js';
export type { SystemContentOptions } from './harmony/system-content.js';
export { createSystemContent } from './harmony/system-content.js';
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
export type { Agent, AgentOptions, RunOptions } from './runner/agent.js';
// Runner
export { createAgent } from './runner/agent.js';
export type { AgentEventListener, RunResult } from './runner/agent-run.js';
export { AgentRun } from './runner/agent-run.js';
export type { ConversationEntry, ConversationJSON } from './runner/conversation.js';
export { CONVERSATION_FORMAT, CONVERSATION_FORMAT_VERSION, Conversation } from './runner/conversation.js';
export type {
  AbortEvent,
  AgentEvent,
  AgentEventOf,
  AgentEventType,
  AnalysisDeltaEvent,
  AnalysisEvent,
  ErrorEvent,
  FinalDeltaEvent,
  FinalEvent,
  ListenerErrorEvent,
  MessageEvent,
  ParseErrorEvent,
  PreambleDeltaEvent,
  PreambleEvent,
  RunEndEvent,
  RunStartEvent,
  StepEndEvent,
  StepStartEvent,
  ToolCallEvent,
  ToolErrorEvent,
  ToolResultEvent,
  Usage,
} from './runner/events.js';
export type { ReasoningHistory } from './runner/prompt-builder.js';
export type { ToolErrorBehavior, ToolErrorKind } from './runner/tool-executor.js';
export type {
  JsonSchemaToolDefinition,
  JsonSchemaToolParameters,
  ToolDefinitionFields,
  ZodToolDefinition,
  ZodToolParameters,
} from './tools/define-tool.js';
// Tools
export { defineTool, validateToolSet } from './tools/define-tool.js';
export { functionToolsNamespace } from './tools/function-namespace.js';
export type { JsonSchemaObject } from './tools/json-values.js';
export { normalizeJsonSchemaForHarmony } from './tools/normalize-schema.js';
export { toStandardJsonSchema } from './tools/standard-json-schema.js';
export type { ToolNameMapping } from './tools/tool-name-mapping.js';
export { createToolNameMapping, toHarmonyToolName } from './tools/tool-name-mapping.js';
export { formatToolError, formatToolResult } from './tools/tool-result.js';
// Tools
export type {
  BuiltinTool,
  BuiltinToolCall,
  FunctionTool,
  Tool,
  ToolContext,
  ValidationResult,
} from './tools/types.js';
export { validateJsonSchema } from './tools/validate-json-schema.js';
