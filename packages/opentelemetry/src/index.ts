/**
 * `@harmony-agents/opentelemetry`: OpenTelemetry spans of harmony-agents runs, following the GenAI semantic
 * conventions: `invoke_agent` per run, `chat` per model step (tokens, cache, finish reason, timings) and
 * `execute_tool` per tool call (name, call id, duration, error). Nothing is recorded unless an OpenTelemetry
 * tracer provider is registered; the chain of thought and content only when asked.
 * @module \@harmony-agents/opentelemetry
 */

export type { AgentTracingOptions } from './trace-agent-run.js';
export { INSTRUMENTATION_SCOPE, instrumentAgent, traceAgentRun } from './trace-agent-run.js';
