/**
 * Traces of the weather workflow, span by span: one `invoke_agent` span per run, a `chat` span per model step
 * and an `execute_tool` span per tool call, recorded by the OpenTelemetry SDK into an in-memory exporter.
 */

import { createAgent, defineTool } from '@harmony-agents/core';
import { createScriptedBackend, scriptFinal, scriptToolCall } from '@harmony-agents/core/testing';
import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { instrumentAgent, traceAgentRun } from '../src/index.js';

const getCurrentLocation = defineTool({
  name: 'get_current_location',
  description: 'Gets the current location of a user.',
  parameters: z.object({ userid: z.string() }),
  execute: ({ userid }) => {
    if (userid !== 'john123') throw new Error(`No user ${userid}`);
    return 'San Francisco, CA';
  },
});
const getCurrentTemperature = defineTool({
  name: 'get_current_temperature',
  description: 'Gets the current temperature at a location.',
  parameters: z.object({ location: z.string(), format: z.enum(['celsius', 'fahrenheit']) }),
  execute: ({ format }) => ({ temperature: format === 'fahrenheit' ? 64 : 18, format }),
});
const tools = [getCurrentLocation, getCurrentTemperature];

const WORKFLOW = [
  scriptToolCall(
    'get_current_location',
    { userid: 'john123' },
    { analysis: 'SECRET-THOUGHT-1 location first.' },
  ),
  scriptToolCall(
    'get_current_temperature',
    { location: 'San Francisco, CA', format: 'fahrenheit' },
    { analysis: 'SECRET-THOUGHT-2 now the temperature.' },
  ),
  scriptFinal('It is 64°F in San Francisco, CA.', { analysis: 'SECRET-THOUGHT-3 answer.' }),
];

function setUp() {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  return { exporter, provider, tracer: provider.getTracer('test') };
}

const agentWith = (completions: readonly string[]) =>
  createAgent({
    backend: createScriptedBackend({ steps: completions.map((completion) => ({ completion })) }),
    tools,
    currentDate: '2026-12-05',
    generateId: (() => {
      let next = 0;
      return (kind: 'run' | 'call') => `${kind}_${++next}`;
    })(),
  });

afterEach(() => {
  trace.disable();
  context.disable();
});

