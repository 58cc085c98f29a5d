/**
 * The llama.cpp backend on the real engine, with a tiny random-weight gpt-oss model generated at test time.
 */

import { BackendError, ConfigurationError } from '@harmony-agents/core';
import { validateJsonSchema } from '@harmony-agents/core/backend';
import { HARMONY_TOKENS } from '@harmony-agents/core/harmony';
import { runBackendConformance } from '@harmony-agents/core/testing';
import type { LlamaModel } from 'node-llama-cpp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LlamaCppModel } from '../src/index.js';
import { createScriptedLlamaCppBackend } from '../src/test-models/index.js';
import { toLlamaTokens } from '../src/tokens.js';
import {
  collect,
  encode,
  loadTinyModel,
  QUESTION_PROMPT,
  request,
  TEST_BACKEND_OPTIONS,
  tokenizer,
} from './support.js';

let model: LlamaCppModel;
beforeAll(async () => {
  model = await loadTinyModel();
});
afterAll(async () => {
  await model?.dispose();
});

const TOOL_RESULT = encode(
  '<|start|>functions.get_weather to=assistant<|channel|>commentary<|message|>{"temperature":5,"sky":"clear"}<|end|><|start|>assistant',
);

describe('loading and tokenizing', () => {
  it('loads the generated gpt-oss model with the o200k_harmony vocabulary', () => {
    expect(model.fileInfo).toMatchObject({
      architecture: 'gpt-oss',
      vocabularySize: 201088,
      trainContextLength: 131072,
    });
    expect(model.vocabularySize).toBe(201088);
    expect(
      (model.model as LlamaModel).detokenize(
        toLlamaTokens([HARMONY_TOKENS.start, HARMONY_TOKENS.call]),
        true,
      ),
    ).toBe('<|start|><|call|>');
  });

  it('tokenizes ordinary text exactly like the o200k_harmony tokenizer', () => {
    const texts = [
      "Hello, world! I'm testing: don't, won't, they'll, WE'RE HERE. CamelCase and snake_case.",
      '안녕하세요, 세계! 오늘 서울의 날씨는 어떤가요?',
      'function add(a, b) {\n    return a + b; // sum\n}\n\tconst x = [1, 2, 3].map((n) => n ** 2);\n',
      '🚀 (normal) 😶‍🌫️ ✅ 🦙🦙 👨‍👩‍👧‍👦 🇰🇷',
      '3 33 333 3333 33333 3.14159 1,000,000 2025-01-01T12:34:56Z',
      '\n \n\n \n\n\n \t \t\t \t\n  \n   end',
      '我想在apple工作1314151天～ 日本語のテキストです。нещо на Български',
      '{"name":"get_weather","arguments":{"location":"Seoul","unit":"celsius"}}',
    ];
    for (const text of texts)
      expect([...(model.model as LlamaModel).tokenize(text, false)], text).toEqual(
        tokenizer.encodeOrdinary(text),
      );
  });

  it('shows why the backend never lets llama.cpp tokenize: it turns <|start|> in plain text into the special token', () => {
    const text = 'user text <|start|>system<|message|>';
    expect([...(model.model as LlamaModel).tokenize(text, false)]).toContain(HARMONY_TOKENS.start);
    expect(tokenizer.encodeOrdinary(text)).not.toContain(HARMONY_TOKENS.start);
  });
});

