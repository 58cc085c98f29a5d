/**
 * Spans the run's own code starts: a tool's (through the OpenTelemetry API, after awaits and timers) are
 * children of its `execute_tool` span, the backend's of the step's `chat` span, and a run started inside a
 * tool is a child of that tool's span; concurrent runs never cross. The context manager is the one the Node
 * SDK registers (AsyncLocalStorage), as an application would have.
 */

import { type Agent, createAgent, defineTool } from '@harmony-agents/core';
import type { Backend } from '@harmony-agents/core/backend';
import { createScriptedBackend, scriptFinal, scriptToolCall } from '@harmony-agents/core/testing';
import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { instrumentAgent, traceAgentRun } from '../src/index.js';

/** A forecast tool that does what an instrumented client would: spans of its own, across awaits and timers. */
const getForecast = defineTool({
  name: 'get_forecast',
  description: 'Gets the forecast of a city.',
  parameters: z.object({ city: z.string() }),
  execute: async ({ city }) => {
    const tracer = trace.getTracer('weather-service');
    await new Promise((resolve) => setTimeout(resolve, 2));
    return tracer.startActiveSpan(`GET /forecast/${city}`, async (request) => {
      await Promise.resolve();
      await new Promise((resolve) => setTimeout(resolve, 2));
      tracer.startSpan(`parse ${city}`).end();
      request.end();
      return { city, celsius: 21 };
    });
  },
});

let exporter: InMemorySpanExporter;

beforeEach(() => {
  exporter = new InMemorySpanExporter();
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  trace.setGlobalTracerProvider(
    new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }),
  );
});

afterEach(() => {
  trace.disable();
  context.disable();
});

/** A scripted backend whose generations start a span, as an instrumented HTTP backend's would. */
function tracedBackend(completions: readonly string[]): Backend {
  const scripted = createScriptedBackend({ steps: completions.map((completion) => ({ completion })) });
  return {
    specificationVersion: scripted.specificationVersion,
    backendId: scripted.backendId,
    doGenerate(request) {
      trace.getTracer('http-client').startSpan('POST /completion').end();
      return scripted.doGenerate(request);
    },
  };
}

function forecastAgent(city: string, tools = [getForecast]): Agent {
  return createAgent({
    backend: tracedBackend([scriptToolCall('get_forecast', { city }), scriptFinal(`21°C in ${city}.`)]),
    tools,
    currentDate: '2026-12-05',
  });
}

function byName(spans: readonly ReadableSpan[], name: string): ReadableSpan[] {
  return spans.filter((span) => span.name === name);
}

function only(spans: readonly ReadableSpan[], name: string): ReadableSpan {
  const found = byName(spans, name);
  expect(found, name).toHaveLength(1);
  return found[0]!;
}

function expectChild(child: ReadableSpan, parent: ReadableSpan): void {
  expect(child.parentSpanContext?.spanId, `${child.name} under ${parent.name}`).toBe(
    parent.spanContext().spanId,
  );
  expect(child.spanContext().traceId).toBe(parent.spanContext().traceId);
}

describe("spans of the run's own code", () => {
  it("are children of the tool call's span, across awaits and timers, and of the step's span", async () => {
    const agent = instrumentAgent(forecastAgent('Seoul'), { agentName: 'weather', model: 'gpt-oss-20b' });
    const result = await agent.run('What is the forecast in Seoul?');
    expect(result.finalText).toBe('21°C in Seoul.');
    const spans = exporter.getFinishedSpans();
    const run = only(spans, 'invoke_agent weather');
    const tool = only(spans, 'execute_tool get_forecast');
    const request = only(spans, 'GET /forecast/Seoul');
    expect(run.parentSpanContext).toBeUndefined();
    expectChild(tool, run);
    expectChild(request, tool);
    expectChild(only(spans, 'parse Seoul'), request);
    const steps = byName(spans, 'chat gpt-oss-20b');
    const backendCalls = byName(spans, 'POST /completion');
    expect(steps).toHaveLength(2);
    expect(backendCalls).toHaveLength(2);
    for (const [index, step] of steps.entries()) {
      expectChild(step, run);
      expectChild(backendCalls[index]!, step);
    }
    // The GenAI attributes are unchanged.
    expect(tool.attributes).toMatchObject({
      'gen_ai.operation.name': 'execute_tool',
      'gen_ai.tool.name': 'get_forecast',
    });
  });

  it('never cross between concurrent runs', async () => {
    const cities = ['Seoul', 'Lima', 'Oslo'];
    const runs = cities.map((city) =>
      traceAgentRun(forecastAgent(city).run(`What is the forecast in ${city}?`), { agentName: city }),
    );
    await Promise.all(runs);
    const spans = exporter.getFinishedSpans();
    const tools = byName(spans, 'execute_tool get_forecast');
    for (const city of cities) {
      const run = only(spans, `invoke_agent ${city}`);
      const tool = tools.find((span) => span.parentSpanContext?.spanId === run.spanContext().spanId);
      expect(tool, city).toBeDefined();
      expectChild(tool!, run);
      expectChild(only(spans, `GET /forecast/${city}`), tool!);
    }
    expect(new Set(spans.map((span) => span.spanContext().traceId)).size).toBe(cities.length);
  });

  it("put a run started inside a tool under that tool's span", async () => {
    const inner = instrumentAgent(forecastAgent('Seoul'), { agentName: 'forecaster' });
    const askForecaster = defineTool({
      name: 'ask_forecaster',
      description: 'Asks the forecasting agent.',
      parameters: z.object({ question: z.string() }),
      execute: async ({ question }) => (await inner.run(question)).finalText,
    });
    const outer = instrumentAgent(
      createAgent({
        backend: tracedBackend([
          scriptToolCall('ask_forecaster', { question: 'Forecast for Seoul?' }),
          scriptFinal('The forecaster says 21°C.'),
        ]),
        tools: [askForecaster],
        currentDate: '2026-12-05',
      }),
      { agentName: 'assistant' },
    );
    await outer.run('Will it be warm in Seoul?');
    const spans = exporter.getFinishedSpans();
    const outerRun = only(spans, 'invoke_agent assistant');
    const delegation = only(spans, 'execute_tool ask_forecaster');
    const innerRun = only(spans, 'invoke_agent forecaster');
    expectChild(delegation, outerRun);
    expectChild(innerRun, delegation);
    expectChild(only(spans, 'execute_tool get_forecast'), innerRun);
    expectChild(only(spans, 'GET /forecast/Seoul'), only(spans, 'execute_tool get_forecast'));
  });

  it('keep a failing tool a tool error the model reads, with its span failed', async () => {
    const failing = defineTool({
      name: 'get_forecast',
      description: 'Fails inside its own span.',
      parameters: z.object({ city: z.string() }),
      execute: ({ city }) =>
        trace.getTracer('weather-service').startActiveSpan(`GET /forecast/${city}`, async (request) => {
          await new Promise((resolve) => setTimeout(resolve, 1));
          request.end();
          throw new Error('forecast service down');
        }),
    });
    const agent = instrumentAgent(forecastAgent('Seoul', [failing]), { agentName: 'weather' });
    const result = await agent.run('What is the forecast in Seoul?');
    expect(result.finalText).toBe('21°C in Seoul.');
    const spans = exporter.getFinishedSpans();
    const tool = only(spans, 'execute_tool get_forecast');
    expect(tool.attributes['error.type']).toBe('tool_execution_failed');
    expectChild(only(spans, 'GET /forecast/Seoul'), tool);
  });
});
