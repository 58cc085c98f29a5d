import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ToolDefinitionError } from '../errors.js';
import { jsonSchemaToTypeScript } from '../harmony/schema-to-typescript.js';
import { normalizeJsonSchemaForHarmony as normalize } from './normalize-schema.js';

/** zod → JSON Schema exactly as defineTool asks for it, then normalized. */
function fromZod(schema: z.ZodType) {
  return normalize(z.toJSONSchema(schema, { io: 'input' }));
}

/** JSON text keeps key order, which object snapshots would sort. */
function json(schema: unknown): string {
  return JSON.stringify(schema, null, 2);
}

function render(schema: unknown): string {
  return jsonSchemaToTypeScript(schema, '');
}

describe('normalizeJsonSchemaForHarmony: zod 4 constructs', () => {
  it('keeps descriptions and required lists; .optional() and .default() make a field optional', () => {
    const schema = fromZod(
      z.object({
        userid: z.string().describe('The user id'),
        max_len: z.number().int().optional(),
        format: z.enum(['celsius', 'fahrenheit']).default('celsius'),
        verbose: z.boolean().default(false),
      }),
    );
    expect(json(schema)).toMatchInlineSnapshot(`
      "{
        "type": "object",
        "properties": {
          "userid": {
            "description": "The user id",
            "type": "string"
          },
          "max_len": {
            "type": "integer"
          },
          "format": {
            "type": "string",
            "enum": [
              "celsius",
              "fahrenheit"
            ],
            "default": "celsius"
          },
          "verbose": {
            "type": "boolean",
            "default": false
          }
        },
        "required": [
          "userid"
        ]
      }"
    `);
    expect(render(schema)).toMatchInlineSnapshot(`
      "{
      // The user id
      userid: string,
      max_len?: number,
      format?: "celsius" | "fahrenheit", // default: celsius
      verbose?: boolean, // default: false
      }"
    `);
  });

  it('drops $schema and zod metadata, keeps title and examples', () => {
    const schema = fromZod(
      z.object({
        city: z
          .string()
          .meta({ title: 'City', description: 'A city name', examples: ['Paris', 'Tokyo'], owner: 'x' }),
      }),
    );
    expect(json(schema)).toMatchInlineSnapshot(`
      "{
        "type": "object",
        "properties": {
          "city": {
            "title": "City",
            "description": "A city name",
            "type": "string",
            "examples": [
              "Paris",
              "Tokyo"
            ]
          }
        },
        "required": [
          "city"
        ]
      }"
    `);
    expect(render(schema)).toMatchInlineSnapshot(`
      "{
      // City
      //
      // A city name
      // Examples:
      // - "Paris"
      // - "Tokyo"
      city: string,
      }"
    `);
  });

  it('renders .nullable() as X | null for scalars, enums and objects', () => {
    const schema = fromZod(
      z.object({
        note: z.string().nullable(),
        unit: z.enum(['c', 'f']).nullable(),
        place: z.object({ lat: z.number(), lon: z.number() }).nullable(),
        maybe: z.string().nullish().describe('Optional and nullable'),
      }),
    );
    expect(json(schema)).toMatchInlineSnapshot(`
      "{
        "type": "object",
        "properties": {
          "note": {
            "type": "string",
            "nullable": true
          },
          "unit": {
            "type": "string",
            "enum": [
              "c",
              "f"
            ],
            "nullable": true
          },
          "place": {
            "type": "object",
            "nullable": true,
            "properties": {
              "lat": {
                "type": "number"
              },
              "lon": {
                "type": "number"
              }
            },
            "required": [
              "lat",
              "lon"
            ]
          },
          "maybe": {
            "description": "Optional and nullable",
            "type": "string",
            "nullable": true
          }
        },
        "required": [
          "note",
          "unit",
          "place"
        ]
      }"
    `);
    expect(render(schema)).toMatchInlineSnapshot(`
      "{
      note: string | null,
      unit: "c" | "f" | null,
      place: {
          lat: number,
          lon: number,
          } | null,
      // Optional and nullable
      maybe?: string | null,
      }"
    `);
  });

  it('turns literals into enums of the right type', () => {
    const schema = fromZod(
      z.object({
        kind: z.literal('circle'),
        either: z.literal(['a', 'b']),
        version: z.literal(2),
        flag: z.literal(true),
        nothing: z.literal(null),
        mixed: z.literal([1, 'one']),
      }),
    );
    expect(json(schema)).toMatchInlineSnapshot(`
      "{
        "type": "object",
        "properties": {
          "kind": {
            "type": "string",
            "enum": [
              "circle"
            ]
          },
          "either": {
            "type": "string",
            "enum": [
              "a",
              "b"
            ]
          },
          "version": {
            "type": "number",
            "enum": [
              2
            ]
          },
          "flag": {
            "type": "boolean",
            "enum": [
              true
            ]
          },
          "nothing": {
            "type": [
              "null"
            ]
          },
          "mixed": {
            "oneOf": [
              {
                "type": "number",
                "enum": [
                  1
                ]
              },
              {
                "type": "string",
                "enum": [
                  "one"
                ]
              }
            ]
          }
        },
        "required": [
          "kind",
          "either",
          "version",
          "flag",
          "nothing",
          "mixed"
        ]
      }"
    `);
    expect(render(schema)).toMatchInlineSnapshot(`
      "{
      kind: "circle",
      either: "a" | "b",
      version: number,
      flag: boolean,
      nothing: null,
      mixed:
       | number
       | "one"
      ,
      }"
    `);
  });

  it('renders unions: literal unions as one enum, bare types as a type list, others as oneOf', () => {
    const schema = fromZod(
      z.object({
        size: z.union([z.literal('small'), z.literal('large')]),
        id: z.union([z.string(), z.number()]),
        limit: z.union([z.literal('auto'), z.number().int()]).describe('How many results'),
        target: z.union([z.object({ url: z.string() }), z.object({ path: z.string() })]).nullable(),
      }),
    );
    expect(json(schema)).toMatchInlineSnapshot(`
      "{
        "type": "object",
        "properties": {
          "size": {
            "type": "string",
            "enum": [
              "small",
              "large"
            ]
          },
          "id": {
            "type": [
              "string",
              "number"
            ]
          },
          "limit": {
            "description": "How many results",
            "oneOf": [
              {
                "type": "string",
                "enum": [
                  "auto"
                ]
              },
              {
                "type": "integer"
              }
            ]
          },
          "target": {
            "oneOf": [
              {
                "type": "object",
                "properties": {
                  "url": {
                    "type": "string"
                  }
                },
                "required": [
                  "url"
                ]
              },
              {
                "type": "object",
                "properties": {
                  "path": {
                    "type": "string"
                  }
                },
                "required": [
                  "path"
                ]
              },
              {
                "type": [
                  "null"
                ]
              }
            ]
          }
        },
        "required": [
          "size",
          "id",
          "limit",
          "target"
        ]
      }"
    `);
    expect(render(schema)).toMatchInlineSnapshot(`
      "{
      size: "small" | "large",
      id: string | number,
      // How many results
      limit:
       | "auto"
       | number
      ,
      target:
       | {
         url: string,
         }
       | {
         path: string,
         }
       | null
      ,
      }"
    `);
  });

  it('renders a discriminated union as a oneOf of objects', () => {
    const shape = z.discriminatedUnion('type', [
      z.object({ type: z.literal('circle'), radius: z.number() }),
      z.object({ type: z.literal('square'), side: z.number().describe('Side length') }),
    ]);
    const schema = fromZod(z.object({ shape }));
    expect(json(schema)).toMatchInlineSnapshot(`
      "{
        "type": "object",
        "properties": {
          "shape": {
            "oneOf": [
              {
                "type": "object",
                "properties": {
                  "type": {
                    "type": "string",
                    "enum": [
                      "circle"
                    ]
                  },
                  "radius": {
                    "type": "number"
                  }
                },
                "required": [
                  "type",
                  "radius"
                ]
              },
              {
                "type": "object",
                "properties": {
                  "type": {
                    "type": "string",
                    "enum": [
                      "square"
                    ]
                  },
                  "side": {
                    "description": "Side length",
                    "type": "number"
                  }
                },
                "required": [
                  "type",
                  "side"
                ]
              }
            ]
          }
        },
        "required": [
          "shape"
        ]
      }"
    `);
    expect(render(schema)).toMatchInlineSnapshot(`
      "{
      shape:
       | {
         type: "circle",
         radius: number,
         }
       | {
         type: "square",
         // Side length
         side: number,
         }
      ,
      }"
    `);
  });

  it('inlines schemas registered with an id ($ref / $defs)', () => {
    const address = z.object({ street: z.string(), city: z.string() }).meta({ id: 'Address' });
    const generated = z.toJSONSchema(z.object({ home: address, work: address.optional() }), { io: 'input' });
    expect(JSON.stringify(generated)).toContain('"$ref":"#/$defs/Address"');
    const schema = normalize(generated);
    expect(json(schema)).toMatchInlineSnapshot(`
      "{
        "type": "object",
        "properties": {
          "home": {
            "type": "object",
            "properties": {
              "street": {
                "type": "string"
              },
              "city": {
                "type": "string"
              }
            },
            "required": [
              "street",
              "city"
            ]
          },
          "work": {
            "type": "object",
            "properties": {
              "street": {
                "type": "string"
              },
              "city": {
                "type": "string"
              }
            },
            "required": [
              "street",
              "city"
            ]
          }
        },
        "required": [
          "home"
        ]
      }"
    `);
    expect(render(schema)).toMatchInlineSnapshot(`
      "{
      home: {
          street: string,
          city: string,
          },
      work?: {
          street: string,
          city: string,
          },
      }"
    `);
  });

  it('inlines a recursive schema once, the recursive reference becoming any with its description', () => {
    const category: z.ZodType = z
      .object({
        name: z.string(),
        get subcategories() {
          return z.array(category).optional();
        },
      })
      .describe('A category');
    const schema = fromZod(z.object({ root: category }));
    expect(json(schema)).toMatchInlineSnapshot(`
      "{
        "type": "object",
        "properties": {
          "root": {
            "description": "A category",
            "type": "object",
            "properties": {
              "name": {
                "type": "string"
              },
              "subcategories": {
                "type": "array",
                "items": {
                  "description": "A category"
                }
              }
            },
            "required": [
              "name"
            ]
          }
        },
        "required": [
          "root"
        ]
      }"
    `);
    expect(render(schema)).toMatchInlineSnapshot(`
      "{
      // A category
      root:     // A category
      {
          name: string,
          subcategories?: any[],
          },
      }"
    `);
  });

  it('renders records as objects and keeps their value schema for validation', () => {
    const schema = fromZod(z.object({ scores: z.record(z.string(), z.number()).describe('Score by name') }));
    expect(json(schema)).toMatchInlineSnapshot(`
      "{
        "type": "object",
        "properties": {
          "scores": {
            "description": "Score by name",
            "type": "object",
            "additionalProperties": {
              "type": "number"
            }
          }
        },
        "required": [
          "scores"
        ]
      }"
    `);
    expect(render(schema)).toMatchInlineSnapshot(`
      "{
      // Score by name
      scores:     // Score by name
      {
          },
      }"
    `);
  });

  it('renders tuples as arrays of the common element type, or any[]', () => {
    const schema = fromZod(
      z.object({
        point: z.tuple([z.number(), z.number()]),
        pair: z.tuple([z.string(), z.number()]),
        rest: z.tuple([z.string()], z.string()),
      }),
    );
    expect(json(schema)).toMatchInlineSnapshot(`
      "{
        "type": "object",
        "properties": {
          "point": {
            "type": "array",
            "items": {
              "type": "number"
            },
            "prefixItems": [
              {
                "type": "number"
              },
              {
                "type": "number"
              }
            ],
            "minItems": 2,
            "maxItems": 2
          },
          "pair": {
            "type": "array",
            "items": {},
            "prefixItems": [
              {
                "type": "string"
              },
              {
                "type": "number"
              }
            ],
            "minItems": 2,
            "maxItems": 2
          },
          "rest": {
            "type": "array",
            "items": {
              "type": "string"
            },
            "prefixItems": [
              {
                "type": "string"
              }
            ],
            "minItems": 1
          }
        },
        "required": [
          "point",
          "pair",
          "rest"
        ]
      }"
    `);
    expect(render(schema)).toMatchInlineSnapshot(`
      "{
      point: number[],
      pair: any[],
      rest: string[],
      }"
    `);
  });

  it('maps z.int() to integer without zod’s implicit safe-integer bounds, keeps explicit bounds', () => {
    const schema = fromZod(
      z.object({ count: z.int(), page: z.number().int().min(1).max(50), ratio: z.number().positive() }),
    );
    expect(json(schema)).toMatchInlineSnapshot(`
      "{
        "type": "object",
        "properties": {
          "count": {
            "type": "integer"
          },
          "page": {
            "type": "integer",
            "minimum": 1,
            "maximum": 50
          },
          "ratio": {
            "type": "number",
            "exclusiveMinimum": 0
          }
        },
        "required": [
          "count",
          "page",
          "ratio"
        ]
      }"
    `);
    expect(render(schema)).toMatchInlineSnapshot(`
      "{
      count: number,
      page: number,
      ratio: number,
      }"
    `);
  });

  it('renders nested objects, arrays of objects and intersections', () => {
    const schema = fromZod(
      z.object({
        filter: z.object({
          tags: z.array(z.string()).describe('Tags to match'),
          since: z.iso.date().optional(),
        }),
        rows: z.array(z.object({ id: z.int(), label: z.string().max(40) })).min(1),
        both: z.intersection(z.object({ a: z.string() }), z.object({ b: z.number() })),
      }),
    );
    expect(json(schema)).toMatchInlineSnapshot(`
      "{
        "type": "object",
        "properties": {
          "filter": {
            "type": "object",
            "properties": {
              "tags": {
                "description": "Tags to match",
                "type": "array",
                "items": {
                  "type": "string"
                }
              },
              "since": {
                "type": "string",
                "pattern": "^(?:(?:\\\\d\\\\d[2468][048]|\\\\d\\\\d[13579][26]|\\\\d\\\\d0[48]|[02468][048]00|[13579][26]00)-02-29|\\\\d{4}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12]\\\\d|3[01])|(?:0[469]|11)-(?:0[1-9]|[12]\\\\d|30)|(?:02)-(?:0[1-9]|1\\\\d|2[0-8])))$",
                "format": "date"
              }
            },
            "required": [
              "tags"
            ]
          },
          "rows": {
            "type": "array",
            "items": {
              "type": "object",
              "properties": {
                "id": {
                  "type": "integer"
                },
                "label": {
                  "type": "string",
                  "maxLength": 40
                }
              },
              "required": [
                "id",
                "label"
              ]
            },
            "minItems": 1
          },
          "both": {
            "type": "object",
            "properties": {
              "a": {
                "type": "string"
              },
              "b": {
                "type": "number"
              }
            },
            "required": [
              "a",
              "b"
            ]
          }
        },
        "required": [
          "filter",
          "rows",
          "both"
        ]
      }"
    `);
    expect(render(schema)).toMatchInlineSnapshot(`
      "{
      filter: {
          // Tags to match
          tags: string[],
          since?: string,
          },
      rows: {
          id: number,
          label: string,
          }[],
      both: {
          a: string,
          b: number,
          },
      }"
    `);
  });

  it('keeps additionalProperties: false of strict objects and drops the always-true one of loose objects', () => {
    expect(json(fromZod(z.strictObject({ a: z.string() })))).toMatchInlineSnapshot(`
      "{
        "type": "object",
        "properties": {
          "a": {
            "type": "string"
          }
        },
        "required": [
          "a"
        ],
        "additionalProperties": false
      }"
    `);
    expect(json(fromZod(z.looseObject({ a: z.string() })))).toMatchInlineSnapshot(`
      "{
        "type": "object",
        "properties": {
          "a": {
            "type": "string"
          }
        },
        "required": [
          "a"
        ]
      }"
    `);
  });
});

