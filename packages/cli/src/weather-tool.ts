/**
 * `get_current_weather`: the demonstration tool of the chat (and of `--smoke`). The figures are made up, the
 * tool is real code the model calls with validated arguments.
 */

import { defineTool } from '@harmony-agents/core';
import { z } from 'zod';

/** Made-up weather by city: degrees Celsius and the sky. */
const WEATHER: Readonly<Record<string, readonly [celsius: number, sky: string]>> = {
  paris: [18, 'sunny'],
  london: [14, 'light rain'],
  tokyo: [22, 'cloudy'],
  seoul: [5, 'clear'],
  'san francisco': [16, 'foggy'],
  'new york': [11, 'windy'],
};

/** The cities the tool knows, as written in answers. */
export const WEATHER_CITIES: readonly string[] = [
  'Paris',
  'London',
  'Tokyo',
  'Seoul',
  'San Francisco',
  'New York',
];

/** Creates the `get_current_weather(city, unit?)` tool. */
export function createWeatherTool() {
  return defineTool({
    name: 'get_current_weather',
    description: 'Gets the current weather in a city (demonstration data).',
    parameters: z.object({
      city: z.string().describe('The city, e.g. Paris'),
      unit: z.enum(['celsius', 'fahrenheit']).default('celsius').describe('The temperature unit'),
    }),
    execute: ({ city, unit }) => {
      const [celsius, sky] = WEATHER[city.trim().toLowerCase()] ?? [20, 'mild'];
      const temperature = unit === 'fahrenheit' ? Math.round((celsius * 9) / 5 + 32) : celsius;
      return { city, temperature, unit, sky };
    },
  });
}
