/**
 * Reliability: the runner on random scripted completions and injected faults (backend errors, tools
 * that throw or hang, throwing and rejecting listeners, aborts at random points). Every run ends with
 * `run-end` last; its history renders, saves, loads and continues. Then a 1,000-turn soak.
 */

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { loadHarmonyEncoding } from '../../src/harmony/index.js';
import { Conversation, createAgent, defineTool, isHarmonyAgentsError } from '../../src/index.js';
import {
  createScriptedBackend,
  type ScriptedStep,
  scriptBuiltinCall,
  scriptFinal,
  scriptToolCall,
} from '../../src/testing/index.js';
import { propertyParameters } from './seed.js';

/** Runs of the fault property, and turns of the soak; docs/reliability.md reports them. */
export const RUNNER_RUNS = 400;
export const SOAK_TURNS = 1_000;

const encoding = loadHarmonyEncoding();
const folder = mkdtempSync(join(tmpdir(), 'harmony-agents-reliability-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

const echo = defineTool({
  name: 'echo',
  description: 'Echoes a word.',
  parameters: z.object({ word: z.string() }),
  execute: ({ word }) => `echo: ${word}`,
});
const explode = defineTool({
  name: 'explode',
  description: 'Throws odd values.',
  parameters: z.object({ kind: z.number() }),
  execute: ({ kind }) => {
    throw [new Error('boom'), Object.create(null), null, 'text', 42][kind % 5];
  },
});
const hang = defineTool({
  name: 'hang',
  description: 'Never returns unless aborted.',
  parameters: z.object({}),
  timeoutMs: 5,
  execute: () => new Promise(() => {}),
});

const step = fc.oneof(
  fc.constantFrom(
    scriptFinal('Done.'),
    scriptFinal('Done.', { analysis: 'think <|end|> hard' }),
    scriptToolCall('echo', { word: 'hi' }),
    scriptToolCall('echo', { nope: 1 }),
    scriptToolCall('echo', '{"word": '),
    scriptToolCall('missing', {}),
    scriptToolCall('hang', {}),
    scriptBuiltinCall('python', 'print(1)'),
    '<|channel|>final<|message|>cut off',
    '<|channel|>commentary to=functions.echo<|message|>{"word":"x"}<|end|>',
    'garbage<|start|><|start|>assistant<|channel|><|message|><|return|>',
    '<|return|>trailing text<|end|>',
  ),
  fc.integer({ min: 0, max: 4 }).map((kind) => scriptToolCall('explode', { kind })),
);
const fault = fc.record({
  steps: fc.array(step, { minLength: 1, maxLength: 5 }),
  backendErrorAt: fc.option(fc.integer({ min: 0, max: 4 }), { nil: undefined }),
  listenerThrows: fc.boolean(),
  listenerRejects: fc.boolean(),
  abortAfterEvents: fc.option(fc.integer({ min: 0, max: 30 }), { nil: undefined }),
});

/** What the property counted, for docs/reliability.md. */
export const counted = { runs: 0, faults: 0, aborts: 0, failedTyped: 0, completed: 0 };

describe('reliability: the runner under faults', () => {
  it('always ends, run-end last; the history renders, saves, loads and continues', async () => {
    await fc.assert(
      fc.asyncProperty(
        fault,
        async ({ steps, backendErrorAt, listenerThrows, listenerRejects, abortAfterEvents }) => {
          const scripted: ScriptedStep[] = steps.map((completion, index) =>
            index === backendErrorAt
              ? { completion, error: new Error('backend down') }
              : { completion, tokensPerChunk: 3 },
          );
          scripted.push({ completion: scriptFinal('Finally.') }, { completion: scriptFinal('Finally.') });
          const backend = createScriptedBackend({ steps: scripted });
          const agent = createAgent({
            backend,
            tools: [echo, explode, hang],
            currentDate: null,
            maxToolRounds: 4,
          });
          const controller = new AbortController();
          const run = agent.run('Go', { signal: controller.signal });
          let seen = 0;
          for (const type of ['step-start', 'tool-call', 'tool-result', 'message', 'step-end'] as const) {
            run.on(type, () => {
              seen++;
              if (abortAfterEvents !== undefined && seen === abortAfterEvents) controller.abort();
              if (listenerThrows) throw new Error('listener');
              if (listenerRejects) return Promise.reject(new Error('async listener'));
              return undefined;
            });
          }
          counted.runs++;
          counted.faults +=
            Number(backendErrorAt !== undefined) + Number(listenerThrows) + Number(listenerRejects);
          try {
            await run;
            counted.completed++;
          } catch (error) {
            expect(isHarmonyAgentsError(error)).toBe(true);
            counted.failedTyped++;
          }
          if (controller.signal.aborted) counted.aborts++;
          const events = run.events.filter((event) => event.type !== 'listener-error');
          expect(events.at(-1)?.type).toBe('run-end');
          const history = run.history;
          expect(() => encoding.renderConversationForCompletion(history.messages, 'assistant')).not.toThrow();
          const path = join(folder, 'history.json');
          await history.save(path);
          const loaded = await Conversation.load(path);
          expect(loaded.messages).toEqual(history.messages);
          const next = createAgent({
            backend: createScriptedBackend({ steps: [{ completion: scriptFinal('Again.') }] }),
            tools: [echo, explode, hang],
            currentDate: null,
          });
          const continued = await next.run('Continue', { history: loaded });
          expect(continued.finalText).toBe('Again.');
        },
      ),
      propertyParameters(RUNNER_RUNS),
    );
    expect(counted.runs).toBeGreaterThanOrEqual(RUNNER_RUNS);
  });

  it('loads a truncated or corrupted saved file, or refuses it with a typed error', async () => {
    const agent = createAgent({
      backend: createScriptedBackend({
        steps: [{ completion: scriptToolCall('echo', { word: 'a' }) }, { completion: scriptFinal('ok') }],
      }),
      tools: [echo],
      currentDate: null,
    });
    const { history } = await agent.run('Go');
    const path = join(folder, 'corrupt.json');
    await history.save(path);
    const { readFile, writeFile } = await import('node:fs/promises');
    const good = await readFile(path, 'utf8');
    await fc.assert(
      fc.asyncProperty(
        fc.nat(good.length - 1),
        fc.oneof(fc.constant(''), fc.string({ maxLength: 3 })),
        async (at, insert) => {
          const corrupted = good.slice(0, at) + insert;
          await writeFile(path, corrupted);
          try {
            const loaded = await Conversation.load(path);
            expect(() =>
              encoding.renderConversationForCompletion(loaded.messages, 'assistant'),
            ).not.toThrow();
          } catch (error) {
            expect(isHarmonyAgentsError(error)).toBe(true);
          }
        },
      ),
      propertyParameters(300),
    );
  });

  it(`a ${SOAK_TURNS}-turn conversation stays consistent (heap and per-turn time reported)`, async () => {
    const steps: ScriptedStep[] = [];
    for (let turn = 0; turn < SOAK_TURNS; turn++) {
      if (turn % 10 === 0) steps.push({ completion: scriptToolCall('echo', { word: `w${turn}` }) });
      steps.push({ completion: scriptFinal(`Answer ${turn}.`) });
    }
    const agent = createAgent({
      backend: createScriptedBackend({ steps }),
      tools: [echo],
      currentDate: null,
    });
    let history: Conversation | undefined;
    collectGarbage();
    const heapBefore = process.memoryUsage().heapUsed;
    const times: number[] = [];
    for (let turn = 0; turn < SOAK_TURNS; turn++) {
      const started = performance.now();
      const result = await agent.run(`Question ${turn}`, history === undefined ? {} : { history });
      times.push(performance.now() - started);
      expect(result.finalText).toBe(`Answer ${turn}.`);
      history = result.history;
    }
    collectGarbage();
    const heapAfter = process.memoryUsage().heapUsed;
    const messages = history?.messages ?? [];
    expect(messages.filter((message) => message.role === 'user')).toHaveLength(SOAK_TURNS);
    expect(() => encoding.renderConversationForCompletion(messages, 'assistant')).not.toThrow();
    const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
    report('soak', {
      turns: SOAK_TURNS,
      heapMegabytes: (heapAfter - heapBefore) / 1_048_576,
      firstHundredMs: mean(times.slice(0, 100)),
      lastHundredMs: mean(times.slice(-100)),
    });
    report('runner', counted);
  });
});

/** A full garbage collection, so heap figures count what is kept, not garbage (vitest runs without --expose-gc). */
function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

/** Writes a figure for docs/reliability.md when HARMONY_AGENTS_RELIABILITY_REPORT names a folder. */
function report(name: string, figures: object): void {
  const target = process.env.HARMONY_AGENTS_RELIABILITY_REPORT;
  if (target !== undefined && target !== '')
    writeFileSync(join(target, `${name}.json`), JSON.stringify(figures));
}
