import { describe, expect, it } from 'vitest';
import { HarmonyRenderError } from '../errors.js';
import { jsonSchemaToTypeScript as ts } from './schema-to-typescript.js';

describe('jsonSchemaToTypeScript: scalar types (R3)', () => {
  it('maps string, number, integer and boolean', () => {
    expect(ts({ type: 'string' })).toBe('string');
    expect(ts({ type: 'number' })).toBe('number');
    expect(ts({ type: 'integer' })).toBe('number');
    expect(ts({ type: 'boolean' })).toBe('boolean');
  });

  it('renders a string enum as quoted literals, dropping non-strings', () => {
    expect(ts({ type: 'string', enum: ['a', 'b'] })).toBe('"a" | "b"');
    expect(ts({ type: 'string', enum: ['a', 1, null, 'b'] })).toBe('"a" | "b"');
  });

  it('falls back to string when an enum has no string or is not an array', () => {
    expect(ts({ type: 'string', enum: [1, 2] })).toBe('string');
    expect(ts({ type: 'string', enum: [] })).toBe('string');
    expect(ts({ type: 'string', enum: 'a' })).toBe('string');
  });

  it('does not escape enum values', () => {
    expect(ts({ type: 'string', enum: ['say "hi"', 'a\nb'] })).toBe('"say "hi"" | "a\nb"');
  });

  it('ignores enums on numbers', () => {
    expect(ts({ type: 'number', enum: [1, 2] })).toBe('number');
    expect(ts({ type: 'integer', enum: [1, 2] })).toBe('number');
  });

  it('renders null and unknown type names as any', () => {
    expect(ts({ type: 'null' })).toBe('any');
    expect(ts({ type: 'date' })).toBe('any');
    expect(ts({ type: 'String' })).toBe('any');
  });
});

describe('jsonSchemaToTypeScript: no usable type (R4/R5)', () => {
  it('renders an empty schema as any', () => {
    expect(ts({})).toBe('any');
  });

  it('ignores anyOf, allOf, $ref, const and enum-only schemas', () => {
    expect(ts({ anyOf: [{ type: 'string' }, { type: 'number' }] })).toBe('any');
    expect(ts({ allOf: [{ type: 'string' }] })).toBe('any');
    expect(ts({ $ref: '#/$defs/x' })).toBe('any');
    expect(ts({ const: 'x' })).toBe('any');
    expect(ts({ enum: ['a', 'b'] })).toBe('any');
  });

  it('renders a non-array oneOf without type as any', () => {
    expect(ts({ oneOf: { type: 'string' } })).toBe('any');
  });

  it('renders non-object schemas as any', () => {
    expect(ts(null)).toBe('any');
    expect(ts(true)).toBe('any');
    expect(ts('string')).toBe('any');
    expect(ts(42)).toBe('any');
    expect(ts([{ type: 'string' }])).toBe('any');
  });

  it('ignores inherited properties', () => {
    const schema = Object.create({ type: 'string' }) as object;
    expect(ts(schema)).toBe('any');
  });
});

describe('jsonSchemaToTypeScript: type arrays (R2)', () => {
  it('joins the names, mapping integer to number and keeping null/object/array verbatim', () => {
    expect(ts({ type: ['number', 'string'] })).toBe('number | string');
    expect(ts({ type: ['integer', 'null'] })).toBe('number | null');
    expect(ts({ type: ['object', 'array'] })).toBe('object | array');
  });

  it('skips non-string entries', () => {
    expect(ts({ type: ['string', 1, null, 'boolean'] })).toBe('string | boolean');
  });

  it('falls through to any when no entry is a string', () => {
    expect(ts({ type: [] })).toBe('any');
    expect(ts({ type: [1, 2] })).toBe('any');
  });

  it('ignores enum and items with a type array', () => {
    expect(ts({ type: ['string', 'null'], enum: ['a'] })).toBe('string | null');
  });
});

