/**
 * Events: watch a run while it happens.
 *
 * - `run.on(type, listener)` subscribes to one event type (the listener's event is typed by it);
 * - `for await (const event of run)` iterates every event, from the first, in order;
 * - `final-delta` streams the answer; a `preamble` is what the model says it is about to do;
 * - `analysis-delta` / `analysis` carry the model's chain of thought: log it if you must, never show it
 *   to end users.
 *
 * Run: `node --conditions=@harmony-agents/source --import tsx examples/events.ts`
 * (set `HARMONY_AGENTS_GPT_OSS_GGUF` to a gpt-oss GGUF to use a real model instead of scripted turns).
 */
import { pathToFileURL } from 'node:url';
import { type AgentEvent, type Backend, createAgent, type RunResult } from '@harmony-agents/core';
import { scriptFinal, scriptToolCall } from '@harmony-agents/core/testing';
import { createExampleBackend } from './example-backend.js';
import { weatherTools } from './weather-tools.js';

/** The question of the example. */
export const QUESTION = 'What is the temperature in Fahrenheit where user john123 is?';

/** What the scripted model writes: think, announce, call a tool; call another; answer. */
export const SCRIPTED_EVENTS_COMPLETIONS: readonly string[] = [
  scriptToolCall(
    'get_current_location',
    { userid: 'john123' },
    {
      analysis: 'I need the location of john123 first.',
      preamble: 'Let me find where john123 is, then check the temperature there.',
    },
  ),
  scriptToolCall(
    'get_current_temperature',
    { location: 'San Francisco, CA', format: 'fahrenheit' },
    { analysis: 'john123 is in San Francisco, CA. Now the temperature in Fahrenheit.' },
  ),
  scriptFinal('It is 64°F in San Francisco, CA, where john123 is.', {
    analysis: 'The tool says 64 degrees Fahrenheit.',
  }),
];

/** What {@link main} returns. */
export interface EventsExampleResult {
  /** The run's result. */
  readonly result: RunResult;
  /** The types of every event of the run, in order, with repeated deltas shown once as `<type>*`. */
  readonly eventOrder: readonly string[];
  /** How many characters of chain of thought were streamed (and kept away from the user). */
  readonly analysisCharacters: number;
}

/** Collapses runs of the same delta event type into one `<type>*` entry. */
function summarizeOrder(events: readonly AgentEvent[]): string[] {
  const order: string[] = [];
  for (const event of events) {
    const name = event.type.endsWith('-delta') ? `${event.type}*` : event.type;
    if (!(name.endsWith('*') && order[order.length - 1] === name)) order.push(name);
  }
  return order;
}

/** Runs the agent once and prints what an end user should see. */
export async function main(
  backend?: Backend,
  write: (text: string) => void = (text) => process.stdout.write(text),
): Promise<EventsExampleResult> {
  const example = backend === undefined ? await createExampleBackend(SCRIPTED_EVENTS_COMPLETIONS) : undefined;
  try {
    const agent = createAgent({ backend: backend ?? example!.backend, tools: weatherTools });
    write(`User: ${QUESTION}\n`);
    const run = agent.run(QUESTION);

    // Subscribe to the events you show. Listeners run synchronously as each event is emitted,
    // and a listener that throws is reported as a `listener-error` event without breaking the run.
    run.on('preamble', (event) => write(`Assistant (preamble): ${event.text}\n`));
    run.on('tool-call', (event) =>
      write(`  calling ${event.toolName}(${JSON.stringify(event.arguments)})\n`),
    );
    run.on('tool-result', (event) => write(`  -> ${event.output}\n`));
    run.on('tool-error', (event) => write(`  -> failed: ${event.output}\n`));

    // Or iterate over every event. Stream the final answer; keep the chain of thought out of the UI.
    let analysisCharacters = 0;
    let answering = false;
    for await (const event of run) {
      switch (event.type) {
        case 'analysis-delta':
          analysisCharacters += event.delta.length;
          break;
        case 'final-delta':
          if (!answering) write('Assistant: ');
          answering = true;
          write(event.delta);
          break;
        case 'run-end':
          if (answering) write('\n');
          write(`(${event.status}: ${event.usage.generatedTokens} tokens generated)\n`);
          break;
      }
    }

    const result = await run;
    return { result, eventOrder: summarizeOrder(run.events), analysisCharacters };
  } finally {
    await example?.dispose();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
