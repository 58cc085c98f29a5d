/**
 * Spans for one agent run, built from its events: `invoke_agent` for the run, `chat` for each model step and
 * `execute_tool` for each tool call, with the GenAI semantic conventions' attributes.
 */

import type {
  Agent,
  AgentRun,
  RunStartEvent,
  StepEndEvent,
  ToolCallEvent,
  ToolErrorEvent,
  ToolResultEvent,
  Usage,
} from '@harmony-agents/core';
import {
  type Attributes,
  type Context,
  context,
  type Span,
  SpanKind,
  SpanStatusCode,
  type Tracer,
  trace,
} from '@opentelemetry/api';
import { GEN_AI, HARMONY_AGENTS } from './gen-ai-attributes.js';

/** The tracer's instrumentation scope name. */
export const INSTRUMENTATION_SCOPE = '@harmony-agents/opentelemetry';

/** Options of {@link traceAgentRun} and {@link instrumentAgent}. */
export interface AgentTracingOptions {
  /**
   * The tracer. Without a registered tracer provider the global one is a no-op, so nothing is recorded.
   * @defaultValue `trace.getTracer('@harmony-agents/opentelemetry')`
   */
  readonly tracer?: Tracer;
  /**
   * `gen_ai.agent.name`, and the run span's name `invoke_agent <agentName>`.
   * @defaultValue `'harmony-agent'`
   */
  readonly agentName?: string;
  /**
   * `gen_ai.provider.name`: who serves the model, e.g. `llama.cpp`.
   * @defaultValue `'harmony-agents'`
   */
  readonly providerName?: string;
  /**
   * `gen_ai.request.model`, and the step spans' name `chat <model>`.
   * @defaultValue `'gpt-oss'`
   */
  readonly model?: string;
  /**
   * Record content: the user's input, the final answer and preambles (`gen_ai.input.messages`,
   * `gen_ai.output.messages`), tool arguments and results. Off by default: content may be sensitive.
   * @defaultValue false
   */
  readonly recordContent?: boolean;
  /**
   * Record the chain of thought (`analysis` messages) as `harmony_agents.reasoning` span events on the step
   * spans. Never recorded unless this is true: OpenAI asks not to show it to users.
   * @defaultValue false
   */
  readonly recordReasoning?: boolean;
}

interface ResolvedTracing {
  readonly tracer: Tracer;
  readonly agentName: string;
  readonly providerName: string;
  readonly model: string;
  readonly recordContent: boolean;
  readonly recordReasoning: boolean;
}

function resolve(options: AgentTracingOptions): ResolvedTracing {
  return {
    tracer: options.tracer ?? trace.getTracer(INSTRUMENTATION_SCOPE),
    agentName: options.agentName ?? 'harmony-agent',
    providerName: options.providerName ?? 'harmony-agents',
    model: options.model ?? 'gpt-oss',
    recordContent: options.recordContent ?? false,
    recordReasoning: options.recordReasoning ?? false,
  };
}

/**
 * Records spans for one run. Call it right after `agent.run()` returns, before awaiting: the run starts on a
 * later tick, and each span starts and ends when its event is emitted. The run span's parent is the context
 * active at this call. The run's code runs in its spans' contexts (through `run.wrap`): with a context manager
 * registered (the Node SDK registers one), spans a tool's code starts are children of its `execute_tool` span,
 * and spans the backend starts children of the step's `chat` span.
 *
 * @example
 * ```ts
 * const run = agent.run('What is the weather in Seoul?');
 * traceAgentRun(run, { providerName: 'llama.cpp', model: 'gpt-oss-20b' });
 * const result = await run;
 * ```
 */
