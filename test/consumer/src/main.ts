// A user's app, compiled and run outside the workspace against the packed tarballs
// (scripts/consumer-test.mjs). Strict TypeScript, nodenext, no skipLibCheck (tsconfig.json).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Conversation, createAgent, defineTool } from '@harmony-agents/core';
import { BACKEND_SPECIFICATION_VERSION, toGrammarJsonSchema } from '@harmony-agents/core/backend';
import { createMessage, loadHarmonyEncoding } from '@harmony-agents/core/harmony';
import { createScriptedBackend, scriptFinal, scriptToolCall } from '@harmony-agents/core/testing';
import { createCalculatorTool } from '@harmony-agents/tools';
import { z } from 'zod';

const getWeather = defineTool({
  name: 'get_weather',
  description: 'Gets the weather of a city.',
  parameters: z.object({ city: z.string() }),
  execute: ({ city }) => ({ city, celsius: 21 }),
});
const convert = defineTool({
  name: 'to_fahrenheit',
  description: 'Converts Celsius to Fahrenheit.',
  parameters: z.object({ celsius: z.number() }),
  execute: ({ celsius }) => celsius * 1.8 + 32,
});

const backend = createScriptedBackend({
  steps: [
    { completion: scriptToolCall('get_weather', { city: 'Paris' }, { analysis: 'Look it up.' }) },
    { completion: scriptFinal('It is 21 °C in Paris.') },
    { completion: scriptToolCall('to_fahrenheit', { celsius: 21 }) },
    { completion: scriptFinal('That is 69.8 °F.') },
  ],
});
const agent = createAgent({ backend, tools: [getWeather, convert, createCalculatorTool()] });

const events: string[] = [];
const first = agent.run('Weather in Paris?');
first.on('tool-call', (event) => events.push(`tool-call ${event.toolName}`));
first.on('tool-result', (event) => events.push(`tool-result ${event.recipient}`));
first.on('run-end', () => events.push('run-end'));
const firstResult = await first;

const folder = mkdtempSync(join(tmpdir(), 'harmony-agents-consumer-'));
const file = join(folder, 'history.json');
writeFileSync(file, JSON.stringify(firstResult.history));
const history = Conversation.fromJSON(JSON.parse(readFileSync(file, 'utf8')));
rmSync(folder, { recursive: true, force: true });

const second = agent.run('In Fahrenheit?', { history });
second.on('tool-call', (event) => events.push(`tool-call ${event.toolName}`));
const secondResult = await second;
backend.assertComplete();
// The run loop's writers are not part of a run's public type.
// @ts-expect-error emit is internal
second.emit;
// @ts-expect-error commit is internal
second.commit;

// The format and backend entry points.
const prompt = loadHarmonyEncoding().renderConversationForCompletion(
  [createMessage('user', 'Hi')],
  'assistant',
);
const grammar = toGrammarJsonSchema({
  type: 'object',
  properties: { city: { type: 'string' } },
  required: ['city'],
});

console.log(`first: ${firstResult.finalText}`);
console.log(`second: ${secondResult.finalText}`);
console.log(`events: ${events.join(', ')}`);
console.log(`messages: ${secondResult.history.length}`);
console.log(
  `entry points: ${BACKEND_SPECIFICATION_VERSION}, ${prompt.length} prompt tokens, ${Object.keys(grammar).join('/')}`,
);
