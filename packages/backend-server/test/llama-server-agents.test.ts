/**
 * Agents on a real llama-server: the user's weather workflow end to end, 8 agents on 4 slots at once without
 * cross-talk, and a server killed mid-generation (a typed error, history intact, the next run works once the
 * server is back).
 */

import { getTinyGptOssModel } from '@harmony-agents/backend-llamacpp/test-models';
import { BackendError, createAgent, defineTool } from '@harmony-agents/core';
import { scriptToolCall } from '@harmony-agents/core/testing';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { z } from 'zod';
import { createServerPool } from '../src/index.js';
import { type LlamaServerProcess, startLlamaServer } from '../src/testing/index.js';
import { createScriptedLlamaServerBackend, startTinyLlamaServer } from './support.js';
import { locationOf, runWeatherWorkflow, weatherCompletions, weatherTools } from './weather.js';

let server: LlamaServerProcess;
beforeAll(async () => {
  server = await startTinyLlamaServer(4);
}, 900_000);
afterAll(async () => {
  await server?.close();
});

describe('agents on a real llama-server', () => {
  it("runs the user's weather workflow, evaluating only what each tool round added", {
    timeout: 300_000,
  }, async () => {
    const backend = createScriptedLlamaServerBackend({
      baseUrl: server.baseUrl,
      slot: 0,
      completions: weatherCompletions(),
    });
    const { evaluatedPerRound } = await runWeatherWorkflow(backend, backend.requests);
    expect(evaluatedPerRound).toEqual([1, 1, 1, 1]);
    backend.assertComplete();
  });

  it('runs 8 agents on 4 slots at once without cross-talk', { timeout: 600_000 }, async () => {
    const users = ['john123', 'jay_lee', 'ana', 'bo', 'chen', 'dee', 'eli', 'fay'];
    let created = 0;
    const pool = createServerPool({
      servers: [{ baseUrl: server.baseUrl, slots: 4 }],
      createBackend: ({ baseUrl, slot }) => {
        const user = users[created++]!;
        return createScriptedLlamaServerBackend({
          baseUrl,
          slot,
          completions: [
            scriptToolCall('get_current_location', { userid: user }),
            `<|channel|>final<|message|>${user} is in ${locationOf(user)}.<|return|>`,
          ],
        });
      },
    });
    const backends = users.map(() => pool.createBackend());
    expect(backends.map((backend) => pool.assignmentOf(backend)?.slot)).toEqual([0, 1, 2, 3, 0, 1, 2, 3]);
    // Each agent checks its own answer and tool call: any mix-up between agents or slots fails its run.
    const results = await Promise.all(
      backends.map(async (backend, index) => {
        const { calls, tools } = weatherTools();
        const agent = createAgent({ backend, tools, currentDate: '2026-11-28' });
        const result = await agent.run(`Where is ${users[index]}?`);
        return { finalText: result.finalText, calls };
      }),
    );
    expect(results).toEqual(
      users.map((user) => ({
        finalText: `${user} is in ${locationOf(user)}.`,
        calls: [{ tool: 'get_current_location', args: { userid: user } }],
      })),
    );
    for (const backend of backends) backend.assertComplete();
  });
});

describe('a llama-server killed mid-generation', () => {
  it('fails the run with a typed error, keeps the history, and the next run works after a restart', {
    timeout: 300_000,
  }, async () => {
    const model = await getTinyGptOssModel();
    const start = (port?: number) =>
      startLlamaServer({
        model: model.path,
        threads: 1,
        contextSize: 2048,
        ...(port === undefined ? {} : { port }),
      });
    let own = await start();
    // Whatever fails below, no server outlives the test.
    onTestFinished(() => own.close());
    const lookup = defineTool({
      name: 'lookup',
      description: 'Looks a word up.',
      parameters: z.object({ word: z.string() }),
      execute: ({ word }) => `${word}: found`,
    });
    const scripted = createScriptedLlamaServerBackend({
      baseUrl: own.baseUrl,
      slot: 0,
      retries: 0,
      completions: [
        scriptToolCall('lookup', { word: 'harmony' }),
        `<|channel|>analysis<|message|>${'thinking '.repeat(200)}<|end|><|start|>assistant<|channel|>final<|message|>Done.<|return|>`,
      ],
    });
    // The server is killed once the second step has streamed a few tokens.
    let killed = false;
    const backend = {
      specificationVersion: scripted.specificationVersion,
      backendId: scripted.backendId,
      capabilities: scripted.capabilities,
      async *doGenerate(request: Parameters<typeof scripted.doGenerate>[0]) {
        const step = scripted.requests.length + 1;
        let streamed = 0;
        for await (const chunk of scripted.doGenerate(request)) {
          yield chunk;
          if (chunk.type === 'tokens') streamed += chunk.tokens.length;
          if (step === 2 && streamed >= 5 && !killed) {
            killed = true;
            await own.kill();
          }
        }
      },
    };
    const run = createAgent({ backend, tools: [lookup], currentDate: '2026-11-28' }).run('Look up harmony.');
    const error = await run.then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(BackendError);
    expect(killed).toBe(true);
    expect((error as BackendError).kind).toBe('connection_failed');
    // The history holds the question, the call and its result: nothing of the broken step.
    const history = run.history;
    expect(history.messages.map((message) => message.role)).toEqual(['user', 'assistant', 'tool']);

    own = await start(Number(new URL(own.baseUrl).port));
    const resumed = createScriptedLlamaServerBackend({
      baseUrl: own.baseUrl,
      slot: 0,
      completions: ['<|channel|>final<|message|>harmony: found.<|return|>'],
    });
    const next = await createAgent({ backend: resumed, tools: [lookup], currentDate: '2026-11-28' }).run(
      'Go on.',
      { history },
    );
    expect(next.finalText).toBe('harmony: found.');
  });
});
