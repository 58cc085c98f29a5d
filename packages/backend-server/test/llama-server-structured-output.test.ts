/**
 * Structured output on a real llama-server: a tiny model whose bigram script makes it finish an analysis
 * (`Let me think.`) and write `<|start|>assistant<|channel|>final<|message|>`, then random-weight text that the
 * backend must sample under the request's `outputSchema`, by restarting the request at the answer's body.
 */

import { createAgent, defineTool } from '@harmony-agents/core';
import { validateJsonSchema } from '@harmony-agents/core/backend';
import { HARMONY_TOKENS } from '@harmony-agents/core/harmony';
import { scriptToolCall } from '@harmony-agents/core/testing';
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import { createLlamaServerBackend } from '../src/index.js';
import type { LlamaServerProcess } from '../src/testing/index.js';
import {
  collect,
  createScriptedLlamaServerBackend,
  encode,
  QUESTION_PROMPT,
  request,
  startTinyLlamaServer,
  tokenizer,
} from './support.js';

const ANALYSIS = '<|channel|>analysis<|message|>';
const FINAL = '<|start|>assistant<|channel|>final<|message|>';
const THOUGHT = `Let me think.<|end|>${FINAL}`;
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

let server: LlamaServerProcess;
beforeAll(async () => {
  // After `<|message|>` the model writes the thought and opens the final answer; after `assistant`, it opens
  // the final answer at once.
  server = await startTinyLlamaServer(2, { scripts: [`<|message|>${THOUGHT}`] });
}, 900_000);
afterAll(async () => {
  await server?.close();
});

describe('the final answer under the output schema on llama-server', () => {
  it('leaves the analysis free, samples the answer under the schema and ends it with <|return|>', async () => {
    const backend = createLlamaServerBackend({ baseUrl: server.baseUrl, slot: 0 });
    expect(backend.capabilities).toMatchObject({ constrainedOutput: true, constrainedToolArguments: true });
    const prompt = [...QUESTION_PROMPT, ...encode(ANALYSIS)];
    const thought = encode(THOUGHT);
    for (const seed of [1, 2, 3]) {
      const run = await collect(
        backend,
        request({ promptTokens: prompt, maxTokens: 120, sampling: { temperature: 1, seed }, outputSchema }),
      );
      expect(run.finish.reason).toBe('stop');
      // The analysis and the header were sampled freely (the bigram script), the answer under the grammar.
      expect(tokenizer.decode(run.tokens.slice(0, thought.length))).toBe(THOUGHT);
      expect(run.tokens.at(-1)).toBe(HARMONY_TOKENS.return);
      const answer = run.tokens.slice(thought.length, -1);
      expect(answer.some((token) => tokenizer.isSpecialToken(token))).toBe(false);
      const text = tokenizer.decode(answer);
      expect(validateJsonSchema(outputSchema, JSON.parse(text)), text).toMatchObject({ success: true });
      // One generation for the caller across the restart: every token counted once, the prompt once.
      expect(run.finish.usage).toMatchObject({
        promptTokens: prompt.length,
        generatedTokens: run.tokens.length,
      });
      const { cachedPromptTokens = 0, evaluatedPromptTokens = 0 } = run.finish.usage;
      expect(cachedPromptTokens + evaluatedPromptTokens).toBe(prompt.length);
    }
  });

  it('accepts what zod writes: optional, nullable, nested and reused schemas', async () => {
    // toGrammarJsonSchema's rewrite (oneOf of the optional subsets, $defs, required lists) through
    // llama.cpp's own schema converter.
    const place = z.object({ name: z.string().max(6) });
    const schema = z.toJSONSchema(
      z.object({
        from: place,
        to: place,
        note: z.string().max(4).optional(),
        wind: z.number().int().nullable(),
        tags: z.array(z.enum(['a', 'b'])).max(2),
      }),
      { reused: 'ref' },
    ) as Record<string, unknown>;
    const backend = createLlamaServerBackend({ baseUrl: server.baseUrl, slot: 1 });
    const header = encode('<|channel|>final<|message|>');
    for (const seed of [5, 6]) {
      const run = await collect(
        backend,
        request({
          promptTokens: QUESTION_PROMPT,
          maxTokens: 160,
          sampling: { temperature: 1, seed },
          outputSchema: schema as never,
        }),
      );
      expect(run.finish.reason).toBe('stop');
      expect(run.tokens.slice(0, header.length)).toEqual(header);
      const text = tokenizer.decode(run.tokens.slice(header.length, -1));
      expect(validateJsonSchema(schema as never, JSON.parse(text)), text).toMatchObject({ success: true });
    }
  });

  it('writes free text after the same header without an output schema or with constrainOutput off', async () => {
    const off = createLlamaServerBackend({ baseUrl: server.baseUrl, slot: 1, constrainOutput: false });
    expect(off.capabilities.constrainedOutput).toBe(false);
    const on = createLlamaServerBackend({ baseUrl: server.baseUrl, slot: 1 });
    for (const [backend, schema] of [
      [off, outputSchema],
      [on, undefined],
    ] as const) {
      const run = await collect(
        backend,
        request({
          promptTokens: QUESTION_PROMPT,
          maxTokens: 20,
          sampling: { temperature: 1, seed: 1 },
          outputSchema: schema,
        }),
      );
      const text = tokenizer.decode(run.tokens);
      const header = '<|channel|>final<|message|>';
      expect(text.startsWith(header), text).toBe(true);
      expect(isJson(text.slice(header.length).replace(/<\|[a-z]+\|>$/u, ''))).toBe(false);
    }
  });

  it('answers under the schema after a tool call, reusing the slot cache', async () => {
    const backend = createScriptedLlamaServerBackend({
      baseUrl: server.baseUrl,
      slot: 1,
      completions: [scriptToolCall('get_weather', { city: 'Seoul' }), null],
    });
    // The scripted call is played under its request grammar: the output schema does not apply to it.
    const call = await collect(
      backend,
      request({ promptTokens: QUESTION_PROMPT, maxTokens: 64, outputSchema }),
    );
    expect(tokenizer.decode(call.tokens)).toBe(scriptToolCall('get_weather', { city: 'Seoul' }));
    const next = [
      ...QUESTION_PROMPT,
      ...call.tokens,
      ...encode('<|start|>functions.get_weather to=assistant<|channel|>commentary<|message|>"rain"<|end|>'),
      ...encode('<|start|>assistant'),
    ];
    const answer = await collect(
      backend,
      request({ promptTokens: next, maxTokens: 120, sampling: { temperature: 1, seed: 4 }, outputSchema }),
    );
    const header = encode('<|channel|>final<|message|>');
    expect(answer.tokens.slice(0, header.length)).toEqual(header);
    expect(answer.tokens.at(-1)).toBe(HARMONY_TOKENS.return);
    const text = tokenizer.decode(answer.tokens.slice(header.length, -1));
    expect(validateJsonSchema(outputSchema, JSON.parse(text)), text).toMatchObject({ success: true });
    // The slot held the call (its stop token is never evaluated): only the tool result and header were new.
    const cached = QUESTION_PROMPT.length + call.tokens.length - 1;
    expect(answer.finish.usage).toMatchObject({
      promptTokens: next.length,
      generatedTokens: answer.tokens.length,
      cachedPromptTokens: cached,
      evaluatedPromptTokens: next.length - cached,
    });
    backend.assertComplete();
  });
});

