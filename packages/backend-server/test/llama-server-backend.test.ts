/**
 * The llama-server backend against a real llama-server (built from node-llama-cpp's llama.cpp source) on a
 * tiny generated gpt-oss model: the conformance suite, stop tokens, usage, abort, tool-argument grammars,
 * slot affinity and the vocabulary probe.
 */

import { BackendError } from '@harmony-agents/core';
import { HARMONY_TOKENS } from '@harmony-agents/core/harmony';
import { runBackendConformance } from '@harmony-agents/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

let server: LlamaServerProcess;
beforeAll(async () => {
  server = await startTinyLlamaServer(2);
}, 900_000);
afterAll(async () => {
  await server?.close();
});

describe('createLlamaServerBackend on a real llama-server', () => {
  it('passes the conformance checks on free generation', async () => {
    const results = await runBackendConformance({
      createBackend: () => createLlamaServerBackend({ baseUrl: server.baseUrl, slot: 0 }),
      expectStop: false,
      maxTokens: 8,
    });
    expect(results.filter((result) => result.status !== 'passed')).toEqual([]);
  });

  it('passes the conformance checks with scripted stops', async () => {
    const completion = '<|channel|>final<|message|>Hello.<|return|>';
    const results = await runBackendConformance({
      createBackend: () =>
        createScriptedLlamaServerBackend({
          baseUrl: server.baseUrl,
          slot: 1,
          completions: Array.from({ length: 3 }, () => completion),
        }),
      maxTokens: 32,
    });
    expect(results.filter((result) => result.status !== 'passed')).toEqual([]);
  });

  it('yields the stop token last and reports what the slot cache reused', async () => {
    const backend = createScriptedLlamaServerBackend({
      baseUrl: server.baseUrl,
      slot: 0,
      completions: [
        '<|channel|>commentary to=functions.get_weather <|constrain|>json<|message|>{"city":"Seoul"}<|call|>',
        '<|channel|>final<|message|>Sunny.<|return|>',
      ],
    });
    const first = await collect(backend, request({ promptTokens: QUESTION_PROMPT, maxTokens: 64 }));
    expect(tokenizer.decode(first.tokens)).toBe(
      '<|channel|>commentary to=functions.get_weather <|constrain|>json<|message|>{"city":"Seoul"}<|call|>',
    );
    expect(first.finish.reason).toBe('stop');
    expect(first.tokens.at(-1)).toBe(HARMONY_TOKENS.call);
    expect(first.chunks).toBeGreaterThan(1);
    const next = [
      ...QUESTION_PROMPT,
      ...first.tokens,
      ...encode('<|start|>functions.get_weather to=assistant<|channel|>commentary<|message|>"sunny"<|end|>'),
      ...encode('<|start|>assistant'),
    ];
    const second = await collect(backend, request({ promptTokens: next, maxTokens: 64 }));
    expect(tokenizer.decode(second.tokens)).toBe('<|channel|>final<|message|>Sunny.<|return|>');
    // The slot holds the prompt and every generated token but the stop token, which is never evaluated.
    const cached = QUESTION_PROMPT.length + first.tokens.length - 1;
    expect(second.finish.usage).toMatchObject({
      promptTokens: next.length,
      generatedTokens: second.tokens.length,
      cachedPromptTokens: cached,
      evaluatedPromptTokens: next.length - cached,
    });
  });

  it('stops and closes the request when aborted mid-stream, and the slot serves the next request', async () => {
    const backend = createLlamaServerBackend({ baseUrl: server.baseUrl, slot: 0 });
    const controller = new AbortController();
    const aborted = await collect(
      backend,
      request({
        promptTokens: QUESTION_PROMPT,
        maxTokens: 2000,
        stopTokens: [],
        sampling: { temperature: 1, seed: 3 },
        signal: controller.signal,
      }),
      (_token, index) => {
        if (index === 4) controller.abort(new Error('user cancelled'));
      },
    );
    expect(aborted.finish.reason).toBe('abort');
    expect(aborted.tokens).toHaveLength(5);
    const after = await collect(backend, request({ promptTokens: QUESTION_PROMPT, maxTokens: 4 }));
    expect(after.finish.usage.generatedTokens).toBe(after.tokens.length);
    // The aborted request no longer runs: the server reports both slots idle.
    const slots = (await (await fetch(`${server.baseUrl}/slots`)).json()) as { is_processing: boolean }[];
    expect(slots.map((slot) => slot.is_processing)).toEqual([false, false]);
  });

  it('keeps to the slot the server chose first', async () => {
    const backend = createLlamaServerBackend({ baseUrl: server.baseUrl });
    await collect(backend, request({ promptTokens: QUESTION_PROMPT, maxTokens: 2 }));
    const again = await collect(backend, request({ promptTokens: QUESTION_PROMPT, maxTokens: 2 }));
    expect(again.finish.usage.cachedPromptTokens).toBe(QUESTION_PROMPT.length - 1);
  });

  it('constrains tool arguments to the JSON Schema under free sampling', async () => {
    const backend = createLlamaServerBackend({ baseUrl: server.baseUrl, slot: 1 });
    const header = encode('<|channel|>commentary to=functions.get_weather <|constrain|>json<|message|>');
    const parameters = {
      type: 'object',
      properties: { city: { type: 'string', maxLength: 12 }, unit: { enum: ['c', 'f'] } },
      required: ['city', 'unit'],
      additionalProperties: false,
    };
    for (const seed of [1, 2, 3]) {
      const result = await collect(
        backend,
        request({
          promptTokens: [...QUESTION_PROMPT, ...header],
          maxTokens: 200,
          sampling: { temperature: 1, seed },
          constrainedTools: [{ recipient: 'functions.get_weather', parameters }],
        }),
      );
      expect(result.finish.reason).toBe('stop');
      expect(result.tokens.at(-1)).toBe(HARMONY_TOKENS.call);
      const body = tokenizer.decode(result.tokens.slice(0, -1));
      const argumentsValue = JSON.parse(body) as { city: string; unit: string };
      expect(Object.keys(argumentsValue).sort()).toEqual(['city', 'unit']);
      expect(['c', 'f']).toContain(argumentsValue.unit);
      expect(result.tokens.slice(0, -1).some((token) => tokenizer.isSpecialToken(token))).toBe(false);
    }
  });

  it('reports an error the server sends mid-stream as a typed error, and the slot serves the next request', async () => {
    // llama-server runs its chat-output parser over the text of every /completion stream; on random text it
    // can fail the request mid-stream ("The model produced output that does not match the expected
    // Content-only format"). Every generation must end normally or with that error, typed and quoted.
    const backend = createLlamaServerBackend({ baseUrl: server.baseUrl, slot: 0 });
    const prompt = encode('<|start|>user<|message|>Hi<|end|><|start|>assistant');
    const outcomes: string[] = [];
    for (const seed of [1, 2, 3, 4]) {
      const outcome = await collect(
        backend,
        request({ promptTokens: prompt, stopTokens: [], maxTokens: 96, sampling: { temperature: 1, seed } }),
      ).then(
        (result) => result.finish.reason,
        (error: unknown) => {
          expect(error).toBeInstanceOf(BackendError);
          expect(error).toMatchObject({ kind: 'generation_failed' });
          expect((error as Error).message).toMatch(/the server reported an error: ".*\\"code\\":500/u);
          return 'server-error';
        },
      );
      outcomes.push(outcome);
      const after = await collect(backend, request({ promptTokens: QUESTION_PROMPT, maxTokens: 2 }));
      expect(after.tokens).toHaveLength(2);
    }
    expect(outcomes.every((outcome) => outcome === 'length' || outcome === 'server-error')).toBe(true);
  });

  it('checks the vocabulary of the served model', async () => {
    const backend = createLlamaServerBackend({ baseUrl: server.baseUrl });
    await expect(backend.checkVocabulary()).resolves.toBeUndefined();
  });

  it('rejects a prompt id outside o200k_harmony before sending it', async () => {
    const backend = createLlamaServerBackend({ baseUrl: server.baseUrl });
    await expect(collect(backend, request({ promptTokens: [1, 2, 300_000] }))).rejects.toMatchObject({
      code: 'configuration_error',
    });
  });

  it('reports an HTTP error with the body quoted', async () => {
    const backend = createLlamaServerBackend({ baseUrl: server.baseUrl, slot: 0 });
    // Longer than the slot's 2048-token context.
    const tooLong = [
      ...QUESTION_PROMPT,
      ...encode(' word'.repeat(3000)),
      ...encode('<|end|><|start|>assistant'),
    ];
    const error = await collect(backend, request({ promptTokens: tooLong })).catch((caught) => caught);
    expect(error).toBeInstanceOf(BackendError);
    expect(error).toMatchObject({ kind: 'http_status', status: 400 });
    expect((error as Error).message).toMatch(/HTTP 400 .*: ".*context.*"$/u);
  });

  it('learns the slot from the last event of a stream that stopped on an end-of-generation token', async () => {
    const backend = createScriptedLlamaServerBackend({
      baseUrl: server.baseUrl,
      completions: ['<|channel|>final<|message|>One.<|return|>', '<|channel|>final<|message|>Two.<|return|>'],
    });
    const first = await collect(backend, request({ promptTokens: QUESTION_PROMPT, maxTokens: 64 }));
    const next = [
      ...QUESTION_PROMPT,
      ...first.tokens.slice(0, -1),
      ...encode('<|end|><|start|>user<|message|>More<|end|><|start|>assistant'),
    ];
    const second = await collect(backend, request({ promptTokens: next, maxTokens: 64 }));
    expect(second.finish.usage.cachedPromptTokens).toBe(QUESTION_PROMPT.length + first.tokens.length - 1);
    expect(server.baseUrl).toBe(backend.backend.baseUrl);
  });
});
