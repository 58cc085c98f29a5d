/**
 * `defineTool`: a typed function tool from a zod 4 schema (or a raw JSON Schema), and the checks
 * a tool list must pass before a run.
 */

import type * as z4 from 'zod/v4/core';
import { $ZodAsyncError, safeParse } from 'zod/v4/core';
import { ToolDefinitionError } from '../errors.js';
import { FUNCTIONS_NAMESPACE } from '../harmony/developer-content.js';
import type { JsonValue } from '../harmony/types.js';
import { isRecord, type JsonSchemaObject } from './json-values.js';
import { normalizeJsonSchemaForHarmony } from './normalize-schema.js';
import { toStandardJsonSchema } from './standard-json-schema.js';
import type { FunctionTool, Tool, ToolApprovalPolicy, ToolContext, ValidationResult } from './types.js';
import { validateJsonSchema } from './validate-json-schema.js';
import { formatZodIssues, isZod3Schema, isZod4Schema, zodParametersToJsonSchema } from './zod-parameters.js';
import { validateWithZod3, type Zod3ToolParameters, zod3ParametersToJsonSchema } from './zod3-parameters.js';

/** What gpt-oss can write after `functions.`: an identifier. */
const TOOL_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The longest timeout `setTimeout` honours (about 24.8 days). */
const MAX_TIMEOUT_MS = 2_147_483_647;

/** A zod 4 schema whose input is an object, usable as tool parameters (`z.object(...)`, `z.strictObject(...)`, ...). */
export type ZodToolParameters = z4.$ZodType<unknown, Record<string, unknown>>;

/**
 * A JSON Schema object written by hand, usable as tool parameters. It must describe an object
 * (`type: 'object'`). The zod-only keys are excluded so that a zod schema never matches this type.
 */
export interface JsonSchemaToolParameters {
  readonly [keyword: string]: unknown;
  /** Never set: keeps zod schemas from matching this type. */
  readonly _zod?: never;
  /** Never set: keeps zod 3 schemas from matching this type. */
  readonly _def?: never;
}

/** The fields every tool definition has. */
export interface ToolDefinitionFields<TArgs, TResult, TContext = unknown> {
  /** The name the model calls, as `functions.<name>`: ASCII letters, digits and `_`, not starting with a digit. */
  readonly name: string;
  /** What the tool does and when to use it; shown to the model as `//` comment lines. */
  readonly description: string;
  /**
   * Runs the tool with validated arguments (zod defaults and transforms applied). The result is sent
   * to the model: strings as is, anything else as JSON (see `formatToolResult`). Throw to report a
   * failure to the model; honour `context.signal`, which aborts on timeout or when the run is aborted.
   * `context.context` is what the application gave `agent.run(input, { context })`: annotate the
   * second parameter as `ToolContext<AppContext>` to type it (the agent then requires it).
   */
  readonly execute: (args: TArgs, context: ToolContext<TContext>) => TResult | Promise<TResult>;
  /**
   * Timeout of one call in milliseconds (positive, at most 2,147,483,647).
   * @defaultValue the agent's tool timeout
   */
  readonly timeoutMs?: number | undefined;
  /**
   * Whether a call needs a person's approval before it runs: `true`, or a function of the validated
   * arguments and the call's context. When the model makes such a call, the run stops before executing
   * it with status `'interrupted'`; continue it with `agent.resume(history, decisions)`.
   * @defaultValue false
   */
  readonly needsApproval?: ToolApprovalPolicy<TArgs, TContext> | undefined;
}

/** A tool definition whose parameters are a zod 4 object schema; `execute` receives `z.output<schema>`. */
export interface ZodToolDefinition<TSchema extends ZodToolParameters, TResult, TContext = unknown>
  extends ToolDefinitionFields<z4.output<TSchema>, TResult, TContext> {
  /** The arguments' schema. Its input side is rendered to the model; `.describe()` texts become comments. */
  readonly parameters: TSchema;
}

/**
 * A tool definition whose parameters are a zod 3 object schema (zod 3.25+, or `zod/v3` of zod 4);
 * `execute` receives the schema's output type.
 */
