/**
 * Structured output through the agent on the real engine: a scripted tool call, then a free generation in
 * which the tiny model writes `<|channel|>final<|message|>` (its bigram script) and random-weight text that
 * the backend samples under the output schema's grammar; the runner parses and validates it.
 */

import { createAgent, defineTool } from '@harmony-agents/core';
import { validateJsonSchema } from '@harmony-agents/core/backend';
import { scriptToolCall } from '@harmony-agents/core/testing';
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import type { LlamaCppModel } from '../src/index.js';
import { createScriptedLlamaCppBackend } from '../src/test-models/index.js';
import { loadTinyModel, TEST_BACKEND_OPTIONS } from './support.js';

const Weather = z.object({
  city: z.string().max(8),
  sky: z.enum(['sunny', 'cloudy', 'rain']),
  windy: z.boolean(),
});

let model: LlamaCppModel;
beforeAll(async () => {
  model = await loadTinyModel({ scripts: ['assistant<|channel|>final<|message|>'] });
});
afterAll(async () => {
  await model?.dispose();
});

describe('structured output on the real engine', () => {
  it('answers under the schema grammar after a tool call', async () => {
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
    const backend = createScriptedLlamaCppBackend({
      model,
      completions: [
        scriptToolCall('get_weather', { city: 'Seoul' }, { analysis: 'Need the weather.' }),
        null,
      ],
      ...TEST_BACKEND_OPTIONS,
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
    // Both steps asked for the schema; only the final channel of the free step was constrained by it.
    const schema = backend.requests[1]!.outputSchema!;
    expect(backend.requests[0]!.outputSchema).toEqual(schema);
    expect(validateJsonSchema(schema, result.output)).toMatchObject({ success: true });
    const answer = result.history.messages.at(-1)!;
    expect(answer).toMatchObject({ role: 'assistant', channel: 'final' });
    await backend.dispose();
  });
});