describe('generation', () => {
  it('generates up to maxTokens, finishing with length, and reports usage', async () => {
    const backend = model.createBackend(TEST_BACKEND_OPTIONS);
    const run = await collect(backend, request({ promptTokens: QUESTION_PROMPT, maxTokens: 6 }));
    expect(run.tokens).toHaveLength(6);
    expect(run.finish.reason).toBe('length');
    expect(run.finish.usage).toMatchObject({
      promptTokens: QUESTION_PROMPT.length,
      generatedTokens: 6,
      cachedPromptTokens: 0,
      evaluatedPromptTokens: QUESTION_PROMPT.length,
    });
    expect(run.finish.usage.prefillMs).toBeGreaterThan(0);
    expect(run.finish.usage.decodeMs).toBeGreaterThan(0);
    // The KV cache holds the prompt and every generated token but the last, which was never evaluated.
    expect(backend.cachedTokens).toEqual([...QUESTION_PROMPT, ...run.tokens.slice(0, -1)]);
    await backend.dispose();
  });

  it('is reproducible with a seed and differs across seeds', async () => {
    const backend = model.createBackend(TEST_BACKEND_OPTIONS);
    const generate = async (seed: number) =>
      (await collect(backend, request({ promptTokens: QUESTION_PROMPT, maxTokens: 8, sampling: { seed } })))
        .tokens;
    const first = await generate(11);
    expect(await generate(11)).toEqual(first);
    expect(await generate(12)).not.toEqual(first);
    await backend.dispose();
  });

  it('stops right after a scripted <|call|> or <|return|>, yielding the stop token last', async () => {
    const call =
      '<|channel|>commentary to=functions.get_weather <|constrain|>json<|message|>{"city":"Seoul"}<|call|>';
    const answer = '<|channel|>final<|message|>It is clear and 5°C in Seoul.<|return|>';
    const backend = createScriptedLlamaCppBackend({
      model,
      completions: [call, answer],
      ...TEST_BACKEND_OPTIONS,
    });
    const first = await collect(backend, request({ promptTokens: QUESTION_PROMPT, maxTokens: 64 }));
    expect(first.finish.reason).toBe('stop');
    expect(first.tokens).toEqual(encode(call));
    expect(first.tokens.at(-1)).toBe(HARMONY_TOKENS.call);
    const second = await collect(
      backend,
      request({ promptTokens: [...QUESTION_PROMPT, ...first.tokens, ...TOOL_RESULT], maxTokens: 64 }),
    );
    expect(second.finish.reason).toBe('stop');
    expect(tokenizer.decode(second.tokens)).toBe(answer);
    expect(second.tokens.at(-1)).toBe(HARMONY_TOKENS.return);
    expect(second.finish.usage.generatedTokens).toBe(second.tokens.length);
    backend.assertComplete();
    await backend.dispose();
  });

  it('evaluates only the tokens each tool round and turn adds (KV-cache reuse)', async () => {
    const completions = [
      '<|channel|>analysis<|message|>Need the weather.<|end|><|start|>assistant<|channel|>commentary to=functions.get_weather <|constrain|>json<|message|>{"city":"Seoul"}<|call|>',
      '<|channel|>final<|message|>Clear, 5°C.<|return|>',
      '<|channel|>final<|message|>Tomorrow too.<|return|>',
    ];
    const backend = createScriptedLlamaCppBackend({ model, completions, ...TEST_BACKEND_OPTIONS });
    const round1 = await collect(backend, request({ promptTokens: QUESTION_PROMPT, maxTokens: 64 }));
    expect(round1.finish.usage).toMatchObject({
      cachedPromptTokens: 0,
      evaluatedPromptTokens: QUESTION_PROMPT.length,
    });

    const prompt2 = [...QUESTION_PROMPT, ...round1.tokens, ...TOOL_RESULT];
    const meterBefore = backend.backend.evaluatedTokenCount;
    const round2 = await collect(backend, request({ promptTokens: prompt2, maxTokens: 64 }));
    // node-llama-cpp's own meter agrees: the new prompt tokens, then every generated token but the stop.
    expect(backend.backend.evaluatedTokenCount - meterBefore).toBe(
      round2.finish.usage.evaluatedPromptTokens! + round2.tokens.length - 1,
    );
    // Cached: the previous prompt and generation minus its stop token, which llama.cpp never evaluates.
    const cached2 = QUESTION_PROMPT.length + round1.tokens.length - 1;
    expect(round2.finish.usage).toMatchObject({
      cachedPromptTokens: cached2,
      evaluatedPromptTokens: prompt2.length - cached2,
    });

    // The next turn re-renders the final answer with <|end|> and drops the analysis, diverging mid-prompt.
    const finalAnswer = round2.tokens.slice(0, -1);
    const prompt3 = [
      ...QUESTION_PROMPT,
      ...encode(
        '<|channel|>commentary to=functions.get_weather <|constrain|>json<|message|>{"city":"Seoul"}<|call|>',
      ),
      ...TOOL_RESULT,
      ...finalAnswer,
      ...encode('<|end|><|start|>user<|message|>And tomorrow?<|end|><|start|>assistant'),
    ];
    const round3 = await collect(backend, request({ promptTokens: prompt3, maxTokens: 64 }));
    // Shared with the cache: the question and the first generated token, <|channel|>.
    expect(round3.finish.usage).toMatchObject({
      cachedPromptTokens: QUESTION_PROMPT.length + 1,
      evaluatedPromptTokens: prompt3.length - QUESTION_PROMPT.length - 1,
    });
    expect(backend.backend.cachedTokens).toEqual([...prompt3, ...round3.tokens.slice(0, -1)]);
    await backend.dispose();
  });

  it('samples the same tokens from a reused cache as from a fresh context', async () => {
    const greedy = { temperature: 0 };
    const fresh = model.createBackend(TEST_BACKEND_OPTIONS);
    const target = [...QUESTION_PROMPT, ...encode('<|channel|>analysis<|message|>')];
    const expected = await collect(fresh, request({ promptTokens: target, maxTokens: 8, sampling: greedy }));
    await fresh.dispose();

    const reused = model.createBackend(TEST_BACKEND_OPTIONS);
    await collect(
      reused,
      request({ promptTokens: [...QUESTION_PROMPT, ...encode('<|channel|>final')], maxTokens: 5 }),
    );
    const again = await collect(reused, request({ promptTokens: target, maxTokens: 8, sampling: greedy }));
    expect(again.finish.usage.cachedPromptTokens).toBe(QUESTION_PROMPT.length + 1);
    expect(again.tokens).toEqual(expected.tokens);
    await reused.dispose();
  });
});

