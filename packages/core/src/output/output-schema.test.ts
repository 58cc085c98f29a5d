import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { z as z3 } from 'zod/v3';
import { ConfigurationError } from '../errors.js';
import { outputRepairPrompt, resolveOutputSchema } from './output-schema.js';

const Weather = z
  .object({ city: z.string(), temperature: z.number().int(), sky: z.enum(['sunny', 'cloudy']) })
  .meta({ title: 'weather', description: 'The weather at a place.' });

describe('resolveOutputSchema', () => {
  it('turns a zod 4 schema into a response format named by its title', () => {
    const output = resolveOutputSchema(Weather);
    const {
      title: _title,
      description: _description,
      ...shown
    } = output.jsonSchema as Record<string, unknown>;
    expect(output.responseFormat).toEqual({
      name: 'weather',
      description: 'The weather at a place.',
      schema: shown,
    });
    expect(output.jsonSchema).toMatchObject({ title: 'weather', description: 'The weather at a place.' });
    expect(output.jsonSchema).toMatchObject({
      type: 'object',
      properties: { city: { type: 'string' }, sky: { enum: ['sunny', 'cloudy'] } },
      required: ['city', 'temperature', 'sky'],
    });
    expect(output.jsonSchema).not.toHaveProperty('$schema');
  });

  it('leaves out the safe-integer bounds zod writes for .int(), keeping real ones; zod still checks them', () => {
    const output = resolveOutputSchema(
      z.object({
        count: z.number().int(),
        items: z.array(z.object({ rank: z.int().min(1) })),
      }),
    );
    expect(output.jsonSchema).toMatchObject({
      properties: {
        count: { type: 'integer' },
        items: { items: { properties: { rank: { type: 'integer', minimum: 1 } } } },
      },
    });
    const shown = JSON.stringify(output.responseFormat.schema);
    expect(shown).not.toContain('9007199254740991');
    expect(shown).toContain('"rank":{"type":"integer","minimum":1}');
    expect(output.parse('{"count":1,"items":[{"rank":1}]}').success).toBe(true);
    expect(output.parse(`{"count":${2 ** 60},"items":[]}`).success).toBe(false);
  });

  it('parses and validates answers with zod, transforms applied', () => {
    const output = resolveOutputSchema(z.object({ n: z.string().transform((text) => text.length) }));
    expect(output.responseFormat.name).toBe('structured_output');
    expect(output.parse('{"n":"abc"}')).toEqual({ success: true, value: { n: 3 } });
    expect(output.parse('```json\n{"n":"ab"}\n```')).toEqual({ success: true, value: { n: 2 } });
    const invalid = output.parse('{"n":1}');
    expect(invalid.success).toBe(false);
    expect(!invalid.success && invalid.issues).toEqual([expect.stringMatching(/^n: .*string/u)]);
    const notJson = output.parse('It is sunny.');
    expect(!notJson.success && notJson.issues[0]).toMatch(/^not JSON: /u);
  });

  it('accepts a JSON Schema object and validates against it', () => {
    const output = resolveOutputSchema({
      type: 'object',
      properties: { items: { type: 'array', items: { type: 'string' } } },
      required: ['items'],
    });
    expect(output.parse('{"items":["eggs"]}')).toEqual({ success: true, value: { items: ['eggs'] } });
    const invalid = output.parse('{"items":[1]}');
    expect(!invalid.success && invalid.issues).toEqual([expect.stringContaining('items[0]')]);
  });

  it('refuses what it cannot use, naming the output option', () => {
    for (const bad of [z.string(), z3.string(), { type: 'array' }, 'schema', null]) {
      expect(() => resolveOutputSchema(bad)).toThrow(ConfigurationError);
      expect(() => resolveOutputSchema(bad)).toThrow(/^output /u);
    }
  });

  it('accepts a zod 3 schema, with the same JSON Schema as zod 4 and zod 3 validation', () => {
    const output = resolveOutputSchema(
      z3.object({ city: z3.string(), sky: z3.enum(['sunny', 'cloudy']) }).describe('The weather.'),
    );
    expect(output.responseFormat).toMatchObject({ name: 'structured_output', description: 'The weather.' });
    expect(output.jsonSchema).toMatchObject({
      type: 'object',
      properties: { city: { type: 'string' }, sky: { type: 'string', enum: ['sunny', 'cloudy'] } },
      required: ['city', 'sky'],
    });
    expect(output.parse('{"city":"Seoul","sky":"sunny"}')).toEqual({
      success: true,
      value: { city: 'Seoul', sky: 'sunny' },
    });
    const invalid = output.parse('{"city":"Seoul","sky":"rain"}');
    expect(!invalid.success && invalid.issues).toEqual([expect.stringMatching(/^sky: /u)]);
  });

  it('writes a repair prompt listing the issues', () => {
    expect(outputRepairPrompt({ name: 'weather', schema: {} }, ['city: required', 'not JSON'])).toBe(
      'Your answer does not match the response format weather:\n- city: required\n- not JSON\nAnswer again with only the JSON object, matching the schema.',
    );
  });
});