describe('jsonSchemaToTypeScript: arrays', () => {
  it('appends [] to the item type, without parentheses', () => {
    expect(ts({ type: 'array', items: { type: 'string' } })).toBe('string[]');
    expect(ts({ type: 'array', items: { type: ['string', 'number'] } })).toBe('string | number[]');
    expect(ts({ type: 'array', items: { type: 'string', enum: ['a', 'b'] } })).toBe('"a" | "b"[]');
  });

  it('renders a missing items as Array<any> and tuple items as any[]', () => {
    expect(ts({ type: 'array' })).toBe('Array<any>');
    expect(ts({ type: 'array', items: [{ type: 'string' }] })).toBe('any[]');
    expect(ts({ type: 'array', items: null })).toBe('any[]');
  });

  it('renders nested arrays', () => {
    expect(ts({ type: 'array', items: { type: 'array', items: { type: 'integer' } } })).toBe('number[][]');
  });

  it('renders a oneOf item as a multi-line union followed by []', () => {
    expect(ts({ type: 'array', items: { oneOf: [{ type: 'string' }, { type: 'number' }] } })).toBe(
      '\n | string\n | number[]',
    );
  });

  it('keeps the same indent for object items, closing at the member indent', () => {
    const schema = {
      type: 'object',
      properties: {
        rows: {
          type: 'array',
          items: { type: 'object', properties: { id: { type: 'integer' } }, required: ['id'] },
        },
      },
    };
    expect(ts(schema)).toBe('{\nrows?: {\n    id: number,\n    }[],\n}');
  });
});

describe('jsonSchemaToTypeScript: objects (§7.1)', () => {
  it('renders an object without properties as an empty body', () => {
    expect(ts({ type: 'object' })).toBe('{\n}');
    expect(ts({ type: 'object', properties: {} })).toBe('{\n}');
    expect(ts({ type: 'object', properties: [] })).toBe('{\n}');
    expect(ts({ type: 'object', properties: 'x' })).toBe('{\n}');
  });

  it('puts the indent before the closing brace', () => {
    expect(ts({ type: 'object' }, '  ')).toBe('{\n  }');
  });

  it('marks non-required properties with ? and keeps insertion order', () => {
    const schema = {
      type: 'object',
      properties: { b: { type: 'string' }, a: { type: 'number' }, c: { type: 'boolean' } },
      required: ['c', 'a'],
    };
    expect(ts(schema)).toBe('{\nb?: string,\na: number,\nc: boolean,\n}');
  });

  it('ignores non-string and unknown required names, and a non-array required', () => {
    expect(ts({ type: 'object', properties: { a: { type: 'string' } }, required: [1, 'zz', null] })).toBe(
      '{\na?: string,\n}',
    );
    expect(ts({ type: 'object', properties: { a: { type: 'string' } }, required: 'a' })).toBe(
      '{\na?: string,\n}',
    );
  });

  it('never quotes property names', () => {
    expect(ts({ type: 'object', properties: { 'dash-name': { type: 'string' }, 'has space': {} } })).toBe(
      '{\ndash-name?: string,\nhas space?: any,\n}',
    );
  });

  it('renders a property whose schema is not an object as any', () => {
    expect(ts({ type: 'object', properties: { flag: true, none: null } })).toBe(
      '{\nflag?: any,\nnone?: any,\n}',
    );
  });

  it('renders the object description before the brace', () => {
    expect(ts({ type: 'object', description: 'params object', properties: {} })).toBe(
      '// params object\n{\n}',
    );
    expect(ts({ type: 'object', description: 'd' }, '    ')).toBe('    // d\n{\n    }');
  });

  it('ignores a non-string object description', () => {
    expect(ts({ type: 'object', description: 5 })).toBe('{\n}');
  });

  it('inserts multi-line descriptions verbatim (only the first line gets the prefix)', () => {
    const schema = {
      type: 'object',
      properties: { a: { type: 'string', description: 'line one\nline two' } },
    };
    expect(ts(schema)).toBe('{\n// line one\nline two\na?: string,\n}');
  });

  it('renders title, description and examples as comments in that order', () => {
    const schema = {
      type: 'object',
      properties: {
        a: { type: 'string', examples: ['x', 'y'], description: 'D', title: 'T' },
      },
    };
    expect(ts(schema)).toBe('{\n// T\n//\n// D\n// Examples:\n// - "x"\n// - "y"\na?: string,\n}');
  });

  it('prints the examples header even when no example is a string, and skips empty examples', () => {
    expect(ts({ type: 'object', properties: { a: { type: 'number', examples: [1, 2] } } })).toBe(
      '{\n// Examples:\na?: number,\n}',
    );
    expect(ts({ type: 'object', properties: { a: { type: 'number', examples: [] } } })).toBe(
      '{\na?: number,\n}',
    );
    expect(ts({ type: 'object', properties: { a: { type: 'number', examples: 'x' } } })).toBe(
      '{\na?: number,\n}',
    );
  });

  it('does not escape examples', () => {
    expect(ts({ type: 'object', properties: { a: { type: 'string', examples: ['say "hi"'] } } })).toBe(
      '{\n// Examples:\n// - "say "hi""\na?: string,\n}',
    );
  });

  it('ignores a non-string title', () => {
    expect(ts({ type: 'object', properties: { a: { type: 'string', title: 1 } } })).toBe('{\na?: string,\n}');
  });
});

