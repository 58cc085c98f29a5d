/**
 * Structured output: the schema of a run's answer (`agent.run(input, { output })`), resolved once into the
 * response format shown to the model, the JSON Schema a backend can constrain with, and a validator.
 */

import type * as z4 from 'zod/v4/core';
import { $ZodAsyncError, safeParse, toJSONSchema } from 'zod/v4/core';
import { ConfigurationError } from '../errors.js';
import type { ResponseFormat } from '../harmony/response-formats.js';
import type { JsonValue } from '../harmony/types.js';
import { isRecord, type JsonSchemaObject } from '../tools/json-values.js';
import { toStandardJsonSchema } from '../tools/standard-json-schema.js';
import type { ValidationResult } from '../tools/types.js';
import { validateJsonSchema } from '../tools/validate-json-schema.js';
import { formatZodIssues, isZod3Schema, isZod4Schema } from '../tools/zod-parameters.js';
import {
  validateWithZod3,
  type Zod3ToolParameters,
  zod3ParametersToJsonSchema,
} from '../tools/zod3-parameters.js';

/**
 * The schema of a run's answer: a zod 4 or zod 3 object schema (`result.output` is typed from it) or a JSON
 * Schema object with `type: 'object'` (`result.output` is `unknown`). The root must be an object, as in the
 * Responses API. A `title` names the format (`## <title>`, default `structured_output`); a `description`
 * is shown as a comment above the schema (both are then left out of the schema's JSON there).
 */
export type OutputSchema = z4.$ZodType | Zod3OutputSchema | JsonSchemaObject;

/** A zod 3 schema, as far as structured output needs it. */
export interface Zod3OutputSchema<TOutput = unknown> {
  /** zod 3's schema definition. */
  readonly _def: unknown;
  /** The type of the parsed value (a type-level member of every zod 3 schema). */
  readonly _output: TOutput;
  /** zod 3's synchronous validation. */
  safeParse(data: unknown): unknown;
}

/** The type of `result.output` for an output schema: the zod schema's output type, `unknown` for JSON Schema. */
export type InferOutput<TSchema> = TSchema extends z4.$ZodType
  ? z4.output<TSchema>
  : TSchema extends Zod3OutputSchema<infer TOutput>
    ? TOutput
    : unknown;

/** The name of the response format when the schema has no usable `title` (vLLM uses the same one). */
export const DEFAULT_RESPONSE_FORMAT_NAME = 'structured_output';

const FORMAT_NAME = /^[A-Za-z_][A-Za-z0-9_-]*$/u;

/** An output schema resolved for a run. */
export interface ResolvedOutput {
  /** What the developer message shows under `# Response Formats`. */
  readonly responseFormat: ResponseFormat;
  /** The JSON Schema sent to backends that constrain the answer. */
  readonly jsonSchema: JsonValue;
  /** Parses and validates a final answer. */
  parse(text: string): ValidationResult<unknown>;
}

/**
 * Resolves `output` once, before any model call.
 * @throws {@link ConfigurationError} naming `output` for a zod 3 schema, another schema library, a schema
 * that cannot be converted, or a root that is not an object.
 */
