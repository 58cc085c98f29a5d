/**
 * The restart under the output schema, against a loopback llama-server that records every request: where the
 * first request is closed, what the second one asks for (prompt, `json_schema`, banned tokens, `n_predict`),
 * and what the caller sees across both (one stream, the answer ended with `<|return|>`, the first request's
 * cache counts).
 */

import { toGrammarJsonSchema } from '@harmony-agents/core/backend';
import { HARMONY_TOKENS } from '@harmony-agents/core/harmony';
import { afterEach, describe, expect, it } from 'vitest';
import { createLlamaServerBackend, type LlamaServerBackendOptions } from '../src/index.js';
import { type LoopbackServer, startLoopbackServer, tick } from './fixtures/loopback-server.js';
import { collect, encode, QUESTION_PROMPT, request, tokenizer } from './support.js';

const servers: LoopbackServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

const outputSchema = {
  type: 'object',
  properties: { sky: { enum: ['sunny', 'rain'] }, note: { type: 'string' } },
  required: ['sky'],
} as const;
const HEADER = encode(
  '<|channel|>analysis<|message|>Hmm.<|end|><|start|>assistant<|channel|>final<|message|>',
);
/** Free text the model would write after the header: never reaches the caller once the request restarts. */
const FREE = encode('Sunny today.');
const ANSWER = encode('{"sky":"rain"}');

/**
 * A server whose n-th /completion streams the n-th token list one token an event (stopping when the client
 * closes), then, when `stop` is given, the end-of-generation token and the last event.
 */
async function serve(streams: readonly { tokens: readonly number[]; stop?: number; cached: number }[]) {
  let served = 0;
  const server = await startLoopbackServer({
    'POST /completion': async (context) => {
      const { tokens, stop, cached } = streams[served++]!;
      const prompt = (context.body as { prompt: number[] }).prompt;
      const timings = { cache_n: cached, prompt_n: prompt.length - cached };
      context.startEvents();
      for (const [index, token] of tokens.entries()) {
        if (context.closed()) return;
        await context.event({
          tokens: [token],
          tokens_predicted: index + 1,
          stop: false,
          id_slot: 0,
          timings,
        });
        await tick();
      }
      if (stop === undefined) return;
      await context.event({ tokens: [stop], tokens_predicted: tokens.length + 1, stop: false, timings });
      await context.event({
        tokens: [],
        stop: true,
        stop_type: 'eos',
        tokens_predicted: tokens.length + 1,
        id_slot: 0,
        timings,
      });
    },
  });
  servers.push(server);
  return server;
}

function backendOn(server: LoopbackServer, options: Partial<LlamaServerBackendOptions> = {}) {
  return createLlamaServerBackend({ baseUrl: server.baseUrl, checkVocabulary: false, slot: 0, ...options });
}

const bodyOf = (server: LoopbackServer, index: number) =>
  server.requests[index]!.body as Record<string, unknown>;

describe('llama-server: the final answer restarted under the output schema', () => {
  it('closes the free request at the header and continues from it under the converted schema', async () => {
    const server = await serve([
      { tokens: [...HEADER, ...FREE], cached: 20 },
      { tokens: ANSWER, stop: HARMONY_TOKENS.call, cached: 60 },
    ]);
    const result = await collect(
      backendOn(server),
      request({ promptTokens: QUESTION_PROMPT, maxTokens: 100, outputSchema }),
    );
    expect(server.requests).toHaveLength(2);
    const [first, second] = [bodyOf(server, 0), bodyOf(server, 1)];
    expect(first).not.toHaveProperty('json_schema');
    expect(first).not.toHaveProperty('logit_bias');
    expect(first).toMatchObject({ prompt: QUESTION_PROMPT, n_predict: 100 });
    expect(second).toMatchObject({
      prompt: [...QUESTION_PROMPT, ...HEADER],
      n_predict: 100 - HEADER.length,
      json_schema: toGrammarJsonSchema(outputSchema),
      id_slot: 0,
      cache_prompt: true,
    });
    // Every property required in each variant, the optional one by leaving it out: llama.cpp's reading.
    expect(second.json_schema).toMatchObject({
      oneOf: [{ required: ['sky', 'note'] }, { required: ['sky'] }],
    });
    const banned = (second.logit_bias as [number, boolean][]).map(([token]) => token);
    expect(banned.sort()).toEqual(
      [
        HARMONY_TOKENS.start,
        HARMONY_TOKENS.channel,
        HARMONY_TOKENS.message,
        HARMONY_TOKENS.constrain,
        HARMONY_TOKENS.end,
      ].sort(),
    );
    // The free text after the header is dropped; the <|call|> sampled after the answer is reported as <|return|>.
    expect(result.tokens).toEqual([...HEADER, ...ANSWER, HARMONY_TOKENS.return]);
    expect(result.finish).toMatchObject({
      reason: 'stop',
      usage: {
        promptTokens: QUESTION_PROMPT.length,
        generatedTokens: HEADER.length + ANSWER.length + 1,
        cachedPromptTokens: 20,
        evaluatedPromptTokens: QUESTION_PROMPT.length - 20,
      },
    });
  });

  it('constrains from the first request when the prompt ends with the final header', async () => {
    const server = await serve([{ tokens: ANSWER, stop: HARMONY_TOKENS.return, cached: 0 }]);
    const prompt = [...QUESTION_PROMPT, ...encode('<|channel|>final<|message|>')];
    const result = await collect(
      backendOn(server),
      request({ promptTokens: prompt, maxTokens: 50, outputSchema }),
    );
    expect(server.requests).toHaveLength(1);
    expect(bodyOf(server, 0)).toMatchObject({ prompt, json_schema: toGrammarJsonSchema(outputSchema) });
    expect(tokenizer.decode(result.tokens)).toBe('{"sky":"rain"}<|return|>');
  });

  it('leaves a call to a tool that is not constrained free', async () => {
    const header = encode('<|channel|>commentary to=functions.lookup <|constrain|>json<|message|>');
    const server = await serve([{ tokens: [...header, ...ANSWER], stop: HARMONY_TOKENS.call, cached: 0 }]);
    const result = await collect(
      backendOn(server),
      request({ promptTokens: QUESTION_PROMPT, maxTokens: 100, outputSchema }),
    );
    expect(server.requests).toHaveLength(1);
    expect(result.tokens.at(-1)).toBe(HARMONY_TOKENS.call);
  });

  it('does not restart without an output schema, with constrainOutput off, or under a request grammar', async () => {
    const grammar = 'root ::= [a-z]+';
    for (const [options, schema, capability] of [
      [{}, undefined, true],
      [{ constrainOutput: false }, outputSchema, false],
      [{ grammarForRequest: () => grammar }, outputSchema, true],
    ] as const) {
      const server = await serve([{ tokens: [...HEADER, ...FREE], stop: HARMONY_TOKENS.return, cached: 0 }]);
      const backend = backendOn(server, options);
      const result = await collect(
        backend,
        request({ promptTokens: QUESTION_PROMPT, maxTokens: 100, outputSchema: schema }),
      );
      expect(server.requests).toHaveLength(1);
      expect(bodyOf(server, 0)).not.toHaveProperty('json_schema');
      expect(result.tokens).toEqual([...HEADER, ...FREE, HARMONY_TOKENS.return]);
      expect(backend.capabilities.constrainedOutput).toBe(capability);
    }
  });
});
