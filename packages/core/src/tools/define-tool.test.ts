import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { z as z3 } from 'zod/v3';
import { ToolDefinitionError } from '../errors.js';
import { renderToolsSection } from '../harmony/tools-section.js';
import { defineTool, validateToolSet } from './define-tool.js';
import { functionToolsNamespace } from './function-namespace.js';
import type { BuiltinTool, Tool, ToolContext } from './types.js';

const getCurrentLocation = defineTool({
  name: 'get_current_location',
  description: 'Gets the location of the user.',
  parameters: z.object({
    userid: z.string().describe('The user id'),
    max_len: z.number().int().optional(),
  }),
  execute: ({ userid }) => ({ userid, city: 'Paris' }),
});

const getCurrentTemperature = defineTool({
  name: 'get_current_temperature',
  description: 'Gets the current temperature at a location.',
  parameters: z.object({
    location: z.string(),
    format: z.enum(['celsius', 'fahrenheit']).default('celsius'),
  }),
  execute: ({ location, format }) => `21 degrees ${format} in ${location}`,
  timeoutMs: 5000,
});

const context: ToolContext = {
  signal: new AbortController().signal,
  callId: 'call-1',
  step: 1,
  recipient: 'functions.get_current_temperature',
  channel: 'commentary',
  context: undefined,
};

function builtin(name: string): BuiltinTool {
  return { kind: 'builtin', namespace: { name, tools: [] }, timeoutMs: undefined, execute: () => '' };
}

/** A tool with the given parameters, for tests about parameters only. */
function toolWith(parameters: unknown) {
  return defineTool({
    name: 'tool',
    description: '',
    parameters: parameters as z.ZodObject,
    execute: () => null,
  });
}

describe('defineTool: rendering', () => {
  it('renders the weather tools the way openai-harmony renders hand-written schemas', () => {
    const text = renderToolsSection({
      functions: functionToolsNamespace([getCurrentLocation, getCurrentTemperature]),
    });
    expect(text).toMatchInlineSnapshot(`
      "# Tools

      ## functions

      namespace functions {

      // Gets the location of the user.
      type get_current_location = (_: {
      // The user id
      userid: string,
      max_len?: number,
      }) => any;

      // Gets the current temperature at a location.
      type get_current_temperature = (_: {
      location: string,
      format?: "celsius" | "fahrenheit", // default: celsius
      }) => any;

      } // namespace functions"
    `);
  });

  it('returns a frozen function tool with normalized and standard schemas', () => {
    const tool = defineTool({
      name: 'search',
      description: 'Searches.',
      parameters: z.object({ query: z.string(), page: z.int().nullable() }),
      execute: () => [],
    });
    expect(Object.isFrozen(tool)).toBe(true);
    expect(tool.kind).toBe('function');
    expect(tool.timeoutMs).toBeUndefined();
    expect(tool.parameters).toEqual({
      type: 'object',
      properties: { query: { type: 'string' }, page: { type: 'integer', nullable: true } },
      required: ['query', 'page'],
    });
    expect(tool.jsonSchema).toEqual({
      type: 'object',
      properties: { query: { type: 'string' }, page: { type: ['integer', 'null'] } },
      required: ['query', 'page'],
    });
  });

  it('accepts a transformed object and renders its input side', () => {
    const tool = defineTool({
      name: 'greet',
      description: '',
      parameters: z
        .object({ name: z.string().transform((name) => name.trim()) })
        .transform(({ name }) => ({ name, length: name.length })),
      execute: ({ length }) => length,
    });
    expect(tool.parameters).toEqual({
      type: 'object',
      properties: { name: { type: 'string' } },
      required: ['name'],
    });
    expect(tool.validate({ name: ' Ada ' })).toEqual({ success: true, value: { name: 'Ada', length: 3 } });
  });
});

