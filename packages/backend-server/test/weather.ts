/**
 * The user's weather workflow (two turns, two tools each), shared by the server tests: the tools, the scripted
 * completions, and a run that checks answers, tool calls and what each step reused from the server's cache.
 */

import { type AgentEvent, createAgent, defineTool } from '@harmony-agents/core';
import type { Backend, BackendGenerateRequest } from '@harmony-agents/core/backend';
import { scriptFinal, scriptToolCall } from '@harmony-agents/core/testing';
import { expect } from 'vitest';
import { z } from 'zod';

const LOCATIONS: Record<string, string> = { john123: 'San Francisco, CA', jay_lee: 'Seoul, South Korea' };
const TEMPERATURES_C: Record<string, number> = { 'San Francisco, CA': 18, 'Seoul, South Korea': 5 };

/** Where a user is, as `get_current_location` answers. */
export function locationOf(user: string): string {
  return LOCATIONS[user] ?? 'unknown';
}

export function weatherTools() {
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

/** The six completions of the two turns, for a user named by `suffix` (so parallel agents differ). */
export function weatherCompletions(first = 'john123', second = 'jay_lee'): string[] {
  return [
    scriptToolCall('get_current_location', { userid: first }, { analysis: `Need the location of ${first}.` }),
    scriptToolCall(
      'get_current_temperature',
      { location: LOCATIONS[first] ?? 'unknown', format: 'fahrenheit' },
      { analysis: 'Now the temperature there.' },
    ),
    scriptFinal(`Answer for ${first}.`, { analysis: 'Answer.' }),
    scriptToolCall('get_current_location', { userid: second }, { analysis: `Same for ${second}.` }),
    scriptToolCall(
      'get_current_temperature',
      { location: LOCATIONS[second] ?? 'unknown', format: 'fahrenheit' },
      { analysis: 'Next city.' },
    ),
    scriptFinal(`Answer for ${second}.`, { analysis: 'Answer.' }),
  ];
}

const stepUsages = (events: readonly AgentEvent[]) =>
  events.flatMap((event) => (event.type === 'step-end' ? [event.usage] : []));

/**
 * Runs both turns on `backend` (which must play {@link weatherCompletions}) and checks the answers, the tool
 * calls, and, when `requests` are given and the backend reports cache statistics, that every step after the
 * first of a turn evaluated only what the previous step added.
 */
export async function runWeatherWorkflow(
  backend: Backend,
  requests: readonly BackendGenerateRequest[] | undefined,
  first = 'john123',
  second = 'jay_lee',
): Promise<{ evaluatedPerRound: number[] }> {
  const { calls, tools } = weatherTools();
  const agent = createAgent({ backend, tools, reasoningEffort: 'low', currentDate: '2026-11-28' });
  const firstRun = agent.run(`What is the temperature in Fahrenheit where user ${first} is?`);
  const one = await firstRun;
  expect(one.finalText).toBe(`Answer for ${first}.`);
  const secondRun = agent.run(`and for ${second}?`, { history: one.history });
  const two = await secondRun;
  expect(two.finalText).toBe(`Answer for ${second}.`);
  expect(calls.map((call) => call.args)).toEqual([
    { userid: first },
    { location: LOCATIONS[first], format: 'fahrenheit' },
    { userid: second },
    { location: LOCATIONS[second], format: 'fahrenheit' },
  ]);
  const evaluatedPerRound: number[] = [];
  if (requests !== undefined && backend.capabilities?.promptCacheStatistics === true) {
    const prompts = requests.map((request) => request.promptTokens);
    for (const [turn, usages] of [stepUsages(firstRun.events), stepUsages(secondRun.events)].entries()) {
      expect(usages).toHaveLength(3);
      for (let round = 1; round < 3; round++) {
        const index = turn * 3 + round;
        const previous = prompts[index - 1]!;
        expect(prompts[index]!.slice(0, previous.length)).toEqual(previous);
        // Everything up to the previous step's stop token was in the cache; the rest is new to the server.
        const cached = previous.length + usages[round - 1]!.generatedTokens - 1;
        const added = prompts[index]!.length - cached;
        expect(usages[round]).toMatchObject({ cachedPromptTokens: cached, evaluatedPromptTokens: added });
        evaluatedPerRound.push(usages[round]!.evaluatedPromptTokens! / added);
      }
    }
  }
  return { evaluatedPerRound };
}
