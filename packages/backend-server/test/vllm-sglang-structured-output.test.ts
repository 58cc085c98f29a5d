/**
 * The final answer under the output schema on vLLM and SGLang, against their protocol fixtures (no real server
 * runs here): one suite for both. The request is closed once the model has written the final header and sent
 * again from there with the schema in the server's documented per-request field (vLLM
 * `structured_outputs.json`, SGLang `sampling_params.json_schema` as a string); the fixture's model answers
 * JSON when given a schema and free text otherwise.
 */

import { toGrammarJsonSchema } from '@harmony-agents/core/backend';
import { HARMONY_TOKENS } from '@harmony-agents/core/harmony';
import { afterEach, describe, expect, it } from 'vitest';
import { createSglangBackend, createVllmBackend, type ServerBackend } from '../src/index.js';
import type { LoopbackServer } from './fixtures/loopback-server.js';
import { startSglangFixture } from './fixtures/sglang-fixture.js';
import { startVllmFixture } from './fixtures/vllm-fixture.js';
import { collect, encode, QUESTION_PROMPT, request } from './support.js';

const MODEL = 'openai/gpt-oss-120b';
const outputSchema = {
  type: 'object',
  properties: { sky: { enum: ['sunny', 'rain'] }, windy: { type: 'boolean' } },
  required: ['sky', 'windy'],
  additionalProperties: false,
} as const;
const HEADER = encode(
  '<|channel|>analysis<|message|>Hmm.<|end|><|start|>assistant<|channel|>final<|message|>',
);
const FREE = encode('Rain, no wind.');
const ANSWER = encode('{"sky":"rain","windy":false}');

/** What differs between the two servers. */
interface ServerCase {
  readonly name: string;
  start(
    complete: (prompt: readonly number[], call: number, jsonSchema?: unknown) => readonly number[],
    includeStopToken: boolean,
  ): Promise<LoopbackServer>;
  create(baseUrl: string, constrainOutput?: boolean): ServerBackend;
  /** The request's prompt, max tokens and output schema, read from its body. */
  read(body: unknown): { prompt: unknown; maxTokens: unknown; schema: unknown };
  /** Whether the generation's usage has the prompt cache counts (SGLang reports them in every event). */
  readonly cacheCounts: boolean;
}

const CASES: readonly ServerCase[] = [
  {
    name: 'vLLM',
    start: (complete, includeStopToken) => startVllmFixture({ model: MODEL, complete, includeStopToken }),
    create: (baseUrl, constrainOutput) =>
      createVllmBackend({
        baseUrl,
        model: MODEL,
        ...(constrainOutput === undefined ? {} : { constrainOutput }),
      }),
    read: (body) => {
      const fields = body as { prompt: unknown; max_tokens: unknown; structured_outputs?: { json: unknown } };
      return { prompt: fields.prompt, maxTokens: fields.max_tokens, schema: fields.structured_outputs?.json };
    },
    cacheCounts: false,
  },
  {
    name: 'SGLang',
    start: (complete, includeStopToken) => startSglangFixture({ complete, includeStopToken }),
    create: (baseUrl, constrainOutput) =>
      createSglangBackend({ baseUrl, ...(constrainOutput === undefined ? {} : { constrainOutput }) }),
    read: (body) => {
      const fields = body as {
        input_ids: unknown;
        sampling_params: { max_new_tokens: unknown; json_schema?: string };
      };
      const schema = fields.sampling_params.json_schema;
      return {
        prompt: fields.input_ids,
        maxTokens: fields.sampling_params.max_new_tokens,
        schema: schema === undefined ? undefined : JSON.parse(schema),
      };
    },
    cacheCounts: true,
  },
];

