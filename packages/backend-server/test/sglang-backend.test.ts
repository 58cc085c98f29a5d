/**
 * The SGLang backend against a loopback fixture that follows SGLang's documented `/generate` protocol (sources
 * in fixtures/sglang-fixture.ts). No real SGLang runs here: it needs a GPU and is not installable from our
 * registries.
 */

import { HARMONY_TOKENS } from '@harmony-agents/core/harmony';
import { runBackendConformance } from '@harmony-agents/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { createSglangBackend } from '../src/index.js';
import type { LoopbackServer } from './fixtures/loopback-server.js';
import { startSglangFixture } from './fixtures/sglang-fixture.js';
import { collect, encode, QUESTION_PROMPT, recordRequests, request } from './support.js';
import { runWeatherWorkflow, weatherCompletions } from './weather.js';

const HELLO = encode('<|channel|>final<|message|>Hello.<|return|>');
const fixtures: LoopbackServer[] = [];
async function fixture(options: Partial<Parameters<typeof startSglangFixture>[0]> = {}) {
  const server = await startSglangFixture({ complete: () => HELLO, ...options });
  fixtures.push(server);
  return server;
}
afterEach(async () => {
  await Promise.all(fixtures.splice(0).map((server) => server.close()));
});

describe('createSglangBackend against the SGLang protocol fixture', () => {
  it.each([false, true])('passes the conformance checks (incremental streaming: %s)', async (incremental) => {
    const server = await fixture({ incremental });
    const results = await runBackendConformance({
      createBackend: () => createSglangBackend({ baseUrl: server.baseUrl }),
    });
    expect(results.filter((result) => result.status !== 'passed')).toEqual([]);
  });

  it('sends the token-id request SGLang documents', async () => {
    const server = await fixture();
    const backend = createSglangBackend({ baseUrl: server.baseUrl, checkVocabulary: false });
    await collect(
      backend,
      request({ promptTokens: QUESTION_PROMPT, sampling: { temperature: 0.5, topK: 0, seed: 7 } }),
    );
    expect(server.requests.at(-1)?.body).toEqual({
      input_ids: QUESTION_PROMPT,
      sampling_params: {
        max_new_tokens: 16,
        stop_token_ids: [HARMONY_TOKENS.return, HARMONY_TOKENS.call],
        temperature: 0.5,
        top_p: 1,
        top_k: -1,
        min_p: 0,
        skip_special_tokens: false,
        no_stop_trim: true,
        sampling_seed: 7,
      },
      stream: true,
    });
  });

  it.each([
    { incremental: false, includeStopToken: true },
    { incremental: false, includeStopToken: false },
    { incremental: true, includeStopToken: true },
    { incremental: true, includeStopToken: false },
  ])('reads each token once and the stop token last (%o)', async (options) => {
    const server = await fixture(options);
    const backend = createSglangBackend({ baseUrl: server.baseUrl });
    const result = await collect(backend, request({ promptTokens: QUESTION_PROMPT }));
    expect(result.tokens).toEqual(HELLO);
    expect(result.finish).toMatchObject({ reason: 'stop', usage: { generatedTokens: HELLO.length } });
  });

  it('runs the weather workflow end to end, evaluating only what each tool round added', async () => {
    const completions = weatherCompletions();
    const server = await fixture({ complete: (_prompt, call) => encode(completions[call]!) });
    const { backend, requests } = recordRequests(createSglangBackend({ baseUrl: server.baseUrl }));
    const { evaluatedPerRound } = await runWeatherWorkflow(backend, requests);
    expect(evaluatedPerRound).toEqual([1, 1, 1, 1]);
  });

  it('closes the request when aborted mid-stream', async () => {
    const long = encode('<|channel|>final<|message|>'.concat('word '.repeat(200), '<|return|>'));
    const server = await fixture({ complete: () => long });
    const backend = createSglangBackend({ baseUrl: server.baseUrl });
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
});