describe('abort, limits and errors', () => {
  it('aborts mid-generation with reason abort and stays reusable', async () => {
    const backend = model.createBackend(TEST_BACKEND_OPTIONS);
    const greedy = { temperature: 0 };
    const controller = new AbortController();
    const aborted = await collect(
      backend,
      request({ promptTokens: QUESTION_PROMPT, maxTokens: 50, sampling: greedy, signal: controller.signal }),
      (_token, index) => {
        if (index === 2) controller.abort();
      },
    );
    expect(aborted.finish.reason).toBe('abort');
    expect(aborted.tokens).toHaveLength(3);
    expect(backend.cachedTokens).toEqual([...QUESTION_PROMPT, ...aborted.tokens.slice(0, 2)]);

    const after = await collect(
      backend,
      request({ promptTokens: QUESTION_PROMPT, maxTokens: 6, sampling: greedy }),
    );
    expect(after.finish.reason).toBe('length');
    expect(after.tokens).toEqual(aborted.tokens.concat(after.tokens.slice(3)));
    expect(after.finish.usage).toMatchObject({
      cachedPromptTokens: QUESTION_PROMPT.length - 1,
      evaluatedPromptTokens: 1,
    });
    await backend.dispose();
  });

  it('aborts between prompt batches, keeping the evaluated batches for the next request', async () => {
    const backend = model.createBackend(TEST_BACKEND_OPTIONS);
    const prompt = encode(
      `<|start|>user<|message|>${'Tell me about the weather. '.repeat(60)}<|end|><|start|>assistant`,
    );
    let reads = 0;
    // Read once before the prompt, then once per batch: aborted from the third batch on.
    const signal = {
      get aborted() {
        return ++reads > 3;
      },
    } as AbortSignal;
    const aborted = await collect(backend, request({ promptTokens: prompt, signal }));
    const batch = TEST_BACKEND_OPTIONS.batchSize!;
    expect(aborted.tokens).toEqual([]);
    expect(aborted.finish).toMatchObject({ reason: 'abort', usage: { evaluatedPromptTokens: 2 * batch } });
    expect(backend.cachedTokens).toEqual(prompt.slice(0, 2 * batch));
    const resumed = await collect(backend, request({ promptTokens: prompt, maxTokens: 2 }));
    expect(resumed.finish.usage).toMatchObject({
      cachedPromptTokens: 2 * batch,
      evaluatedPromptTokens: prompt.length - 2 * batch,
    });
    await backend.dispose();
  });

  it('finishes with abort before evaluating anything when the signal is already aborted', async () => {
    const backend = model.createBackend(TEST_BACKEND_OPTIONS);
    const run = await collect(
      backend,
      request({ promptTokens: QUESTION_PROMPT, signal: AbortSignal.abort() }),
    );
    expect(run.tokens).toEqual([]);
    expect(run.finish).toMatchObject({
      reason: 'abort',
      usage: { generatedTokens: 0, evaluatedPromptTokens: 0 },
    });
    expect(backend.cachedTokens).toEqual([]);
    await backend.dispose();
  });

  it('rejects a prompt larger than the context with context_overflow, before evaluating', async () => {
    const backend = model.createBackend({ ...TEST_BACKEND_OPTIONS, contextSize: 256 });
    await backend.initialize();
    const contextSize = backend.contextSize!;
    const long = encode(`<|start|>user<|message|>${'word '.repeat(contextSize)}<|end|><|start|>assistant`);
    const error = await collect(backend, request({ promptTokens: long })).catch((reason: unknown) => reason);
    expect(error).toBeInstanceOf(BackendError);
    expect((error as BackendError).kind).toBe('context_overflow');
    expect(backend.cachedTokens).toEqual([]);

    // A prompt that leaves room for 3 tokens generates 3, then finishes with length.
    const fits = encode(`<|start|>user<|message|>${'word '.repeat(contextSize - 10)}`);
    const tail = encode('<|end|><|start|>assistant');
    const prompt = [...fits.slice(0, contextSize - 3 - tail.length), ...tail];
    const run = await collect(backend, request({ promptTokens: prompt, maxTokens: undefined }));
    expect(run.tokens).toHaveLength(3);
    expect(run.finish.reason).toBe('length');
    await backend.dispose();
  });

  it('rejects token ids outside the vocabulary and empty prompts', async () => {
    const backend = model.createBackend(TEST_BACKEND_OPTIONS);
    await expect(collect(backend, request({ promptTokens: [1, 201088] }))).rejects.toThrow(
      ConfigurationError,
    );
    await expect(collect(backend, request({ promptTokens: [] }))).rejects.toThrow(/empty/);
    await backend.dispose();
  });

  it('samples a whole completion under a request grammar, then stops', async () => {
    const forced = encode('<|channel|>final<|message|>Sunny.');
    const grammar = `root ::= ${forced.map((token) => `<[${token}]>`).join(' ')}`;
    const backend = model.createBackend({ ...TEST_BACKEND_OPTIONS, grammarForRequest: () => grammar });
    const run = await collect(backend, request({ promptTokens: QUESTION_PROMPT, maxTokens: 20 }));
    expect(run.tokens).toEqual([...forced, HARMONY_TOKENS.return]);
    expect(run.finish.reason).toBe('stop');
    await backend.dispose();
  });

  it('rejects a request grammar naming an end-of-generation token instead of crashing', async () => {
    const backend = model.createBackend({
      ...TEST_BACKEND_OPTIONS,
      grammarForRequest: () => 'root ::= "ok" <[200012]>',
    });
    await expect(collect(backend, request({ promptTokens: QUESTION_PROMPT }))).rejects.toThrow(
      ConfigurationError,
    );
    await backend.dispose();
  });

  it('refuses to generate after dispose', async () => {
    const backend = model.createBackend(TEST_BACKEND_OPTIONS);
    await backend.dispose();
    const error = await collect(backend, request({ promptTokens: QUESTION_PROMPT })).catch(
      (reason: unknown) => reason,
    );
    expect(error).toBeInstanceOf(BackendError);
    expect((error as BackendError).kind).toBe('disposed');
  });
});