describe('agent.run with an output schema on llama-server', () => {
  it('gives a typed, validated result.output after a tool call', { timeout: 300_000 }, async () => {
    const Weather = z.object({
      city: z.string().max(8),
      sky: z.enum(['sunny', 'cloudy', 'rain']),
      windy: z.boolean(),
    });
    const calls: string[] = [];
    const getWeather = defineTool({
      name: 'get_weather',
      description: 'Gets the weather in a city.',
      parameters: z.object({ city: z.string() }),
      execute: ({ city }) => {
        calls.push(city);
        return { city, sky: 'rain' };
      },
    });
    const backend = createScriptedLlamaServerBackend({
      baseUrl: server.baseUrl,
      slot: 0,
      completions: [
        scriptToolCall('get_weather', { city: 'Seoul' }, { analysis: 'Need the weather.' }),
        null,
      ],
    });
    const agent = createAgent({ backend, tools: [getWeather], currentDate: null, sampling: { seed: 7 } });
    const run = agent.run('Weather in Seoul, as JSON?', { output: Weather, maxTokens: 200 });
    const result = await run;
    backend.assertComplete();
    expect(calls).toEqual(['Seoul']);
    if (result.status !== 'completed') throw new Error(`run ${result.status}`);
    expectTypeOf(result.output).toEqualTypeOf<z.output<typeof Weather>>();
    expect(Weather.safeParse(result.output).success).toBe(true);
    expect(JSON.parse(result.finalText)).toEqual(result.output);
    expect(run.events.some((event) => event.type === 'output-repair')).toBe(false);
    expect(result.steps).toBe(2);
    expect(backend.requests[1]!.outputSchema).toEqual(backend.requests[0]!.outputSchema);
    expect(result.history.messages.at(-1)).toMatchObject({ role: 'assistant', channel: 'final' });
  });
});
