/**
 * Run scopes in real runs (scripted backend): `run.wrap` runs the whole run, each model step and each tool's
 * execution inside the wrapper, so an AsyncLocalStorage store (or an OpenTelemetry context) set there is what
 * the backend and the tool's code see, across awaits and timers; events, errors and history are unchanged.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { Backend } from '../src/backend.js';
import { loadHarmonyEncoding } from '../src/harmony/index.js';
import {
  type AgentEvent,
  type AgentRun,
  type BuiltinTool,
  ConfigurationError,
  Conversation,
  createAgent,
  defineTool,
  RunAbortedError,
  type RunScope,
  RunScopeError,
  type RunScopeWrapper,
  type Tool,
  ToolExecutionError,
} from '../src/index.js';
import {
  createScriptedBackend,
  scriptBuiltinCall,
  scriptFinal,
  scriptToolCall,
} from '../src/testing/index.js';

const encoding = loadHarmonyEncoding();
const storage = new AsyncLocalStorage<string>();

/** Names a scope, for the store and for logs. */
function nameOf(scope: RunScope): string {
  switch (scope.type) {
    case 'run':
      return `run ${scope.runId}`;
    case 'step':
      return `step ${scope.step}`;
    case 'tool':
      return `tool ${scope.toolName} ${scope.callId}`;
  }
}

/** A wrapper that makes the scope's name the store of `storage` while the part runs. */
const storeScope: RunScopeWrapper = (scope, execute) => storage.run(nameOf(scope), execute);

/** What the tool's code sees of the store: synchronously, after an await and after a timer. */
const seenByTools: string[] = [];
const lookUp = defineTool({
  name: 'look_up',
  description: 'Looks a word up.',
  parameters: z.object({ word: z.string() }),
  execute: async ({ word }) => {
    seenByTools.push(`${word} sync: ${storage.getStore()}`);
    await Promise.resolve();
    seenByTools.push(`${word} await: ${storage.getStore()}`);
    await new Promise((resolve) => setTimeout(resolve, 2));
    seenByTools.push(`${word} timer: ${storage.getStore()}`);
    return `${word} means something`;
  },
});
const failing = defineTool({
  name: 'failing',
  description: 'Always fails.',
  parameters: z.object({}),
  execute: () => {
    throw new Error('disk on fire');
  },
});

const LOOK_UP = [scriptToolCall('look_up', { word: 'harmony' }), scriptFinal('It means agreement.')];

/** A scripted backend that records the store its generations start in. */
function backendWith(completions: readonly string[]) {
  const scripted = createScriptedBackend({ steps: completions.map((completion) => ({ completion })) });
  const seen: (string | undefined)[] = [];
  const backend: Backend = {
    specificationVersion: scripted.specificationVersion,
    backendId: scripted.backendId,
    doGenerate(request) {
      seen.push(storage.getStore());
      return scripted.doGenerate(request);
    },
  };
  return { backend, scripted, seen };
}

function agentWith(completions: readonly string[], tools: readonly Tool[] = [lookUp, failing]) {
  const { backend, scripted, seen } = backendWith(completions);
  let next = 0;
  const agent = createAgent({
    backend,
    tools,
    currentDate: null,
    generateId: (kind) => `${kind}_${++next}`,
  });
  return { agent, scripted, seen };
}

const types = (events: readonly AgentEvent[]) => events.map((event) => event.type);

/** A history must always render, and survive a JSON round trip. */
function expectConsistent(history: Conversation) {
  expect(() => encoding.renderConversationForCompletion(history.messages, 'assistant')).not.toThrow();
  expect(Conversation.fromJSON(JSON.parse(JSON.stringify(history))).messages).toEqual(history.messages);
}

/** Events and scope boundaries, in the order they happened. */
function logScopes(run: AgentRun<unknown>): string[] {
  const log: string[] = [];
  run.wrap(async (scope, execute) => {
    log.push(`enter ${nameOf(scope)}`);
    await execute();
    log.push(`exit ${nameOf(scope)}`);
  });
  for (const type of ['run-start', 'step-start', 'step-end', 'tool-call', 'tool-result', 'run-end'] as const)
    run.on(type, () => log.push(type));
  return log;
}