export function resolveOutputSchema(output: unknown): ResolvedOutput {
  let jsonSchema: JsonSchemaObject;
  let validate: (value: unknown) => ValidationResult<unknown>;
  if (isZod4Schema(output)) {
    jsonSchema = zodToJsonSchema(output);
    validate = (value) => validateWithZod(output, value);
  } else if (isZod3Schema(output) && typeof (output as Zod3ToolParameters).safeParse === 'function') {
    const zod3 = output as Zod3ToolParameters;
    try {
      jsonSchema = zod3ParametersToJsonSchema(zod3, 'output') as JsonSchemaObject;
    } catch (error) {
      throw new ConfigurationError(`output: ${(error as Error).message}`, { option: 'output', cause: error });
    }
    const { $schema: _ignored, ...rest } = jsonSchema;
    jsonSchema = rest;
    validate = (value) => validateWithZod3('output', zod3, value);
  } else if (isRecord(output) && '~standard' in output) {
    throw new ConfigurationError(
      'output is a Standard Schema from a library other than zod 4; pass a zod 4 schema or its JSON Schema',
      { option: 'output' },
    );
  } else if (isRecord(output)) {
    jsonSchema = toStandardJsonSchema(output as JsonSchemaObject) as JsonSchemaObject;
    validate = (value) => validateJsonSchema(jsonSchema, value);
  } else {
    throw new ConfigurationError(
      `output must be a zod 4 object schema or a JSON Schema object, got ${output === null ? 'null' : typeof output}`,
      { option: 'output' },
    );
  }
  if (jsonSchema.type !== 'object') {
    throw new ConfigurationError(
      `output must describe an object (type "object"), got ${JSON.stringify(jsonSchema.type ?? 'no type')}`,
      { option: 'output' },
    );
  }
  const { title, description, ...shown } = jsonSchema;
  const named = typeof title === 'string' && FORMAT_NAME.test(title);
  const described = typeof description === 'string' && description !== '';
  return {
    responseFormat: {
      name: named ? title : DEFAULT_RESPONSE_FORMAT_NAME,
      ...(described ? { description } : {}),
      // The title and description are shown as the format's name and comment, not twice.
      schema: {
        ...(named || title === undefined ? {} : { title }),
        ...(described || description === undefined ? {} : { description }),
        ...shown,
      },
    },
    jsonSchema,
    parse: (text) => {
      const parsed = parseJsonAnswer(text);
      return parsed.success ? validate(parsed.value) : parsed;
    },
  };
}

/** JSON of an answer, tolerating surrounding whitespace and one Markdown code fence around it. */
function parseJsonAnswer(text: string): ValidationResult<unknown> {
  const fenced = /^```(?:json)?\s*\n([\s\S]*?)\n?```$/u.exec(text.trim());
  const json = fenced?.[1] ?? text.trim();
  try {
    return { success: true, value: JSON.parse(json) };
  } catch (error) {
    return { success: false, issues: [`not JSON: ${(error as Error).message}`] };
  }
}

function zodToJsonSchema(schema: z4.$ZodType): JsonSchemaObject {
  let converted: unknown;
  try {
    converted = toJSONSchema(schema, { io: 'input', unrepresentable: 'any' });
  } catch (error) {
    throw new ConfigurationError(`output cannot be converted to JSON Schema: ${(error as Error).message}`, {
      option: 'output',
      cause: error,
    });
  }
  const { $schema: _ignored, ...rest } = converted as Record<string, JsonValue>;
  return withoutImplicitIntegerBounds(rest) as JsonSchemaObject;
}

/**
 * zod 4 writes `.int()` as `minimum`/`maximum` ±(2^53 - 1): noise in the format the model reads and in the
 * answer's grammar (tool schemas drop them too, in `normalize-schema.ts`). zod still checks them.
 */
function withoutImplicitIntegerBounds(value: JsonValue): JsonValue {
  if (value === null || typeof value !== 'object') return value;
  if (!isRecord(value)) return (value as readonly JsonValue[]).map(withoutImplicitIntegerBounds);
  const integer = value.type === 'integer';
  const result: Record<string, JsonValue> = {};
  for (const [key, item] of Object.entries(value as Readonly<Record<string, JsonValue>>)) {
    if (integer && key === 'minimum' && item === Number.MIN_SAFE_INTEGER) continue;
    if (integer && key === 'maximum' && item === Number.MAX_SAFE_INTEGER) continue;
    result[key] = withoutImplicitIntegerBounds(item);
  }
  return result;
}

function validateWithZod(schema: z4.$ZodType, value: unknown): ValidationResult<unknown> {
  let result: ReturnType<typeof safeParse>;
  try {
    result = safeParse(schema, value);
  } catch (error) {
    if (error instanceof $ZodAsyncError) {
      throw new ConfigurationError('output uses async refinements or transforms, which are not supported', {
        option: 'output',
        cause: error,
      });
    }
    return {
      success: false,
      issues: [`Invalid input: ${error instanceof Error ? error.message : String(error)}`],
    };
  }
  return result.success
    ? { success: true, value: result.data }
    : { success: false, issues: formatZodIssues(result.error.issues, value) };
}

/** The user message that sends an invalid answer back to the model with what is wrong with it. */
export function outputRepairPrompt(format: ResponseFormat, issues: readonly string[]): string {
  return (
    `Your answer does not match the response format ${format.name}:\n` +
    `${issues.map((issue) => `- ${issue}`).join('\n')}\n` +
    'Answer again with only the JSON object, matching the schema.'
  );
}
