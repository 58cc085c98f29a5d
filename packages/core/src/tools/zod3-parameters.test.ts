import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { z as z3 } from 'zod/v3';
import { ToolDefinitionError } from '../errors.js';
import { renderToolsSection } from '../harmony/tools-section.js';
import { defineTool } from './define-tool.js';
import { functionToolsNamespace } from './function-namespace.js';
import type { ToolContext } from './types.js';

const context: ToolContext = {
  signal: new AbortController().signal,
  callId: 'call-1',
  step: 1,
  recipient: 'functions.plan_trip',
  channel: 'commentary',
  context: undefined,
};

/** One schema written twice, with every construct the normalizer handles. */
const zod4Parameters = z.object({
  city: z.string().min(1).describe('The city and country, e.g. Paris, France'),
  format: z.enum(['celsius', 'fahrenheit']).default('celsius'),
  days: z.number().int().min(1).max(14).optional().describe('How many days'),
  tags: z.array(z.string()).describe('Labels'),
  unit: z.literal('metric'),
  id: z.union([z.string(), z.number()]),
  note: z.string().nullable(),
  budget: z.object({ amount: z.number(), currency: z.string().length(3) }).optional(),
  stops: z.array(z.object({ name: z.string(), nights: z.number().int().default(1) })),
  mode: z.union([z.literal('train'), z.literal('plane')]),
  when: z.coerce.date(),
  extra: z.record(z.string(), z.string()).optional(),
});
const zod3Parameters = z3.object({
  city: z3.string().min(1).describe('The city and country, e.g. Paris, France'),
  format: z3.enum(['celsius', 'fahrenheit']).default('celsius'),
  days: z3.number().int().min(1).max(14).optional().describe('How many days'),
  tags: z3.array(z3.string()).describe('Labels'),
  unit: z3.literal('metric'),
  id: z3.union([z3.string(), z3.number()]),
  note: z3.string().nullable(),
  budget: z3.object({ amount: z3.number(), currency: z3.string().length(3) }).optional(),
  stops: z3.array(z3.object({ name: z3.string(), nights: z3.number().int().default(1) })),
  mode: z3.union([z3.literal('train'), z3.literal('plane')]),
  when: z3.coerce.date(),
  extra: z3.record(z3.string(), z3.string()).optional(),
});

function planTrip(parameters: typeof zod4Parameters | typeof zod3Parameters) {
  return defineTool({
    name: 'plan_trip',
    description: 'Plans a trip.',
    parameters: parameters as typeof zod4Parameters,
    execute: (args) => args,
  });
}

describe('zod 3 tool parameters', () => {
  it('render exactly as the same zod 4 schema does', () => {
    const fromZod4 = planTrip(zod4Parameters);
    const fromZod3 = planTrip(zod3Parameters);
    expect(fromZod3.parameters).toEqual(fromZod4.parameters);
    expect(fromZod3.jsonSchema).toEqual(fromZod4.jsonSchema);
    const render = (tool: typeof fromZod4) =>
      renderToolsSection({ functions: functionToolsNamespace([tool]) });
    expect(render(fromZod3)).toBe(render(fromZod4));
    expect(render(fromZod3)).toContain('format?: "celsius" | "fahrenheit", // default: celsius');
  });

  it('validate with zod 3: defaults and coercion apply, issues name the field', () => {
    const tool = defineTool({
      name: 'plan_trip',
      description: '',
      parameters: zod3Parameters,
      execute: (args) => args,
    });
    const valid = tool.validate({
      city: 'Paris',
      tags: [],
      unit: 'metric',
      id: 7,
      note: null,
      stops: [{ name: 'Lyon' }],
      mode: 'train',
      when: '2026-07-14T10:00:00Z',
    });
    expect(valid.success).toBe(true);
    if (!valid.success) return;
    expect(valid.value.format).toBe('celsius');
    expect(valid.value.stops).toEqual([{ name: 'Lyon', nights: 1 }]);
    expect(valid.value.when).toEqual(new Date('2026-07-14T10:00:00Z'));

    const invalid = tool.validate({
      city: 3,
      tags: [],
      unit: 'metric',
      id: 1,
      note: null,
      stops: [],
      mode: 'boat',
      when: 'x',
    });
    expect(invalid.success).toBe(false);
    if (invalid.success) return;
    expect(invalid.issues).toContain('city: Expected string, received number');
    expect(invalid.issues.some((issue) => issue.startsWith('mode: '))).toBe(true);
    expect(invalid.issues).toContain('when: Invalid date');
  });

  it('run execute with the parsed value', async () => {
    const tool = defineTool({
      name: 'shout',
      description: '',
      parameters: z3.object({ text: z3.string().transform((text) => text.toUpperCase()) }),
      execute: ({ text }) => `${text}!`,
    });
    const validated = tool.validate({ text: 'hi' });
    expect(validated).toEqual({ success: true, value: { text: 'HI' } });
    if (validated.success) expect(await tool.execute(validated.value, context)).toBe('HI!');
    expect(tool.parameters).toEqual({
      type: 'object',
      properties: { text: { type: 'string' } },
      required: ['text'],
    });
  });

  it('refuse what zod 4 schemas refuse: types JSON cannot carry, non-object roots, async refinements', () => {
    const attempt = (parameters: unknown) => () =>
      defineTool({
        name: 'tool',
        description: '',
        parameters: parameters as typeof zod3Parameters,
        execute: () => null,
      });
    expect(
      attempt(
        z3.object({ when: z3.date(), nested: z3.object({ big: z3.bigint() }), tags: z3.set(z3.string()) }),
      ),
    ).toThrow(/cannot be received as JSON: when: z\.date\(\), nested\.big: z\.bigint\(\), tags: z\.set\(\)/);
    expect(attempt(z3.string())).toThrow(/parameters must describe an object/);
    const asyncTool = defineTool({
      name: 'tool',
      description: '',
      parameters: z3.object({ a: z3.string().refine(async () => true) }),
      execute: () => null,
    });
    expect(() => asyncTool.validate({ a: 'x' })).toThrow(ToolDefinitionError);
    expect(() => asyncTool.validate({ a: 'x' })).toThrow(/async refinements or transforms/);
  });

  it('keep strictness: z.object strips unknown keys, .strict() refuses them', () => {
    const stripped = defineTool({
      name: 't',
      description: '',
      parameters: z3.object({ a: z3.string() }),
      execute: (args) => args,
    });
    expect(stripped.validate({ a: 'x', b: 1 })).toEqual({ success: true, value: { a: 'x' } });
    const strict = defineTool({
      name: 't',
      description: '',
      parameters: z3.object({ a: z3.string() }).strict(),
      execute: (args) => args,
    });
    expect(strict.parameters).toEqual(
      defineTool({
        name: 't',
        description: '',
        parameters: z.strictObject({ a: z.string() }),
        execute: () => null,
      }).parameters,
    );
    expect(strict.validate({ a: 'x', b: 1 }).success).toBe(false);
  });
});