export function traceAgentRun<TRun extends AgentRun<unknown>>(
  run: TRun,
  options: AgentTracingOptions = {},
): TRun {
  const settings = resolve(options);
  const { tracer } = settings;
  const parent = context.active();
  let runSpan: Span | undefined;
  let runContext: Context = parent;
  const steps = new Map<number, Span>();
  const outputs = new Map<number, unknown[]>();
  const tools = new Map<string, Span>();
  let currentStep = 0;
  const base: Attributes = {
    [GEN_AI.providerName]: settings.providerName,
    [GEN_AI.requestModel]: settings.model,
  };

  const startTool = (event: Pick<ToolCallEvent, 'callId' | 'recipient' | 'step'>, toolName: string) => {
    const span = tracer.startSpan(
      `execute_tool ${toolName}`,
      {
        kind: SpanKind.INTERNAL,
        attributes: {
          [GEN_AI.operationName]: 'execute_tool',
          [GEN_AI.toolName]: toolName,
          [GEN_AI.toolCallId]: event.callId,
          [GEN_AI.toolType]: event.recipient.startsWith('functions.') ? 'function' : 'extension',
          [HARMONY_AGENTS.toolRecipient]: event.recipient,
          [HARMONY_AGENTS.step]: event.step,
        },
      },
      runContext,
    );
    tools.set(event.callId, span);
    return span;
  };
  const endTool = (event: ToolResultEvent | ToolErrorEvent) => {
    const span = tools.get(event.callId) ?? startTool(event, toolNameOf(event.recipient));
    tools.delete(event.callId);
    if (settings.recordContent) span.setAttribute(GEN_AI.toolCallResult, event.output);
    if (event.type === 'tool-result') {
      span.setAttribute(HARMONY_AGENTS.toolDurationMs, event.durationMs);
    } else {
      span.setAttribute(GEN_AI.errorType, event.error.code);
      span.recordException(event.error);
      span.setStatus({ code: SpanStatusCode.ERROR, message: event.error.message });
    }
    span.end();
  };
  const output = (step: number, part: unknown) => {
    if (!settings.recordContent) return;
    outputs.set(step, [...(outputs.get(step) ?? []), part]);
  };

  // The run's own code runs in its spans' contexts: a span a tool or the backend starts (an instrumented HTTP
  // client's, say) is a child of the tool call's or the step's span, and these are children of the run's.
  run.wrap((scope, execute) => {
    const span =
      scope.type === 'run'
        ? runSpan
        : scope.type === 'step'
          ? steps.get(scope.step)
          : tools.get(scope.callId);
    if (span === undefined) return execute();
    return context.with(scope.type === 'run' ? runContext : trace.setSpan(runContext, span), execute);
  });
  run.on('run-start', (event: RunStartEvent) => {
    runSpan = tracer.startSpan(
      `invoke_agent ${settings.agentName}`,
      {
        kind: SpanKind.INTERNAL,
        attributes: {
          ...base,
          [GEN_AI.operationName]: 'invoke_agent',
          [GEN_AI.agentName]: settings.agentName,
          [HARMONY_AGENTS.runId]: event.runId,
          ...(settings.recordContent
            ? { [GEN_AI.inputMessages]: JSON.stringify([{ role: 'user', parts: textParts(event.input) }]) }
            : {}),
        },
      },
      parent,
    );
    runContext = trace.setSpan(parent, runSpan);
  });
  run.on('step-start', (event) => {
    currentStep = event.step;
    const span = tracer.startSpan(
      `chat ${settings.model}`,
      {
        kind: SpanKind.CLIENT,
        attributes: {
          ...base,
          [GEN_AI.operationName]: 'chat',
          [HARMONY_AGENTS.step]: event.step,
          [GEN_AI.usageInputTokens]: event.promptTokens,
        },
      },
      runContext,
    );
    steps.set(event.step, span);
  });
  run.on('analysis', (event) => {
    if (!settings.recordReasoning) return;
    steps
      .get(event.step)
      ?.addEvent(HARMONY_AGENTS.reasoningEvent, { [HARMONY_AGENTS.reasoningText]: event.text });
  });
  run.on('preamble', (event) => output(event.step, { type: 'text', content: event.text }));
  run.on('final', (event) => output(event.step, { type: 'text', content: event.text }));
  run.on('step-end', (event: StepEndEvent) => {
    const span = steps.get(event.step);
    if (span === undefined) return;
    steps.delete(event.step);
    span.setAttributes(stepAttributes(event));
    const parts = outputs.get(event.step);
    outputs.delete(event.step);
    if (parts !== undefined) {
      span.setAttribute(GEN_AI.outputMessages, JSON.stringify([{ role: 'assistant', parts }]));
    }
    span.end();
  });
  run.on('message', (event) => {
    // Tool calls are executed after their step ends: take them from the step's messages.
    const { message } = event;
    if (message.role !== 'assistant' || message.recipient === undefined || message.recipient === null) return;
    if (message.recipient === 'all') return;
    const text = message.content.map((item) => (item.type === 'text' ? item.text : '')).join('');
    output(currentStep, { type: 'tool_call', name: message.recipient, arguments: text });
  });
  run.on('tool-call', (event) => {
    const span = startTool(event, event.toolName);
    if (settings.recordContent) span.setAttribute(GEN_AI.toolCallArguments, event.rawArguments);
  });
  run.on('tool-result', endTool);
  run.on('tool-error', endTool);
  run.on('error', (event) => {
    for (const span of [...steps.values(), ...tools.values()]) {
      span.setAttribute(GEN_AI.errorType, event.error.code);
      span.setStatus({ code: SpanStatusCode.ERROR, message: event.error.message });
    }
    runSpan?.setAttribute(GEN_AI.errorType, event.error.code);
    runSpan?.recordException(event.error);
    runSpan?.setStatus({ code: SpanStatusCode.ERROR, message: event.error.message });
  });
  run.on('abort', () => {
    runSpan?.setAttribute(GEN_AI.errorType, 'run_aborted');
    runSpan?.setStatus({ code: SpanStatusCode.ERROR, message: 'The run was aborted' });
  });
  run.on('run-end', (event) => {
    for (const span of [...steps.values(), ...tools.values()]) span.end();
    steps.clear();
    tools.clear();
    runSpan?.setAttributes({
      ...usageAttributes(event.usage),
      [HARMONY_AGENTS.runStatus]: event.status,
    });
    runSpan?.end();
  });
  return run;
}