describe('jsonSchemaToTypeScript: nested objects and indentation', () => {
  it('indents nested members by 4 spaces per level and closes at the member indent', () => {
    const schema = {
      type: 'object',
      properties: {
        outer: {
          type: 'object',
          properties: { inner: { type: 'object', properties: { leaf: { type: 'string' } } } },
          required: ['inner'],
        },
      },
    };
    expect(ts(schema)).toBe('{\nouter?: {\n    inner: {\n        leaf?: string,\n        },\n    },\n}');
  });

  it('prints a nested object description twice', () => {
    const schema = {
      type: 'object',
      properties: {
        outer: { type: 'object', description: 'inner obj', properties: { a: { type: 'string' } } },
      },
    };
    expect(ts(schema)).toBe('{\n// inner obj\nouter?:     // inner obj\n{\n    a?: string,\n    },\n}');
  });

  it('indents comments of nested members', () => {
    const schema = {
      type: 'object',
      properties: {
        o: {
          type: 'object',
          properties: { a: { type: 'string', title: 'T', description: 'D', default: 'x' } },
        },
      },
    };
    expect(ts(schema)).toBe(
      '{\no?: {\n    // T\n    //\n    // D\n    a?: string, // default: "x"\n    },\n}',
    );
  });
});

describe('jsonSchemaToTypeScript: nullable', () => {
  it('appends | null for nullable: true', () => {
    expect(ts({ type: 'object', properties: { a: { type: 'string', nullable: true } } })).toBe(
      '{\na?: string | null,\n}',
    );
  });

  it('only honours the boolean true', () => {
    expect(ts({ type: 'object', properties: { a: { type: 'string', nullable: 'true' } } })).toBe(
      '{\na?: string,\n}',
    );
    expect(ts({ type: 'object', properties: { a: { type: 'string', nullable: 1 } } })).toBe(
      '{\na?: string,\n}',
    );
  });

  it('is a substring test on the rendered type', () => {
    expect(
      ts({ type: 'object', properties: { a: { type: 'string', enum: ['nullable', 'x'], nullable: true } } }),
    ).toBe('{\na?: "nullable" | "x",\n}');
    expect(ts({ type: 'object', properties: { a: { type: ['string', 'null'], nullable: true } } })).toBe(
      '{\na?: string | null,\n}',
    );
  });

  it('is ignored on a top-level schema', () => {
    expect(ts({ type: 'string', nullable: true })).toBe('string');
  });

  it('applies to array types after the brackets', () => {
    expect(
      ts({ type: 'object', properties: { a: { type: 'array', items: { type: 'string' }, nullable: true } } }),
    ).toBe('{\na?: string[] | null,\n}');
  });
});

