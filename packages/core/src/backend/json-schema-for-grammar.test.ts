import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { MAX_OPTIONAL_PROPERTIES, toGrammarJsonSchema } from './json-schema-for-grammar.js';

const ANY = {
  oneOf: [
    { type: 'string' },
    { type: 'number' },
    { type: 'boolean' },
    { type: 'null' },
    { type: 'array' },
    { type: 'object', additionalProperties: true },
  ],
};

describe('toGrammarJsonSchema', () => {
  it('keeps required properties, string bounds and enums', () => {
    expect(
      toGrammarJsonSchema({
        type: 'object',
        properties: {
          city: { type: 'string', minLength: 1, maxLength: 20, description: 'x' },
          unit: { enum: ['c', 'f'] },
          when: { type: 'string', format: 'date' },
          email: { type: 'string', format: 'email' },
        },
        required: ['city', 'unit', 'when', 'email'],
        additionalProperties: false,
      }),
    ).toEqual({
      type: 'object',
      properties: {
        city: { type: 'string', minLength: 1, maxLength: 20 },
        unit: { enum: ['c', 'f'] },
        when: { type: 'string', format: 'date' },
        email: { type: 'string' },
      },
      required: ['city', 'unit', 'when', 'email'],
    });
  });

  it('offers every subset of optional properties, in declared order', () => {
    const schema = toGrammarJsonSchema({
      type: 'object',
      properties: { a: { type: 'integer' }, b: { type: 'boolean' }, c: { type: 'null' } },
      required: ['b'],
    }) as unknown as { oneOf: { properties: Record<string, unknown> }[] };
    expect(schema.oneOf.map((variant) => Object.keys(variant.properties).join(','))).toEqual([
      'a,b,c',
      'b,c',
      'a,b',
      'b',
    ]);
    expect(schema.oneOf.map((variant) => (variant as { required?: string[] }).required?.join(','))).toEqual([
      'a,b,c',
      'b,c',
      'a,b',
      'b',
    ]);
  });

  it(`requires all properties above ${MAX_OPTIONAL_PROPERTIES} optional ones`, () => {
    const properties = Object.fromEntries(
      Array.from({ length: MAX_OPTIONAL_PROPERTIES + 1 }, (_, index) => [`p${index}`, { type: 'string' }]),
    );
    expect(toGrammarJsonSchema({ type: 'object', properties })).toEqual({
      type: 'object',
      properties,
      required: Object.keys(properties),
    });
  });

  it("turns zod's anyOf, nullable and $ref output into oneOf and $defs", () => {
    const place = z.object({ name: z.string() });
    const schema = z.toJSONSchema(
      z.object({
        from: place,
        to: place,
        note: z.string().nullable(),
        mode: z.union([z.literal('car'), z.number()]),
      }),
      { reused: 'ref' },
    );
    expect(toGrammarJsonSchema(schema as never)).toEqual({
      type: 'object',
      properties: {
        from: { $ref: '#/$defs/__schema0' },
        to: { $ref: '#/$defs/__schema0' },
        note: { oneOf: [{ type: 'string' }, { type: 'null' }] },
        mode: { oneOf: [{ const: 'car' }, { type: 'number' }] },
      },
      required: ['from', 'to', 'note', 'mode'],
      $defs: {
        __schema0: { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] },
      },
    });
  });

  it('reads untyped, unknown and open schemas as any value', () => {
    expect(
      toGrammarJsonSchema({
        type: 'object',
        properties: {
          free: {},
          missing: { $ref: '#/$defs/none' },
          both: { allOf: [{ type: 'string' }, { minLength: 1 }] },
        },
        required: ['free', 'missing', 'both'],
      }),
    ).toEqual({
      type: 'object',
      properties: { free: ANY, missing: ANY, both: ANY },
      required: ['free', 'missing', 'both'],
    });
    expect(
      toGrammarJsonSchema({
        type: 'object',
        properties: { n: { type: 'number', nullable: true } },
        required: ['n'],
      }),
    ).toEqual({
      type: 'object',
      properties: { n: { oneOf: [{ type: 'number' }, { type: 'null' }] } },
      required: ['n'],
    });
  });

  it('allows any object for a missing, empty or non-object root', () => {
    const anyObject = { type: 'object', additionalProperties: true };
    expect(toGrammarJsonSchema(undefined)).toEqual(anyObject);
    expect(toGrammarJsonSchema({ type: 'object' })).toEqual({
      type: 'object',
      properties: {},
      additionalProperties: true,
    });
    expect(toGrammarJsonSchema({ type: 'string' })).toEqual(anyObject);
  });

  it('converts arrays, tuples and typed additional properties', () => {
    expect(
      toGrammarJsonSchema({
        type: 'object',
        properties: {
          tags: { type: 'array', items: { type: 'string' }, minItems: 1, maxItems: 3 },
          pair: { type: 'array', prefixItems: [{ type: 'number' }, { type: 'string' }] },
          scores: { type: 'object', additionalProperties: { type: 'number' } },
          kinds: { type: ['string', 'null'] },
        },
        required: ['tags', 'pair', 'scores', 'kinds'],
      }),
    ).toEqual({
      type: 'object',
      properties: {
        tags: { type: 'array', items: { type: 'string' }, minItems: 1, maxItems: 3 },
        pair: { type: 'array', prefixItems: [{ type: 'number' }, { type: 'string' }] },
        scores: { type: 'object', properties: {}, additionalProperties: { type: 'number' } },
        kinds: { oneOf: [{ type: 'string' }, { type: 'null' }] },
      },
      required: ['tags', 'pair', 'scores', 'kinds'],
    });
  });
});
