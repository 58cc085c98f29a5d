/**
 * Runs whose histories extend one another share their rendered prompt (one token array, see
 * `prompt-memo.ts`): every prompt must still be token for token what a history seen for the first time
 * renders, whatever order runs happen in, concurrently, aborted, resumed or trimmed.
 */

import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { BACKEND_SPECIFICATION_VERSION, type Backend } from '../src/backend.js';
import { loadHarmonyEncoding } from '../src/harmony/index.js';
import { type Agent, type AgentOptions, Conversation, createAgent, defineTool } from '../src/index.js';
import type { ConversationEntry } from '../src/runner/conversation.js';
import {
  assistantStartTokens,
  type ReasoningHistory,
  selectPromptEntries,
} from '../src/runner/prompt-builder.js';
import {
  createScriptedBackend,
  type ScriptedBackend,
  type ScriptedStep,
  scriptFinal,
  scriptToolCall,
} from '../src/testing/index.js';

const lookup = defineTool({
  name: 'lookup',
  description: 'Looks a key up.',
  parameters: z.object({ key: z.string() }),
  execute: ({ key }) => `value of ${key}`,
});
const approve = defineTool({
  name: 'approve',
  description: 'Needs a person.',
  parameters: z.object({}),
  needsApproval: true,
  execute: () => 'done',
});

const turn = (n: number): ScriptedStep[] => [
  { completion: scriptToolCall('lookup', { key: `k${n}` }, { analysis: `Look ${n} up.` }) },
  { completion: scriptFinal(`Answer ${n}.`, { analysis: `Answer ${n}.` }) },
];

/** A history seen for the first time: same entries and tokens, no shared prompt. */
const fresh = (history: Conversation) => Conversation.fromJSON(JSON.parse(JSON.stringify(history)));

function agentWith(
  steps: ScriptedStep[],
  options: Partial<AgentOptions> = {},
): {
  agent: Agent;
  backend: ScriptedBackend;
} {
  const backend = createScriptedBackend({ steps });
  return {
    agent: createAgent({ backend, tools: [lookup, approve], currentDate: null, ...options }),
    backend,
  };
}

const encoding = loadHarmonyEncoding();
const assistantStart = assistantStartTokens(encoding);
const tokensOf = (entry: ConversationEntry) => entry.tokens ?? encoding.render(entry.message);

/** The system and developer messages' tokens of an agent with these options. */
async function headerOf(options: Partial<AgentOptions>): Promise<number[]> {
  const { agent, backend } = agentWith([{ completion: scriptFinal('Hi.') }], options);
  await agent.run('Hello');
  const prompt = backend.requests[0]!.promptTokens;
  const tail = [
    ...encoding.render({ role: 'user', content: [{ type: 'text', text: 'Hello' }] }),
    ...assistantStart,
  ];
  return prompt.slice(0, prompt.length - tail.length);
}

/**
 * Checks a run's first prompt against one rendered from scratch: `entries` are the history, then what the
 * run committed before its first step.
 */
async function expectFirstPrompt(
  backend: ScriptedBackend,
  options: Partial<AgentOptions>,
  entries: readonly ConversationEntry[],
): Promise<void> {
  const policy: ReasoningHistory = options.reasoningHistory ?? 'harmony';
  expect(backend.requests[0]!.promptTokens).toEqual([
    ...(await headerOf(options)),
    ...selectPromptEntries(entries, policy).flatMap(tokensOf),
    ...assistantStart,
  ]);
}

/** The prompts of a run on `history`, and the prompts of the same run on a fresh copy of it. */
async function bothWays(
  history: Conversation,
  steps: ScriptedStep[],
  input: string,
  options: Partial<AgentOptions> = {},
) {
  const shared = agentWith(steps, options);
  const result = await shared.agent.run(input, { history });
  await expectFirstPrompt(shared.backend, options, result.history.entries.slice(0, history.length + 1));
  const reference = agentWith(steps, options);
  await reference.agent.run(input, { history: fresh(history) });
  expect(shared.backend.requests.map((request) => request.promptTokens)).toEqual(
    reference.backend.requests.map((request) => request.promptTokens),
  );
  return result.history;
}

