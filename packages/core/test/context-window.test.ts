/**
 * Context-window management on a long scripted conversation with a small declared context: the prompt
 * fits, the kept messages render token-exact, the dropped ones are reported; the default error fires before
 * the backend is called; tool results are cut to maxToolResultTokens.
 */

import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { loadHarmonyEncoding } from '../src/harmony/encoding.js';
import {
  type AgentEvent,
  type ContextBudget,
  ContextWindowExceededError,
  Conversation,
  createAgent,
  defineTool,
  type Message,
} from '../src/index.js';
import { createScriptedBackend, scriptFinal, scriptToolCall } from '../src/testing/index.js';

const encoding = loadHarmonyEncoding();
const CONTEXT_SIZE = 400;
const RESERVE = 40;
const assistantStart = encoding.tokenizer.encode('<|start|>assistant', { allowedSpecial: 'all' });

const answer = (turn: number) =>
  scriptFinal(`Answer ${turn}: ${'the weather is fine and mild today '.repeat(3)}`, {
    analysis: `Thinking about question ${turn}.`,
  });
const question = (turn: number) => `Question ${turn}: what is the weather like in city number ${turn}?`;

function backendFor(completions: readonly string[], contextSize = CONTEXT_SIZE) {
  return createScriptedBackend({
    steps: completions.map((completion) => ({ completion })),
    capabilities: { contextSize, promptCacheStatistics: true },
  });
}

/** The header (system message) of every prompt, from a run without history. */
async function headerTokens(): Promise<number[]> {
  const backend = backendFor([scriptFinal('x')]);
  await createAgent({ backend, currentDate: null }).run('hi');
  const prompt = backend.requests[0]!.promptTokens;
  const user = encoding.render({ role: 'user', content: [{ type: 'text', text: 'hi' }] });
  return prompt.slice(0, prompt.length - user.length - assistantStart.length);
}