export interface Zod3ToolDefinition<TSchema extends Zod3ToolParameters, TResult, TContext = unknown>
  extends ToolDefinitionFields<TSchema['_output'], TResult, TContext> {
  /** The arguments' schema, converted with `zod-to-json-schema`; `.describe()` texts become comments. */
  readonly parameters: TSchema;
}

/** A tool definition whose parameters are a raw JSON Schema; `execute` receives `TArgs` (`unknown` by default). */
export interface JsonSchemaToolDefinition<TArgs, TResult, TContext = unknown>
  extends ToolDefinitionFields<TArgs, TResult, TContext> {
  /** The arguments' JSON Schema, an object schema; checked with a built-in validator (see `validateJsonSchema`). */
  readonly parameters: JsonSchemaToolParameters;
}

/**
 * Defines a function tool. The model sees it in the developer message's `functions` namespace as
 * `type <name> = (_: { ... }) => any;` and calls it as `functions.<name>` with JSON arguments.
 *
 * Parameters are normally a zod 4 object schema: the JSON Schema of its input side (so `.default()`
 * fields are optional) is normalized for Harmony rendering (see `normalizeJsonSchemaForHarmony`) and
 * arguments are validated with zod's `safeParse`, so defaults, transforms and refinements apply.
 * Unknown keys follow the schema: `z.object` strips them, `z.strictObject` rejects them,
 * `z.looseObject` keeps them. Async refinements or transforms are not supported (validation is
 * synchronous). zod 3 schemas (zod 3.25+) work too: see the zod 3 overload.
 *
 * @throws {@link ToolDefinitionError} if the name is not an identifier, the description is not a
 * string, `execute` is not a function, `timeoutMs` is not a positive number of milliseconds, or the
 * parameters are not an object schema (including zod types JSON cannot carry, such as `z.date()`).
 *
 * @example
 * ```ts
 * const getCurrentTemperature = defineTool({
 *   name: 'get_current_temperature',
 *   description: 'Gets the current temperature at a location.',
 *   parameters: z.object({
 *     location: z.string().describe('The city and country, e.g. Paris, France'),
 *     format: z.enum(['celsius', 'fahrenheit']).default('celsius'),
 *   }),
 *   execute: async ({ location, format }) => ({ location, temperature: 21, format }),
 * });
 * ```
 */
export function defineTool<TSchema extends ZodToolParameters, TResult, TContext = unknown>(
  definition: ZodToolDefinition<TSchema, TResult, TContext>,
): FunctionTool<z4.output<TSchema>, TResult, TContext>;
/**
 * Defines a function tool from a zod 3 object schema, so apps on zod 3 need not migrate. The schema is
 * converted with `zod-to-json-schema` (input side, references inlined) and normalized like a zod 4
 * schema: the same schema written in zod 3 and zod 4 renders identically. Arguments are validated
 * with the schema's `safeParse` (defaults, transforms and refinements apply; zod 3's own issue texts).
 *
 * @throws {@link ToolDefinitionError} as for zod 4 schemas.
 */
export function defineTool<TSchema extends Zod3ToolParameters, TResult, TContext = unknown>(
  definition: Zod3ToolDefinition<TSchema, TResult, TContext>,
): FunctionTool<TSchema['_output'], TResult, TContext>;
/**
 * Defines a function tool from a raw JSON Schema. Arguments are `unknown` unless you give their
 * type (`defineTool<{ city: string }>(...)`), which is then trusted, not inferred. They are validated
 * with a small built-in validator (`validateJsonSchema`) that also fills in `default` values.
 *
 * @throws {@link ToolDefinitionError} as for zod schemas, and for a schema that is not an object
 * schema or cannot be normalized (a non-local `$ref`, ...).
 */
