/**
 * Tools: define them with zod (or a JSON Schema), see exactly what the model is shown, and watch a call
 * with invalid arguments go back to the model, which fixes it.
 *
 * - `defineTool` renders the input side of the zod schema as the TypeScript-like declaration gpt-oss was
 *   trained on (`.describe()` texts become comments, `.default()` fields are optional with a
 *   `// default:` comment, `.nullable()` renders `| null`);
 * - arguments are validated with zod before `execute` runs; issues are sent back to the model;
 * - ready-made tools from `@harmony-agents/tools` mix freely with your own.
 *
 * Run: `node --conditions=@harmony-agents/source --import tsx examples/tools.ts`
 * (set `HARMONY_AGENTS_GPT_OSS_GGUF` to a gpt-oss GGUF to use a real model instead of scripted model steps).
 */
import { pathToFileURL } from 'node:url';
import { type Backend, createAgent, defineTool, type RunResult, type Tool } from '@harmony-agents/core';
import {
  createDeveloperContent,
  createMessage,
  functionToolsNamespace,
  loadHarmonyEncoding,
} from '@harmony-agents/core/harmony';
import { scriptFinal, scriptToolCall } from '@harmony-agents/core/testing';
import { createCalculatorTool, createCurrentTimeTool } from '@harmony-agents/tools';
import { z } from 'zod';
import { createExampleBackend } from './example-backend.js';

/** A tool with a zod schema: the arguments `execute` receives are typed from it. */
export const searchFlights = defineTool({
  name: 'search_flights',
  description: 'Searches direct and connecting flights.\nPrices are in euros.',
  parameters: z.object({
    from: z.string().describe('IATA code of the departure airport, e.g. CDG'),
    to: z.string().describe('IATA code of the arrival airport'),
    date: z.iso.date().describe('Departure date, YYYY-MM-DD'),
    cabin: z.enum(['economy', 'business']).default('economy'),
    max_stops: z.number().int().min(0).nullable().describe('null for any number of stops'),
  }),
  execute: ({ from, to, date, cabin, max_stops }) => ({
    flights: [{ number: 'HA 101', from, to, date, cabin, stops: Math.min(max_stops ?? 0, 1), price: 240 }],
  }),
});

/** A tool with a hand-written JSON Schema: give the arguments' type yourself (it is trusted, not inferred). */
export const convertCurrency = defineTool<{ amount: number; to: string }>({
  name: 'convert_currency',
  description: 'Converts an amount in euros.',
  parameters: {
    type: 'object',
    properties: {
      amount: { type: 'number' },
      to: { type: 'string', enum: ['USD', 'JPY'] },
    },
    required: ['amount', 'to'],
  },
  execute: ({ amount, to }) => (to === 'USD' ? amount * 1.1 : amount * 160).toFixed(2),
});

/** Every tool of the example: two of ours, two ready-made ones (with a fixed clock for the example). */
export const tools: readonly Tool[] = [
  searchFlights,
  convertCurrency,
  createCalculatorTool(),
  createCurrentTimeTool({ now: () => new Date('2025-06-28T09:30:00Z') }),
];

/** The question of the example. */
export const QUESTION =
  'Find me a flight from Paris CDG to Tokyo HND on 2025-07-14, and the price in dollars.';

/** What the scripted model writes: a call with an invalid date, the fixed call, a conversion, the answer. */
export const SCRIPTED_TOOLS_COMPLETIONS: readonly string[] = [
  scriptToolCall('search_flights', { from: 'CDG', to: 'HND', date: '14/07/2025', max_stops: null }),
  scriptToolCall(
    'search_flights',
    { from: 'CDG', to: 'HND', date: '2025-07-14', max_stops: null },
    { analysis: 'The date must be YYYY-MM-DD. Retry.' },
  ),
  scriptToolCall('convert_currency', { amount: 240, to: 'USD' }),
  scriptFinal('Flight HA 101 from CDG to HND on 2025-07-14 costs €240, about $264.'),
];

/** The `functions` namespace as the model sees it in the developer message. */
export function renderFunctionTools(toolList: readonly Tool[]): string {
  const encoding = loadHarmonyEncoding();
  const developer = createDeveloperContent({ functionTools: functionToolsNamespace(toolList).tools });
  const text = encoding.decode(encoding.render(createMessage('developer', developer)));
  return text.slice(text.indexOf('namespace functions'), text.indexOf('} // namespace functions') + 24);
}

/** Prints the tool declarations, then runs the agent and prints every tool call and what came back. */
export async function main(
  backend?: Backend,
  write: (line: string) => void = (line) => console.log(line),
): Promise<RunResult> {
  write(renderFunctionTools(tools));
  const example = backend === undefined ? await createExampleBackend(SCRIPTED_TOOLS_COMPLETIONS) : undefined;
  try {
    const agent = createAgent({ backend: backend ?? example!.backend, tools, currentDate: '2025-06-28' });
    const run = agent.run(QUESTION);
    run.on('tool-call', (event) => write(`call ${event.toolName} ${event.rawArguments}`));
    run.on('tool-result', (event) => write(`  result: ${event.output}`));
    run.on('tool-error', (event) => write(`  error (${event.error.code}): ${event.output}`));
    const result = await run;
    write(`Assistant: ${result.finalText}`);
    return result;
  } finally {
    await example?.dispose();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
