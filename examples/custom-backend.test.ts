import { BackendError } from '@harmony-agents/core';
import type { BackendGenerateRequest } from '@harmony-agents/core/backend';
import { loadHarmonyEncoding } from '@harmony-agents/core/harmony';
import { CONFORMANCE_CHECKS, createScriptedBackend } from '@harmony-agents/core/testing';
import { describe, expect, it } from 'vitest';
import { createReplayBackend, main, withLogging } from './custom-backend.js';

const encoding = loadHarmonyEncoding();
const request = (overrides: Partial<BackendGenerateRequest> = {}): BackendGenerateRequest => ({
  promptTokens: encoding.encode('<|start|>user<|message|>Hi<|end|><|start|>assistant', {
    allowedSpecial: 'all',
  }),
  stopTokens: encoding.stopTokensForAssistantActions(),
  maxTokens: undefined,
  sampling: {},
  signal: undefined,
  constrainedTools: [],
  ...overrides,
});

async function collect(iterable: AsyncIterable<unknown>): Promise<unknown[]> {
  const chunks: unknown[] = [];
  for await (const chunk of iterable) chunks.push(chunk);
  return chunks;
}

describe('examples/custom-backend', () => {
  it('passes every conformance check and answers through the logging wrapper', async () => {
    const lines: string[] = [];
    const { conformance, finalText } = await main(undefined, (line) => lines.push(line));
    for (const results of [conformance.replay, conformance.logging]) {
      expect(results.map((result) => result.name)).toEqual([...CONFORMANCE_CHECKS]);
      expect(results.filter((result) => result.status !== 'passed')).toEqual([]);
    }
    expect(finalText).toBe('Hello! How can I help?');
    expect(lines).toEqual([
      'conformance of replay: 10/10 checks passed',
      'conformance of logging: 10/10 checks passed',
      expect.stringMatching(/^\[replay\] generating from \d+ prompt tokens$/),
      '[replay] stop after 23 tokens',
      'Assistant: Hello! How can I help?',
    ]);
  });

  it('logs another backend, with its cache statistics', async () => {
    const backend = createScriptedBackend({
      steps: [{ completion: '<|channel|>final<|message|>Hey.<|return|>' }],
    });
    const lines: string[] = [];
    const { finalText } = await main(backend, (line) => lines.push(line));
    backend.assertComplete();
    expect(finalText).toBe('Hey.');
    expect(lines.slice(2)).toEqual([
      `[scripted] generating from ${backend.requests[0]?.promptTokens.length} prompt tokens`,
      '[scripted] stop after 6 tokens, 0 prompt tokens cached',
      'Assistant: Hey.',
    ]);
  });

  it('replays token by token: stop token last, maxTokens, abort, invalid prompts, exhaustion', async () => {
    const completion = encoding.encode('<|channel|>final<|message|>Hi<|return|>', { allowedSpecial: 'all' });
    const backend = createReplayBackend([completion, completion]);
    const controller = new AbortController();
    controller.abort();
    expect(await collect(backend.doGenerate(request({ maxTokens: 2 })))).toEqual([
      { type: 'tokens', tokens: [completion[0]] },
      { type: 'tokens', tokens: [completion[1]] },
      {
        type: 'finish',
        reason: 'length',
        usage: { promptTokens: request().promptTokens.length, generatedTokens: 2 },
      },
    ]);
    expect(await collect(backend.doGenerate(request({ signal: controller.signal })))).toEqual([
      {
        type: 'finish',
        reason: 'abort',
        usage: { promptTokens: request().promptTokens.length, generatedTokens: 0 },
      },
    ]);
    await expect(collect(backend.doGenerate(request()))).rejects.toBeInstanceOf(BackendError);
    await expect(collect(backend.doGenerate(request({ promptTokens: [999_999_999] })))).rejects.toMatchObject(
      {
        kind: 'invalid_prompt',
      },
    );
    const logged: string[] = [];
    const chunks = await collect(
      withLogging(createReplayBackend([completion]), (line) => logged.push(line)).doGenerate(request()),
    );
    expect(chunks.at(-1)).toMatchObject({ type: 'finish', reason: 'stop' });
    expect(chunks.at(-2)).toEqual({ type: 'tokens', tokens: [encoding.stopTokensForAssistantActions()[0]] });
    expect(logged).toEqual([
      `[replay] generating from ${request().promptTokens.length} prompt tokens`,
      `[replay] stop after ${completion.length} tokens`,
    ]);
  });
});
