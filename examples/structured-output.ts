/**
 * Structured output: the weather question answered as an object your code uses.
 *
 * - `agent.run(input, { output: schema })` with a zod schema: the developer message gets Harmony's
 *   `# Response Formats` section, and backends that can (llama.cpp) sample the final answer under the
 *   schema's grammar, while the model still thinks and calls tools before it answers;
 * - `result.output` is parsed, validated and typed from the schema; `result.finalText` keeps the text;
 * - an answer that does not match goes back to the model with what is wrong (`output-repair`), once by
 *   default (`maxOutputRepairs`); then the run fails with `OutputValidationError`, holding the raw text.
 *
 * Run: `node --conditions=@harmony-agents/source --import tsx examples/structured-output.ts`
 * (set `HARMONY_AGENTS_GPT_OSS_GGUF` to a gpt-oss GGUF to use a real model instead of scripted turns: its
 * answer is then sampled under the schema's grammar).
 */
import { pathToFileURL } from 'node:url';
import { type Backend, createAgent, OutputValidationError } from '@harmony-agents/core';
import { scriptFinal, scriptToolCall } from '@harmony-agents/core/testing';
import { z } from 'zod';
import { createExampleBackend } from './example-backend.js';
import { weatherTools } from './weather-tools.js';

/** The question of the example. */
export const QUESTION = 'What is the temperature in Fahrenheit where user john123 is?';

/** The answer's schema. Its title and description are what the model reads under `# Response Formats`. */
export const WeatherReport = z
  .object({
    location: z.string().max(60).describe('The city and region'),
    temperature: z.number().int().describe('The current temperature, rounded'),
    unit: z.enum(['celsius', 'fahrenheit']),
  })
  .meta({ title: 'weather_report', description: 'The current temperature where the user is.' });

/** What `result.output` is: `{ location: string; temperature: number; unit: 'celsius' | 'fahrenheit' }`. */
export type WeatherReport = z.output<typeof WeatherReport>;

/** The two tool calls the scripted model makes before it answers. */
export const SCRIPTED_TOOL_CALLS: readonly string[] = [
  scriptToolCall('get_current_location', { userid: 'john123' }, { analysis: 'Find john123 first.' }),
  scriptToolCall('get_current_temperature', { location: 'San Francisco, CA', format: 'fahrenheit' }),
];

/** What the scripted model writes: two tool calls, an answer in prose, then (after the repair) the JSON. */
export const SCRIPTED_STRUCTURED_OUTPUT_COMPLETIONS: readonly string[] = [
  ...SCRIPTED_TOOL_CALLS,
  scriptFinal('It is 64°F in San Francisco, CA, where john123 is.'),
  scriptFinal('{"location":"San Francisco, CA","temperature":64,"unit":"fahrenheit"}', {
    analysis: 'Answer with the JSON object only.',
  }),
];

/** Runs the weather question with the report schema; prints the report, or why there is none. */
export async function main(
  backend?: Backend,
  write: (text: string) => void = (text) => process.stdout.write(text),
): Promise<WeatherReport | undefined> {
  const example =
    backend === undefined ? await createExampleBackend(SCRIPTED_STRUCTURED_OUTPUT_COMPLETIONS) : undefined;
  try {
    const agent = createAgent({ backend: backend ?? example!.backend, tools: weatherTools });
    write(`User: ${QUESTION}\n`);
    const run = agent.run(QUESTION, { output: WeatherReport });
    run.on('tool-call', (event) =>
      write(`  calling ${event.toolName}(${JSON.stringify(event.arguments)})\n`),
    );
    run.on('output-repair', (event) =>
      write(
        `  [output-repair ${event.repair}] ${JSON.stringify(event.rawText)}: ${event.issues.join('; ')}\n`,
      ),
    );
    try {
      const result = await run;
      // `interrupted` only happens when tools need approval (these do not); then `output` is undefined.
      if (result.status !== 'completed') throw new Error('the run is waiting for approvals');
      // Typed from the schema: no casts, no JSON.parse.
      const { output } = result;
      const symbol = output.unit === 'fahrenheit' ? '°F' : '°C';
      write(`Report: ${output.temperature}${symbol} in ${output.location}\n`);
      return output;
    } catch (error) {
      if (!OutputValidationError.isInstance(error)) throw error;
      // After the repair rounds: what is wrong, and the model's last answer as it wrote it.
      write(`No report after ${error.attempts} answers: ${error.issues.join('; ')}\n`);
      write(`  raw text: ${error.rawText}\n`);
      return undefined;
    }
  } finally {
    await example?.dispose();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
