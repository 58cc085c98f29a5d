/**
 * The vLLM backend against a loopback fixture that follows vLLM's documented completions protocol (sources in
 * fixtures/vllm-fixture.ts). No real vLLM runs here: it needs a GPU and is not installable from our registries.
 */

import { BackendError } from '@harmony-agents/core';
import { HARMONY_TOKENS } from '@harmony-agents/core/harmony';
import { runBackendConformance } from '@harmony-agents/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { createVllmBackend } from '../src/index.js';
import type { LoopbackServer } from './fixtures/loopback-server.js';
import { startVllmFixture } from './fixtures/vllm-fixture.js';
import { collect, encode, QUESTION_PROMPT, request, tokenizer } from './support.js';
import { runWeatherWorkflow, weatherCompletions } from './weather.js';

const MODEL = 'openai/gpt-oss-120b';
const HELLO = encode('<|channel|>final<|message|>Hello.<|return|>');
const fixtures: LoopbackServer[] = [];
async function fixture(options: Partial<Parameters<typeof startVllmFixture>[0]> = {}) {
  const server = await startVllmFixture({ model: MODEL, complete: () => HELLO, ...options });
  fixtures.push(server);
  return server;
}
afterEach(async () => {
  await Promise.all(fixtures.splice(0).map((server) => server.close()));
});

describe('createVllmBackend against the vLLM protocol fixture', () => {
  it('passes the conformance checks', async () => {
    const server = await fixture();
    const results = await runBackendConformance({
      createBackend: () => createVllmBackend({ baseUrl: server.baseUrl, model: MODEL }),
    });
    expect(results.filter((result) => result.status !== 'passed')).toEqual([]);
  });

  it('sends the token-id request vLLM documents', async () => {
    const server = await fixture();
    const backend = createVllmBackend({ baseUrl: server.baseUrl, model: MODEL, checkVocabulary: false });
    await collect(
      backend,
      request({ promptTokens: QUESTION_PROMPT, sampling: { temperature: 0.5, seed: 7 } }),
    );
    expect(server.requests.at(-1)).toEqual({
      method: 'POST',
      path: '/v1/completions',
      body: {
        model: MODEL,
        prompt: QUESTION_PROMPT,
        max_tokens: 16,
        stream: true,
        stream_options: { include_usage: true },
        return_token_ids: true,
        stop_token_ids: [HARMONY_TOKENS.return, HARMONY_TOKENS.call],
        skip_special_tokens: false,
        include_stop_str_in_output: false,
        temperature: 0.5,
        top_p: 1,
        top_k: 0,
        seed: 7,
      },
    });
  });

  it.each([true, false])(
    'yields the stop token last (streamed by the server: %s)',
    async (includeStopToken) => {
      const server = await fixture({ includeStopToken, tokensPerChunk: 3 });
      const backend = createVllmBackend({ baseUrl: server.baseUrl, model: MODEL });
      const result = await collect(backend, request({ promptTokens: QUESTION_PROMPT }));
      expect(result.tokens).toEqual(HELLO);
      expect(result.finish).toMatchObject({ reason: 'stop', usage: { generatedTokens: HELLO.length } });
    },
  );

  it('runs the weather workflow end to end', async () => {
    const completions = weatherCompletions();
    const server = await fixture({ complete: (_prompt, call) => encode(completions[call]!) });
    const backend = createVllmBackend({ baseUrl: server.baseUrl, model: MODEL });
    await runWeatherWorkflow(backend, undefined);
    expect(server.requests.filter((entry) => entry.path === '/v1/completions')).toHaveLength(6);
  });

  it('reports cached prompt tokens from usage.prompt_tokens_details when the stream runs to its end', async () => {
    const server = await fixture({ includeStopToken: false });
    const backend = createVllmBackend({ baseUrl: server.baseUrl, model: MODEL });
    await collect(backend, request({ promptTokens: QUESTION_PROMPT }));
    const extended = [
      ...QUESTION_PROMPT,
      ...HELLO,
      ...encode('<|start|>user<|message|>Again<|end|><|start|>assistant'),
    ];
    const second = await collect(backend, request({ promptTokens: extended }));
    const cached = Math.floor((QUESTION_PROMPT.length + HELLO.length - 1) / 16) * 16;
    expect(second.finish.usage).toMatchObject({
      cachedPromptTokens: cached,
      evaluatedPromptTokens: extended.length - cached,
    });
  });

  it('closes the request when aborted mid-stream', async () => {
    const long = encode('<|channel|>final<|message|>'.concat('word '.repeat(200), '<|return|>'));
    const server = await fixture({ complete: () => long });
    const backend = createVllmBackend({ baseUrl: server.baseUrl, model: MODEL });
    const controller = new AbortController();
    const result = await collect(
      backend,
      request({ promptTokens: QUESTION_PROMPT, maxTokens: 1000, signal: controller.signal }),
      (_token, index) => {
        if (index === 3) controller.abort();
      },
    );
    expect(result.finish.reason).toBe('abort');
    expect(result.tokens).toHaveLength(4);
    await expect.poll(() => server.disconnects()).toBe(1);
  });

  it('rejects a model whose vocabulary is not o200k_harmony', async () => {
    const server = await fixture({ foreignVocabulary: true });
    const backend = createVllmBackend({ baseUrl: server.baseUrl, model: MODEL });
    const error = await collect(backend, request({ promptTokens: QUESTION_PROMPT })).catch(
      (caught) => caught,
    );
    expect(error).toBeInstanceOf(BackendError);
    expect(error).toMatchObject({ kind: 'model_not_gpt_oss' });
    expect(server.requests.map((entry) => entry.path)).toEqual(['/tokenize']);
  });

  it('reports an unknown model as an HTTP error quoting the body', async () => {
    const server = await fixture();
    const backend = createVllmBackend({ baseUrl: server.baseUrl, model: 'other', checkVocabulary: false });
    const error = await collect(backend, request({ promptTokens: QUESTION_PROMPT })).catch(
      (caught) => caught,
    );
    expect(error).toMatchObject({ kind: 'http_status', status: 404 });
    expect((error as Error).message).toContain('The model `other` does not exist.');
  });

  it('decodes what it streams as o200k_harmony', async () => {
    const server = await fixture();
    const backend = createVllmBackend({ baseUrl: server.baseUrl, model: MODEL });
    const result = await collect(backend, request({ promptTokens: QUESTION_PROMPT }));
    expect(tokenizer.decode(result.tokens)).toBe('<|channel|>final<|message|>Hello.<|return|>');
  });
});
