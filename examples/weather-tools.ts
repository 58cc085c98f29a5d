/**
 * The two tools of the weather example: `get_current_location(userid, max_len?)` and
 * `get_current_temperature(location, format?)`. The data is made up; the tools are real code that
 * the agent calls with validated arguments.
 */
import { defineTool } from '@harmony-agents/core';
import { z } from 'zod';

const LOCATIONS: Record<string, string> = {
  john123: 'San Francisco, CA',
  jay_lee: 'Seoul, South Korea',
};

const CELSIUS: Record<string, number> = {
  'San Francisco, CA': 18,
  'Seoul, South Korea': 5,
};

/** Looks up where a user is. */
export const getCurrentLocation = defineTool({
  name: 'get_current_location',
  description: 'Gets the current location of a user.',
  parameters: z.object({
    userid: z.string().describe('The id of the user, e.g. john123'),
    max_len: z.number().int().positive().optional().describe('Truncate the location to this many characters'),
  }),
  execute: ({ userid, max_len }) => {
    const location = LOCATIONS[userid];
    if (location === undefined) return { error: `No user with id ${userid}` };
    return max_len === undefined ? location : location.slice(0, max_len);
  },
});

/** Gives the temperature at a location. */
export const getCurrentTemperature = defineTool({
  name: 'get_current_temperature',
  description: 'Gets the current temperature at a location.',
  parameters: z.object({
    location: z.string().describe('The city and region, e.g. San Francisco, CA'),
    format: z.enum(['celsius', 'fahrenheit']).default('celsius').describe('The temperature unit'),
  }),
  execute: ({ location, format }) => {
    const celsius = CELSIUS[location] ?? 20;
    const temperature = format === 'fahrenheit' ? Math.round((celsius * 9) / 5 + 32) : celsius;
    return { location, temperature, unit: format };
  },
});

/** Both tools. */
export const weatherTools = [getCurrentLocation, getCurrentTemperature] as const;

/**
 * What the model is scripted to write when no real gpt-oss model is given: the two turns of the
 * user's example, each reasoning, calling one tool, then the other, then answering.
 */
export const SCRIPTED_WEATHER_COMPLETIONS: readonly string[] = [
  '<|channel|>analysis<|message|>The user wants the temperature in Fahrenheit where john123 is. First find the location.<|end|>' +
    '<|start|>assistant to=functions.get_current_location<|channel|>commentary <|constrain|>json<|message|>{"userid":"john123"}<|call|>',
  '<|channel|>analysis<|message|>john123 is in San Francisco, CA. Now get the temperature in Fahrenheit.<|end|>' +
    '<|start|>assistant to=functions.get_current_temperature<|channel|>commentary <|constrain|>json<|message|>{"location":"San Francisco, CA","format":"fahrenheit"}<|call|>',
  '<|channel|>analysis<|message|>It is 64 degrees Fahrenheit there.<|end|>' +
    '<|start|>assistant<|channel|>final<|message|>It is currently 64°F in San Francisco, CA, where john123 is.<|return|>',
  '<|channel|>analysis<|message|>Same question for jay_lee. Location first.<|end|>' +
    '<|start|>assistant to=functions.get_current_location<|channel|>commentary <|constrain|>json<|message|>{"userid":"jay_lee"}<|call|>',
  '<|channel|>analysis<|message|>jay_lee is in Seoul, South Korea. Temperature in Fahrenheit next.<|end|>' +
    '<|start|>assistant to=functions.get_current_temperature<|channel|>commentary <|constrain|>json<|message|>{"location":"Seoul, South Korea","format":"fahrenheit"}<|call|>',
  '<|channel|>analysis<|message|>It is 41 degrees Fahrenheit in Seoul.<|end|>' +
    '<|start|>assistant<|channel|>final<|message|>It is currently 41°F in Seoul, South Korea, where jay_lee is.<|return|>',
];