describe('defineTool: validation', () => {
  it('applies defaults and passes the validated arguments to execute', async () => {
    const validated = getCurrentTemperature.validate({ location: 'Paris' });
    expect(validated).toEqual({ success: true, value: { location: 'Paris', format: 'celsius' } });
    if (!validated.success) throw new Error('unreachable');
    expect(await getCurrentTemperature.execute(validated.value, context)).toBe('21 degrees celsius in Paris');
  });

  it('reports readable issues with paths', () => {
    expect(getCurrentLocation.validate({ userid: 42, max_len: 1.5 })).toEqual({
      success: false,
      issues: [
        'userid: Invalid input: expected string, received number',
        'max_len: Invalid input: expected int, received number',
      ],
    });
    expect(getCurrentTemperature.validate({ location: 'Paris', format: 'kelvin' })).toEqual({
      success: false,
      issues: ['format: Invalid option: expected one of "celsius"|"fahrenheit"'],
    });
    expect(getCurrentLocation.validate([])).toEqual({
      success: false,
      issues: ['Invalid input: expected object, received array'],
    });
  });

  it('reports nested paths, refinements and union type mismatches', () => {
    const tool = toolWith(
      z.object({
        rows: z.array(z.object({ id: z.int() })),
        id: z.union([z.string(), z.number()]),
        email: z.string().refine((text) => text.includes('@'), 'Must contain @'),
      }),
    );
    expect(tool.validate({ rows: [{ id: 1 }, { id: 'x' }], id: true, email: 'nope' })).toEqual({
      success: false,
      issues: [
        'rows[1].id: Invalid input: expected number, received string',
        'id: Invalid input: expected string | number, received boolean',
        'email: Must contain @',
      ],
    });
  });

  it('handles unknown keys as the zod object says: strip, reject or keep', () => {
    const shape = { a: z.string() };
    expect(toolWith(z.object(shape)).validate({ a: 'x', extra: 1 })).toEqual({
      success: true,
      value: { a: 'x' },
    });
    expect(toolWith(z.strictObject(shape)).validate({ a: 'x', extra: 1 })).toEqual({
      success: false,
      issues: ['Unrecognized key: "extra"'],
    });
    expect(toolWith(z.looseObject(shape)).validate({ a: 'x', extra: 1 })).toEqual({
      success: true,
      value: { a: 'x', extra: 1 },
    });
  });

  it('turns a throwing transform into an issue and refuses async refinements', () => {
    const throwing = toolWith(
      z.object({
        when: z.string().transform((text) => {
          throw new RangeError(`bad date ${text}`);
        }),
      }),
    );
    expect(throwing.validate({ when: 'x' })).toEqual({
      success: false,
      issues: ['Invalid input: bad date x'],
    });
    const asynchronous = toolWith(z.object({ a: z.string().refine(async () => true) }));
    expect(() => asynchronous.validate({ a: 'x' })).toThrow(ToolDefinitionError);
  });

  it('converts coerced dates and big integers from strings', () => {
    const tool = toolWith(z.object({ when: z.coerce.date(), amount: z.coerce.bigint() }));
    expect(tool.parameters).toEqual({
      type: 'object',
      properties: {
        when: { type: 'string', format: 'date-time' },
        amount: { type: 'string', pattern: '^-?[0-9]+$' },
      },
      required: ['when', 'amount'],
    });
    expect(tool.validate({ when: '2025-08-05T10:00:00Z', amount: '12345678901234567890' })).toEqual({
      success: true,
      value: { when: new Date('2025-08-05T10:00:00Z'), amount: 12345678901234567890n },
    });
  });

  it('renders z.custom() as any and still validates it with zod', () => {
    const tool = toolWith(
      z.object({ even: z.custom<number>((value) => typeof value === 'number' && value % 2 === 0) }),
    );
    expect(tool.parameters).toEqual({ type: 'object', properties: { even: {} }, required: ['even'] });
    expect(tool.validate({ even: 3 }).success).toBe(false);
    expect(tool.validate({ even: 4 }).success).toBe(true);
  });
});

