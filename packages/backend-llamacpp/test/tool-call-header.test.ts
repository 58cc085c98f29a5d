/**
 * Constrained tool arguments when the model itself writes the tool-call header: a tiny model whose bigram
 * script makes it write `<|channel|>commentary to=functions.get_weather <|constrain|>json<|message|>` after
 * `assistant`, then random-weight arguments that the backend must constrain.
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

const HEADER = '<|channel|>commentary to=functions.get_weather <|constrain|>json<|message|>';
const parameters = {
  type: 'object',
  properties: { location: { type: 'string', maxLength: 6 }, unit: { enum: ['celsius', 'fahrenheit'] } },
  required: ['location'],
} as const;
const weatherTool = { recipient: 'functions.get_weather', parameters };

let model: LlamaCppModel;
beforeAll(async () => {
  model = await loadTinyModel({ scripts: [`assistant${HEADER}`] });
});
afterAll(async () => {
  await model?.dispose();
});

describe('a tool-call header written by the model', () => {
  it('switches to the argument grammar after <|message|> and ends with <|call|>', async () => {
    const backend = model.createBackend(TEST_BACKEND_OPTIONS);
    const header = encode(HEADER);
    for (const seed of [1, 2]) {
      const run = await collect(
        backend,
        request({
          promptTokens: QUESTION_PROMPT,
          maxTokens: 60,
          sampling: { seed },
          constrainedTools: [weatherTool],
        }),
      );
      expect(run.finish.reason).toBe('stop');
      expect(run.tokens.slice(0, header.length)).toEqual(header);
      expect(run.tokens.at(-1)).toBe(HARMONY_TOKENS.call);
      const text = tokenizer.decode(run.tokens.slice(header.length, -1));
      expect(validateJsonSchema(parameters, JSON.parse(text)), text).toMatchObject({ success: true });
    }
    await backend.dispose();
  });

  it('writes unconstrained text after the same header when the tool is not constrained', async () => {
    const backend = model.createBackend(TEST_BACKEND_OPTIONS);
    const run = await collect(backend, request({ promptTokens: QUESTION_PROMPT, maxTokens: 20 }));
    expect(tokenizer.decode(run.tokens)).toMatch(
      /^<\|channel\|>commentary to=functions\.get_weather <\|constrain\|>json<\|message\|>/u,
    );
    expect(run.finish.reason).toBe('length');
    await backend.dispose();
  });
});
