import { describe, expect, it } from 'vitest';
import { normalizeJsonSchemaForHarmony } from './normalize-schema.js';
import { formatIssuePath, validateJsonSchema } from './validate-json-schema.js';

function issues(schema: unknown, value: unknown): readonly string[] {
  const result = validateJsonSchema(normalizeJsonSchemaForHarmony(schema), value);
  return result.success ? [] : result.issues;
}

describe('validateJsonSchema', () => {
  it('checks types, integers, nullable and type lists', () => {
    expect(issues({ type: 'string' }, 3)).toEqual(['Invalid input: expected string, received number']);
    expect(issues({ type: 'integer' }, 1.5)).toEqual(['Invalid input: expected integer, received number']);
    expect(issues({ type: 'integer' }, 2)).toEqual([]);
    expect(issues({ type: 'number' }, 2)).toEqual([]);
    expect(issues({ type: ['string', 'null'] }, null)).toEqual([]);
    expect(issues({ type: 'string', nullable: true }, null)).toEqual([]);
    expect(issues({ type: ['string', 'number'] }, true)).toEqual([
      'Invalid input: expected string | number, received boolean',
    ]);
    expect(issues({ type: 'null' }, null)).toEqual([]);
  });

  it('checks enums, consts and unions', () => {
    expect(issues({ enum: ['a', 'b'] }, 'c')).toEqual(['Invalid option: expected one of "a"|"b"']);
    expect(issues({ const: 3 }, 3)).toEqual([]);
    const union = {
      anyOf: [{ type: 'string' }, { type: 'object', properties: { a: { type: 'number' } }, required: ['a'] }],
    };
    expect(issues(union, 'x')).toEqual([]);
    expect(issues(union, { a: 1 })).toEqual([]);
    expect(issues(union, { a: 'x' })).toEqual(['Invalid input: expected string | object, received object']);
  });

  it('checks required properties with paths, unknown keys and additional property schemas', () => {
    const schema = {
      type: 'object',
      properties: {
        rows: {
          type: 'array',
          items: { type: 'object', properties: { id: { type: 'integer' } }, required: ['id'] },
        },
      },
      required: ['rows'],
      additionalProperties: false,
    };
    expect(issues(schema, { rows: [{ id: 1 }, {}], x: 1, y: 2 })).toEqual([
      'rows[1].id: Invalid input: expected integer, received undefined',
      'Unrecognized keys: "x", "y"',
    ]);
    expect(issues({ type: 'object', additionalProperties: { type: 'number' } }, { a: 1, b: 'x' })).toEqual([
      'b: Invalid input: expected number, received string',
    ]);
  });

  it('checks string, number, array and object bounds', () => {
    expect(issues({ type: 'string', minLength: 2, maxLength: 3 }, '😀')).toEqual([
      'Too small: expected string to have >=2 characters',
    ]);
    expect(issues({ type: 'string', pattern: '^[a-z]+$' }, 'A')).toEqual([
      'Invalid string: must match pattern ^[a-z]+$',
    ]);
    expect(issues({ type: 'number', minimum: 1, exclusiveMaximum: 5, multipleOf: 2 }, 5)).toEqual([
      'Too big: expected number to be <5',
      'Invalid number: must be a multiple of 2',
    ]);
    expect(issues({ type: 'array', minItems: 1, uniqueItems: true }, [])).toEqual([
      'Too small: expected array to have >=1 items',
    ]);
    expect(issues({ type: 'array', uniqueItems: true }, [{ a: 1 }, { a: 1 }])).toEqual([
      'Invalid input: array items must be unique',
    ]);
    expect(issues({ type: 'object', maxProperties: 1 }, { a: 1, b: 2 })).toEqual([
      'Too big: expected object to have <=1 properties',
    ]);
  });

  it('checks tuples element by element', () => {
    const tuple = { type: 'array', prefixItems: [{ type: 'string' }, { type: 'number' }], items: false };
    expect(issues(tuple, ['a', 1])).toEqual([]);
    expect(issues(tuple, [1, 'a'])).toEqual([
      '[0]: Invalid input: expected string, received number',
      '[1]: Invalid input: expected number, received string',
    ]);
    expect(issues(tuple, ['a', 1, 2])).toEqual(['Too big: expected array to have <=2 items']);
  });

  it('fills defaults without touching the input and keeps unknown keys', () => {
    const schema = normalizeJsonSchemaForHarmony({
      type: 'object',
      properties: { tags: { type: 'array', default: ['a'] }, n: { type: 'number' } },
    });
    const input = { n: 1, extra: true };
    const result = validateJsonSchema(schema, input);
    expect(result).toEqual({ success: true, value: { n: 1, extra: true, tags: ['a'] } });
    expect(input).toEqual({ n: 1, extra: true });
    const again = validateJsonSchema(schema, {});
    if (!result.success || !again.success) throw new Error('unreachable');
    expect((again.value as { tags: unknown }).tags).not.toBe((result.value as { tags: unknown }).tags);
  });

  it('keeps a __proto__ key as data', () => {
    const result = validateJsonSchema({ type: 'object' }, JSON.parse('{"__proto__":{"polluted":true}}'));
    expect(result.success && Object.keys(result.value as object)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('rejects everything under a false schema and a value matching not', () => {
    expect(issues({ type: 'object', properties: { a: false } }, { a: 1 })).toEqual([
      'a: Invalid input: this value is not allowed',
    ]);
  });
});

describe('formatIssuePath', () => {
  it('writes paths the way code reads them', () => {
    expect(formatIssuePath(['rows', 0, 'id'])).toBe('rows[0].id');
    expect(formatIssuePath([0])).toBe('[0]');
    expect(formatIssuePath(['odd key', 'x'])).toBe('["odd key"].x');
    expect(formatIssuePath([])).toBe('');
  });
});
