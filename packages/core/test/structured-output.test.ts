/**
 * Structured output through the runner on the scripted backend: the response format in the developer
 * message, the schema sent to the backend, `result.output`, the repair round and the failure after it.
 */

import { describe, expect, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import { z as z3 } from 'zod/v3';
import { loadO200kHarmonyTokenizer } from '../src/harmony/tokenizer.js';
import { createAgent, OutputValidationError } from '../src/index.js';
import { createScriptedBackend, scriptFinal, scriptToolCall } from '../src/testing/index.js';
import { defineTool } from '../src/tools/define-tool.js';

const tokenizer = loadO200kHarmonyTokenizer();
const Weather = z
  .object({
    city: z.string(),
    temperature: z.number().int(),
    sky: z.enum(['sunny', 'cloudy', 'rain']),
  })
  .meta({ title: 'weather', description: 'The weather at a place.' });

const getWeather = defineTool({
  name: 'get_weather',
  description: 'Gets the weather in a city.',
  parameters: z.object({ city: z.string() }),
  execute: ({ city }) => ({ city, celsius: 5, sky: 'rain' }),
});

const scripted = (completions: readonly string[], capabilities = {}) =>
  createScriptedBackend({ steps: completions.map((completion) => ({ completion })), capabilities });

describe('structured output on the scripted backend', () => {
  it('shows the response format, sends the schema, and types result.output', async () => {
    const backend = scripted(
      [
        scriptToolCall('get_weather', { city: 'Seoul' }, { analysis: 'Need the weather first.' }),
        scriptFinal('{"city":"Seoul","temperature":5,"sky":"rain"}', { analysis: 'Now the JSON.' }),
      ],
      { constrainedOutput: true },
    );
    const agent = createAgent({ backend, tools: [getWeather], currentDate: null });
    const result = await agent.run('Weather in Seoul?', { output: Weather });
    backend.assertComplete();
    if (result.status !== 'completed') throw new Error(`run ${result.status}`);
    expectTypeOf(result.output).toEqualTypeOf<{
      city: string;
      temperature: number;
      sky: 'sunny' | 'cloudy' | 'rain';
    }>();
    expect(result.output).toEqual({ city: 'Seoul', temperature: 5, sky: 'rain' });
    expect(result.finalText).toBe('{"city":"Seoul","temperature":5,"sky":"rain"}');
    for (const request of backend.requests) {
      expect(request.outputSchema).toMatchObject({ type: 'object', title: 'weather' });
      const prompt = tokenizer.decode(request.promptTokens);
      expect(prompt).toContain(
        '} // namespace functions\n\n# Response Formats\n\n## weather\n\n// The weather at a place.\n{"type":"object","properties":{"city":{"type":"string"},',
      );
    }
    const plain = await createAgent({ backend: scripted([scriptFinal('Hi.')]) }).run('Hi');
    expectTypeOf(plain.output).toEqualTypeOf<undefined>();
    expect(plain.output).toBeUndefined();
  });

  it('sends an invalid answer back once with the validation error, then accepts the repair', async () => {
    const backend = scripted([
      scriptFinal('It is rainy and 5°C in Seoul.'),
      scriptFinal('{"city":"Seoul","temperature":5.5,"sky":"rain"}'),
      scriptFinal('{"city":"Seoul","temperature":5,"sky":"rain"}'),
    ]);
    const agent = createAgent({ backend, currentDate: null, maxOutputRepairs: 2 });
    const run = agent.run('Weather in Seoul?', { output: Weather });
    const result = await run;
    expect(result.output).toEqual({ city: 'Seoul', temperature: 5, sky: 'rain' });
    const repairs = run.events.filter((event) => event.type === 'output-repair');
    expect(repairs).toMatchObject([
      {
        step: 1,
        repair: 1,
        rawText: 'It is rainy and 5°C in Seoul.',
        issues: [expect.stringMatching(/^not JSON/u)],
      },
      { step: 2, repair: 2, issues: [expect.stringMatching(/^temperature: /u)] },
    ]);
    // The repair is a user message the model reads; the history keeps the whole exchange.
    expect(result.history.messages.map((message) => message.role)).toEqual([
      'user',
      'assistant',
      'user',
      'assistant',
      'user',
      'assistant',
    ]);
    const secondPrompt = tokenizer.decode(backend.requests[1]!.promptTokens);
    expect(secondPrompt).toContain(
      '<|start|>user<|message|>Your answer does not match the response format weather:\n- not JSON: ',
    );
    expect(
      secondPrompt.endsWith(
        'Answer again with only the JSON object, matching the schema.<|end|><|start|>assistant',
      ),
    ).toBe(true);
  });

  it('fails after the repair round with an OutputValidationError holding the raw text', async () => {
    const backend = scripted([scriptFinal('Rainy.'), scriptFinal('{"city":"Seoul"}')]);
    const agent = createAgent({ backend, currentDate: null });
    const run = agent.run('Weather in Seoul?', { output: Weather });
    const error = await run.then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(OutputValidationError);
    expect(error).toMatchObject({
      code: 'output_invalid',
      source: 'model',
      rawText: '{"city":"Seoul"}',
      attempts: 2,
      issues: [expect.stringMatching(/^temperature: /u), expect.stringMatching(/^sky: /u)],
    });
    backend.assertComplete();
    expect(run.events.at(-1)).toMatchObject({ type: 'run-end', status: 'failed' });
    expect(run.history.messages.map((message) => message.role)).toEqual([
      'user',
      'assistant',
      'user',
      'assistant',
    ]);

    const noRepair = scripted([scriptFinal('Rainy.')]);
    await expect(
      createAgent({ backend: noRepair, currentDate: null }).run('Weather?', {
        output: Weather,
        maxOutputRepairs: 0,
      }),
    ).rejects.toMatchObject({ code: 'output_invalid', attempts: 1, rawText: 'Rainy.' });
  });

  it('accepts a JSON Schema (output unknown) and refuses a bad schema before any model call', async () => {
    const backend = scripted([scriptFinal('{"items":["eggs","soda"]}')]);
    const agent = createAgent({ backend, currentDate: null });
    const schema = {
      type: 'object',
      properties: { items: { type: 'array', items: { type: 'string' } } },
      required: ['items'],
    } as const;
    const result = await agent.run('Shopping list?', { output: schema });
    expectTypeOf(result.output).toEqualTypeOf<unknown>();
    expect(result.output).toEqual({ items: ['eggs', 'soda'] });
    expect(tokenizer.decode(backend.requests[0]!.promptTokens)).toContain(
      '<|start|>developer<|message|># Response Formats\n\n## structured_output\n\n{"type":"object",',
    );
    const zod3Backend = scripted([scriptFinal('{"items":["tea"]}')]);
    const zod3Result = await createAgent({ backend: zod3Backend, currentDate: null }).run('List?', {
      output: z3.object({ items: z3.array(z3.string()) }),
    });
    if (zod3Result.status !== 'completed') throw new Error(`run ${zod3Result.status}`);
    expectTypeOf(zod3Result.output).toEqualTypeOf<{ items: string[] }>();
    expect(zod3Result.output).toEqual({ items: ['tea'] });
    expect(() => agent.run('x', { output: z.array(z.string()) as never })).toThrow(
      /^output must describe an object/u,
    );
    expect(() => agent.run('x', { output: Weather, maxOutputRepairs: -1 })).toThrow(/maxOutputRepairs/u);
  });
});
