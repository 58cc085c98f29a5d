/**
 * Structured output on the real engine: a tiny model whose bigram script makes it write
 * `<|channel|>final<|message|>` after `assistant`, then random-weight text that the backend must sample under
 * the request's `outputSchema`, only inside the final channel.
 */

import { validateJsonSchema } from '@harmony-agents/core/backend';
import { HARMONY_TOKENS } from '@harmony-agents/core/harmony';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LlamaCppModel } from '../src/index.js';
import {
  collect,
  encode,
  loadTinyModel,
  QUESTION_PROMPT,
  request,
  TEST_BACKEND_OPTIONS,
  tokenizer,
} from './support.js';

const HEADER = '<|channel|>final<|message|>';
const outputSchema = {
  type: 'object',
  properties: {
    city: { type: 'string', maxLength: 8 },
    sky: { enum: ['sunny', 'cloudy', 'rain'] },
    temperature: { type: 'integer' },
  },
  required: ['city', 'sky', 'temperature'],
  additionalProperties: false,
} as const;

const isJson = (text: string): boolean => {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
};

let model: LlamaCppModel;
beforeAll(async () => {
  model = await loadTinyModel({ scripts: [`assistant${HEADER}`] });
});
afterAll(async () => {
  await model?.dispose();
});

describe('the final answer under the output schema', () => {
  it('is sampled under the grammar after <|channel|>final<|message|> and ends with <|return|>', async () => {
    const backend = model.createBackend(TEST_BACKEND_OPTIONS);
    expect(backend.capabilities).toMatchObject({ constrainedOutput: true, contextSize: 1024 });
    const header = encode(HEADER);
    for (const seed of [1, 2]) {
      const run = await collect(
        backend,
        request({ promptTokens: QUESTION_PROMPT, maxTokens: 80, sampling: { seed }, outputSchema }),
      );
      expect(run.finish.reason).toBe('stop');
      // The header itself was sampled freely (the bigram script), the answer under the grammar.
      expect(run.tokens.slice(0, header.length)).toEqual(header);
      expect(run.tokens.at(-1)).toBe(HARMONY_TOKENS.return);
      const text = tokenizer.decode(run.tokens.slice(header.length, -1));
      expect(validateJsonSchema(outputSchema, JSON.parse(text)), text).toMatchObject({ success: true });
    }
    await backend.dispose();
  });

  it('writes unconstrained text without an output schema, or with constrainOutput off', async () => {
    for (const [options, schema] of [
      [TEST_BACKEND_OPTIONS, undefined],
      [{ ...TEST_BACKEND_OPTIONS, constrainOutput: false }, outputSchema],
    ] as const) {
      const backend = model.createBackend(options);
      const run = await collect(
        backend,
        request({ promptTokens: QUESTION_PROMPT, maxTokens: 30, outputSchema: schema }),
      );
      const text = tokenizer.decode(run.tokens);
      expect(text.startsWith(HEADER)).toBe(true);
      expect(isJson(text.slice(HEADER.length).replace(/<\|[a-z]+\|>$/u, ''))).toBe(false);
      await backend.dispose();
    }
    expect(model.createBackend({ constrainOutput: false }).capabilities.constrainedOutput).toBe(false);
  });

  it('leaves the analysis channel free and constrains a final answer the prompt already opened', async () => {
    const backend = model.createBackend(TEST_BACKEND_OPTIONS);
    const analysis = await collect(
      backend,
      request({
        promptTokens: [...QUESTION_PROMPT, ...encode('<|channel|>analysis<|message|>')],
        maxTokens: 30,
        outputSchema,
      }),
    );
    expect(analysis.finish.reason).toBe('length');
    expect(isJson(tokenizer.decode(analysis.tokens))).toBe(false);

    const final = await collect(
      backend,
      request({ promptTokens: [...QUESTION_PROMPT, ...encode(HEADER)], maxTokens: 80, outputSchema }),
    );
    expect(final.finish.reason).toBe('stop');
    expect(final.tokens.at(-1)).toBe(HARMONY_TOKENS.return);
    const answer = JSON.parse(tokenizer.decode(final.tokens.slice(0, -1)));
    expect(validateJsonSchema(outputSchema, answer)).toMatchObject({ success: true });
    await backend.dispose();
  });
});
