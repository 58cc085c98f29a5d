/**
 * The context-window example on a scripted backend declaring a 1,024-token context: what the long chat
 * drops (whole turns, oldest first, reported), that every prompt fits and keeps its messages token-exact,
 * that the default error fires before the backend is called, the custom policy, and the cut tool result.
 */
import { ContextWindowExceededError, type Message } from '@harmony-agents/core';
import { loadHarmonyEncoding } from '@harmony-agents/core/harmony';
import { createScriptedBackend } from '@harmony-agents/core/testing';
import { describe, expect, it } from 'vitest';
import {
  CONTEXT_SIZE,
  FOOD_QUESTION,
  FORECAST_QUESTION,
  hourlyForecast,
  main,
  RESERVE_TOKENS,
  SCRIPTED_CONTEXT_WINDOW_COMPLETIONS,
  TRIP_CHAT,
} from './context-window.js';

const encoding = loadHarmonyEncoding();
const render = (messages: readonly Message[]) => messages.flatMap((message) => encoding.render(message));
const assistantStart = encoding.tokenizer.encode('<|start|>assistant', { allowedSpecial: 'all' });

async function runExample() {
  const backend = createScriptedBackend({
    steps: SCRIPTED_CONTEXT_WINDOW_COMPLETIONS.map((completion) => ({ completion })),
    capabilities: { contextSize: CONTEXT_SIZE },
  });
  let printed = '';
  const result = await main(backend, (text) => {
    printed += text;
  });
  backend.assertComplete();
  return { backend, result, printed };
}

describe('examples/context-window', () => {
  it('drops the oldest whole turns of a long chat, reports them, and every prompt fits token-exact', async () => {
    const { backend, result, printed } = await runExample();
    const { history, trimmed } = result;
    const messages = history.messages;
    // The history keeps every message of the chat; only prompts leave turns out.
    expect(messages.map((message) => message.role)).toEqual(TRIP_CHAT.flatMap(() => ['user', 'assistant']));
    for (const request of backend.requests) {
      expect(request.promptTokens.length + RESERVE_TOKENS).toBeLessThanOrEqual(CONTEXT_SIZE);
    }
    // Turns 6 and 7 were trimmed: one turn, then two, from the oldest.
    expect(trimmed).toHaveLength(2);
    expect(trimmed.map((event) => event.droppedTurns)).toEqual([1, 2]);
    expect(trimmed[0]!.droppedMessages).toEqual(messages.slice(0, 2));
    expect(trimmed[1]!.droppedMessages).toEqual(messages.slice(0, 4));
    const first = backend.requests[0]!.promptTokens;
    const header = first.slice(0, first.length - render(messages.slice(0, 1)).length - assistantStart.length);
    for (const [index, event] of trimmed.entries()) {
      const turn = 5 + index;
      const prompt = backend.requests[turn]!.promptTokens;
      expect(event).toMatchObject({ step: 1, contextSize: CONTEXT_SIZE, reserveTokens: RESERVE_TOKENS });
      expect(event.promptTokensBefore + RESERVE_TOKENS).toBeGreaterThan(CONTEXT_SIZE);
      expect(event.promptTokens).toBe(prompt.length);
      // The kept messages, from a user message to the question, render exactly as the renderer does.
      const kept = messages.slice(event.droppedMessages.length, turn * 2 + 1);
      expect(prompt).toEqual([...header, ...render(kept), ...assistantStart]);
    }
    expect(printed).toContain(
      '  [history-trimmed] left out 4 messages: the turns "I am planning a week in…", "What should I pack?"; prompt ',
    );
    expect(printed).toContain(`(the history still holds all ${TRIP_CHAT.length * 2} messages)`);
  });

  it('fails by default with the numbers, before the backend is called', async () => {
    const { backend, result, printed } = await runExample();
    const exceeded = result.exceeded!;
    const custom = result.custom!;
    expect(exceeded).toBeInstanceOf(ContextWindowExceededError);
    expect(exceeded).toMatchObject({
      code: 'context_window_exceeded',
      contextSize: CONTEXT_SIZE,
      reserveTokens: RESERVE_TOKENS,
    });
    // The prompt it refused is the one the custom policy then trimmed.
    expect(exceeded.promptTokens).toBe(custom.promptTokensBefore);
    expect(exceeded.promptTokens + exceeded.reserveTokens).toBeGreaterThan(CONTEXT_SIZE);
    expect(printed).toContain(
      `ContextWindowExceededError: ${exceeded.promptTokens} prompt tokens + ${RESERVE_TOKENS} reserved > ${CONTEXT_SIZE}\n`,
    );
    // The backend saw the chat, the custom policy's question and the forecast's two steps: the question
    // the default strategy refused never reached it.
    const prompts = backend.requests.map((request) => encoding.tokenizer.decode(request.promptTokens));
    expect(prompts).toHaveLength(TRIP_CHAT.length + 3);
    expect(prompts.filter((prompt) => prompt.includes(FOOD_QUESTION))).toHaveLength(1);
    expect(prompts[TRIP_CHAT.length]).toContain(FOOD_QUESTION);
  });

  it('keeps the first turn with a custom policy, and cuts a big tool result to maxToolResultTokens', async () => {
    const { backend, result, printed } = await runExample();
    const { history, toolResult } = result;
    const custom = result.custom!;
    // The first turn stays (the user is vegetarian); turns 2 to 4 leave; the newest three fit.
    expect(custom.droppedMessages).toEqual(history.messages.slice(2, 8));
    const prompt = backend.requests[TRIP_CHAT.length]!.promptTokens;
    expect(prompt.length).toBe(custom.promptTokens);
    expect(prompt.length + RESERVE_TOKENS).toBeLessThanOrEqual(CONTEXT_SIZE);
    const text = encoding.tokenizer.decode(prompt);
    expect(text).toContain(TRIP_CHAT[0]![0]);
    expect(text).not.toContain(TRIP_CHAT[1]![0]);
    expect(text).toContain(TRIP_CHAT[6]![0]);
    expect(printed).toContain('Assistant: You are vegetarian:');

    const whole = encoding.tokenizer.encodeOrdinary(hourlyForecast('Seoul', 7)).length;
    expect(whole).toBeGreaterThan(CONTEXT_SIZE);
    expect(encoding.tokenizer.encodeOrdinary(toolResult).length).toBeLessThanOrEqual(200);
    expect(toolResult).toMatch(
      new RegExp(
        `^Seoul day 1 00:00 .*\\n\\[truncated: the result has ${whole} tokens; only the first \\d+ are shown\\]$`,
        'su',
      ),
    );
    // The model reads the cut result, marker included.
    const last = encoding.tokenizer.decode(backend.requests.at(-1)!.promptTokens);
    expect(last).toContain(FORECAST_QUESTION);
    expect(last).toContain(`[truncated: the result has ${whole} tokens;`);
  });
});
