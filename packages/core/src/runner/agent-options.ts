/**
 * Validation and resolution of `createAgent` and `run` options: every option is checked before any model
 * call, with a `ConfigurationError` that names the option and what it accepts; unknown keys (typos) are
 * refused; defaults (from `defaults.ts`) are applied once, into a fully resolved type.
 */

import type { Backend, SamplingOptions } from '../backend.js';
import { BACKEND_SPECIFICATION_VERSION } from '../backend.js';
import {
  DEFAULT_CONSTRAIN_TOOL_ARGUMENTS,
  DEFAULT_CONTEXT_OVERFLOW,
  DEFAULT_KNOWLEDGE_CUTOFF,
  DEFAULT_MAX_IDENTICAL_TOOL_CALLS,
  DEFAULT_MAX_OUTPUT_REPAIRS,
  DEFAULT_MAX_TOOL_ROUNDS,
  DEFAULT_MODEL_IDENTITY,
  DEFAULT_ON_PARSE_ERROR,
  DEFAULT_REASONING_EFFORT,
  DEFAULT_REASONING_HISTORY,
  DEFAULT_TOOL_ERROR_BEHAVIOR,
  DEFAULT_TOOL_TIMEOUT_MS,
} from '../defaults.js';
import { ConfigurationError, HarmonyRenderError } from '../errors.js';
import { assertRenderableMessage, describeValue } from '../harmony/message-validation.js';
import type { Message, ReasoningEffort } from '../harmony/types.js';
import type { Tool } from '../tools/types.js';
import type { AgentOptions, RunOptions } from './agent.js';
import type { ContextOverflowStrategy } from './context-window.js';
import type { ReasoningHistory } from './prompt-builder.js';
import type { ToolErrorBehavior, ToolErrorKind } from './tool-executor.js';

/** Checks one option's value (never `undefined`: an option given as `undefined` takes its default). */
type OptionCheck = (value: unknown, option: string, where: string) => void;

/** The longest delay a Node.js timer honours (2^31 - 1 ms). */
const MAX_TIMER_DELAY_MS = 2_147_483_647;

/** The accepted `reasoningEffort` values. */
export const REASONING_EFFORTS: readonly ReasoningEffort[] = ['low', 'medium', 'high'];
/** The accepted `reasoningHistory` values. */
export const REASONING_HISTORIES: readonly ReasoningHistory[] = ['harmony', 'keep-all', 'drop-all'];
/** The keys of `onToolError`. */
export const TOOL_ERROR_KINDS: readonly ToolErrorKind[] = [
  'unknown_tool',
  'invalid_tool_arguments',
  'tool_execution_failed',
  'tool_timeout',
  'repeated_tool_call',
];
const TOOL_ERROR_BEHAVIORS: readonly ToolErrorBehavior[] = ['report', 'throw'];

function fail(where: string, option: string, expected: string, value: unknown): never {
  throw new ConfigurationError(`${where}: ${option} must be ${expected}, got ${describeValue(value)}`, {
    option,
  });
}

function quoted(values: readonly string[]): string {
  return values.map((value) => `'${value}'`).join(', ');
}

function oneOf(values: readonly string[]): OptionCheck {
  return (value, option, where) => {
    if (!values.includes(value as string)) fail(where, option, `one of ${quoted(values)}`, value);
  };
}

const positiveInteger: OptionCheck = (value, option, where) => {
  if (!(typeof value === 'number' && Number.isInteger(value) && value > 0))
    fail(where, option, 'a positive integer', value);
};

const nonNegativeInteger: OptionCheck = (value, option, where) => {
  if (!(typeof value === 'number' && Number.isInteger(value) && value >= 0))
    fail(where, option, 'an integer ≥ 0', value);
};

function typeCheck(type: 'string' | 'boolean' | 'function', expected: string, orNull = false): OptionCheck {
  return (value, option, where) => {
    if (typeof value !== type && !(orNull && value === null)) fail(where, option, expected, value);
  };
}