describe('jsonSchemaToTypeScript: defaults in object properties (DEFAULT3)', () => {
  const withDefault = (property: Record<string, unknown>): string =>
    ts({ type: 'object', properties: { a: property } });

  it('quotes string defaults raw, without escaping', () => {
    expect(withDefault({ type: 'string', default: 'x' })).toBe('{\na?: string, // default: "x"\n}');
    expect(withDefault({ type: 'string', default: 'say "hi"' })).toBe(
      '{\na?: string, // default: "say "hi""\n}',
    );
  });

  it('leaves string defaults of enum schemas unquoted', () => {
    expect(withDefault({ type: 'string', enum: ['celsius', 'fahrenheit'], default: 'celsius' })).toBe(
      '{\na?: "celsius" | "fahrenheit", // default: celsius\n}',
    );
  });

  it('quotes string defaults when the enum is empty', () => {
    expect(withDefault({ type: 'string', enum: [], default: 'x' })).toBe('{\na?: string, // default: "x"\n}');
  });

  it('writes other values as compact serde_json', () => {
    expect(withDefault({ type: 'number', default: 10 })).toBe('{\na?: number, // default: 10\n}');
    expect(withDefault({ type: 'number', default: -1 })).toBe('{\na?: number, // default: -1\n}');
    expect(withDefault({ type: 'number', default: 0.5 })).toBe('{\na?: number, // default: 0.5\n}');
    expect(withDefault({ type: 'number', default: 1e16 })).toBe('{\na?: number, // default: 1e16\n}');
    expect(withDefault({ type: 'number', default: 1e-6 })).toBe('{\na?: number, // default: 1e-6\n}');
    expect(withDefault({ type: 'number', default: 1.5e20 })).toBe('{\na?: number, // default: 1.5e20\n}');
    expect(withDefault({ type: 'boolean', default: false })).toBe('{\na?: boolean, // default: false\n}');
    expect(withDefault({ type: 'string', default: null })).toBe('{\na?: string, // default: null\n}');
    expect(withDefault({ type: 'array', default: [1, 'b"'] })).toBe(
      '{\na?: Array<any>, // default: [1,"b\\""]\n}',
    );
    expect(withDefault({ type: 'object', default: { k: 1, s: 'v' } })).toBe(
      '{\na?: {\n    }, // default: {"k":1,"s":"v"}\n}',
    );
  });

  it('renders a JSON 10.0 literal as 10 (JavaScript cannot tell them apart)', () => {
    expect(withDefault(JSON.parse('{"type":"number","default":10.0}') as Record<string, unknown>)).toBe(
      '{\na?: number, // default: 10\n}',
    );
  });

  it('adds the default after the nullable suffix and comma', () => {
    expect(withDefault({ type: 'string', nullable: true, default: 'd' })).toBe(
      '{\na?: string | null, // default: "d"\n}',
    );
  });

  it('skips description and default when oneOf is present but not an array', () => {
    expect(withDefault({ type: 'string', oneOf: 'x', description: 'D', default: 'd' })).toBe(
      '{\na?: string,\n}',
    );
    expect(withDefault({ oneOf: null, description: 'D', default: 'd' })).toBe('{\na?: any,\n}');
  });
});

describe('jsonSchemaToTypeScript: top-level oneOf (R1)', () => {
  it('starts with a newline and lists the variants', () => {
    expect(ts({ oneOf: [{ type: 'string' }, { type: 'number' }] })).toBe('\n | string\n | number');
  });

  it('takes precedence over type and ignores the schema description', () => {
    expect(ts({ type: 'object', description: 'x', oneOf: [{ type: 'string' }] })).toBe('\n | string');
  });

  it('renders an empty oneOf as the empty string', () => {
    expect(ts({ oneOf: [] })).toBe('');
  });

  it('adds nullable, description and two-way default comments per variant', () => {
    const schema = {
      oneOf: [
        { type: 'string', nullable: true, description: 'a string', default: 'x' },
        { type: 'string', enum: ['a', 'b'], default: 'a' },
        { type: 'number', default: 3 },
        { type: ['string', 'null'], nullable: true },
      ],
    };
    expect(ts(schema)).toBe(
      '\n | string | null // a string default: "x"\n | "a" | "b" // default: "a"\n | number // default: 3\n | string | null',
    );
  });

  it('indents nested objects of variants by three more spaces', () => {
    const schema = { oneOf: [{ type: 'object', properties: { a: { type: 'string' } } }] };
    expect(ts(schema, '  ')).toBe('\n   | {\n     a?: string,\n     }');
  });
});