describe('context-window management', () => {
  it('drops the oldest turns of a long conversation so every prompt fits, keeping Harmony token-exact', async () => {
    const turns = 12;
    const backend = backendFor(Array.from({ length: turns }, (_, index) => answer(index + 1)));
    const agent = createAgent({
      backend,
      currentDate: null,
      contextOverflow: 'drop-oldest-turns',
      contextReserveTokens: RESERVE,
    });
    const header = await headerTokens();
    let history = Conversation.empty();
    const trimmed: Extract<AgentEvent, { type: 'history-trimmed' }>[] = [];
    for (let turn = 1; turn <= turns; turn++) {
      const run = agent.run(question(turn), { history });
      const result = await run;
      history = result.history;
      trimmed.push(...run.events.flatMap((event) => (event.type === 'history-trimmed' ? [event] : [])));
    }
    backend.assertComplete();
    // The whole conversation is kept in the history; only prompts leave turns out.
    expect(history.messages).toHaveLength(turns * 3);
    expect(trimmed.length).toBeGreaterThan(0);
    for (const [index, request] of backend.requests.entries()) {
      expect(request.promptTokens.length + RESERVE).toBeLessThanOrEqual(CONTEXT_SIZE);
      // The prompt is the header, whole earlier turns (their analysis dropped, as Harmony does after a
      // final answer), the question and <|start|>assistant, each message rendered as the renderer does.
      const shown: Message[] = [];
      const turnMessages = history.messages.slice(0, index * 3);
      for (let start = 0; start < turnMessages.length; start += 3) {
        shown.push(turnMessages[start]!, turnMessages[start + 2]!);
      }
      shown.push(history.messages[index * 3]!);
      let kept = shown;
      while (
        header.length + kept.flatMap((message) => encoding.render(message)).length + assistantStart.length !==
          request.promptTokens.length &&
        kept.length > 1
      ) {
        kept = kept.slice(2);
      }
      expect(request.promptTokens).toEqual([
        ...header,
        ...kept.flatMap((message) => encoding.render(message)),
        ...assistantStart,
      ]);
      expect(kept[0]!.role).toBe('user');
    }
    // Each report names what it left out, whole turns from the oldest, and the numbers.
    const first = trimmed[0]!;
    expect(first.droppedTurns).toBeGreaterThanOrEqual(1);
    expect(first.droppedMessages[0]).toEqual(history.messages[0]);
    expect(first.droppedMessages.map((message) => message.role)).toEqual(
      Array.from({ length: first.droppedTurns }, () => ['user', 'assistant', 'assistant']).flat(),
    );
    expect(first.promptTokensBefore + RESERVE).toBeGreaterThan(CONTEXT_SIZE);
    expect(first).toMatchObject({ contextSize: CONTEXT_SIZE, reserveTokens: RESERVE });
    expect(first.promptTokens + RESERVE).toBeLessThanOrEqual(CONTEXT_SIZE);
  });

  it('keeps a tool call with its result: a turn with tool calls is dropped whole or kept whole', async () => {
    const lookup = defineTool({
      name: 'lookup',
      description: 'Looks a city up.',
      parameters: z.object({ city: z.string() }),
      execute: ({ city }) => `${city}: ${'details '.repeat(40)}`,
    });
    const backend = backendFor(
      [
        scriptToolCall('lookup', { city: 'Seoul' }),
        scriptFinal('Seoul is fine.'),
        scriptToolCall('lookup', { city: 'Busan' }),
        scriptFinal('Busan is fine.'),
        scriptFinal('Done.'),
      ],
      300,
    );
    const agent = createAgent({
      backend,
      tools: [lookup],
      currentDate: null,
      contextOverflow: 'drop-oldest-turns',
      contextReserveTokens: RESERVE,
    });
    const first = await agent.run('Seoul?');
    const second = await agent.run('Busan?', { history: first.history });
    const third = agent.run('And now?', { history: second.history });
    await third;
    const report = third.events.find((event) => event.type === 'history-trimmed');
    expect(report).toBeDefined();
    const roles = report!.droppedMessages.map((message) => message.role);
    expect(roles).toEqual(['user', 'assistant', 'tool', 'assistant'].slice(0, roles.length));
    expect(roles.length % 4).toBe(0);
    const lastPrompt = encoding.tokenizer.decode(backend.requests.at(-1)!.promptTokens);
    expect(lastPrompt.split('<|start|>functions.lookup').length).toBe(
      lastPrompt.split('to=functions.lookup').length,
    );
  });

  it('fails before calling the backend by default, with the numbers', async () => {
    const long = Conversation.fromMessages(
      Array.from({ length: 10 }, (_, index): Message[] => [
        { role: 'user', content: [{ type: 'text', text: question(index) }] },
        { role: 'assistant', channel: 'final', content: [{ type: 'text', text: 'Fine, mild weather.' }] },
      ]).flat(),
    );
    const backend = backendFor([scriptFinal('never')]);
    const run = createAgent({ backend, currentDate: null }).run('And today?', { history: long });
    const error = await run.then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(ContextWindowExceededError);
    const exceeded = error as ContextWindowExceededError;
    expect(exceeded).toMatchObject({
      code: 'context_window_exceeded',
      contextSize: CONTEXT_SIZE,
      reserveTokens: 50,
    });
    expect(exceeded.promptTokens + exceeded.reserveTokens).toBeGreaterThan(CONTEXT_SIZE);
    expect(exceeded.message).toContain(`${exceeded.promptTokens} tokens`);
    expect(backend.requests).toHaveLength(0);
    expect(run.events.map((event) => event.type).filter((type) => type !== 'message')).toEqual([
      'run-start',
      'error',
      'run-end',
    ]);
    expect(run.history.messages).toHaveLength(21);
  });

  it('lets a function choose the earlier conversation, and fails when even the current turn does not fit', async () => {
    const history = Conversation.fromMessages(
      Array.from({ length: 16 }, (_, index): Message[] => [
        { role: 'user', content: [{ type: 'text', text: question(index) }] },
        { role: 'assistant', channel: 'final', content: [{ type: 'text', text: 'Fine, mild weather.' }] },
      ]).flat(),
    );
    const budgets: ContextBudget[] = [];
    const backend = backendFor([scriptFinal('ok')]);
    const agent = createAgent({
      backend,
      currentDate: null,
      contextReserveTokens: RESERVE,
      contextOverflow: (conversation, budget) => {
        budgets.push(budget);
        return Conversation.empty().concat(conversation.entries.slice(-2));
      },
    });
    const run = agent.run('Today?', { history });
    await run;
    expect(budgets).toHaveLength(1);
    const budget = budgets[0]!;
    expect(budget.historyTokens).toBe(budget.countTokens(history));
    expect(budget.availableTokens).toBe(CONTEXT_SIZE - RESERVE - budget.fixedTokens);
    const report = run.events.find((event) => event.type === 'history-trimmed')!;
    expect(report).toMatchObject({ droppedTurns: 15 });
    expect(report.droppedMessages).toEqual(history.messages.slice(0, 30));

    const tooLong = createAgent({
      backend: backendFor([]),
      currentDate: null,
      contextOverflow: 'drop-oldest-turns',
    }).run('word '.repeat(500));
    await expect(tooLong).rejects.toThrow(/even without the earlier turns/u);
    expect(() => createAgent({ backend: backendFor([]), contextOverflow: 'drop' as never })).toThrow(
      /contextOverflow must be/u,
    );
  });

  it('cuts tool results to maxToolResultTokens with a marker the model reads', async () => {
    const dump = defineTool({
      name: 'dump',
      description: 'Dumps a log.',
      parameters: z.object({}),
      execute: () => Array.from({ length: 300 }, (_, index) => `log line ${index}`).join('\n'),
    });
    const backend = createScriptedBackend({
      steps: [{ completion: scriptToolCall('dump', {}) }, { completion: scriptFinal('Read it.') }],
    });
    const run = createAgent({ backend, tools: [dump], currentDate: null, maxToolResultTokens: 50 }).run(
      'Log?',
    );
    await run;
    const result = run.events.find((event) => event.type === 'tool-result')!;
    expect(encoding.tokenizer.encodeOrdinary(result.output).length).toBeLessThanOrEqual(50);
    expect(result.output).toMatch(
      /^log line 0\nlog line 1\n[\s\S]*\n\[truncated: the result has \d+ tokens; only the first \d+ are shown\]$/u,
    );
    expect(encoding.tokenizer.decode(backend.requests[1]!.promptTokens)).toContain('only the first');
  });
});
