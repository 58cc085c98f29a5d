/**
 * The structured-output example on the scripted backend (the response format the model reads, the repair
 * round, the typed error with the raw text after it) and on the real llama.cpp engine with a tiny model,
 * whose answer is sampled under the schema's grammar after two real tool calls.
 */
import { loadLlamaCppModel } from '@harmony-agents/backend-llamacpp';
import {
  createScriptedLlamaCppBackend,
  getTinyGptOssModel,
} from '@harmony-agents/backend-llamacpp/test-models';
import { loadO200kHarmonyTokenizer } from '@harmony-agents/core/harmony';
import { createScriptedBackend, scriptFinal } from '@harmony-agents/core/testing';
import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  main,
  QUESTION,
  SCRIPTED_STRUCTURED_OUTPUT_COMPLETIONS,
  SCRIPTED_TOOL_CALLS,
  WeatherReport,
} from './structured-output.js';

const tokenizer = loadO200kHarmonyTokenizer();
const scripted = (completions: readonly string[]) =>
  createScriptedBackend({ steps: completions.map((completion) => ({ completion })) });

async function runExample(backend: Parameters<typeof main>[0]) {
  let printed = '';
  const report = await main(backend, (text) => {
    printed += text;
  });
  return { report, printed };
}

describe('examples/structured-output', () => {
  it('shows the model the response format, repairs a prose answer, and returns a typed report', async () => {
    const backend = scripted(SCRIPTED_STRUCTURED_OUTPUT_COMPLETIONS);
    const { report, printed } = await runExample(backend);
    backend.assertComplete();
    expectTypeOf(report).toEqualTypeOf<WeatherReport | undefined>();
    expectTypeOf<WeatherReport>().toEqualTypeOf<{
      location: string;
      temperature: number;
      unit: 'celsius' | 'fahrenheit';
    }>();
    expect(report).toEqual({ location: 'San Francisco, CA', temperature: 64, unit: 'fahrenheit' });
    expect(printed.split('\n')).toEqual([
      `User: ${QUESTION}`,
      '  calling get_current_location({"userid":"john123"})',
      '  calling get_current_temperature({"location":"San Francisco, CA","format":"fahrenheit"})',
      // The rest is JSON.parse's message, which differs between Node.js versions.
      expect.stringMatching(
        /^ {2}\[output-repair 1\] "It is 64°F in San Francisco, CA, where john123 is\.": not JSON: ./u,
      ),
      'Report: 64°F in San Francisco, CA',
      '',
    ]);
    // Every step's prompt ends the developer message with the format; the schema goes to the backend.
    for (const request of backend.requests) {
      expect(tokenizer.decode(request.promptTokens)).toContain(
        '} // namespace functions\n\n# Response Formats\n\n## weather_report\n\n// The current temperature where the user is.\n{"type":"object","properties":{"location":{"type":"string","maxLength":60,"description":"The city and region"},',
      );
      expect(request.outputSchema).toMatchObject({
        type: 'object',
        required: ['location', 'temperature', 'unit'],
      });
    }
    // The repair is a user message the model reads before it answers again.
    expect(tokenizer.decode(backend.requests[3]!.promptTokens)).toContain(
      '<|start|>user<|message|>Your answer does not match the response format weather_report:\n- not JSON: ',
    );
  });

  it('fails after the repair round with the raw text of the last answer', async () => {
    const backend = scripted([
      ...SCRIPTED_TOOL_CALLS,
      scriptFinal('It is 64°F in San Francisco, CA.'),
      scriptFinal('{"location":"San Francisco, CA","temperature":64.4,"unit":"F"}'),
    ]);
    const { report, printed } = await runExample(backend);
    backend.assertComplete();
    expect(report).toBeUndefined();
    expect(printed.split('\n').slice(-3)).toEqual([
      expect.stringMatching(/^No report after 2 answers: temperature: .+; unit: .+$/u),
      '  raw text: {"location":"San Francisco, CA","temperature":64.4,"unit":"F"}',
      '',
    ]);
    expect(printed).toContain('[output-repair 1] "It is 64°F in San Francisco, CA.": not JSON');
  });

  it('answers under the schema grammar on the real llama.cpp engine, after real tool calls', async () => {
    // A tiny random-weight gpt-oss whose bigram script writes `<|channel|>final<|message|>` after
    // `assistant`; the tool calls are scripted, the answer's content is sampled freely under the grammar.
    const file = await getTinyGptOssModel({ scripts: ['assistant<|channel|>final<|message|>'] });
    const model = await loadLlamaCppModel({ model: file.path });
    try {
      const backend = createScriptedLlamaCppBackend({
        model,
        completions: [...SCRIPTED_TOOL_CALLS, null],
        contextSize: 1024,
        batchSize: 64,
        threads: 1,
        sampling: { seed: 7 },
      });
      const { report, printed } = await runExample(backend);
      backend.assertComplete();
      expect(backend.requests).toHaveLength(3);
      expect(backend.requests[2]!.outputSchema).toEqual(backend.requests[0]!.outputSchema);
      // Random weights, so random values; but valid ones, typed, without a repair round.
      expect(WeatherReport.safeParse(report).success).toBe(true);
      expect(printed).not.toContain('output-repair');
      expect(printed).toContain('calling get_current_temperature(');
      expect(printed).toContain(`Report: ${report!.temperature}°`);
      await backend.dispose();
    } finally {
      await model.dispose();
    }
  });
});