/**
 * An agent whose every run is traced with {@link traceAgentRun}.
 *
 * @example
 * ```ts
 * const agent = instrumentAgent(createAgent({ backend, tools }), { agentName: 'weather' });
 * ```
 */
export function instrumentAgent<TAgent extends Agent>(
  agent: TAgent,
  options: AgentTracingOptions = {},
): TAgent {
  const run = ((input: Parameters<Agent['run']>[0], runOptions?: Parameters<Agent['run']>[1]) =>
    traceAgentRun(agent.run(input, runOptions), options)) as Agent['run'];
  return Object.assign(Object.create(agent) as TAgent, { run });
}

function toolNameOf(recipient: string): string {
  return recipient.startsWith('functions.') ? recipient.slice('functions.'.length) : recipient;
}

function textParts(message: RunStartEvent['input']): { type: 'text'; content: string }[] {
  return message.content.flatMap((item) =>
    item.type === 'text' ? [{ type: 'text', content: item.text }] : [],
  );
}

function usageAttributes(usage: Usage): Attributes {
  return {
    [GEN_AI.usageInputTokens]: usage.promptTokens,
    [GEN_AI.usageOutputTokens]: usage.generatedTokens,
    ...(usage.cachedPromptTokens === undefined
      ? {}
      : { [GEN_AI.usageCacheReadInputTokens]: usage.cachedPromptTokens }),
    ...(usage.evaluatedPromptTokens === undefined
      ? {}
      : { [HARMONY_AGENTS.evaluatedPromptTokens]: usage.evaluatedPromptTokens }),
  };
}

function stepAttributes(event: StepEndEvent): Attributes {
  const { usage } = event;
  return {
    ...usageAttributes(usage),
    [GEN_AI.responseFinishReasons]: [event.finishReason],
    ...(usage.prefillMs === undefined
      ? {}
      : {
          [HARMONY_AGENTS.prefillMs]: usage.prefillMs,
          [GEN_AI.responseTimeToFirstChunk]: usage.prefillMs / 1000,
        }),
    ...(usage.decodeMs === undefined ? {} : { [HARMONY_AGENTS.decodeMs]: usage.decodeMs }),
  };
}