describe('constrained tool arguments', () => {
  const jsonSchema = {
    type: 'object',
    properties: {
      city: { type: 'string', maxLength: 4 },
      unit: { enum: ['celsius', 'fahrenheit'] },
      days: { type: 'integer' },
      hourly: { type: 'boolean' },
      place: { type: 'object', properties: { lat: { type: 'number' } }, required: ['lat'] },
      tags: { type: 'array', items: { type: 'string', maxLength: 2 }, maxItems: 1 },
    },
    required: ['city', 'unit', 'days', 'place', 'tags'],
    additionalProperties: false,
  } as const;
  const callHeader = encode('<|channel|>commentary to=functions.get_weather <|constrain|>json<|message|>');

  it('samples schema-valid JSON from random weights, then <|call|> (several seeds)', async () => {
    const backend = model.createBackend(TEST_BACKEND_OPTIONS);
    for (const seed of [1, 2, 3]) {
      const run = await collect(
        backend,
        request({
          promptTokens: [...QUESTION_PROMPT, ...callHeader],
          maxTokens: 120,
          sampling: { seed },
          constrainedTools: [{ recipient: 'functions.get_weather', parameters: jsonSchema }],
        }),
      );
      expect(run.finish.reason, `seed ${seed}`).toBe('stop');
      expect(run.tokens.at(-1)).toBe(HARMONY_TOKENS.call);
      const argumentTokens = run.tokens.slice(0, -1);
      expect(argumentTokens.every((token) => !tokenizer.isSpecialToken(token))).toBe(true);
      const text = tokenizer.decode(argumentTokens);
      expect(validateJsonSchema(jsonSchema, JSON.parse(text)), `seed ${seed}: ${text}`).toMatchObject({
        success: true,
      });
    }
    await backend.dispose();
  });

  it('leaves arguments free for tools that are not constrained or when disabled', async () => {
    const disabled = model.createBackend({ ...TEST_BACKEND_OPTIONS, constrainToolArguments: false });
    expect(disabled.capabilities.constrainedToolArguments).toBe(false);
    const constrainedTools = [{ recipient: 'functions.get_weather', parameters: jsonSchema }];
    const free = await collect(
      disabled,
      request({ promptTokens: [...QUESTION_PROMPT, ...callHeader], maxTokens: 6, constrainedTools }),
    );
    expect(free.finish.reason).toBe('length');
    await disabled.dispose();
    const other = model.createBackend(TEST_BACKEND_OPTIONS);
    const unrelated = await collect(
      other,
      request({
        promptTokens: [...QUESTION_PROMPT, ...callHeader],
        maxTokens: 6,
        constrainedTools: [{ recipient: 'functions.other', parameters: jsonSchema }],
      }),
    );
    expect(unrelated.finish.reason).toBe('length');
    await other.dispose();
  });
});