export function defineTool<TArgs = unknown, TResult = unknown, TContext = unknown>(
  definition: JsonSchemaToolDefinition<TArgs, TResult, TContext>,
): FunctionTool<TArgs, TResult, TContext>;
export function defineTool(
  definition:
    | ZodToolDefinition<ZodToolParameters, unknown>
    | Zod3ToolDefinition<Zod3ToolParameters, unknown>
    | JsonSchemaToolDefinition<unknown, unknown>,
): FunctionTool<unknown, unknown> {
  if (!isRecord(definition)) {
    throw new ToolDefinitionError('defineTool expects a definition object');
  }
  const { name, description, execute, timeoutMs, parameters, needsApproval } = definition;
  checkToolName(name);
  if (typeof description !== 'string') {
    throw new ToolDefinitionError(`Tool "${name}": description must be a string`, { toolName: name });
  }
  if (typeof execute !== 'function') {
    throw new ToolDefinitionError(`Tool "${name}": execute must be a function`, { toolName: name });
  }
  if (
    timeoutMs !== undefined &&
    (typeof timeoutMs !== 'number' || !(timeoutMs > 0) || timeoutMs > MAX_TIMEOUT_MS)
  ) {
    throw new ToolDefinitionError(
      `Tool "${name}": timeoutMs must be a positive number of milliseconds up to ${MAX_TIMEOUT_MS}, got ${String(timeoutMs)}`,
      { toolName: name },
    );
  }
  if (
    needsApproval !== undefined &&
    typeof needsApproval !== 'boolean' &&
    typeof needsApproval !== 'function'
  ) {
    throw new ToolDefinitionError(`Tool "${name}": needsApproval must be a boolean or a function`, {
      toolName: name,
    });
  }
  const { schema, validate } = prepareParameters(name, parameters);
  return Object.freeze({
    kind: 'function',
    name,
    description,
    parameters: schema,
    jsonSchema: toStandardJsonSchema(schema),
    timeoutMs,
    needsApproval: needsApproval as FunctionTool<unknown, unknown>['needsApproval'],
    validate,
    execute: execute as FunctionTool<unknown, unknown>['execute'],
  });
}

interface PreparedParameters {
  readonly schema: JsonSchemaObject;
  readonly validate: (args: unknown) => ValidationResult<unknown>;
}

function prepareParameters(name: string, parameters: unknown): PreparedParameters {
  let jsonSchema: unknown;
  let validate: (args: unknown) => ValidationResult<unknown>;
  if (isZod4Schema(parameters)) {
    jsonSchema = zodParametersToJsonSchema(parameters, name);
    validate = (args) => validateWithZod(name, parameters, args);
  } else if (isZod3Schema(parameters)) {
    const zod3 = parameters as Zod3ToolParameters;
    if (typeof zod3.safeParse !== 'function') {
      throw new ToolDefinitionError(
        `Tool "${name}": parameters looks like a zod 3 schema without safeParse`,
        {
          toolName: name,
        },
      );
    }
    jsonSchema = zod3ParametersToJsonSchema(zod3, name);
    validate = (args) => validateWithZod3(name, zod3, args);
  } else if (isRecord(parameters) && '~standard' in parameters) {
    throw new ToolDefinitionError(
      `Tool "${name}": parameters is a Standard Schema from a library other than zod 4; pass a zod 4 schema or its JSON Schema`,
      { toolName: name },
    );
  } else if (isRecord(parameters)) {
    jsonSchema = parameters;
    validate = (args) => validateJsonSchema(schema, args);
  } else {
    throw new ToolDefinitionError(
      `Tool "${name}": parameters must be a zod object schema (z.object({...})) or a JSON Schema object`,
      { toolName: name },
    );
  }
  let schema: JsonSchemaObject;
  try {
    schema = normalizeJsonSchemaForHarmony(jsonSchema);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new ToolDefinitionError(`Tool "${name}": ${message}`, { toolName: name, cause: error });
  }
  if (schema.type !== 'object' || schema.nullable === true) {
    throw new ToolDefinitionError(
      `Tool "${name}": parameters must describe an object (gpt-oss passes one JSON object), got ${JSON.stringify(describeRoot(schema))}`,
      { toolName: name },
    );
  }
  return { schema, validate };
}

function describeRoot(schema: JsonSchemaObject): JsonValue {
  return schema.type ?? (schema.oneOf === undefined ? 'any' : 'a union');
}

