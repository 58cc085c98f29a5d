/**
 * Prompt-lookup speculative decoding through the real engine: the output equals plain decoding, token for
 * token, while copied text is verified several tokens per batch.
 */

import { HARMONY_TOKENS } from '@harmony-agents/core/harmony';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LlamaCppModel } from '../src/index.js';
import { tokenScriptGrammar } from '../src/test-models/index.js';
import { collect, encode, loadTinyModel, request, TEST_BACKEND_OPTIONS } from './support.js';

const COPIED =
  'The account john123 belongs to Jonathan Appleseed, who lives at 1 Infinite Loop, Cupertino, California, and prefers Fahrenheit.';
const PROMPT = encode(
  `<|start|>user<|message|>Repeat this exactly: ${COPIED}<|end|><|start|>assistant<|channel|>final<|message|>`,
);
const GREEDY = { temperature: 0, seed: 1 };

let model: LlamaCppModel;
beforeAll(async () => {
  model = await loadTinyModel();
}, 120_000);
afterAll(async () => {
  await model?.dispose();
});

async function generate(
  speculativeDecoding: boolean,
  overrides: Partial<Parameters<typeof request>[0]> & { promptTokens: number[] },
  forced?: readonly number[],
) {
  const backend = model.createBackend({
    ...TEST_BACKEND_OPTIONS,
    speculativeDecoding,
    ...(forced === undefined
      ? {}
      : { grammarForRequest: () => ({ gbnf: tokenScriptGrammar(forced), expectedTokens: forced }) }),
  });
  try {
    const result = await collect(backend, request({ sampling: GREEDY, ...overrides }));
    return { ...result, predictions: backend.tokenPredictions };
  } finally {
    await backend.dispose();
  }
}

describe('speculative decoding', () => {
  it('copies prompt text in batches of verified guesses, with the same tokens as plain decoding', async () => {
    const forced = encode(COPIED);
    const options = { promptTokens: PROMPT, maxTokens: forced.length + 1 };
    const plain = await generate(false, options, forced);
    const speculative = await generate(true, options, forced);
    expect(plain.tokens).toEqual([...forced, HARMONY_TOKENS.return]);
    expect(speculative.tokens).toEqual(plain.tokens);
    expect(plain.predictions.validated).toBe(0);
    // One guess per decode step (see the option's documentation): about every other token is a verified guess,
    // and each guess was replayed under the bias plain decoding uses there (else the output would differ).
    expect(speculative.predictions.used).toBeGreaterThan(forced.length / 3);
    expect(speculative.predictions.refuted).toBe(0);
  }, 120_000);

  it('leaves free greedy generation unchanged', async () => {
    for (const maxTokens of [12, 40]) {
      const options = { promptTokens: PROMPT, maxTokens };
      const plain = await generate(false, options);
      const speculative = await generate(true, options);
      expect(speculative.tokens).toEqual(plain.tokens);
      expect(speculative.finish.reason).toBe(plain.finish.reason);
    }
  }, 120_000);

  it('leaves constrained tool arguments unchanged when the prompt holds JSON to copy', async () => {
    const parameters = {
      type: 'object',
      properties: { city: { type: 'string' }, unit: { type: 'string', enum: ['celsius', 'fahrenheit'] } },
      required: ['city', 'unit'],
      additionalProperties: false,
    };
    const promptTokens = encode(
      `<|start|>user<|message|>Last time you called {"city":"Cupertino","unit":"fahrenheit"} and {"city":"Cupertino","unit":"celsius"}.<|end|>` +
        '<|start|>assistant<|channel|>commentary to=functions.get_weather <|constrain|>json<|message|>',
    );
    for (const seed of [1, 2, 3]) {
      const options = {
        promptTokens,
        maxTokens: 64,
        sampling: { temperature: 0, seed },
        constrainedTools: [{ recipient: 'functions.get_weather', parameters }],
      };
      const plain = await generate(false, options);
      const speculative = await generate(true, options);
      expect(speculative.tokens).toEqual(plain.tokens);
    }
  }, 180_000);

  it('keeps the KV cache consistent across turns (guesses left unused are not kept as context)', async () => {
    const forced = encode(COPIED);
    const backend = model.createBackend({
      ...TEST_BACKEND_OPTIONS,
      grammarForRequest: (generation) =>
        generation.promptTokens.length === PROMPT.length
          ? { gbnf: tokenScriptGrammar(forced.slice(0, 10)), expectedTokens: forced.slice(0, 10) }
          : undefined,
    });
    const reference = model.createBackend({ ...TEST_BACKEND_OPTIONS, speculativeDecoding: false });
    try {
      // Stop the forced copy early, at maxTokens, while validated guesses may still be loaded.
      const first = await collect(
        backend,
        request({ promptTokens: PROMPT, maxTokens: 10, sampling: GREEDY }),
      );
      expect(first.tokens).toEqual(forced.slice(0, 10));
      const next = [
        ...PROMPT,
        ...first.tokens,
        HARMONY_TOKENS.end,
        ...encode('<|start|>user<|message|>Again?<|end|><|start|>assistant'),
      ];
      const continued = await collect(
        backend,
        request({ promptTokens: next, maxTokens: 24, sampling: GREEDY }),
      );
      // The last generated token is never evaluated, so it is the first one the next prompt evaluates.
      expect(continued.finish.usage.cachedPromptTokens).toBe(PROMPT.length + first.tokens.length - 1);
      const fresh = await collect(
        reference,
        request({ promptTokens: next, maxTokens: 24, sampling: GREEDY }),
      );
      expect(continued.tokens).toEqual(fresh.tokens);
    } finally {
      await backend.dispose();
      await reference.dispose();
    }
  }, 120_000);
});