describe('jsonSchemaToTypeScript: property-level oneOf', () => {
  it('matches the kitchensink golden rendering', () => {
    const schema = {
      type: 'object',
      properties: {
        oneof_string_or_number: {
          oneOf: [
            { type: 'string', default: 'default_string_in_oneof' },
            { type: 'number', description: 'numbers can happen too' },
          ],
          description: 'a oneof',
          default: 20,
        },
      },
    };
    expect(ts(schema)).toBe(
      '{\n// a oneof\n// default: 20\noneof_string_or_number?:\n | string // default: "default_string_in_oneof"\n | number // numbers can happen too\n,\n}',
    );
  });

  it('skips the property description when it equals the first variant description', () => {
    const schema = {
      type: 'object',
      properties: {
        a: {
          description: 'same',
          oneOf: [
            { type: 'string', description: 'same' },
            { type: 'number', description: 'same' },
          ],
        },
      },
      required: ['a'],
    };
    expect(ts(schema)).toBe('{\na:\n | string\n | number\n,\n}');
  });

  it('omits the first variant description when the property description is above', () => {
    const schema = {
      type: 'object',
      properties: {
        a: {
          description: 'P',
          oneOf: [
            { type: 'string', description: 'V1' },
            { type: 'number', description: 'V2' },
          ],
        },
      },
    };
    expect(ts(schema)).toBe('{\n// P\na?:\n | string\n | number // V2\n,\n}');
  });

  it('keeps variant descriptions without a property description', () => {
    const schema = {
      type: 'object',
      properties: { a: { oneOf: [{ type: 'string', description: 'V1' }, { type: 'number' }] } },
    };
    expect(ts(schema)).toBe('{\na?:\n | string // V1\n | number\n,\n}');
  });

  it('uses the three-way default rule for the property and the variants', () => {
    const schema = {
      type: 'object',
      properties: {
        a: {
          enum: ['x'],
          default: 'x',
          oneOf: [
            { type: 'string', enum: ['x', 'y'], default: 'y' },
            { type: 'string', default: 'z' },
            { type: 'boolean', default: true },
          ],
        },
      },
    };
    expect(ts(schema)).toBe(
      '{\n// default: x\na?:\n | "x" | "y" // default: y\n | string // default: "z"\n | boolean // default: true\n,\n}',
    );
  });

  it('puts the description and default after nullable and keeps title and examples above', () => {
    const schema = {
      type: 'object',
      properties: {
        a: {
          title: 'T',
          examples: ['e'],
          oneOf: [{ type: 'string', nullable: true, description: 'V', default: 'd' }],
        },
      },
    };
    expect(ts(schema)).toBe(
      '{\n// T\n//\n// Examples:\n// - "e"\na?:\n | string | null // V default: "d"\n,\n}',
    );
  });

  it('indents variants and the closing comma with the member indent', () => {
    const schema = {
      type: 'object',
      properties: {
        o: {
          type: 'object',
          properties: { a: { oneOf: [{ type: 'object', properties: { b: { type: 'string' } } }] } },
        },
      },
    };
    expect(ts(schema)).toBe('{\no?: {\n    a?:\n     | {\n       b?: string,\n       }\n    ,\n    },\n}');
  });

  it('renders an empty oneOf list as just the key and the comma', () => {
    expect(ts({ type: 'object', properties: { a: { oneOf: [], description: 'P' } } })).toBe(
      '{\n// P\na?:\n,\n}',
    );
  });
});

describe('jsonSchemaToTypeScript: non-object top-level schemas', () => {
  it('drops the description and default of a string schema (gpt-oss apply_patch)', () => {
    expect(ts({ type: 'string', description: 'The patch', default: 'x' })).toBe('string');
  });
});

describe('jsonSchemaToTypeScript: JavaScript objects that are not JSON', () => {
  it('rejects a schema that contains itself', () => {
    const schema: Record<string, unknown> = { type: 'array' };
    schema.items = schema;
    expect(() => ts(schema)).toThrow(HarmonyRenderError);
    const object: Record<string, unknown> = { type: 'object', properties: {} };
    (object.properties as Record<string, unknown>).self = object;
    expect(() => ts(object)).toThrow('cannot render a JSON Schema that contains itself');
  });

  it('accepts a sub-schema shared by several properties', () => {
    const shared = { type: 'string' };
    expect(ts({ type: 'object', properties: { a: shared, b: shared } })).toBe(
      '{\na?: string,\nb?: string,\n}',
    );
  });

  it('rejects a default value that contains itself', () => {
    const value: unknown[] = [];
    value.push(value);
    expect(() => ts({ type: 'object', properties: { a: { default: value } } })).toThrow(HarmonyRenderError);
  });

  it('is usable again after a rejected schema', () => {
    const schema: Record<string, unknown> = { type: 'array' };
    schema.items = schema;
    expect(() => ts(schema)).toThrow(HarmonyRenderError);
    expect(ts({ type: 'array', items: { type: 'string' } })).toBe('string[]');
  });
});