describe('normalizeJsonSchemaForHarmony: hand-written JSON Schema', () => {
  it('inlines draft-07 definitions and merges sibling keywords of a $ref (siblings win)', () => {
    const schema = normalize({
      $schema: 'http://json-schema.org/draft-07/schema#',
      type: 'object',
      definitions: { unit: { type: 'string', enum: ['c', 'f'], description: 'A unit' } },
      properties: { unit: { $ref: '#/definitions/unit', description: 'Temperature unit', default: 'c' } },
    });
    expect(schema).toEqual({
      type: 'object',
      properties: {
        unit: { description: 'Temperature unit', type: 'string', enum: ['c', 'f'], default: 'c' },
      },
    });
    expect(render(schema)).toBe('{\n// Temperature unit\nunit?: "c" | "f", // default: c\n}');
  });

  it('resolves JSON pointers with escapes and a reference to the root', () => {
    const schema = normalize({
      type: 'object',
      description: 'A node',
      $defs: { 'a/b': { type: 'string' } },
      properties: { slash: { $ref: '#/$defs/a~1b' }, next: { $ref: '#' } },
    });
    expect(schema.properties).toEqual({ slash: { type: 'string' }, next: { description: 'A node' } });
  });

  it('merges allOf parts: properties, required, the narrower type and the strictest bounds', () => {
    const schema = normalize({
      allOf: [
        { type: 'object', properties: { a: { type: 'number', minimum: 0 } }, required: ['a'] },
        {
          type: 'object',
          properties: { a: { type: 'integer', minimum: 5 }, b: { type: 'string' } },
          required: ['b'],
        },
      ],
      description: 'Both',
    });
    expect(schema).toEqual({
      description: 'Both',
      type: 'object',
      properties: { a: { type: 'integer', minimum: 5 }, b: { type: 'string' } },
      required: ['a', 'b'],
    });
  });

  it('refuses an allOf whose parts cannot both hold', () => {
    expect(() => normalize({ allOf: [{ type: 'string' }, { type: 'number' }] })).toThrow(ToolDefinitionError);
    expect(() => normalize({ allOf: [{ enum: ['a'] }, { enum: ['b'] }] })).toThrow(
      /allOf parts disagree on "enum"/,
    );
  });

  it('turns OpenAPI nullable, type lists with null and null enums into nullable', () => {
    expect(normalize({ type: ['string', 'null'], enum: ['a', null] })).toEqual({
      type: 'string',
      enum: ['a'],
      nullable: true,
    });
    expect(normalize({ type: ['object', 'null'], properties: { a: { type: 'string' } } })).toEqual({
      type: 'object',
      nullable: true,
      properties: { a: { type: 'string' } },
    });
    expect(normalize({ type: ['string', 'number', 'null'] })).toEqual({ type: ['string', 'number', 'null'] });
    expect(normalize({ oneOf: [{ type: 'string' }, { type: 'integer' }], nullable: true })).toEqual({
      type: ['string', 'integer', 'null'],
    });
    expect(normalize({ type: 'null' })).toEqual({ type: ['null'] });
    expect(normalize({ anyOf: [{ type: 'integer' }, { type: 'number' }] })).toEqual({ type: 'number' });
  });

  it('splits a type list with structure into one variant per type', () => {
    const schema = normalize({
      type: ['string', 'array'],
      items: { type: 'string' },
      description: 'One or many',
    });
    expect(schema).toEqual({
      description: 'One or many',
      oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }],
    });
    expect(render({ type: 'object', properties: { tags: schema } })).toBe(
      '{\n// One or many\ntags?:\n | string\n | string[]\n,\n}',
    );
  });

  it('groups a mixed enum by type; string enums keep their order', () => {
    expect(normalize({ enum: ['low', 1, 'high', 2, true] })).toEqual({
      oneOf: [
        { type: 'string', enum: ['low', 'high'] },
        { type: 'number', enum: [1, 2] },
        { type: 'boolean', enum: [true] },
      ],
    });
  });

  it('collapses a union containing any into any, and a union of only null into null', () => {
    expect(normalize({ anyOf: [{ type: 'string' }, {}], description: 'Anything' })).toEqual({
      description: 'Anything',
    });
    expect(normalize({ anyOf: [{ type: 'null' }] })).toEqual({ type: ['null'] });
  });

  it('keeps an anyOf that only narrows a typed schema under anyOf (the type is what renders)', () => {
    const schema = normalize({
      type: 'object',
      properties: { email: { type: 'string' }, phone: { type: 'string' } },
      anyOf: [{ required: ['email'] }, { required: ['phone'] }],
    });
    expect(schema.anyOf).toEqual([{ required: ['email'] }, { required: ['phone'] }]);
    expect(render(schema)).toBe('{\nemail?: string,\nphone?: string,\n}');
  });

  it('reads draft-07 tuples and draft-04 exclusive bounds', () => {
    expect(
      normalize({ type: 'array', items: [{ type: 'string' }, { type: 'string' }], additionalItems: false }),
    ).toEqual({
      type: 'array',
      items: { type: 'string' },
      prefixItems: [{ type: 'string' }, { type: 'string' }],
      maxItems: 2,
    });
    expect(normalize({ type: 'number', minimum: 0, exclusiveMinimum: true, maximum: 1 })).toEqual({
      type: 'number',
      exclusiveMinimum: 0,
      maximum: 1,
    });
  });

  it('infers object and array types from properties and items', () => {
    expect(normalize({ properties: { a: { type: 'string' } } })).toEqual({
      type: 'object',
      properties: { a: { type: 'string' } },
    });
    expect(normalize({ items: { type: 'number' } })).toEqual({ type: 'array', items: { type: 'number' } });
  });

  it('maps boolean schemas and drops keys the renderer and validators do not need', () => {
    expect(normalize(true)).toEqual({});
    expect(normalize({ type: 'object', properties: { never: false } })).toEqual({
      type: 'object',
      properties: { never: { not: {} } },
    });
    expect(
      normalize({
        $id: 'x',
        $comment: 'c',
        type: 'string',
        readOnly: true,
        deprecated: true,
        example: 'e',
        if: { minLength: 1 },
        else: { maxLength: 2 },
        'x-custom': 1,
      }),
    ).toEqual({ type: 'string' });
  });

  it('keeps a __proto__ property as a property', () => {
    const schema = normalize(JSON.parse('{"type":"object","properties":{"__proto__":{"type":"string"}}}'));
    expect(Object.keys(schema.properties as object)).toEqual(['__proto__']);
  });

  it('does not modify its input', () => {
    const input = { anyOf: [{ type: 'string', const: 'a' }, { type: 'null' }] };
    const copy = structuredClone(input);
    expect(normalize(input)).toEqual({ type: 'string', enum: ['a'], nullable: true });
    expect(input).toEqual(copy);
  });

  it('throws ToolDefinitionError for remote, dangling and anchor references, and for non-schemas', () => {
    expect(() => normalize({ $ref: 'https://example.com/s.json' })).toThrow(/only local references/);
    expect(() => normalize({ $ref: '#/$defs/missing' })).toThrow(/no such location/);
    expect(() => normalize({ $ref: '#anchor' })).toThrow(/anchors are not supported/);
    expect(() => normalize({ type: 'object', properties: { a: 3 } })).toThrow(
      'Invalid JSON Schema at #/properties/a: expected an object or a boolean',
    );
    expect(() => normalize('string')).toThrow(ToolDefinitionError);
  });

  it('gives up on a schema that explodes when references are inlined', () => {
    const defs: Record<string, unknown> = { d0: { type: 'string' } };
    for (let level = 1; level <= 20; level += 1) {
      defs[`d${level}`] = {
        type: 'object',
        properties: { a: { $ref: `#/$defs/d${level - 1}` }, b: { $ref: `#/$defs/d${level - 1}` } },
      };
    }
    expect(() => normalize({ $defs: defs, $ref: '#/$defs/d20' })).toThrow(/too large/);
  });
});