describe('prompts shared by histories that extend one another', () => {
  for (const reasoningHistory of ['harmony', 'keep-all', 'drop-all'] as const) {
    it(`are those of a fresh history: one history extended twice, runs in turn and at once (${reasoningHistory})`, async () => {
      const options = { reasoningHistory };
      const first = await bothWays(Conversation.empty(), turn(1), 'Q1', options);
      const second = await bothWays(first, turn(2), 'Q2', options);
      // The same history extended again, differently, then both extended.
      const other = await bothWays(first, turn(3), 'Q3', options);
      await bothWays(second, turn(4), 'Q4', options);
      await bothWays(other, turn(5), 'Q5', options);
      // Two runs on one history at once, each with its own backend.
      const a = agentWith(turn(6), options);
      const b = agentWith(turn(7), options);
      const [ra, rb] = await Promise.all([
        a.agent.run('Q6', { history: second }),
        b.agent.run('Q7', { history: second }),
      ]);
      for (const [run, steps, input] of [
        [a, turn(6), 'Q6'],
        [b, turn(7), 'Q7'],
      ] as const) {
        const { history } = run === a ? ra : rb;
        await expectFirstPrompt(run.backend, options, history.entries.slice(0, second.length + 1));
        const reference = agentWith(steps, options);
        await reference.agent.run(input, { history: fresh(second) });
        expect(run.backend.requests.map((request) => request.promptTokens)).toEqual(
          reference.backend.requests.map((request) => request.promptTokens),
        );
      }
      await bothWays(ra.history, turn(8), 'Q8', options);
      await bothWays(rb.history, turn(9), 'Q9', options);
      // Another agent (another header) on the same histories.
      await bothWays(ra.history, turn(10), 'Q10', { ...options, instructions: 'Be brief.' });
    });
  }

  it('never change under a backend the runner stopped waiting for after an abort', async () => {
    const first = await bothWays(Conversation.empty(), turn(1), 'Q1');
    let held: readonly number[] = [];
    let heldCopy: number[] = [];
    const hanging: Backend = {
      specificationVersion: BACKEND_SPECIFICATION_VERSION,
      backendId: 'hanging',
      doGenerate: (request) => ({
        [Symbol.asyncIterator]: () => ({
          // Keeps the prompt's array, as an engine still evaluating it would, and never answers.
          next: () => {
            held = request.promptTokens;
            heldCopy = [...held];
            return new Promise<never>(() => {});
          },
        }),
      }),
    };
    const controller = new AbortController();
    const run = createAgent({ backend: hanging, tools: [lookup, approve], currentDate: null }).run('Q2', {
      history: first,
      signal: controller.signal,
    });
    run.on('step-start', () => setImmediate(() => controller.abort()));
    await expect(run).rejects.toMatchObject({ code: 'run_aborted' });
    // Later runs on the same histories write where that run's prompt was.
    await bothWays(first, turn(3), 'Q3');
    await bothWays(run.history, turn(4), 'Q4');
    expect(held.length).toBeGreaterThan(0);
    expect(held).toEqual(heldCopy);
  });

  it('are those of a fresh history after an abort mid-step, a resume after approval and trimming', async () => {
    const first = await bothWays(Conversation.empty(), turn(1), 'Q1');
    // Aborted while the model writes: the history keeps what was completed.
    const controller = new AbortController();
    const slow = agentWith([{ completion: scriptFinal('A long answer that is cut off.'), delayMs: 5 }]);
    const run = slow.agent.run('Q2', { history: first, signal: controller.signal });
    run.on('final-delta', () => controller.abort());
    await expect(run).rejects.toMatchObject({ code: 'run_aborted' });
    const aborted = run.history;
    const afterAbort = await bothWays(aborted, turn(3), 'Q3');
    // Interrupted for approval, then resumed (in both ways).
    const pausing = agentWith([{ completion: scriptToolCall('approve', {}) }]);
    const paused = await pausing.agent.run('Q4', { history: afterAbort });
    expect(paused.status).toBe('interrupted');
    const decisions = { [paused.pendingApprovals[0]!.callId]: { approved: true } };
    const resumed = agentWith([{ completion: scriptFinal('Approved.') }]);
    const resumedResult = await resumed.agent.resume(paused.history, decisions);
    const resumedEntries = resumedResult.history.entries.slice(0, paused.history.length + 1);
    await expectFirstPrompt(resumed.backend, {}, resumedEntries);
    const reference = agentWith([{ completion: scriptFinal('Approved.') }]);
    await reference.agent.resume(fresh(paused.history), decisions);
    expect(resumed.backend.requests.map((request) => request.promptTokens)).toEqual(
      reference.backend.requests.map((request) => request.promptTokens),
    );
    // Trimmed to fit a small declared context: the oldest turns are left out of the prompt.
    const untrimmed = agentWith(turn(5));
    await untrimmed.agent.run('Q5', { history: resumedResult.history });
    // Room (after the default reserve of an eighth) for all but 40 tokens of the first prompt.
    const contextSize = Math.floor(((untrimmed.backend.requests[0]!.promptTokens.length - 40) * 8) / 7);
    const capabilities = { contextSize, promptCacheStatistics: true };
    const small = createScriptedBackend({ steps: turn(5), capabilities });
    const trimming = createAgent({
      backend: small,
      tools: [lookup, approve],
      currentDate: null,
      contextOverflow: 'drop-oldest-turns',
    });
    const trimmedRun = trimming.run('Q5', { history: resumedResult.history });
    const events: string[] = [];
    trimmedRun.on('history-trimmed', (event) => events.push(event.type));
    await trimmedRun;
    const smallReference = createScriptedBackend({ steps: turn(5), capabilities });
    await createAgent({
      backend: smallReference,
      tools: [lookup, approve],
      currentDate: null,
      contextOverflow: 'drop-oldest-turns',
    }).run('Q5', { history: fresh(resumedResult.history) });
    expect(events.length).toBeGreaterThan(0);
    expect(small.requests.map((request) => request.promptTokens)).toEqual(
      smallReference.requests.map((request) => request.promptTokens),
    );
  });
});
