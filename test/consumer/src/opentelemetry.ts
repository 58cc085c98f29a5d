// @harmony-agents/opentelemetry in a user's app: a scripted run traced through the globally registered
// tracer provider of the OpenTelemetry SDK, its spans kept by the in-memory exporter.
import { createAgent, defineTool } from '@harmony-agents/core';
import { createScriptedBackend, scriptFinal, scriptToolCall } from '@harmony-agents/core/testing';
import {
  type AgentTracingOptions,
  INSTRUMENTATION_SCOPE,
  instrumentAgent,
  traceAgentRun,
} from '@harmony-agents/opentelemetry';
import { trace } from '@opentelemetry/api';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { z } from 'zod';

const getWeather = defineTool({
  name: 'get_weather',
  description: 'Gets the weather of a city.',
  parameters: z.object({ city: z.string() }),
  execute: ({ city }) => ({ city, celsius: 21 }),
});
const agentWith = (completions: readonly string[]) =>
  createAgent({
    backend: createScriptedBackend({ steps: completions.map((completion) => ({ completion })) }),
    tools: [getWeather],
  });
const weather = [scriptToolCall('get_weather', { city: 'Paris' }), scriptFinal('It is 21 °C in Paris.')];

// Nothing is recorded before a tracer provider is registered: the global one is a no-op.
const untraced = agentWith(weather).run('Weather in Paris?');
const untracedResult = await traceAgentRun(untraced);

const exporter = new InMemorySpanExporter();
trace.setGlobalTracerProvider(
  new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }),
);
const options: AgentTracingOptions = {
  agentName: 'weather',
  providerName: 'llama.cpp',
  model: 'gpt-oss-20b',
};
const result = await instrumentAgent(agentWith(weather), options).run('Weather in Paris?');

// The run span is the root and every other span its child (start times can tie: the clock is coarse).
const spans = exporter.getFinishedSpans();
const roots = spans.filter((span) => span.parentSpanContext === undefined);
const children = spans
  .filter((span) => roots.some((root) => span.parentSpanContext?.spanId === root.spanContext().spanId))
  .map((span) => span.name)
  .sort();
const scopes = new Set(spans.map((span) => span.instrumentationScope.name));
console.log(`opentelemetry untraced: ${untracedResult.finalText}`);
console.log(
  `opentelemetry: ${roots.map((span) => span.name).join(', ')} > ${children.join(', ')} (${spans.length} spans); scope ${[...scopes].join('/')}${scopes.has(INSTRUMENTATION_SCOPE) ? '' : ' (unexpected)'}; ${result.finalText}`,
);