describe('run scopes', () => {
  it('wrap the run, each model step and each tool execution, between their events', async () => {
    const run = agentWith(LOOK_UP).agent.run('What does harmony mean?');
    const log = logScopes(run);
    await run;
    expect(log).toEqual([
      'run-start',
      'enter run run_1',
      'step-start',
      'enter step 1',
      'exit step 1',
      'step-end',
      'tool-call',
      'enter tool look_up call_2',
      'exit tool look_up call_2',
      'tool-result',
      'step-start',
      'enter step 2',
      'exit step 2',
      'step-end',
      'exit run run_1',
      'run-end',
    ]);
  });

  it('keep the events of a run as they are without a wrapper', async () => {
    const plain = agentWith(LOOK_UP).agent.run('What does harmony mean?');
    const wrapped = agentWith(LOOK_UP).agent.run('What does harmony mean?');
    wrapped.wrap(storeScope).wrap((_, execute) => execute());
    const [plainResult, wrappedResult] = await Promise.all([plain, wrapped]);
    const comparable = (events: readonly AgentEvent[]) =>
      events.map((event) => (event.type === 'tool-result' ? { ...event, durationMs: 0 } : event));
    expect(comparable(wrapped.events)).toEqual(comparable(plain.events));
    expect(wrappedResult.history.messages).toEqual(plainResult.history.messages);
  });

  it("are what the backend and the tool's code see, across awaits and timers", async () => {
    seenByTools.length = 0;
    const { agent, seen } = agentWith(LOOK_UP);
    const run = agent.run('What does harmony mean?').wrap(storeScope);
    const inRun: (string | undefined)[] = [];
    run.on('message', () => inRun.push(storage.getStore()));
    await run;
    expect(seen).toEqual(['step 1', 'step 2']);
    expect(seenByTools).toEqual([
      'harmony sync: tool look_up call_2',
      'harmony await: tool look_up call_2',
      'harmony timer: tool look_up call_2',
    ]);
    // Listeners run where the event is emitted: the messages are committed in the run's scope.
    expect(inRun).toEqual(['run run_1', 'run run_1', 'run run_1', 'run run_1']);
  });

  it('never cross between concurrent runs', async () => {
    seenByTools.length = 0;
    const runs = ['alpha', 'beta', 'gamma'].map((word) => {
      const { agent } = agentWith([scriptToolCall('look_up', { word }), scriptFinal(`${word} done`)]);
      return agent
        .run(`What does ${word} mean?`)
        .wrap((scope, execute) => storage.run(`${word}: ${nameOf(scope)}`, execute));
    });
    await Promise.all(runs);
    expect(seenByTools).toHaveLength(9);
    for (const line of seenByTools) {
      const [word] = line.split(' ');
      expect(line).toMatch(new RegExp(`^${word} (sync|await|timer): ${word}: tool look_up call_2$`));
    }
  });

  it('wrap built-in tools too, named by their recipient', async () => {
    const python: BuiltinTool = {
      kind: 'builtin',
      namespace: { name: 'python', description: 'Runs Python.', tools: [] },
      timeoutMs: undefined,
      execute: async () => {
        await new Promise((resolve) => setTimeout(resolve, 1));
        return `4 (${storage.getStore()})`;
      },
    };
    const { agent } = agentWith(
      [scriptBuiltinCall('python', 'print(2+2)', { contentType: 'code' }), scriptFinal('4')],
      [python],
    );
    const scopes: RunScope[] = [];
    const run = agent.run('2+2?').wrap((scope, execute) => {
      scopes.push(scope);
      return storeScope(scope, execute);
    });
    await run;
    expect(scopes.filter((scope) => scope.type === 'tool')).toEqual([
      { type: 'tool', runId: 'run_1', step: 1, callId: 'call_2', toolName: 'python', recipient: 'python' },
    ]);
    expect(run.events.find((event) => event.type === 'tool-result')).toMatchObject({
      output: '4 (tool python call_2)',
    });
  });

  it("send a tool's error back to the model as before", async () => {
    const { agent, scripted } = agentWith([scriptToolCall('failing', {}), scriptFinal('Sorry.')]);
    const run = agent.run('Go').wrap(storeScope);
    const result = await run;
    expect(result.finalText).toBe('Sorry.');
    const error = run.events.find((event) => event.type === 'tool-error');
    expect(error?.type === 'tool-error' && error.error).toBeInstanceOf(ToolExecutionError);
    expect(error?.type === 'tool-error' && error.output).toContain('disk on fire');
    scripted.assertComplete();
  });

  it.each([
    ['returns without calling execute', (() => undefined) as RunScopeWrapper, 'not_called', 0],
    [
      'calls execute twice',
      (async (_, execute) => {
        await execute();
        await execute();
      }) as RunScopeWrapper,
      'called_twice',
      1,
    ],
    [
      'throws',
      (() => {
        throw new Error('exporter down');
      }) as RunScopeWrapper,
      'wrapper_failed',
      0,
    ],
  ] as const)(
    'fail the run when a tool call wrapper %s, with a consistent history',
    async (_, misused, reason, runs) => {
      seenByTools.length = 0;
      const { agent, scripted } = agentWith(LOOK_UP);
      const run = agent
        .run('What does harmony mean?')
        .wrap((scope, execute) => (scope.type === 'tool' ? misused(scope, execute) : execute()));
      const error = await run.then(
        () => undefined,
        (caught: unknown) => caught,
      );
      expect(error).toBeInstanceOf(RunScopeError);
      expect(error).toMatchObject({ reason, scope: { type: 'tool', callId: 'call_2', toolName: 'look_up' } });
      expect(seenByTools).toHaveLength(runs * 3);
      // Not a tool error for the model: the run stops, the call is answered as not executed.
      expect(types(run.events.filter((event) => event.type !== 'message')).slice(-4)).toEqual([
        'step-end',
        'tool-call',
        'error',
        'run-end',
      ]);
      expect(scripted.remainingSteps).toBe(1);
      expect(run.history.messages.at(-1)?.content).toEqual([
        { type: 'text', text: 'Error: the call was not executed because the run was stopped.' },
      ]);
      expectConsistent(run.history);
    },
  );

  it("treat a misused wrapper of a run inside a tool as that tool's failure", async () => {
    const inner = agentWith(LOOK_UP).agent;
    const delegate = defineTool({
      name: 'delegate',
      description: 'Asks another agent.',
      parameters: z.object({}),
      execute: async () => (await inner.run('What does harmony mean?').wrap(() => undefined)).finalText,
    });
    const { agent, scripted } = agentWith(
      [scriptToolCall('delegate', {}), scriptFinal('It failed.')],
      [delegate],
    );
    const run = agent.run('Ask the other agent').wrap(storeScope);
    const result = await run;
    expect(result.finalText).toBe('It failed.');
    const error = run.events.find((event) => event.type === 'tool-error');
    expect(error?.type === 'tool-error' && error.error).toBeInstanceOf(ToolExecutionError);
    expect(error?.type === 'tool-error' && error.error.cause).toBeInstanceOf(RunScopeError);
    scripted.assertComplete();
  });

  it('fail the run when a model step wrapper misbehaves, before the backend is called', async () => {
    const { agent, seen } = agentWith(LOOK_UP);
    const run = agent
      .run('What does harmony mean?')
      .wrap((scope, execute) => (scope.type === 'step' ? undefined : execute()));
    await expect(run).rejects.toMatchObject({ code: 'invalid_run_scope', reason: 'not_called' });
    expect(seen).toEqual([]);
    expect(run.history.messages.map((message) => message.role)).toEqual(['user']);
  });

  it('let an abort during a tool stop the run as before', async () => {
    const controller = new AbortController();
    const stuck = defineTool({
      name: 'stuck',
      description: 'Waits for the abort.',
      parameters: z.object({}),
      execute: (_, { signal }) => {
        controller.abort(new Error('user left'));
        return new Promise((resolve) => signal.addEventListener('abort', resolve));
      },
    });
    const { agent } = agentWith([scriptToolCall('stuck', {}), scriptFinal('Never.')], [stuck]);
    const run = agent.run('Go', { signal: controller.signal }).wrap(storeScope);
    await expect(run).rejects.toBeInstanceOf(RunAbortedError);
    expect(types(run.events).slice(-2)).toEqual(['abort', 'run-end']);
    expectConsistent(run.history);
  });

  it('refuse a wrapper that is not a function', () => {
    const run = agentWith(LOOK_UP).agent.run('Hi');
    expect(() => run.wrap('later' as unknown as RunScopeWrapper)).toThrow(ConfigurationError);
    expect(() => run.wrap('later' as unknown as RunScopeWrapper)).toThrow(
      'wrap: wrapper must be a function, got "later"',
    );
    return run.then(undefined, () => undefined);
  });
});
