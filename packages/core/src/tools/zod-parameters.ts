/**
 * zod 4 support for tool parameters: JSON Schema conversion and readable validation issues.
 */

import type * as z4 from 'zod/v4/core';
import { toJSONSchema } from 'zod/v4/core';
import { ToolDefinitionError } from '../errors.js';
import { isRecord } from './json-values.js';
import { describeReceived, formatIssuePath } from './validate-json-schema.js';

/** zod types whose values cannot arrive in JSON arguments (the model writes JSON). */
const NOT_FROM_JSON = new Set([
  'date',
  'bigint',
  'set',
  'map',
  'symbol',
  'nan',
  'undefined',
  'void',
  'file',
  'promise',
]);

/** Returns true for a zod 4 schema (classic or mini; also zod 3.25's `zod/v4`). */
export function isZod4Schema(value: unknown): value is z4.$ZodType {
  return isRecord(value) && isRecord(value._zod) && isRecord(value._zod.def);
}

/** Returns true for a zod 3 schema (`_def` without zod 4's `_zod`). */
export function isZod3Schema(value: unknown): boolean {
  return isRecord(value) && isRecord(value._def) && !('_zod' in value);
}

/**
 * Converts the input side of a zod 4 schema to JSON Schema (draft 2020-12, `io: 'input'`, so a
 * field with `.default()` is optional and keeps its `default`).
 *
 * Types that JSON cannot carry are refused, except `z.coerce.date()` (an ISO 8601 string, rendered
 * `string`, `format: 'date-time'`) and `z.coerce.bigint()` (a string of digits). `z.custom()` and
 * other schemas without a JSON Schema form become `{}` (rendered `any`); zod still validates them.
 *
 * @throws {@link ToolDefinitionError} naming each offending field, or if zod cannot convert the schema.
 */
export function zodParametersToJsonSchema(schema: z4.$ZodType, toolName: string): unknown {
  const problems: string[] = [];
  let jsonSchema: unknown;
  try {
    jsonSchema = toJSONSchema(schema, {
      io: 'input',
      unrepresentable: 'any',
      override: ({ zodSchema, jsonSchema: generated, path }) => {
        const definition = zodSchema._zod.def as { type: string; coerce?: boolean };
        if (definition.type === 'date' && definition.coerce === true) {
          Object.assign(generated, { type: 'string', format: 'date-time' });
        } else if (definition.type === 'bigint' && definition.coerce === true) {
          Object.assign(generated, { type: 'string', pattern: '^-?[0-9]+$' });
        } else if (NOT_FROM_JSON.has(definition.type)) {
          problems.push(`${jsonSchemaPathToField(path)}: z.${definition.type}()`);
        }
      },
    });
  } catch (error) {
    throw new ToolDefinitionError(
      `Tool "${toolName}": its parameters cannot be converted to JSON Schema: ${(error as Error).message}`,
      { toolName, cause: error },
    );
  }
  if (problems.length > 0) {
    throw new ToolDefinitionError(
      `Tool "${toolName}": these parameters cannot be received as JSON: ${[...new Set(problems)].join(', ')}. ` +
        'Use a JSON type instead, e.g. z.iso.datetime() or z.coerce.date() for dates, ' +
        'z.coerce.bigint() or z.int() for big integers, z.array() for sets, z.record() for maps.',
      { toolName },
    );
  }
  return jsonSchema;
}

/** Turns zod's JSON Schema path (`['properties', 'rows', 'items', 'properties', 'id']`) into `rows[].id`. */
function jsonSchemaPathToField(path: readonly (string | number)[]): string {
  let field = '';
  for (let index = 0; index < path.length; index += 1) {
    const segment = path[index];
    if ((segment === 'properties' || segment === '$defs') && index + 1 < path.length) {
      index += 1;
      field += field === '' ? String(path[index]) : `.${String(path[index])}`;
    } else if (segment === 'items' || segment === 'prefixItems' || segment === 'additionalProperties') {
      field += '[]';
    }
  }
  return field === '' ? '(parameters)' : field;
}

/**
 * Formats zod issues as `path: message` lines (`userid: Invalid input: expected string, received number`).
 * A union whose branches all failed on the type is reported as `expected string | number, received boolean`.
 */
export function formatZodIssues(issues: readonly z4.$ZodIssue[], input: unknown): string[] {
  return issues.map((issue) => {
    const message = issue.code === 'invalid_union' ? unionMessage(issue, input) : issue.message;
    const path = formatIssuePath(issue.path);
    return path === '' ? message : `${path}: ${message}`;
  });
}

function unionMessage(issue: z4.$ZodIssueInvalidUnion, input: unknown): string {
  const expected: string[] = [];
  for (const branch of issue.errors) {
    const only = branch[0];
    if (branch.length !== 1 || only?.code !== 'invalid_type' || only.path.length !== 0) {
      return issue.message;
    }
    expected.push(only.expected);
  }
  if (expected.length === 0) {
    return issue.message;
  }
  const value = issue.path.reduce<unknown>(
    (current, key) =>
      isRecord(current) || Array.isArray(current)
        ? (current as Record<PropertyKey, unknown>)[key]
        : undefined,
    input,
  );
  return `Invalid input: expected ${[...new Set(expected)].join(' | ')}, received ${describeReceived(value)}`;
}