describe('defineTool: raw JSON Schema parameters', () => {
  const weather = defineTool<{ city: string; unit: 'c' | 'f' }>({
    name: 'weather',
    description: 'Weather for a city.',
    parameters: {
      type: 'object',
      properties: {
        city: { type: 'string', minLength: 1 },
        unit: { anyOf: [{ const: 'c' }, { const: 'f' }], default: 'c' },
      },
      required: ['city'],
    },
    execute: ({ city, unit }) => `${city}: 20${unit}`,
  });

  it('normalizes the schema and validates with the built-in validator, filling defaults', () => {
    expect(weather.parameters).toEqual({
      type: 'object',
      properties: {
        city: { type: 'string', minLength: 1 },
        unit: { type: 'string', enum: ['c', 'f'], default: 'c' },
      },
      required: ['city'],
    });
    expect(weather.validate({ city: 'Oslo', extra: true })).toEqual({
      success: true,
      value: { city: 'Oslo', extra: true, unit: 'c' },
    });
    expect(weather.validate({ city: '', unit: 'k' })).toEqual({
      success: false,
      issues: [
        'city: Too small: expected string to have >=1 characters',
        'unit: Invalid option: expected one of "c"|"f"',
      ],
    });
  });

  it('refuses a schema that is not an object schema or cannot be normalized', () => {
    expect(() => toolWith({ type: 'string' })).toThrow(/parameters must describe an object/);
    expect(() => toolWith({ type: 'object', nullable: true })).toThrow(/parameters must describe an object/);
    expect(() => toolWith({ $ref: 'other.json' })).toThrow(
      expect.objectContaining({
        name: 'ToolDefinitionError',
        toolName: 'tool',
        message: expect.stringContaining('$ref'),
      }),
    );
  });
});

describe('defineTool: definition checks', () => {
  const base = { description: 'd', parameters: z.object({}), execute: () => null };

  it.each(['1st', 'get-weather', 'functions.get', '', 'météo', 'a b'])('refuses the name %j', (name) => {
    expect(() => defineTool({ ...base, name })).toThrow(ToolDefinitionError);
  });

  it('accepts identifiers', () => {
    for (const name of ['a', '_private', 'getWeather2', 'GET_WEATHER']) {
      expect(defineTool({ ...base, name }).name).toBe(name);
    }
  });

  it('checks the description, execute and timeoutMs', () => {
    expect(() => defineTool({ ...base, name: 'a', description: undefined as unknown as string })).toThrow(
      'Tool "a": description must be a string',
    );
    expect(() => defineTool({ ...base, name: 'a', execute: 'no' as unknown as () => null })).toThrow(
      /execute must be a function/,
    );
    for (const timeoutMs of [0, -1, Number.NaN, Number.POSITIVE_INFINITY, 3_000_000_000]) {
      expect(() => defineTool({ ...base, name: 'a', timeoutMs })).toThrow(
        /timeoutMs must be a positive number/,
      );
    }
    expect(defineTool({ ...base, name: 'a', timeoutMs: 1500 }).timeoutMs).toBe(1500);
  });

  it('refuses parameters that are not an object schema', () => {
    expect(() => toolWith(z.string())).toThrow(/parameters must describe an object/);
    expect(() => toolWith(z.union([z.object({ a: z.string() }), z.object({ b: z.string() })]))).toThrow(
      /got "a union"/,
    );
    expect(() => toolWith(null)).toThrow(/must be a zod object schema/);
  });

  it('accepts zod 3 schemas (see zod3-parameters.test.ts) and refuses other Standard Schema libraries', () => {
    expect(toolWith(z3.object({ a: z3.string() })).parameters).toEqual(
      toolWith(z.object({ a: z.string() })).parameters,
    );
    const otherLibrary = {
      type: 'object',
      '~standard': { version: 1, vendor: 'other', validate: () => ({ value: {} }) },
    };
    expect(() => toolWith(otherLibrary)).toThrow(/Standard Schema from a library other than zod 4/);
  });

  it('names the fields JSON cannot carry', () => {
    expect(() =>
      toolWith(z.object({ when: z.date(), tags: z.set(z.string()), nested: z.object({ big: z.bigint() }) })),
    ).toThrow(
      expect.objectContaining({
        toolName: 'tool',
        message: expect.stringMatching(/cannot be received as JSON: .*when: z\.date\(\)/),
      }),
    );
    expect(() => toolWith(z.object({ nested: z.object({ big: z.bigint() }) }))).toThrow(
      /nested\.big: z\.bigint\(\)/,
    );
    expect(() => toolWith(z.object({ tags: z.array(z.set(z.string())) }))).toThrow(/tags\[\]: z\.set\(\)/);
  });
});

