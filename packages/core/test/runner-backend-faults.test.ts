/**
 * Regression tests for the runner against hostile backends, tools and listeners (issue 9: 4-7, 11, 12):
 * whatever they throw, yield or never settle, a run ends with typed errors and `run-end` last.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { Backend, BackendChunk } from '../src/backend/index.js';
import { loadHarmonyEncoding } from '../src/harmony/index.js';
import {
  type AgentEvent,
  type AgentRun,
  BackendError,
  createAgent,
  defineTool,
  RunAbortedError,
  TokenBudgetExceededError,
  ToolExecutionError,
} from '../src/index.js';
import { createScriptedBackend, scriptFinal, scriptToolCall } from '../src/testing/index.js';

const encoding = loadHarmonyEncoding();
const tokensOf = (text: string) => encoding.encode(text, { allowedSpecial: 'all' });
const types = (events: readonly AgentEvent[]) => events.map((event) => event.type);

async function iterate(run: AgentRun): Promise<AgentEvent[]> {
  const events: AgentEvent[] = [];
  for await (const event of run) events.push(event);
  return events;
}

function throwingBackend(value: () => unknown): Backend {
  return {
    specificationVersion: 'harmony-agents-backend-v1',
    backendId: 'throwing',
    // biome-ignore lint/correctness/useYield: it throws before yielding anything.
    async *doGenerate() {
      throw value();
    },
  };
}

const hostileValues: [string, () => unknown][] = [
  ['an object without a prototype', () => Object.create(null)],
  [
    'an object whose toString throws',
    () => ({
      toString() {
        throw new Error('no string');
      },
    }),
  ],
  [
    'a Proxy whose every trap throws',
    () =>
      new Proxy(
        {},
        {
          get() {
            throw new Error('trap');
          },
          getPrototypeOf() {
            throw new Error('trap');
          },
        },
      ),
  ],
  [
    'a revoked Proxy',
    () => {
      const { proxy, revoke } = Proxy.revocable({}, {});
      revoke();
      return proxy;
    },
  ],
  ['null', () => null],
];

describe('a backend that throws any value (issue 9.4)', () => {
  it.each(hostileValues)(
    '%s: the run fails with a BackendError, error and run-end events, iteration ends',
    async (_, value) => {
      const run = createAgent({ backend: throwingBackend(value), currentDate: null }).run('Hi');
      const events = await iterate(run);
      const error = await run.then(
        () => undefined,
        (caught: unknown) => caught,
      );
      expect(error).toBeInstanceOf(BackendError);
      expect(error).toMatchObject({ kind: 'generation_failed' });
      expect(types(events).slice(-2)).toEqual(['error', 'run-end']);
      expect(events.at(-1)).toMatchObject({ status: 'failed' });
    },
  );
});

describe('a tool that throws any value (issue 9.11)', () => {
  it.each(hostileValues)('%s goes back to the model as a tool error', async (_, value) => {
    const hostile = defineTool({
      name: 'hostile',
      description: 'Throws.',
      parameters: z.object({}),
      execute: () => {
        throw value();
      },
    });
    const backend = createScriptedBackend({
      steps: [{ completion: scriptToolCall('hostile', {}) }, { completion: scriptFinal('It failed.') }],
    });
    const run = createAgent({ backend, tools: [hostile], currentDate: null }).run('Go');
    const result = await run;
    expect(result.finalText).toBe('It failed.');
    const toolError = run.events.find((event) => event.type === 'tool-error');
    expect(toolError?.type === 'tool-error' && toolError.error).toBeInstanceOf(ToolExecutionError);
    expect(result.history.messages[2]).toMatchObject({ role: 'tool', name: 'functions.hostile' });
  });
});

/** A backend that yields `first`, then one `filler` token per chunk (on a later tick) until `limit` chunks. */
function endlessBackend(first: readonly number[], filler: number, limit = 2_000) {
  const record = { pulls: 0, closed: false };
  const backend: Backend = {
    specificationVersion: 'harmony-agents-backend-v1',
    backendId: 'endless',
    async *doGenerate() {
      try {
        record.pulls++;
        yield { type: 'tokens', tokens: first };
        for (let index = 0; index < limit; index++) {
          await new Promise((resolve) => setImmediate(resolve));
          record.pulls++;
          yield { type: 'tokens', tokens: [filler] };
        }
      } finally {
        record.closed = true;
      }
    },
  };
  return { backend, record };
}

