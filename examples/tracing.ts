/**
 * Tracing: OpenTelemetry spans of a run, following the GenAI semantic conventions.
 *
 * - `instrumentAgent(agent, options)` traces every run of an agent: `invoke_agent` for the run, `chat` for
 *   each model step (tokens, KV-cache hits, finish reason, timings), `execute_tool` for each tool call;
 * - nothing is recorded unless a tracer provider is registered (here the SDK's, exporting into memory;
 *   in an app, your OTLP exporter);
 * - the chain of thought is recorded only with `recordReasoning: true`, content only with `recordContent: true`;
 * - spans a tool's own code starts (here the temperature service's lookup) are children of its call's
 *   `execute_tool` span, given a context manager (the Node SDK registers one).
 *
 * Run: `node --conditions=@harmony-agents/source --import tsx examples/tracing.ts`
 * (set `HARMONY_AGENTS_GPT_OSS_GGUF` to a gpt-oss GGUF to use a real model instead of scripted turns).
 */
import { pathToFileURL } from 'node:url';
import { createAgent } from '@harmony-agents/core';
import type { Backend } from '@harmony-agents/core/backend';
import { instrumentAgent } from '@harmony-agents/opentelemetry';
import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { SCRIPTED_EVENTS_COMPLETIONS as SCRIPTED_TRACING_COMPLETIONS } from './events.js';
import { createExampleBackend } from './example-backend.js';
import { getCurrentLocation, getCurrentTemperature } from './weather-tools.js';

export { SCRIPTED_TRACING_COMPLETIONS };

/** The temperature tool as a service that traces its own work: the lookup is a span of its own. */
export const tracedTemperatureTool: typeof getCurrentTemperature = {
  ...getCurrentTemperature,
  execute: (args, toolContext) =>
    trace.getTracer('weather-service').startActiveSpan('weather-service lookup', async (span) => {
      try {
        return await getCurrentTemperature.execute(args, toolContext);
      } finally {
        span.end();
      }
    }),
};

/** One line per span: its name, then its token counts, its tool call, or (a span of the app's) its parent. */
export function describeSpan(span: ReadableSpan, spans: readonly ReadableSpan[] = []): string {
  const attributes = span.attributes;
  if (attributes['gen_ai.operation.name'] === undefined) {
    const parentId = span.parentSpanContext?.spanId;
    const parent = spans.find((candidate) => candidate.spanContext().spanId === parentId);
    return `${span.name} (child of ${parent?.name ?? 'no span'})`;
  }
  if (attributes['gen_ai.operation.name'] === 'execute_tool') {
    return `${span.name} (call ${attributes['gen_ai.tool.call.id']}, ${span.status.code === 2 ? 'failed' : 'ok'})`;
  }
  const finish = attributes['gen_ai.response.finish_reasons'];
  return (
    `${span.name}: ${attributes['gen_ai.usage.input_tokens']} prompt tokens` +
    ` (${attributes['gen_ai.usage.cache_read.input_tokens'] ?? 0} cached),` +
    ` ${attributes['gen_ai.usage.output_tokens']} generated` +
    (finish === undefined ? '' : `, finish ${String(finish)}`)
  );
}

/** Runs the weather question with tracing on and prints the spans; returns them. */
export async function main(
  backend?: Backend,
  write: (text: string) => void = (text) => process.stdout.write(text),
): Promise<readonly ReadableSpan[]> {
  const example =
    backend === undefined ? await createExampleBackend(SCRIPTED_TRACING_COMPLETIONS) : undefined;
  // In an app: register a provider once at start-up, with the exporter of your tracing system.
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  trace.setGlobalTracerProvider(provider);
  // The Node SDK registers this too: it carries the active span across awaits, into the tools.
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  try {
    const tools = [getCurrentLocation, tracedTemperatureTool];
    const plain = createAgent({ backend: backend ?? example!.backend, tools });
    const agent = instrumentAgent(plain, {
      agentName: 'weather',
      providerName: 'llama.cpp',
      model: 'gpt-oss-20b',
    });
    const result = await agent.run('What is the temperature in Fahrenheit where user john123 is?');
    write(`Assistant: ${result.finalText}\n`);
    const spans = exporter.getFinishedSpans();
    for (const span of spans) write(`  span ${describeSpan(span, spans)}\n`);
    return spans;
  } finally {
    await provider.shutdown();
    trace.disable();
    context.disable();
    await example?.dispose();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