describe('validateToolSet', () => {
  it('accepts function tools and built-in tools with distinct names', () => {
    expect(() =>
      validateToolSet([getCurrentLocation, getCurrentTemperature, builtin('browser'), builtin('python')]),
    ).not.toThrow();
    expect(() => validateToolSet([])).not.toThrow();
  });

  it('refuses duplicate function names and duplicate namespaces', () => {
    expect(() => validateToolSet([getCurrentLocation, getCurrentLocation])).toThrow(
      'Duplicate tool name "get_current_location": function tool names must be unique',
    );
    expect(() => validateToolSet([builtin('python'), builtin('python')])).toThrow(
      'Duplicate built-in tool namespace "python"',
    );
  });

  it('refuses a function named like a built-in namespace of the same list', () => {
    const browser = defineTool({
      name: 'browser',
      description: '',
      parameters: z.object({}),
      execute: () => null,
    });
    expect(() => validateToolSet([browser])).not.toThrow();
    expect(() => validateToolSet([browser, builtin('browser')])).toThrow(
      /has the name of the built-in "browser" namespace/,
    );
  });

  // Defect 13 (0.1): a namespace name is written into the system message as `## <name>`: a line break
  // in it wrote free text (a heading of the attacker's choice) into the tools section.
  it('refuses a built-in namespace or namespace tool whose name is not an identifier', () => {
    for (const name of ['x\n## evil', 'x y', '', '1x', 'a-b', 'a.b', '<|end|>', 'é']) {
      expect(() => validateToolSet([builtin(name)])).toThrow(ToolDefinitionError);
      expect(() => validateToolSet([builtin(name)])).toThrow(/Invalid built-in tool namespace/);
    }
    const withTool = (toolName: unknown): Tool => {
      const tool = builtin('browser') as { namespace: object };
      return {
        ...tool,
        namespace: { ...tool.namespace, tools: [{ name: toolName, description: '' }] },
      } as unknown as Tool;
    };
    expect(() => validateToolSet([withTool('search')])).not.toThrow();
    expect(() => validateToolSet([withTool('search\n## evil')])).toThrow(
      /Invalid tool name "search\\n## evil" in the built-in "browser" namespace/,
    );
    expect(() => validateToolSet([withTool(42)])).toThrow(ToolDefinitionError);
  });

  it('refuses a built-in namespace called functions, and entries that are not tools', () => {
    expect(() => validateToolSet([builtin('functions')])).toThrow(/other than "functions"/);
    expect(() => validateToolSet([{ kind: 'function', name: 'x' } as unknown as Tool])).toThrow(
      /create it with defineTool/,
    );
    expect(() =>
      validateToolSet([
        { kind: 'function', name: 'bad name', validate() {}, execute() {} } as unknown as Tool,
      ]),
    ).toThrow(/Invalid tool name "bad name"/);
    expect(() => validateToolSet([null as unknown as Tool])).toThrow(ToolDefinitionError);
    expect(() => validateToolSet('tools' as unknown as Tool[])).toThrow('tools must be an array');
  });
});
