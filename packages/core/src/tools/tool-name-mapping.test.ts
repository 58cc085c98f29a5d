import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ToolDefinitionError } from '../errors.js';
import { defineTool } from './define-tool.js';
import { createToolNameMapping, toHarmonyToolName } from './tool-name-mapping.js';

describe('toHarmonyToolName', () => {
  it.each([
    ['get_weather', 'get_weather'],
    ['get-weather', 'get_weather'],
    ['files.read', 'files_read'],
    ['search web', 'search_web'],
    ['a--b', 'a__b'],
    ['3d-render', '_3d_render'],
    ['météo', 'm_t_o'],
    ['🌦️weather', '__weather'],
    ['-', '_'],
    ['_private', '_private'],
  ])('%j → %j', (name, expected) => {
    expect(toHarmonyToolName(name)).toBe(expected);
  });

  it('gives names defineTool accepts, and is idempotent', () => {
    for (const name of ['get-weather', 'a.b.c', '1', 'x\n## evil', '<|call|>', ' ', 'é']) {
      const harmonyName = toHarmonyToolName(name);
      expect(harmonyName).toMatch(/^[A-Za-z_][A-Za-z0-9_]*$/);
      expect(toHarmonyToolName(harmonyName)).toBe(harmonyName);
      expect(() =>
        defineTool({ name: harmonyName, description: '', parameters: z.object({}), execute: () => '' }),
      ).not.toThrow();
    }
  });

  it('refuses an empty name or a non-string with a ToolDefinitionError', () => {
    expect(() => toHarmonyToolName('')).toThrow(ToolDefinitionError);
    expect(() => toHarmonyToolName(42 as unknown as string)).toThrow(ToolDefinitionError);
  });
});

describe('createToolNameMapping', () => {
  it('maps both ways, keeping the given order', () => {
    const names = createToolNameMapping(['get-weather', 'files.read', 'plain']);
    expect(names.size).toBe(3);
    expect(names.toHarmony('get-weather')).toBe('get_weather');
    expect(names.fromHarmony('files_read')).toBe('files.read');
    expect(names.fromHarmony('plain')).toBe('plain');
    expect(names.toHarmony('unknown')).toBeUndefined();
    expect(names.fromHarmony('get-weather')).toBeUndefined();
    expect(names.entries()).toEqual([
      ['get-weather', 'get_weather'],
      ['files.read', 'files_read'],
      ['plain', 'plain'],
    ]);
  });

  it('refuses two names that map to the same Harmony name, naming both', () => {
    const attempt = () => createToolNameMapping(['get_weather', 'get-weather']);
    expect(attempt).toThrow(ToolDefinitionError);
    expect(attempt).toThrow(/"get_weather" and "get-weather" both map to the Harmony name "get_weather"/);
  });

  it('refuses a name given twice', () => {
    expect(() => createToolNameMapping(['a-b', 'a-b'])).toThrow(/Duplicate tool name "a-b"/);
  });

  it('is immutable', () => {
    const names = createToolNameMapping(['a-b']);
    expect(Object.isFrozen(names)).toBe(true);
    names.entries().pop();
    expect(names.entries()).toEqual([['a-b', 'a_b']]);
  });
});
