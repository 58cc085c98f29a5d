import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { renderToolsSection } from '../harmony/tools-section.js';
import { defineTool } from './define-tool.js';
import { functionToolsNamespace } from './function-namespace.js';
import type { BuiltinTool } from './types.js';

const getLocation = defineTool({
  name: 'get_location',
  description: 'Gets the location of the user.',
  parameters: z.object({}),
  execute: () => 'Paris',
});

const getWeather = defineTool({
  name: 'get_current_weather',
  description: 'Gets the current weather in the provided location.',
  parameters: z.object({
    location: z.string().describe('The city and state, e.g. San Francisco, CA'),
    format: z.enum(['celsius', 'fahrenheit']).default('celsius'),
  }),
  execute: () => 'sunny',
});

const python: BuiltinTool = {
  kind: 'builtin',
  namespace: { name: 'python', tools: [] },
  timeoutMs: undefined,
  execute: () => '',
};

describe('functionToolsNamespace', () => {
  it('keeps definition order, skips built-in tools and renders like the openai-harmony example', () => {
    const namespace = functionToolsNamespace([getLocation, python, getWeather]);
    expect(namespace.name).toBe('functions');
    expect(namespace.tools.map((tool) => tool.name)).toEqual(['get_location', 'get_current_weather']);
    expect(renderToolsSection({ functions: namespace })).toBe(
      [
        '# Tools',
        '',
        '## functions',
        '',
        'namespace functions {',
        '',
        '// Gets the location of the user.',
        'type get_location = () => any;',
        '',
        '// Gets the current weather in the provided location.',
        'type get_current_weather = (_: {',
        '// The city and state, e.g. San Francisco, CA',
        'location: string,',
        'format?: "celsius" | "fahrenheit", // default: celsius',
        '}) => any;',
        '',
        '} // namespace functions',
      ].join('\n'),
    );
  });

  it('omits parameters only for objects without properties', () => {
    const strictEmpty = defineTool({
      name: 'a',
      description: '',
      parameters: z.strictObject({}),
      execute: () => 1,
    });
    const describedEmpty = defineTool({
      name: 'b',
      description: '',
      parameters: z.object({}).describe('Nothing'),
      execute: () => 1,
    });
    const [first, second] = functionToolsNamespace([strictEmpty, describedEmpty]).tools;
    expect(first).toEqual({ name: 'a', description: '' });
    expect(second?.parameters).toEqual({ description: 'Nothing', type: 'object', properties: {} });
  });

  it('gives an empty namespace when there is no function tool', () => {
    expect(functionToolsNamespace([python])).toEqual({ name: 'functions', tools: [] });
  });
});
