/**
 * `@harmony-agents/core`: agents, tools, events, history and errors for apps on OpenAI gpt-oss models.
 *
 * The other entry points serve other audiences: `@harmony-agents/core/harmony` (the Harmony format:
 * tokenizer, rendering, parsing), `@harmony-agents/core/backend` (for backend authors) and
 * `@harmony-agents/core/testing` (a scripted backend and a conformance suite).
 *
 * @example
 * ```ts
 * import { createAgent, defineTool } from '@harmony-agents/core';
 * import { z } from 'zod';
 *
 * const getWeather = defineTool({
 *   name: 'get_weather',
 *   description: 'Gets the weather of a city.',
 *   parameters: z.object({ city: z.string() }),
 *   execute: ({ city }) => ({ city, celsius: 21 }),
 * });
 * const agent = createAgent({ backend, tools: [getWeather] });
 * const { finalText } = await agent.run('How warm is it in Paris?');
 * ```
 * @module \@harmony-agents/core
 */

// Agents and runs
export type { Backend } from './backend.js';
export type {
  BackendErrorKind,
  ErrorSource,
  HarmonyAgentsErrorOptions,
  ModelDownloadErrorReason,
  PageFetchErrorReason,
  ResumeErrorReason,
  RunScopeErrorReason,
  ToolCallErrorOptions,
} from './errors.js';
// Errors
export {
  BackendError,
  ConfigurationError,
  ContextWindowExceededError,
  ConversationFileError,
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
  ResumeError,
  RunAbortedError,
  RunScopeError,
  TokenBudgetExceededError,
  TokenizerError,
  ToolArgumentsError,
  ToolCallDeniedError,
  ToolCallError,
  ToolDefinitionError,
  ToolExecutionError,
  ToolInputRejectedError,
  ToolTimeoutError,
  UnknownToolError,
} from './errors.js';
// Messages (the Harmony data model; the format itself is in `@harmony-agents/core/harmony`)
export type {
  ChannelConfig,
  Content,
  DeveloperContent,
  JsonValue,
  Message,
  ReasoningEffort,
  Role,
  SystemContent,
  TextContent,
  ToolDescription,
  ToolNamespaceConfig,
} from './harmony/types.js';
export type { InferOutput, OutputSchema } from './output/output-schema.js';
export type { Agent, AgentOptions, ResumeOptions, RunArguments, RunOptions } from './runner/agent.js';
export { createAgent } from './runner/agent.js';
export type { AgentEventListener, RunResult, RunResultBase } from './runner/agent-run.js';
export { AgentRun } from './runner/agent-run.js';
export type { ApprovalDecision, ApprovalDecisions, PendingApproval } from './runner/approvals.js';
export type { ContextBudget, ContextOverflowStrategy } from './runner/context-window.js';
// History
export type {
  ConversationEntry,
  ConversationJSON,
  ConversationMessageJSON,
} from './runner/conversation.js';
export { CONVERSATION_FORMAT, CONVERSATION_FORMAT_VERSION, Conversation } from './runner/conversation.js';
// Events
export type {
  AbortEvent,
  AgentEvent,
  AgentEventOf,
  AgentEventType,
  AnalysisDeltaEvent,
  AnalysisEvent,
  ApprovalRequiredEvent,
  ErrorEvent,
  FinalDeltaEvent,
  FinalEvent,
  HistoryTrimmedEvent,
  ListenerErrorEvent,
  MessageEvent,
  OutputRepairEvent,
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
export type {
  ModelStepScope,
  RunScope,
  RunScopeWrapper,
  ToolCallScope,
  WholeRunScope,
} from './runner/run-scope.js';
export type { ToolErrorBehavior, ToolErrorKind } from './runner/tool-executor.js';
export type { ToolCallRepair } from './runner/tool-routing.js';
// Tools
export type {
  JsonSchemaToolDefinition,
  JsonSchemaToolParameters,
  ToolDefinitionFields,
  Zod3ToolDefinition,
  ZodToolDefinition,
  ZodToolParameters,
} from './tools/define-tool.js';
export { defineTool } from './tools/define-tool.js';
export type { JsonSchemaObject } from './tools/json-values.js';
export type { ToolNameMapping } from './tools/tool-name-mapping.js';
export { createToolNameMapping, toHarmonyToolName } from './tools/tool-name-mapping.js';
export type {
  BuiltinTool,
  BuiltinToolCall,
  FunctionTool,
  Tool,
  ToolApprovalPolicy,
  ToolCallContext,
  ToolContext,
  ValidationResult,
} from './tools/types.js';
export type { Zod3ToolParameters } from './tools/zod3-parameters.js';