function validateWithZod(name: string, schema: z4.$ZodType, args: unknown): ValidationResult<unknown> {
  let result: ReturnType<typeof safeParse>;
  try {
    result = safeParse(schema, args);
  } catch (error) {
    if (error instanceof $ZodAsyncError) {
      throw new ToolDefinitionError(
        `Tool "${name}": its parameters use async refinements or transforms, which tools do not support`,
        { toolName: name, cause: error },
      );
    }
    // A transform or refinement that throws rejects the input.
    return {
      success: false,
      issues: [`Invalid input: ${error instanceof Error ? error.message : String(error)}`],
    };
  }
  return result.success
    ? { success: true, value: result.data }
    : { success: false, issues: formatZodIssues(result.error.issues, args) };
}

function checkToolName(name: unknown): asserts name is string {
  if (typeof name !== 'string' || !TOOL_NAME_PATTERN.test(name)) {
    throw new ToolDefinitionError(
      `Invalid tool name ${JSON.stringify(name) ?? String(name)}: use ASCII letters, digits and _, not starting with a digit (the model calls functions.<name>)`,
      typeof name === 'string' ? { toolName: name } : {},
    );
  }
}

/**
 * Checks a tool list before any model call: every entry is a function tool (from `defineTool`) or a
 * built-in tool, function names are valid and unique, built-in namespaces are unique and not
 * `functions`, and no function is named like a built-in namespace of the list (`functions.browser`
 * next to `browser.search` would confuse the model).
 *
 * @throws {@link ToolDefinitionError} describing the first problem found.
 */
export function validateToolSet(tools: readonly Tool[]): void {
  if (!Array.isArray(tools)) {
    throw new ToolDefinitionError('tools must be an array');
  }
  const functionNames = new Set<string>();
  const namespaces = new Set<string>();
  for (const tool of tools as readonly unknown[]) {
    if (isRecord(tool) && tool.kind === 'function') {
      checkToolName(tool.name);
      if (typeof tool.validate !== 'function' || typeof tool.execute !== 'function') {
        throw new ToolDefinitionError(
          `Tool "${tool.name}" is not a complete function tool: create it with defineTool`,
          {
            toolName: tool.name,
          },
        );
      }
      if (functionNames.has(tool.name)) {
        throw new ToolDefinitionError(
          `Duplicate tool name "${tool.name}": function tool names must be unique`,
          {
            toolName: tool.name,
          },
        );
      }
      functionNames.add(tool.name);
    } else if (isRecord(tool) && tool.kind === 'builtin' && isRecord(tool.namespace)) {
      const namespace = tool.namespace.name;
      if (
        typeof namespace !== 'string' ||
        !TOOL_NAME_PATTERN.test(namespace) ||
        namespace === FUNCTIONS_NAMESPACE
      ) {
        throw new ToolDefinitionError(
          `Invalid built-in tool namespace ${JSON.stringify(namespace) ?? String(namespace)}: it must be an identifier (ASCII letters, digits and _, not starting with a digit) other than "${FUNCTIONS_NAMESPACE}"`,
        );
      }
      const namespaceTools: unknown = tool.namespace.tools;
      if (!Array.isArray(namespaceTools)) {
        throw new ToolDefinitionError(`Built-in tool namespace "${namespace}": tools must be an array`, {
          toolName: namespace,
        });
      }
      for (const namespaceTool of namespaceTools as unknown[]) {
        const name = isRecord(namespaceTool) ? namespaceTool.name : undefined;
        if (typeof name !== 'string' || !TOOL_NAME_PATTERN.test(name)) {
          throw new ToolDefinitionError(
            `Invalid tool name ${JSON.stringify(name) ?? String(name)} in the built-in "${namespace}" namespace: use ASCII letters, digits and _, not starting with a digit`,
            { toolName: namespace },
          );
        }
      }
      if (namespaces.has(namespace)) {
        throw new ToolDefinitionError(`Duplicate built-in tool namespace "${namespace}"`, {
          toolName: namespace,
        });
      }
      namespaces.add(namespace);
    } else {
      throw new ToolDefinitionError(
        'Every tool must come from defineTool or be a built-in tool (kind "builtin")',
      );
    }
  }
  for (const name of functionNames) {
    if (namespaces.has(name)) {
      throw new ToolDefinitionError(
        `Function tool "${name}" has the name of the built-in "${name}" namespace in the same list; rename the function`,
        { toolName: name },
      );
    }
  }
}
