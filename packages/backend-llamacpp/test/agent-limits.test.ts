/**
 * Bad input through the agent and the real llama.cpp engine: a prompt larger than the context, a context that
 * fills up during generation, and `maxTokens` reached mid-message. Each ends the run with a typed error and an
 * `error` event, leaves a history that renders, and the same backend (and its KV cache) keeps working.
 */

import {
  type AgentEvent,
  BackendError,
  ContextWindowExceededError,
  Conversation,
  createAgent,
  TokenBudgetExceededError,
} from '@harmony-agents/core';
import { loadHarmonyEncoding } from '@harmony-agents/core/harmony';
import { scriptFinal } from '@harmony-agents/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LlamaCppModel } from '../src/index.js';
import { createScriptedLlamaCppBackend } from '../src/test-models/index.js';
import { loadTinyModel, TEST_BACKEND_OPTIONS } from './support.js';

const encoding = loadHarmonyEncoding();

let model: LlamaCppModel;
beforeAll(async () => {
  model = await loadTinyModel();
});
afterAll(async () => {
  await model?.dispose();
});

const types = (events: readonly AgentEvent[]) => events.map((event) => event.type);

function expectRenderable(history: Conversation): void {
  expect(() => encoding.renderConversationForCompletion(history.messages, 'assistant')).not.toThrow();
  expect(Conversation.fromJSON(JSON.parse(JSON.stringify(history))).messages).toEqual(history.messages);
}

describe('limits through the agent on the real engine', () => {
  it('refuses a prompt larger than the declared context before llama.cpp sees it, then answers one that fits', async () => {
    const backend = createScriptedLlamaCppBackend({
      model,
      completions: [scriptFinal('Short answer.')],
      ...TEST_BACKEND_OPTIONS,
      contextSize: 256,
    });
    expect(backend.capabilities?.contextSize).toBe(256);
    const agent = createAgent({ backend, currentDate: null });

    const tooLong = agent.run('word '.repeat(400));
    await expect(tooLong).rejects.toSatisfy(
      (error) =>
        error instanceof ContextWindowExceededError && error.contextSize === 256 && error.promptTokens > 400,
    );
    expect(types(tooLong.events).slice(-2)).toEqual(['error', 'run-end']);
    expect(tooLong.history.messages.map((message) => message.role)).toEqual(['user']);
    expectRenderable(tooLong.history);
    // Nothing was evaluated: the prompt was refused before it reached the backend.
    expect(backend.requests).toHaveLength(0);
    expect(backend.backend.cachedTokens).toEqual([]);

    const fits = await agent.run('Hi');
    expect(fits.finalText).toBe('Short answer.');
    backend.assertComplete();
    await backend.dispose();
  });

  it('fails with context_overflow when the context fills up during generation, not with a budget error', async () => {
    const backend = model.createBackend({ ...TEST_BACKEND_OPTIONS, contextSize: 256 });
    await backend.initialize();
    const agent = createAgent({ backend, currentDate: null, sampling: { seed: 3 } });
    // About 200 prompt tokens: random weights never stop by themselves, so the context runs out first.
    const run = agent.run('weather '.repeat(150));
    await expect(run).rejects.toSatisfy(
      (error) => error instanceof BackendError && error.kind === 'context_overflow',
    );
    const turnEnd = run.events.find((event) => event.type === 'step-end');
    expect(turnEnd).toMatchObject({ finishReason: 'length' });
    expect(run.events.at(-1)).toMatchObject({ type: 'run-end', status: 'failed' });
    expect(run.history.messages.map((message) => message.role)).toEqual(['user']);
    expectRenderable(run.history);
    // The context holds the whole prompt, which the next request can reuse.
    const promptLength = (turnEnd as Extract<AgentEvent, { type: 'step-end' }>).usage.promptTokens;
    expect(backend.cachedTokens.length).toBe(backend.contextSize! - 1);
    expect(backend.cachedTokens.length).toBeGreaterThan(promptLength);
    await backend.dispose();
  });

  it('stops at maxTokens mid-message with TokenBudgetExceededError, and the next turn reuses the cache', async () => {
    const backend = createScriptedLlamaCppBackend({
      model,
      completions: [
        scriptFinal('A long answer that the token budget cuts off long before its end.', {
          analysis: 'Thinking about it.',
        }),
        scriptFinal('Fine.'),
      ],
      ...TEST_BACKEND_OPTIONS,
    });
    const agent = createAgent({ backend, currentDate: null });
    const cut = agent.run('Tell me something.', { maxTokens: 12 });
    await expect(cut).rejects.toBeInstanceOf(TokenBudgetExceededError);
    await expect(cut).rejects.toMatchObject({ maxTokens: 12 });
    expect(types(cut.events)).toContain('analysis');
    expect(types(cut.events)).not.toContain('final');
    expect(types(cut.events).slice(-2)).toEqual(['error', 'run-end']);
    // The completed analysis message is kept; the final answer cut off mid-message is not.
    expect(cut.history.messages.map((message) => [message.role, message.channel ?? null])).toEqual([
      ['user', null],
      ['assistant', 'analysis'],
    ]);
    expectRenderable(cut.history);

    const next = agent.run('Shorter, please.', { history: cut.history });
    const result = await next;
    expect(result.finalText).toBe('Fine.');
    const turnEnd = next.events.find((event) => event.type === 'step-end');
    // Everything up to the end of the kept analysis message was still in the KV cache.
    const cached = (turnEnd as Extract<AgentEvent, { type: 'step-end' }>).usage.cachedPromptTokens;
    expect(cached).toBeGreaterThan(backend.requests[0]!.promptTokens.length);
    backend.assertComplete();
    await backend.dispose();
  });
});