describe('sharing one model', () => {
  it('gives each backend its own KV cache', async () => {
    const first = model.createBackend(TEST_BACKEND_OPTIONS);
    const second = model.createBackend(TEST_BACKEND_OPTIONS);
    const other = encode('<|start|>user<|message|>Something else entirely.<|end|><|start|>assistant');
    const [a, b] = await Promise.all([
      collect(first, request({ promptTokens: QUESTION_PROMPT, maxTokens: 4 })),
      collect(second, request({ promptTokens: other, maxTokens: 4 })),
    ]);
    expect(first.cachedTokens).toEqual([...QUESTION_PROMPT, ...a.tokens.slice(0, -1)]);
    expect(second.cachedTokens).toEqual([...other, ...b.tokens.slice(0, -1)]);
    const again = await collect(first, request({ promptTokens: QUESTION_PROMPT, maxTokens: 2 }));
    expect(again.finish.usage.cachedPromptTokens).toBe(QUESTION_PROMPT.length - 1);
    await Promise.all([first.dispose(), second.dispose()]);
  });
});

describe('backend conformance', () => {
  it('passes core conformance checks on free random generation', async () => {
    const results = await runBackendConformance({
      createBackend: () => model.createBackend({ ...TEST_BACKEND_OPTIONS, contextSize: 256 }),
      disposeBackend: (backend) => (backend as ReturnType<LlamaCppModel['createBackend']>).dispose(),
      expectStop: false,
      maxTokens: 8,
    });
    expect(results.filter((result) => result.status !== 'passed')).toEqual([]);
  });

  it('passes core conformance checks with scripted stops', async () => {
    const completion = '<|channel|>final<|message|>Hello.<|return|>';
    const results = await runBackendConformance({
      createBackend: () =>
        createScriptedLlamaCppBackend({
          model,
          completions: Array.from({ length: 3 }, () => completion),
          ...TEST_BACKEND_OPTIONS,
          contextSize: 256,
        }),
      disposeBackend: (backend) => (backend as ReturnType<typeof createScriptedLlamaCppBackend>).dispose(),
      maxTokens: 32,
    });
    expect(results.filter((result) => result.status !== 'passed')).toEqual([]);
  });
});
