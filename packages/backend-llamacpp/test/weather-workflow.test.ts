/**
 * The user's weather workflow end to end through the real llama.cpp engine: two turns, two tools each.
 * The tiny model's completions are scripted (sampled under token grammars), so the run is deterministic
 * while prompt evaluation, the KV cache, sampling and stopping are all real.
 */

import { type AgentEvent, createAgent, defineTool } from '@harmony-agents/core';
import { HARMONY_TOKENS } from '@harmony-agents/core/harmony';
import { scriptFinal, scriptToolCall } from '@harmony-agents/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { LlamaCppModel } from '../src/index.js';
import { createScriptedLlamaCppBackend } from '../src/test-models/index.js';
import { loadTinyModel, TEST_BACKEND_OPTIONS } from './support.js';

const LOCATIONS: Record<string, string> = { john123: 'San Francisco, CA', jay_lee: 'Seoul, South Korea' };
const TEMPERATURES_C: Record<string, number> = { 'San Francisco, CA': 18, 'Seoul, South Korea': 5 };

function weatherTools() {
  const calls: { tool: string; args: unknown }[] = [];
  const getCurrentLocation = defineTool({
    name: 'get_current_location',
    description: 'Gets the current location of a user.',
    parameters: z.object({ userid: z.string().describe('The id of the user') }),
    execute: ({ userid }) => {
      calls.push({ tool: 'get_current_location', args: { userid } });
      return LOCATIONS[userid] ?? 'unknown';
    },
  });
  const getCurrentTemperature = defineTool({
    name: 'get_current_temperature',
    description: 'Gets the current temperature at a location.',
    parameters: z.object({
      location: z.string().describe('The city and region, e.g. San Francisco, CA'),
      format: z.enum(['celsius', 'fahrenheit']).default('celsius'),
    }),
    execute: ({ location, format }) => {
      calls.push({ tool: 'get_current_temperature', args: { location, format } });
      const celsius = TEMPERATURES_C[location] ?? 20;
      return { temperature: format === 'fahrenheit' ? Math.round((celsius * 9) / 5 + 32) : celsius, format };
    },
  });
  return { calls, tools: [getCurrentLocation, getCurrentTemperature] };
}

const COMPLETIONS = [
  scriptToolCall(
    'get_current_location',
    { userid: 'john123' },
    { analysis: 'Need the location of john123 first.' },
  ),
  scriptToolCall(
    'get_current_temperature',
    { location: 'San Francisco, CA', format: 'fahrenheit' },
    { analysis: 'Now the temperature there.' },
  ),
  scriptFinal('It is currently 64°F in San Francisco, CA, where john123 is.', { analysis: 'Answer.' }),
  scriptToolCall('get_current_location', { userid: 'jay_lee' }, { analysis: 'Same for jay_lee.' }),
  scriptToolCall(
    'get_current_temperature',
    { location: 'Seoul, South Korea', format: 'fahrenheit' },
    { analysis: 'Seoul next.' },
  ),
  scriptFinal('It is currently 41°F in Seoul, South Korea, where jay_lee is.', { analysis: 'Answer.' }),
];

const turnUsages = (events: readonly AgentEvent[]) =>
  events.flatMap((event) => (event.type === 'step-end' ? [event.usage] : []));

let model: LlamaCppModel;
beforeAll(async () => {
  model = await loadTinyModel();
});
afterAll(async () => {
  await model?.dispose();
});

describe("the user's weather workflow on the real llama.cpp engine", () => {
  it('answers two turns with two tool calls each, reusing the KV cache', async () => {
    const { calls, tools } = weatherTools();
    const backend = createScriptedLlamaCppBackend({
      model,
      completions: COMPLETIONS,
      ...TEST_BACKEND_OPTIONS,
    });
    const agent = createAgent({ backend, tools, reasoningEffort: 'low', currentDate: '2026-11-28' });

    const firstRun = agent.run('What is the temperature in Fahrenheit where user john123 is?');
    const first = await firstRun;
    expect(first.finalText).toBe('It is currently 64°F in San Francisco, CA, where john123 is.');
    const secondRun = agent.run('and for jay_lee?', { history: first.history });
    const second = await secondRun;
    expect(second.finalText).toBe('It is currently 41°F in Seoul, South Korea, where jay_lee is.');
    backend.assertComplete();

    expect(calls).toEqual([
      { tool: 'get_current_location', args: { userid: 'john123' } },
      { tool: 'get_current_temperature', args: { location: 'San Francisco, CA', format: 'fahrenheit' } },
      { tool: 'get_current_location', args: { userid: 'jay_lee' } },
      { tool: 'get_current_temperature', args: { location: 'Seoul, South Korea', format: 'fahrenheit' } },
    ]);

    // Within a turn every prompt extends the previous one: only what was added since is evaluated.
    const prompts = backend.requests.map((request) => request.promptTokens);
    for (const [turn, usages] of [turnUsages(firstRun.events), turnUsages(secondRun.events)].entries()) {
      expect(usages).toHaveLength(3);
      for (let round = 1; round < 3; round++) {
        const index = turn * 3 + round;
        const previous = prompts[index - 1]!;
        expect(prompts[index]!.slice(0, previous.length)).toEqual(previous);
        const cached = previous.length + usages[round - 1]!.generatedTokens - 1;
        expect(usages[round]).toMatchObject({
          cachedPromptTokens: cached,
          evaluatedPromptTokens: prompts[index]!.length - cached,
        });
      }
    }
    // The second turn drops the first turn's analysis, so it reuses the prompt up to the first dropped message.
    const turnTwo = turnUsages(secondRun.events)[0]!;
    let shared = 0;
    while (prompts[0]![shared] === prompts[3]![shared]) shared++;
    expect(turnTwo.cachedPromptTokens).toBe(shared);
    expect(prompts[3]).not.toContain(HARMONY_TOKENS.return);
    await backend.dispose();
  });
});