describe('traces of the weather workflow', () => {
  it('records a run span, three step spans and two tool spans with GenAI attributes', async () => {
    const { exporter, tracer } = setUp();
    const agent = instrumentAgent(agentWith(WORKFLOW), {
      tracer,
      agentName: 'weather',
      providerName: 'llama.cpp',
      model: 'gpt-oss-20b',
    });
    const result = await agent.run('What is the temperature in Fahrenheit where john123 is?');
    expect(result.finalText).toBe('It is 64°F in San Francisco, CA.');

    // Spans are exported as they end, in the order of the events that end them.
    const finished = exporter.getFinishedSpans();
    expect(finished.map((span) => span.name)).toEqual([
      'chat gpt-oss-20b',
      'execute_tool get_current_location',
      'chat gpt-oss-20b',
      'execute_tool get_current_temperature',
      'chat gpt-oss-20b',
      'invoke_agent weather',
    ]);
    const [step1, tool1, step2, tool2, step3, run] = finished as [
      ReadableSpan,
      ReadableSpan,
      ReadableSpan,
      ReadableSpan,
      ReadableSpan,
      ReadableSpan,
    ];
    const spans = [run, step1, tool1, step2, tool2, step3];
    const runSpanId = run.spanContext().spanId;
    for (const span of finished.slice(0, -1)) {
      expect(span.parentSpanContext?.spanId).toBe(runSpanId);
      expect(span.spanContext().traceId).toBe(run.spanContext().traceId);
    }
    expect(run.kind).toBe(SpanKind.INTERNAL);
    expect(run.parentSpanContext).toBeUndefined();
    expect(run.attributes).toEqual({
      'gen_ai.operation.name': 'invoke_agent',
      'gen_ai.agent.name': 'weather',
      'gen_ai.provider.name': 'llama.cpp',
      'gen_ai.request.model': 'gpt-oss-20b',
      'harmony_agents.run.id': 'run_1',
      'harmony_agents.run.status': 'completed',
      'gen_ai.usage.input_tokens': result.usage.promptTokens,
      'gen_ai.usage.output_tokens': result.usage.generatedTokens,
      'gen_ai.usage.cache_read.input_tokens': result.usage.cachedPromptTokens,
      'harmony_agents.usage.evaluated_prompt_tokens': result.usage.evaluatedPromptTokens,
    });
    expect(run.status.code).toBe(SpanStatusCode.UNSET);

    for (const [index, step] of [step1!, step2!, step3!].entries()) {
      expect(step.kind).toBe(SpanKind.CLIENT);
      expect(step.attributes).toMatchObject({
        'gen_ai.operation.name': 'chat',
        'gen_ai.provider.name': 'llama.cpp',
        'gen_ai.request.model': 'gpt-oss-20b',
        'harmony_agents.step': index + 1,
        'gen_ai.response.finish_reasons': ['stop'],
      });
      expect(step.attributes['gen_ai.usage.input_tokens']).toBeGreaterThan(0);
      expect(step.attributes['gen_ai.usage.output_tokens']).toBeGreaterThan(0);
      expect(typeof step.attributes['gen_ai.usage.cache_read.input_tokens']).toBe('number');
      expect(typeof step.attributes['harmony_agents.usage.evaluated_prompt_tokens']).toBe('number');
    }
    // Each later step reuses the previous prompt from the cache.
    expect(step2!.attributes['gen_ai.usage.cache_read.input_tokens']).toBeGreaterThan(0);
    const sumOf = (key: string) =>
      [step1!, step2!, step3!].reduce((sum, span) => sum + (span.attributes[key] as number), 0);
    expect(sumOf('gen_ai.usage.input_tokens')).toBe(result.usage.promptTokens);
    expect(sumOf('gen_ai.usage.output_tokens')).toBe(result.usage.generatedTokens);

    expect(tool1!.attributes).toEqual({
      'gen_ai.operation.name': 'execute_tool',
      'gen_ai.tool.name': 'get_current_location',
      'gen_ai.tool.call.id': 'call_2',
      'gen_ai.tool.type': 'function',
      'harmony_agents.tool.recipient': 'functions.get_current_location',
      'harmony_agents.step': 1,
      'harmony_agents.tool.duration_ms': expect.any(Number),
    });
    expect(tool2!.attributes).toMatchObject({
      'gen_ai.tool.name': 'get_current_temperature',
      'gen_ai.tool.call.id': 'call_3',
      'harmony_agents.step': 2,
    });
    // No content and no chain of thought unless asked.
    const everything = JSON.stringify(spans.map((span) => [span.attributes, span.events]));
    expect(everything).not.toContain('SECRET-THOUGHT');
    expect(everything).not.toContain('john123');
    expect(everything).not.toContain('64°F');
  });

  it('records the chain of thought and content only when asked', async () => {
    const { exporter, tracer } = setUp();
    const agent = agentWith(WORKFLOW);
    await traceAgentRun(agent.run('Where is john123?'), {
      tracer,
      recordReasoning: true,
      recordContent: true,
    });
    const spans = exporter.getFinishedSpans();
    const steps = spans.filter((span) => span.name.startsWith('chat'));
    expect(
      steps.map((span) => span.events.map((event) => event.attributes?.['harmony_agents.reasoning.text'])),
    ).toEqual([
      ['SECRET-THOUGHT-1 location first.'],
      ['SECRET-THOUGHT-2 now the temperature.'],
      ['SECRET-THOUGHT-3 answer.'],
    ]);
    const run = spans.find((span) => span.name.startsWith('invoke_agent'))!;
    expect(JSON.parse(run.attributes['gen_ai.input.messages'] as string)).toEqual([
      { role: 'user', parts: [{ type: 'text', content: 'Where is john123?' }] },
    ]);
    expect(JSON.parse(steps[2]!.attributes['gen_ai.output.messages'] as string)).toEqual([
      { role: 'assistant', parts: [{ type: 'text', content: 'It is 64°F in San Francisco, CA.' }] },
    ]);
    expect(JSON.parse(steps[0]!.attributes['gen_ai.output.messages'] as string)).toEqual([
      {
        role: 'assistant',
        parts: [
          { type: 'tool_call', name: 'functions.get_current_location', arguments: '{"userid":"john123"}' },
        ],
      },
    ]);
    const tool = spans.find((span) => span.name === 'execute_tool get_current_location')!;
    expect(tool.attributes).toMatchObject({
      'gen_ai.tool.call.arguments': '{"userid":"john123"}',
      'gen_ai.tool.call.result': 'San Francisco, CA',
    });
  });

  it('marks a failed tool call and a failed run with error.type', async () => {
    const { exporter, tracer } = setUp();
    const agent = agentWith([scriptToolCall('get_current_location', { userid: 'nobody' })]);
    await expect(traceAgentRun(agent.run('Where is nobody?'), { tracer })).rejects.toMatchObject({
      code: 'script_mismatch',
    });
    const spans = exporter.getFinishedSpans();
    expect(spans.map((span) => span.name)).toEqual([
      'chat gpt-oss',
      'execute_tool get_current_location',
      'chat gpt-oss',
      'invoke_agent harmony-agent',
    ]);
    const [, tool, failedStep, run] = spans;
    expect(tool!.status).toEqual({
      code: SpanStatusCode.ERROR,
      message: expect.stringContaining('No user nobody'),
    });
    expect(tool!.attributes['error.type']).toBe('tool_execution_failed');
    expect(tool!.events.map((event) => event.name)).toEqual(['exception']);
    expect(failedStep!.status.code).toBe(SpanStatusCode.ERROR);
    expect(run!.status.code).toBe(SpanStatusCode.ERROR);
    expect(run!.attributes).toMatchObject({
      'error.type': 'script_mismatch',
      'harmony_agents.run.status': 'failed',
    });
  });

  it('uses the global tracer provider when one is registered, and records nothing without one', async () => {
    const unregistered = setUp();
    await traceAgentRun(agentWith(WORKFLOW).run('Where is john123?'));
    expect(unregistered.exporter.getFinishedSpans()).toEqual([]);

    const registered = setUp();
    trace.setGlobalTracerProvider(registered.provider);
    await traceAgentRun(agentWith(WORKFLOW).run('Where is john123?'));
    expect(registered.exporter.getFinishedSpans()).toHaveLength(6);
    expect(registered.exporter.getFinishedSpans()[0]!.instrumentationScope.name).toBe(
      '@harmony-agents/opentelemetry',
    );
  });

  it("nests the run span under the caller's active span", async () => {
    const { exporter, tracer } = setUp();
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    const agent = instrumentAgent(agentWith(WORKFLOW), { tracer });
    await tracer.startActiveSpan('request', async (request) => {
      await agent.run('Where is john123?');
      request.end();
    });
    const spans = exporter.getFinishedSpans();
    const request = spans.find((span) => span.name === 'request')!;
    const run = spans.find((span) => span.name.startsWith('invoke_agent'))!;
    expect(run.parentSpanContext?.spanId).toBe(request.spanContext().spanId);
  });
});