function finiteNumber(expected: string, accepts: (value: number) => boolean): OptionCheck {
  return (value, option, where) => {
    if (!(typeof value === 'number' && Number.isFinite(value) && accepts(value)))
      fail(where, option, expected, value);
  };
}

function isPlainObject(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A key without case or separators: `top_p`, `topP` and `top-p` are the same. */
function normalized(key: string): string {
  return key.toLowerCase().replace(/[-_]/g, '');
}

/** Levenshtein distance, for "did you mean". */
function distance(left: string, right: string): number {
  let previous = Array.from({ length: right.length + 1 }, (_, index) => index);
  for (let row = 1; row <= left.length; row++) {
    const current = [row];
    for (let column = 1; column <= right.length; column++) {
      const substitution = previous[column - 1]! + (left[row - 1] === right[column - 1] ? 0 : 1);
      current.push(Math.min(previous[column]! + 1, current[column - 1]! + 1, substitution));
    }
    previous = current;
  }
  return previous[right.length]!;
}

/** Checks an options object: no unknown keys, and every defined value passes its check. */
function checkObject(
  value: unknown,
  checks: Readonly<Record<string, OptionCheck>>,
  where: string,
  path: string,
  what: string,
): void {
  if (!isPlainObject(value)) fail(where, path || what, 'an object', value);
  const known = Object.keys(checks);
  for (const [key, item] of Object.entries(value)) {
    const option = path === '' ? key : `${path}.${key}`;
    const check = checks[key];
    if (check === undefined) {
      const close = known.filter(
        (candidate) =>
          normalized(candidate) === normalized(key) ||
          distance(candidate, key) <= Math.max(1, Math.floor(key.length / 4)),
      );
      const hint = close.length > 0 ? ` (did you mean ${quoted(close)}?)` : '';
      throw new ConfigurationError(
        `${where}: unknown ${what} ${JSON.stringify(option)}${hint}; the ${what}s are ${quoted(known)}`,
        { option },
      );
    }
    if (item !== undefined) check(item, option, where);
  }
}

const checkBackend: OptionCheck = (value, option, where) => {
  const backend = value as Partial<Backend> | null;
  if (
    typeof backend !== 'object' ||
    backend === null ||
    backend.specificationVersion !== BACKEND_SPECIFICATION_VERSION ||
    typeof backend.doGenerate !== 'function'
  ) {
    fail(where, option, `a backend implementing the ${BACKEND_SPECIFICATION_VERSION} contract`, value);
  }
};

const SAMPLING_CHECKS: Readonly<Record<keyof SamplingOptions, OptionCheck>> = {
  temperature: finiteNumber('a number ≥ 0', (value) => value >= 0),
  topP: finiteNumber('a number in (0, 1]', (value) => value > 0 && value <= 1),
  topK: finiteNumber('an integer ≥ 0', (value) => Number.isInteger(value) && value >= 0),
  seed: finiteNumber('an integer', Number.isInteger),
};

const checkToolTimeout: OptionCheck = (value, option, where) => {
  positiveInteger(value, option, where);
  // Node's timers fire at once for delays that do not fit in 32 bits: no tool could ever finish.
  if ((value as number) > MAX_TIMER_DELAY_MS)
    fail(where, option, `at most ${MAX_TIMER_DELAY_MS} ms (about 24.8 days)`, value);
};

const AGENT_OPTION_CHECKS: Readonly<Record<keyof AgentOptions, OptionCheck>> = {
  backend: checkBackend,
  // The tool list itself is checked by `validateToolSet` (a ToolDefinitionError per bad tool).
  tools: (value, option, where) => {
    if (!Array.isArray(value)) fail(where, option, 'an array of tools', value);
  },
  instructions: typeCheck('string', 'a string'),
  reasoningEffort: oneOf(REASONING_EFFORTS),
  modelIdentity: typeCheck('string', 'a string or null', true),
  knowledgeCutoff: typeCheck('string', 'a string or null', true),
  currentDate: (value, option, where) => {
    if (value !== null && typeof value !== 'string' && typeof value !== 'function')
      fail(where, option, "a 'YYYY-MM-DD' string, null or a function returning a Date", value);
  },
  reasoningHistory: oneOf(REASONING_HISTORIES),
  maxToolRounds: positiveInteger,
  toolTimeoutMs: checkToolTimeout,
  maxIdenticalToolCalls: positiveInteger,
  maxTokens: positiveInteger,
  sampling: (value, option, where) => checkObject(value, SAMPLING_CHECKS, where, option, 'sampling option'),
  onToolError: (value, option, where) =>
    checkObject(
      value,
      Object.fromEntries(TOOL_ERROR_KINDS.map((kind) => [kind, oneOf(TOOL_ERROR_BEHAVIORS)])),
      where,
      option,
      'tool error kind',
    ),
  onParseError: oneOf(['recover', 'throw']),
  constrainToolArguments: typeCheck('boolean', 'true or false'),
  generateId: typeCheck('function', 'a function'),
  contextOverflow: (value, option, where) => {
    if (value !== 'error' && value !== 'drop-oldest-turns' && typeof value !== 'function')
      fail(where, option, "'error', 'drop-oldest-turns' or a function", value);
  },
  contextReserveTokens: nonNegativeInteger,
  maxToolResultTokens: positiveInteger,
  maxOutputRepairs: nonNegativeInteger,
};

const RUN_OPTION_CHECKS: Readonly<Record<keyof RunOptions, OptionCheck>> = {
  // The history's shape and messages are checked when it is loaded (agent.ts).
  history: () => undefined,
  signal: (value, option, where) => {
    const signal = value as Partial<AbortSignal>;
    if (
      typeof signal !== 'object' ||
      typeof signal.aborted !== 'boolean' ||
      typeof signal.addEventListener !== 'function'
    )
      fail(where, option, 'an AbortSignal', value);
  },
  reasoningEffort: oneOf(REASONING_EFFORTS),
  maxTokens: positiveInteger,
  // The application's own value, passed to tools as is.
  context: () => undefined,
  // The schema is checked when it is resolved (output-schema.ts), with errors naming `output`.
  output: () => undefined,
  maxOutputRepairs: nonNegativeInteger,
};

/** `createAgent`'s options with every default applied. */
export interface ResolvedAgentOptions {
  readonly backend: Backend;
  readonly tools: readonly Tool[];
  readonly instructions: string | null;
  readonly reasoningEffort: ReasoningEffort;
  readonly modelIdentity: string | null;
  readonly knowledgeCutoff: string | null;
  readonly currentDate: string | null | (() => Date);
  readonly reasoningHistory: ReasoningHistory;
  readonly maxToolRounds: number;
  readonly toolTimeoutMs: number;
  readonly maxIdenticalToolCalls: number;
  readonly maxTokens: number | undefined;
  readonly sampling: SamplingOptions;
  readonly onToolError: Readonly<Record<ToolErrorKind, ToolErrorBehavior>>;
  readonly onParseError: 'recover' | 'throw';
  readonly constrainToolArguments: boolean;
  readonly generateId: (kind: 'run' | 'call') => string;
  readonly contextOverflow: ContextOverflowStrategy;
  readonly contextReserveTokens: number | undefined;
  readonly maxToolResultTokens: number | undefined;
  readonly maxOutputRepairs: number;
}

/**
 * Validates `createAgent`'s options and applies the defaults.
 * @throws {@link ConfigurationError} naming the option and what it accepts.
 */
export function resolveAgentOptions(options: AgentOptions): ResolvedAgentOptions {
  checkObject(options, AGENT_OPTION_CHECKS, 'createAgent', '', 'option');
  if (options.backend === undefined) fail('createAgent', 'backend', 'given', undefined);
  return {
    backend: options.backend,
    tools: options.tools ?? [],
    instructions: options.instructions ?? null,
    reasoningEffort: options.reasoningEffort ?? DEFAULT_REASONING_EFFORT,
    modelIdentity: options.modelIdentity === undefined ? DEFAULT_MODEL_IDENTITY : options.modelIdentity,
    knowledgeCutoff:
      options.knowledgeCutoff === undefined ? DEFAULT_KNOWLEDGE_CUTOFF : options.knowledgeCutoff,
    currentDate: options.currentDate === undefined ? () => new Date() : options.currentDate,
    reasoningHistory: options.reasoningHistory ?? DEFAULT_REASONING_HISTORY,
    maxToolRounds: options.maxToolRounds ?? DEFAULT_MAX_TOOL_ROUNDS,
    toolTimeoutMs: options.toolTimeoutMs ?? DEFAULT_TOOL_TIMEOUT_MS,
    maxIdenticalToolCalls: options.maxIdenticalToolCalls ?? DEFAULT_MAX_IDENTICAL_TOOL_CALLS,
    maxTokens: options.maxTokens,
    sampling: options.sampling ?? {},
    onToolError: {
      ...(Object.fromEntries(TOOL_ERROR_KINDS.map((kind) => [kind, DEFAULT_TOOL_ERROR_BEHAVIOR])) as Record<
        ToolErrorKind,
        ToolErrorBehavior
      >),
      ...definedEntries(options.onToolError ?? {}),
    },
    onParseError: options.onParseError ?? DEFAULT_ON_PARSE_ERROR,
    constrainToolArguments: options.constrainToolArguments ?? DEFAULT_CONSTRAIN_TOOL_ARGUMENTS,
    generateId: options.generateId ?? ((kind) => `${kind}_${crypto.randomUUID()}`),
    contextOverflow: options.contextOverflow ?? DEFAULT_CONTEXT_OVERFLOW,
    contextReserveTokens: options.contextReserveTokens,
    maxToolResultTokens: options.maxToolResultTokens,
    maxOutputRepairs: options.maxOutputRepairs ?? DEFAULT_MAX_OUTPUT_REPAIRS,
  };
}

function definedEntries<TValue>(
  record: Readonly<Record<string, TValue | undefined>>,
): Record<string, TValue> {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined)) as Record<
    string,
    TValue
  >;
}

