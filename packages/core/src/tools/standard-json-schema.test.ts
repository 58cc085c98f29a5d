import { describe, expect, it } from 'vitest';
import { toStandardJsonSchema } from './standard-json-schema.js';

describe('toStandardJsonSchema', () => {
  it('rewrites nullable scalars, enums and structures', () => {
    expect(toStandardJsonSchema({ type: 'string', nullable: true, description: 'd' })).toEqual({
      type: ['string', 'null'],
      description: 'd',
    });
    expect(toStandardJsonSchema({ type: 'string', enum: ['a'], nullable: true })).toEqual({
      type: ['string', 'null'],
      enum: ['a', null],
    });
    expect(
      toStandardJsonSchema({
        description: 'A place',
        type: 'object',
        nullable: true,
        properties: { lat: { type: 'number' } },
        default: null,
      }),
    ).toEqual({
      description: 'A place',
      default: null,
      oneOf: [{ type: 'object', properties: { lat: { type: 'number' } } }, { type: 'null' }],
    });
  });

  it('recurses into properties, items, oneOf and additionalProperties, and unwraps type ["null"]', () => {
    expect(
      toStandardJsonSchema({
        type: 'object',
        properties: {
          list: { type: 'array', items: { type: 'integer', nullable: true } },
          choice: { oneOf: [{ type: 'string' }, { type: ['null'] }] },
          map: { type: 'object', additionalProperties: { type: 'boolean', nullable: true } },
        },
      }),
    ).toEqual({
      type: 'object',
      properties: {
        list: { type: 'array', items: { type: ['integer', 'null'] } },
        choice: { oneOf: [{ type: 'string' }, { type: 'null' }] },
        map: { type: 'object', additionalProperties: { type: ['boolean', 'null'] } },
      },
    });
  });

  it('leaves enum and default values alone', () => {
    const schema = { type: 'object', default: { nullable: true }, properties: {} };
    expect(toStandardJsonSchema(schema)).toEqual(schema);
  });
});
