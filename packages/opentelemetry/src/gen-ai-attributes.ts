/**
 * The attribute names this package writes: OpenTelemetry's GenAI semantic conventions (`gen_ai.*`, still
 * in development upstream, so they are spelled out here rather than imported from the incubating entry
 * point) and a few `harmony_agents.*` ones for what the conventions do not cover.
 */

/** GenAI semantic-convention attribute names. */
export const GEN_AI = {
  operationName: 'gen_ai.operation.name',
  providerName: 'gen_ai.provider.name',
  agentName: 'gen_ai.agent.name',
  requestModel: 'gen_ai.request.model',
  usageInputTokens: 'gen_ai.usage.input_tokens',
  usageOutputTokens: 'gen_ai.usage.output_tokens',
  usageCacheReadInputTokens: 'gen_ai.usage.cache_read.input_tokens',
  responseFinishReasons: 'gen_ai.response.finish_reasons',
  responseTimeToFirstChunk: 'gen_ai.response.time_to_first_chunk',
  toolName: 'gen_ai.tool.name',
  toolCallId: 'gen_ai.tool.call.id',
  toolType: 'gen_ai.tool.type',
  toolCallArguments: 'gen_ai.tool.call.arguments',
  toolCallResult: 'gen_ai.tool.call.result',
  inputMessages: 'gen_ai.input.messages',
  outputMessages: 'gen_ai.output.messages',
  errorType: 'error.type',
} as const;

/** harmony-agents attribute names, for what the GenAI conventions do not cover. */
export const HARMONY_AGENTS = {
  runId: 'harmony_agents.run.id',
  runStatus: 'harmony_agents.run.status',
  runSteps: 'harmony_agents.run.steps',
  step: 'harmony_agents.step',
  evaluatedPromptTokens: 'harmony_agents.usage.evaluated_prompt_tokens',
  prefillMs: 'harmony_agents.prefill_ms',
  decodeMs: 'harmony_agents.decode_ms',
  toolRecipient: 'harmony_agents.tool.recipient',
  toolDurationMs: 'harmony_agents.tool.duration_ms',
  reasoningEvent: 'harmony_agents.reasoning',
  reasoningText: 'harmony_agents.reasoning.text',
} as const;
