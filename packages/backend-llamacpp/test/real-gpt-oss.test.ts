/**
 * Tests with a real gpt-oss GGUF (e.g. gpt-oss-20b, ~12 GB), run only when `HARMONY_AGENTS_GPT_OSS_GGUF` points
 * to one. They are slow on a CPU: minutes, not seconds.
 *
 *   HARMONY_AGENTS_GPT_OSS_GGUF=/models/gpt-oss-20b-mxfp4.gguf npx vitest run packages/backend-llamacpp/test/real-gpt-oss.test.ts
 */

import { createAgent, defineTool } from '@harmony-agents/core';
import { validateJsonSchema } from '@harmony-agents/core/backend';
import { HARMONY_TOKENS } from '@harmony-agents/core/harmony';
import type { LlamaModel } from 'node-llama-cpp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type LlamaCppModel, loadLlamaCppModel } from '../src/index.js';
import { collect, encode, QUESTION_PROMPT, request, tokenizer } from './support.js';

const modelPath = process.env.HARMONY_AGENTS_GPT_OSS_GGUF;
const SLOW = 15 * 60_000;

describe.runIf(modelPath !== undefined && modelPath.length > 0)('a real gpt-oss model', () => {
  let model: LlamaCppModel;
  beforeAll(async () => {
    model = await loadLlamaCppModel({ model: modelPath! });
  }, SLOW);
  afterAll(async () => {
    await model?.dispose();
  });

  it('is a gpt-oss model with the o200k_harmony vocabulary and the same tokenization', () => {
    expect(model.fileInfo.architecture).toBe('gpt-oss');
    expect(model.vocabularySize).toBe(201088);
    for (const text of ['Hello, world! The weather in Seoul is clear.', '안녕하세요 👋 {"a": [1, 2.5]}']) {
      expect([...(model.model as LlamaModel).tokenize(text, false)]).toEqual(tokenizer.encodeOrdinary(text));
    }
  });

  it(
    'answers and stops with a Harmony stop token, then reuses the cache for the next turn',
    async () => {
      const backend = model.createBackend({ contextSize: 4096 });
      const first = await collect(backend, request({ promptTokens: QUESTION_PROMPT, maxTokens: 1024 }));
      expect(first.finish.reason).toBe('stop');
      expect([HARMONY_TOKENS.call, HARMONY_TOKENS.return]).toContain(first.tokens.at(-1));
      const next = [
        ...QUESTION_PROMPT,
        ...first.tokens.slice(0, -1),
        ...encode('<|end|><|start|>user<|message|>Thanks!<|end|><|start|>assistant'),
      ];
      const second = await collect(backend, request({ promptTokens: next, maxTokens: 16 }));
      const cached = QUESTION_PROMPT.length + first.tokens.length - 1;
      expect(second.finish.usage).toMatchObject({
        cachedPromptTokens: cached,
        evaluatedPromptTokens: next.length - cached,
      });
      await backend.dispose();
    },
    SLOW,
  );

  it(
    'constrains the arguments of a tool call to the schema',
    async () => {
      const parameters = {
        type: 'object',
        properties: { location: { type: 'string' }, unit: { enum: ['celsius', 'fahrenheit'] } },
        required: ['location', 'unit'],
        additionalProperties: false,
      } as const;
      const backend = model.createBackend({ contextSize: 4096 });
      const prompt = [
        ...QUESTION_PROMPT,
        ...encode('<|channel|>commentary to=functions.get_weather <|constrain|>json<|message|>'),
      ];
      const run = await collect(
        backend,
        request({
          promptTokens: prompt,
          maxTokens: 128,
          constrainedTools: [{ recipient: 'functions.get_weather', parameters }],
        }),
      );
      expect(run.finish.reason).toBe('stop');
      const text = tokenizer.decode(run.tokens.slice(0, -1));
      expect(validateJsonSchema(parameters, JSON.parse(text)), text).toMatchObject({ success: true });
      await backend.dispose();
    },
    SLOW,
  );

  it(
    'runs a tool-calling agent turn',
    async () => {
      const calls: string[] = [];
      const getWeather = defineTool({
        name: 'get_weather',
        description: 'Gets the current weather in a city.',
        parameters: z.object({ city: z.string() }),
        execute: ({ city }) => {
          calls.push(city);
          return { city, sky: 'clear', temperatureCelsius: 5 };
        },
      });
      const backend = model.createBackend({ contextSize: 8192 });
      const agent = createAgent({ backend, tools: [getWeather], reasoningEffort: 'low' });
      const result = await agent.run('What is the weather in Seoul right now? Use the tool.');
      expect(calls.length).toBeGreaterThan(0);
      expect(result.finalText.length).toBeGreaterThan(0);
      await backend.dispose();
    },
    SLOW,
  );
});
