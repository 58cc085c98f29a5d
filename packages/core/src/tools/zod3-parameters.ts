/**
 * zod 3 support for tool parameters: JSON Schema through `zod-to-json-schema`, validation with the
 * schema's own `safeParse`. zod 4 schemas use zod's converter instead (see `zod-parameters.ts`).
 */

import { ignoreOverride, zodToJsonSchema } from 'zod-to-json-schema';
import { ToolDefinitionError } from '../errors.js';
import type { ValidationResult } from './types.js';
import { formatIssuePath } from './validate-json-schema.js';

/**
 * A zod 3 schema whose input is an object (`z.object(...)` from zod 3.25+, or from `zod/v3` of zod 4),
 * usable as tool parameters. Only the members `defineTool` uses are named.
 */
export interface Zod3ToolParameters<TOutput = unknown> {
  /** zod 3's schema definition. */
  readonly _def: unknown;
  /** The type of the parsed value (a type-level member of every zod 3 schema). */
  readonly _output: TOutput;
  /** The type of the accepted input: an object. */
  readonly _input: Record<string, unknown>;
  /** zod 3's synchronous validation. */
  safeParse(data: unknown): unknown;
}

/** zod 3 type names whose values cannot arrive in JSON arguments (the model writes JSON). */
const NOT_FROM_JSON = new Map([
  ['ZodDate', 'date'],
  ['ZodBigInt', 'bigint'],
  ['ZodSet', 'set'],
  ['ZodMap', 'map'],
  ['ZodSymbol', 'symbol'],
  ['ZodNaN', 'nan'],
  ['ZodUndefined', 'undefined'],
  ['ZodVoid', 'void'],
  ['ZodPromise', 'promise'],
  ['ZodFunction', 'function'],
]);

interface Zod3Definition {
  readonly typeName?: string;
  readonly coerce?: boolean;
}

/**
 * Converts the input side of a zod 3 schema to JSON Schema with `zod-to-json-schema` (references
 * inlined, transforms and pipes read on their input side, only strict objects closed), with the same
 * rules as for zod 4: `z.coerce.date()` is an ISO 8601 string, `z.coerce.bigint()` a string of digits,
 * other types JSON cannot carry are refused.
 *
 * @throws {@link ToolDefinitionError} naming each offending field, or if the schema cannot be converted.
 */
export function zod3ParametersToJsonSchema(schema: Zod3ToolParameters, toolName: string): unknown {
  const problems: string[] = [];
  let jsonSchema: unknown;
  try {
    jsonSchema = zodToJsonSchema(schema as never, {
      $refStrategy: 'none',
      target: 'jsonSchema2019-09',
      effectStrategy: 'input',
      pipeStrategy: 'input',
      removeAdditionalStrategy: 'strict',
      override: (definition, refs) => {
        const { typeName, coerce } = definition as Zod3Definition;
        if (typeName === 'ZodDate' && coerce === true) return { type: 'string', format: 'date-time' };
        if (typeName === 'ZodBigInt' && coerce === true) return { type: 'string', pattern: '^-?[0-9]+$' };
        const name = typeName === undefined ? undefined : NOT_FROM_JSON.get(typeName);
        if (name !== undefined) problems.push(`${pathToField(refs.currentPath)}: z.${name}()`);
        return ignoreOverride;
      },
    });
  } catch (error) {
    throw new ToolDefinitionError(
      `Tool "${toolName}": its zod 3 parameters cannot be converted to JSON Schema: ${(error as Error).message}`,
      { toolName, cause: error },
    );
  }
  if (problems.length > 0) {
    throw new ToolDefinitionError(
      `Tool "${toolName}": these parameters cannot be received as JSON: ${[...new Set(problems)].join(', ')}. ` +
        'Use a JSON type instead, e.g. z.string().datetime() or z.coerce.date() for dates, ' +
        'z.coerce.bigint() or z.number().int() for big integers, z.array() for sets, z.record() for maps.',
      { toolName },
    );
  }
  return jsonSchema;
}

/** Turns zod-to-json-schema's path (`['#', 'properties', 'rows', 'items', 'properties', 'id']`) into `rows[].id`. */
function pathToField(path: readonly string[]): string {
  let field = '';
  for (let index = 0; index < path.length; index += 1) {
    const segment = path[index];
    if (segment === 'properties' && index + 1 < path.length) {
      index += 1;
      field += field === '' ? String(path[index]) : `.${String(path[index])}`;
    } else if (segment === 'items' || segment === 'additionalProperties') {
      field += '[]';
    }
  }
  return field === '' ? '(parameters)' : field;
}

interface Zod3Issue {
  readonly path: readonly (string | number)[];
  readonly message: string;
}

type Zod3SafeParseResult =
  | { readonly success: true; readonly data: unknown }
  | { readonly success: false; readonly error: { readonly issues: readonly Zod3Issue[] } };

/**
 * Validates arguments with a zod 3 schema's `safeParse` (defaults, transforms and refinements apply).
 * @throws {@link ToolDefinitionError} if the schema has async refinements or transforms.
 */
export function validateWithZod3(
  name: string,
  schema: Zod3ToolParameters,
  args: unknown,
): ValidationResult<unknown> {
  let result: Zod3SafeParseResult;
  try {
    result = schema.safeParse(args) as Zod3SafeParseResult;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (/asynchronous|parseAsync/i.test(message)) {
      throw new ToolDefinitionError(
        `Tool "${name}": its parameters use async refinements or transforms, which tools do not support`,
        { toolName: name, cause: error },
      );
    }
    return { success: false, issues: [`Invalid input: ${message}`] };
  }
  if (result.success) return { success: true, value: result.data };
  return {
    success: false,
    issues: result.error.issues.map((issue) => {
      const path = formatIssuePath(issue.path);
      return path === '' ? issue.message : `${path}: ${issue.message}`;
    }),
  };
}
