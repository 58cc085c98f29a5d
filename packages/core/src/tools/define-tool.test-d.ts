import { describe, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import { z as z3 } from 'zod/v3';
import { defineTool } from './define-tool.js';
import type { FunctionTool, Tool, ToolContext, ValidationResult } from './types.js';

interface TemperatureArgs {
  location: string;
  format: 'celsius' | 'fahrenheit';
  limit?: number | undefined;
}

describe('defineTool types: zod schemas', () => {
  it('infers execute arguments: optional fields optional, defaulted fields present', () => {
    const tool = defineTool({
      name: 'get_current_temperature',
      description: '',
      parameters: z.object({
        location: z.string(),
        format: z.enum(['celsius', 'fahrenheit']).default('celsius'),
        limit: z.number().optional(),
      }),
      execute: (args, context) => {
        expectTypeOf(args).toEqualTypeOf<TemperatureArgs>();
        expectTypeOf(args.format).toEqualTypeOf<'celsius' | 'fahrenheit'>();
        expectTypeOf(context).toEqualTypeOf<ToolContext>();
        return { degrees: 21 };
      },
    });
    expectTypeOf(tool).toEqualTypeOf<FunctionTool<TemperatureArgs, { degrees: number }>>();
    expectTypeOf(tool.validate).returns.toEqualTypeOf<ValidationResult<TemperatureArgs>>();
    expectTypeOf(tool).toExtend<Tool>();
  });

  it('uses the output side of transforms and the resolved value of async execute', () => {
    const tool = defineTool({
      name: 'count',
      description: '',
      parameters: z.object({ text: z.string().transform((text) => text.length) }),
      execute: async ({ text }) => {
        expectTypeOf(text).toEqualTypeOf<number>();
        return text * 2;
      },
    });
    expectTypeOf(tool).toEqualTypeOf<FunctionTool<{ text: number }, number>>();
  });

  it('accepts strict and loose objects', () => {
    const strict = defineTool({
      name: 'a',
      description: '',
      parameters: z.strictObject({ id: z.int() }),
      execute: ({ id }) => id,
    });
    expectTypeOf(strict).toEqualTypeOf<FunctionTool<{ id: number }, number>>();
    const loose = defineTool({
      name: 'b',
      description: '',
      parameters: z.looseObject({ id: z.int() }),
      execute: (args) => args,
    });
    expectTypeOf(loose.validate).returns.toEqualTypeOf<
      ValidationResult<{ [key: string]: unknown; id: number }>
    >();
  });

  it('infers execute arguments from zod 3 object schemas', () => {
    const tool = defineTool({
      name: 'c',
      description: '',
      parameters: z3.object({ city: z3.string(), days: z3.number().default(1) }),
      execute: (args) => {
        expectTypeOf(args).toEqualTypeOf<{ city: string; days: number }>();
        return args.days;
      },
    });
    expectTypeOf(tool).toEqualTypeOf<FunctionTool<{ city: string; days: number }, number>>();
  });

  it('refuses schemas that do not describe an object', () => {
    defineTool({
      name: 'a',
      description: '',
      // @ts-expect-error parameters must be an object schema
      parameters: z.string(),
      execute: () => null,
    });
    defineTool({
      name: 'b',
      description: '',
      // @ts-expect-error a zod 3 schema must be an object schema too
      parameters: z3.string(),
      execute: () => null,
    });
  });

  it('checks the arguments execute declares against the schema', () => {
    // @ts-expect-error city is a string, not a number
    defineTool({
      name: 'a',
      description: '',
      parameters: z.object({ city: z.string() }),
      execute: (args: { city: number }) => args.city,
    });
  });
});

describe('defineTool types: raw JSON Schema', () => {
  it('gives unknown arguments by default', () => {
    const tool = defineTool({
      name: 'raw',
      description: '',
      parameters: { type: 'object', properties: { city: { type: 'string' } } },
      execute: (args) => {
        expectTypeOf(args).toEqualTypeOf<unknown>();
        return 'ok';
      },
    });
    expectTypeOf(tool).toEqualTypeOf<FunctionTool<unknown, string>>();
  });

  it('uses the argument type given as a type parameter', () => {
    const tool = defineTool<{ city: string }>({
      name: 'raw',
      description: '',
      parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
      execute: ({ city }) => {
        expectTypeOf(city).toEqualTypeOf<string>();
        return city;
      },
    });
    expectTypeOf(tool).toEqualTypeOf<FunctionTool<{ city: string }, unknown>>();
  });
});