describe('a backend that keeps yielding after <|return|> (issue 9.5)', () => {
  it('is not read any further, and its stream is closed', async () => {
    const { backend, record } = endlessBackend(tokensOf(scriptFinal('Done.')), tokensOf('x')[0]!);
    const result = await createAgent({ backend, currentDate: null }).run('Hi');
    expect(result.finalText).toBe('Done.');
    expect(record.pulls).toBeLessThanOrEqual(2);
    expect(record.closed).toBe(true);
  });
});

describe('a backend that ignores maxTokens (issue 9.6)', () => {
  it('is stopped by the runner at the budget', async () => {
    const { backend, record } = endlessBackend(
      tokensOf('<|channel|>analysis<|message|>'),
      tokensOf(' and')[0]!,
    );
    const run = createAgent({ backend, currentDate: null, maxTokens: 10 }).run('Hi');
    await expect(run).rejects.toBeInstanceOf(TokenBudgetExceededError);
    expect(run.events.at(-1)).toMatchObject({
      type: 'run-end',
      status: 'failed',
      usage: { generatedTokens: 10 },
    });
    expect(record.pulls).toBeLessThanOrEqual(10);
    expect(record.closed).toBe(true);
  });
});

describe('a backend stream whose return() never settles (issue 9.7)', () => {
  it('cannot hang a run aborted between two chunks', async () => {
    const controller = new AbortController();
    const backend: Backend = {
      specificationVersion: 'harmony-agents-backend-v1',
      backendId: 'never-closes',
      doGenerate: () => ({
        [Symbol.asyncIterator]: () => ({
          next: async (): Promise<IteratorResult<BackendChunk>> => ({
            done: false,
            value: { type: 'tokens', tokens: tokensOf('<|channel|>final<|message|>Hel') },
          }),
          return: () => new Promise<IteratorResult<BackendChunk>>(() => undefined),
        }),
      }),
    };
    const run = createAgent({ backend, currentDate: null }).run('Hi', { signal: controller.signal });
    // The user stops the run while reading the answer: the runner sees the abort before its next read.
    run.once('final-delta', () => controller.abort(new Error('stop')));
    const events = await iterate(run);
    await expect(run).rejects.toBeInstanceOf(RunAbortedError);
    expect(types(events).slice(-2)).toEqual(['abort', 'run-end']);
  });
});

describe('an async listener that rejects (issue 9.12)', () => {
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  beforeEach(() => {
    unhandled.length = 0;
    process.on('unhandledRejection', onUnhandled);
  });
  afterEach(() => {
    process.off('unhandledRejection', onUnhandled);
  });

  it('gives a listener-error event and no unhandled rejection', async () => {
    const backend = createScriptedBackend({ steps: [{ completion: scriptFinal('Hi!') }] });
    const run = createAgent({ backend, currentDate: null }).run('Hi');
    const failure = new Error('listener failed');
    run.on('final', async () => {
      await Promise.resolve();
      throw failure;
    });
    const result = await run;
    expect(result.finalText).toBe('Hi!');
    await new Promise((resolve) => setImmediate(resolve));
    expect(run.events).toContainEqual({
      type: 'listener-error',
      runId: run.runId,
      eventType: 'final',
      error: failure,
    });
    // Reported before run-end, which stays the last event.
    expect(run.events.at(-1)?.type).toBe('run-end');
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(unhandled).toEqual([]);
  });
});
