/**
 * Backends sharing one context, a sequence each: concurrent generations are batched by llama.cpp and give
 * each agent the same tokens as a backend of its own.
 */

import { HARMONY_TOKENS } from '@harmony-agents/core/harmony';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LlamaCppModel } from '../src/index.js';
import { tokenScriptGrammar } from '../src/test-models/index.js';
import { collect, encode, loadTinyModel, request, TEST_BACKEND_OPTIONS } from './support.js';

const QUESTIONS = [
  'What is the weather in Seoul?',
  'Where is user john123 right now?',
  'Convert 21 degrees Celsius to Fahrenheit.',
  'and for jay_lee?',
];
const prompt = (question: string) => encode(`<|start|>user<|message|>${question}<|end|><|start|>assistant`);
const GREEDY = { temperature: 0, seed: 1 };

function startsWith(tokens: readonly number[], prefix: readonly number[]): boolean {
  return prefix.every((token, index) => tokens[index] === token);
}

let model: LlamaCppModel;
beforeAll(async () => {
  model = await loadTinyModel();
}, 120_000);
afterAll(async () => {
  await model?.dispose();
});

describe('createBackendGroup', () => {
  it('gives each sequence of the shared context the same tokens as a lone backend (no cross-talk)', async () => {
    const alone: number[][] = [];
    for (const question of QUESTIONS) {
      const backend = model.createBackend(TEST_BACKEND_OPTIONS);
      alone.push(
        (await collect(backend, request({ promptTokens: prompt(question), maxTokens: 24, sampling: GREEDY })))
          .tokens,
      );
      await backend.dispose();
    }
    // The random model must answer the questions differently, or cross-talk could not show.
    expect(new Set(alone.map((tokens) => tokens.join())).size).toBe(QUESTIONS.length);

    const group = model.createBackendGroup(QUESTIONS.length, TEST_BACKEND_OPTIONS);
    try {
      expect(group.backends.map((backend) => backend.backendId)).toEqual([
        'llamacpp#0',
        'llamacpp#1',
        'llamacpp#2',
        'llamacpp#3',
      ]);
      // Each sequence generates while the others hold their own KV cache in the same context.
      const results = [];
      for (const [index, backend] of group.backends.entries()) {
        results.push(
          await collect(
            backend,
            request({ promptTokens: prompt(QUESTIONS[index]!), maxTokens: 24, sampling: GREEDY }),
          ),
        );
      }
      expect(results.map((result) => result.tokens)).toEqual(alone);
    } finally {
      await group.dispose();
    }
    expect(group.backends.every((backend) => backend.contextSize === undefined)).toBe(true);
  }, 180_000);

  it('runs concurrent agents in shared batches, each with its own completion and KV cache', async () => {
    // Concurrent sequences are decoded in shared batches whose composition depends on timing; llama.cpp's CPU
    // kernels can then differ from a lone decode in the last bits, which flips near-ties of a random model's
    // greedy pick. Forced completions make each sequence's output independent of that, so any mix-up of
    // sequences (cache, sampler, grammar or bias state) shows.
    const scripts = QUESTIONS.map((question, index) => encode(`Answer ${index}: ${question.toUpperCase()}`));
    const group = model.createBackendGroup(QUESTIONS.length, {
      ...TEST_BACKEND_OPTIONS,
      grammarForRequest: (generation) => {
        const index = QUESTIONS.findIndex((question) =>
          startsWith(generation.promptTokens, prompt(question)),
        );
        const script = scripts[index]!;
        return generation.promptTokens.length === prompt(QUESTIONS[index]!).length
          ? { gbnf: tokenScriptGrammar(script), expectedTokens: script }
          : undefined;
      },
    });
    try {
      const first = await Promise.all(
        group.backends.map((backend, index) =>
          collect(
            backend,
            request({ promptTokens: prompt(QUESTIONS[index]!), maxTokens: 64, sampling: GREEDY }),
          ),
        ),
      );
      expect(first.map((result) => result.tokens)).toEqual(
        scripts.map((script) => [...script, HARMONY_TOKENS.return]),
      );
      // A second round on each sequence reuses that sequence's own cache, concurrently again.
      const second = await Promise.all(
        group.backends.map((backend, index) =>
          collect(
            backend,
            request({
              promptTokens: [
                ...prompt(QUESTIONS[index]!),
                ...scripts[index]!,
                HARMONY_TOKENS.end,
                ...encode('<|start|>user<|message|>Thanks.<|end|><|start|>assistant'),
              ],
              maxTokens: 8,
              sampling: GREEDY,
            }),
          ),
        ),
      );
      second.forEach((result, index) => {
        expect(result.finish.usage.cachedPromptTokens).toBe(
          prompt(QUESTIONS[index]!).length + scripts[index]!.length,
        );
      });
    } finally {
      await group.dispose();
    }
  }, 180_000);

  it('rejects a count that is not a positive integer', () => {
    expect(() => model.createBackendGroup(0)).toThrow(/positive integer/u);
    expect(() => model.createBackendGroup(1.5)).toThrow(/positive integer/u);
  });
});