/**
 * Validates one run's options.
 * @throws {@link ConfigurationError} naming the option and what it accepts.
 */
export function checkRunOptions(options: RunOptions): void {
  checkObject(options, RUN_OPTION_CHECKS, 'run', '', 'option');
}

const ACCEPTED_INPUTS =
  "a string, or a Harmony user message { role: 'user', content: [{ type: 'text', text: '...' }] }";

/**
 * The user message of `agent.run(input)`: a string becomes one; a message must be a valid Harmony user
 * message. An OpenAI-style `{ role: 'user', content: 'hi' }` is refused with the accepted shapes.
 * @throws {@link ConfigurationError} naming the input's problem.
 */
export function toUserMessage(input: unknown): Message {
  if (typeof input === 'string') return { role: 'user', content: [{ type: 'text', text: input }] };
  if (!isPlainObject(input)) fail('run', 'input', ACCEPTED_INPUTS, input);
  if (input.role !== 'user')
    throw new ConfigurationError(
      `run: input must be a user message, got role ${describeValue(input.role)} (accepted: ${ACCEPTED_INPUTS})`,
      { option: 'input' },
    );
  if (typeof input.content === 'string')
    throw new ConfigurationError(
      `run: input.content must be an array of content items, got a string (an OpenAI-style message?). Pass the text itself, agent.run(${describeValue(input.content)}), or ${ACCEPTED_INPUTS}`,
      { option: 'input.content' },
    );
  try {
    assertRenderableMessage(input, 'input');
  } catch (error) {
    if (!HarmonyRenderError.isInstance(error)) throw error;
    throw new ConfigurationError(`run: ${error.message} (accepted: ${ACCEPTED_INPUTS})`, {
      option: 'input',
      cause: error,
    });
  }
  return input;
}