/** The fixture's model: JSON under a schema (ending with the end-of-sequence `<|return|>`), free text otherwise. */
function model(prompt: readonly number[], _call: number, jsonSchema?: unknown): readonly number[] {
  if (jsonSchema === undefined) return [...HEADER, ...FREE, HARMONY_TOKENS.return];
  expect(prompt.slice(-HEADER.length)).toEqual(HEADER);
  return [...ANSWER, HARMONY_TOKENS.return];
}

const fixtures: LoopbackServer[] = [];
afterEach(async () => {
  await Promise.all(fixtures.splice(0).map((server) => server.close()));
});

describe.each(CASES)('the final answer under the output schema on $name', (server) => {
  const start = async (includeStopToken = true) => {
    const fixture = await server.start(model, includeStopToken);
    fixtures.push(fixture);
    return fixture;
  };
  const generation = (count: number) =>
    request({ promptTokens: QUESTION_PROMPT, maxTokens: count, outputSchema });
  const generations = (fixture: LoopbackServer) =>
    fixture.requests
      .filter((recorded) => recorded.path !== '/tokenize')
      .map((recorded) => server.read(recorded.body));

  it.each([true, false])(
    'continues from the final header with the converted schema (stop token streamed: %s)',
    async (includeStopToken) => {
      const fixture = await start(includeStopToken);
      const backend = server.create(fixture.baseUrl);
      expect(backend.capabilities.constrainedOutput).toBe(true);
      const result = await collect(backend, generation(100));
      const [first, second, ...more] = generations(fixture);
      expect(more).toEqual([]);
      expect(first).toEqual({ prompt: QUESTION_PROMPT, maxTokens: 100, schema: undefined });
      expect(second).toEqual({
        prompt: [...QUESTION_PROMPT, ...HEADER],
        maxTokens: 100 - HEADER.length,
        schema: toGrammarJsonSchema(outputSchema),
      });
      expect(result.tokens).toEqual([...HEADER, ...ANSWER, HARMONY_TOKENS.return]);
      expect(result.finish).toMatchObject({
        reason: 'stop',
        usage: { promptTokens: QUESTION_PROMPT.length, generatedTokens: HEADER.length + ANSWER.length + 1 },
      });
      const { cachedPromptTokens, evaluatedPromptTokens } = result.finish.usage;
      if (server.cacheCounts)
        expect((cachedPromptTokens ?? 0) + (evaluatedPromptTokens ?? 0)).toBe(QUESTION_PROMPT.length);
      else expect(cachedPromptTokens).toBeUndefined();
    },
  );

  it('leaves the answer free with constrainOutput off', async () => {
    const fixture = await start();
    const backend = server.create(fixture.baseUrl, false);
    expect(backend.capabilities.constrainedOutput).toBe(false);
    const result = await collect(backend, generation(100));
    expect(generations(fixture)).toHaveLength(1);
    expect(result.tokens).toEqual([...HEADER, ...FREE, HARMONY_TOKENS.return]);
  });
});

describe('the vLLM request under the output schema', () => {
  it('bans Harmony control tokens with logit_bias', async () => {
    const fixture = await startVllmFixture({ model: MODEL, complete: model });
    fixtures.push(fixture);
    await collect(
      createVllmBackend({ baseUrl: fixture.baseUrl, model: MODEL }),
      request({
        promptTokens: QUESTION_PROMPT,
        maxTokens: 100,
        outputSchema,
      }),
    );
    const bodies = fixture.requests.filter((recorded) => recorded.path === '/v1/completions');
    expect(bodies[0]!.body).not.toHaveProperty('logit_bias');
    const bias = (bodies[1]!.body as { logit_bias: Record<string, number> }).logit_bias;
    expect(Object.keys(bias).map(Number).sort()).toEqual(
      [
        HARMONY_TOKENS.start,
        HARMONY_TOKENS.channel,
        HARMONY_TOKENS.message,
        HARMONY_TOKENS.constrain,
        HARMONY_TOKENS.end,
      ].sort(),
    );
    expect(new Set(Object.values(bias))).toEqual(new Set([-100]));
  });
});
