import type { Backend, SamplingOptions } from '../backend.js';
import { BACKEND_SPECIFICATION_VERSION } from '../backend.js';
import {
  DEFAULT_KNOWLEDGE_CUTOFF,
  DEFAULT_MAX_IDENTICAL_TOOL_CALLS,
  DEFAULT_MAX_TOOL_ROUNDS,
  DEFAULT_MODEL_IDENTITY,
  DEFAULT_REASONING_EFFORT,
  DEFAULT_TOOL_TIMEOUT_MS,
  DEFAULT_VALID_CHANNELS,
} from '../defaults.js';
import { ConfigurationError } from '../errors.js';
import { type HarmonyEncoding, loadHarmonyEncoding } from '../harmony/encoding.js';
import { describeValue } from '../harmony/message-validation.js';
import type { Message, ReasoningEffort } from '../harmony/types.js';
import { validateToolSet } from '../tools/define-tool.js';
import { functionToolsNamespace } from '../tools/function-namespace.js';
import type { BuiltinTool, FunctionTool, Tool } from '../tools/types.js';
import { type AgentRun, startAgentRun } from './agent-run.js';
import { Conversation } from './conversation.js';
import type { ReasoningHistory } from './prompt-builder.js';
import { executeRun, type ResolvedRunSettings } from './run-loop.js';
import type { ToolErrorBehavior, ToolErrorKind, ToolRouter } from './tool-executor.js';

/** Options of {@link createAgent}. */
export interface AgentOptions {
  /** The inference backend. */
  readonly backend: Backend;
  /** Function tools (from `defineTool`) and built-in tools (`browser`, `python`). @defaultValue `[]` */
  readonly tools?: readonly Tool[];
  /** Developer instructions, rendered under `# Instructions`. @defaultValue none */
  readonly instructions?: string;
  /** How hard the model thinks; rendered as `Reasoning: <effort>`. @defaultValue `'medium'` */
  readonly reasoningEffort?: ReasoningEffort;
  /** The system message's first line; `null` omits it. @defaultValue openai-harmony's identity line */
  readonly modelIdentity?: string | null;
  /** `Knowledge cutoff:` line; `null` omits it. @defaultValue `'2024-06'` */
  readonly knowledgeCutoff?: string | null;
  /**
   * `Current date:` line: a `YYYY-MM-DD` string, `null` to omit it, or a clock giving the date (UTC)
   * at each run. @defaultValue the current date at each run
   */
  readonly currentDate?: string | null | (() => Date);
  /** Which chain of thought of earlier turns the prompt keeps (see `selectPromptEntries`). @defaultValue `'harmony'` */
  readonly reasoningHistory?: ReasoningHistory;
  /** Maximum model steps that end in tool calls, per run. @defaultValue 10 */
  readonly maxToolRounds?: number;
  /** Timeout of one tool call, unless the tool sets its own. @defaultValue 60000 */
  readonly toolTimeoutMs?: number;
  /** Identical calls (same tool and arguments) allowed per run before they are refused. @defaultValue 3 */
  readonly maxIdenticalToolCalls?: number;
  /** Budget of generated tokens per run (all model steps together). @defaultValue no limit */
  readonly maxTokens?: number;
  /** Sampling settings passed to the backend. @defaultValue the backend's defaults */
  readonly sampling?: SamplingOptions;
  /**
   * What to do when a tool call fails, per kind: `'report'` sends the error to the model as the tool's
   * result so it can retry; `'throw'` fails the run. @defaultValue `'report'` for every kind
   */
  readonly onToolError?: Partial<Record<ToolErrorKind, ToolErrorBehavior>>;
  /**
   * What to do when the model's output is not well-formed Harmony: `'recover'` salvages what it can
   * and emits `parse-error` events; `'throw'` fails the run. @defaultValue `'recover'`
   */
  readonly onParseError?: 'recover' | 'throw';
  /** Ask backends that can to constrain tool arguments to the tool's schema. @defaultValue true */
  readonly constrainToolArguments?: boolean;
  /** Generates run and call ids (tests inject a deterministic one). @defaultValue random UUIDs */
  readonly generateId?: (kind: 'run' | 'call') => string;
}

/** Options of one {@link Agent.run}. */
export interface RunOptions {
  /** The conversation so far: a {@link Conversation} or Harmony messages. @defaultValue empty */
  readonly history?: Conversation | readonly Message[];
  /** Aborts the run; the history keeps every completed message. */
  readonly signal?: AbortSignal;
  /** Overrides the agent's reasoning effort for this run. */
  readonly reasoningEffort?: ReasoningEffort;
  /** Overrides the agent's token budget for this run. */
  readonly maxTokens?: number;
}

/** An agent: a backend, tools and instructions. Create one with {@link createAgent}. */
export interface Agent {
  /** The Harmony encoding the agent renders and parses with. */
  readonly encoding: HarmonyEncoding;
  /**
   * Runs one user turn: renders the conversation, streams the model's output, executes tool calls
   * and loops until the model gives a final answer. Returns at once; await the run for its result.
   * @throws {@link ConfigurationError} synchronously for invalid input or options (e.g. a saved
   * conversation's JSON given as `history`: load it with `Conversation.fromJSON`).
   * @throws `HarmonyJSONError` synchronously when a `history` message has a system or developer role.
   */
  run(input: string | Message, options?: RunOptions): AgentRun;
}

/** The longest delay a Node.js timer honours (2^31 - 1 ms). */
const MAX_TIMER_DELAY_MS = 2_147_483_647;

function checkPositiveInteger(name: string, value: number | undefined): void {
  if (value !== undefined && !(Number.isInteger(value) && value > 0)) {
    throw new ConfigurationError(`${name} must be a positive integer, got ${value}`);
  }
}

function formatDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/**
 * Creates an agent. Configuration is validated here, before any model call.
 *
 * @example
 * ```ts
 * const agent = createAgent({ backend, tools: [getCurrentLocation, getCurrentTemperature], reasoningEffort: 'low' });
 * const first = await agent.run('What is the temperature in Fahrenheit where john123 is?');
 * const second = await agent.run('and for jay_lee?', { history: first.history });
 * ```
 * @throws {@link ConfigurationError} or `ToolDefinitionError` for invalid options or tools.
 */
export function createAgent(options: AgentOptions): Agent {
  const { backend } = options;
  if (
    typeof backend !== 'object' ||
    backend === null ||
    backend.specificationVersion !== BACKEND_SPECIFICATION_VERSION ||
    typeof backend.doGenerate !== 'function'
  ) {
    throw new ConfigurationError(`backend must implement the ${BACKEND_SPECIFICATION_VERSION} contract`);
  }
  checkPositiveInteger('maxToolRounds', options.maxToolRounds);
  checkPositiveInteger('toolTimeoutMs', options.toolTimeoutMs);
  // Node's timers fire at once for delays that do not fit in 32 bits: no tool could ever finish.
  if (options.toolTimeoutMs !== undefined && options.toolTimeoutMs > MAX_TIMER_DELAY_MS) {
    throw new ConfigurationError(
      `toolTimeoutMs must be at most ${MAX_TIMER_DELAY_MS} ms (about 24.8 days), got ${options.toolTimeoutMs}`,
    );
  }
  checkPositiveInteger('maxIdenticalToolCalls', options.maxIdenticalToolCalls);
  checkPositiveInteger('maxTokens', options.maxTokens);
  const tools = options.tools ?? [];
  validateToolSet(tools);
  const functions = new Map<string, FunctionTool<unknown, unknown>>();
  const builtins = new Map<string, BuiltinTool>();
  for (const tool of tools) {
    if (tool.kind === 'function') functions.set(tool.name, tool);
    else builtins.set(tool.namespace.name, tool);
  }
  const router: ToolRouter = { functions, builtins };
  const encoding = loadHarmonyEncoding();
  const functionList = [...functions.values()];
  const currentDate = options.currentDate === undefined ? () => new Date() : options.currentDate;
  const onToolError: Record<ToolErrorKind, ToolErrorBehavior> = {
    unknown_tool: 'report',
    invalid_tool_arguments: 'report',
    tool_execution_failed: 'report',
    tool_timeout: 'report',
    repeated_tool_call: 'report',
    ...options.onToolError,
  };
  const generateId = options.generateId ?? ((kind: 'run' | 'call') => `${kind}_${crypto.randomUUID()}`);

  return {
    encoding,
    run(input, runOptions = {}) {
      checkPositiveInteger('maxTokens', runOptions.maxTokens);
      if (typeof input !== 'string' && (typeof input !== 'object' || input === null)) {
        throw new ConfigurationError(
          `run input must be a string or a user message, got ${describeValue(input)}`,
        );
      }
      const message: Message =
        typeof input === 'string' ? { role: 'user', content: [{ type: 'text', text: input }] } : input;
      if (message.role !== 'user')
        throw new ConfigurationError(`run input must be a user message, got ${message.role}`);
      const given = runOptions.history;
      if (given !== undefined && !(given instanceof Conversation) && !Array.isArray(given)) {
        throw new ConfigurationError(
          `history must be a Conversation or an array of messages, got ${describeValue(given)}` +
            ' (load a saved conversation with Conversation.fromJSON)',
        );
      }
      const history =
        given === undefined
          ? Conversation.empty()
          : given instanceof Conversation
            ? given
            : Conversation.fromMessages(given);
      const settings: ResolvedRunSettings = {
        backend,
        encoding,
        router,
        header: {
          modelIdentity: options.modelIdentity === undefined ? DEFAULT_MODEL_IDENTITY : options.modelIdentity,
          knowledgeCutoff:
            options.knowledgeCutoff === undefined ? DEFAULT_KNOWLEDGE_CUTOFF : options.knowledgeCutoff,
          currentDate: typeof currentDate === 'function' ? formatDate(currentDate()) : currentDate,
          reasoningEffort: runOptions.reasoningEffort ?? options.reasoningEffort ?? DEFAULT_REASONING_EFFORT,
          validChannels: DEFAULT_VALID_CHANNELS,
          instructions: options.instructions ?? null,
          builtinNamespaces: [...builtins.values()].map((tool) => tool.namespace),
          functionNamespace: functionList.length === 0 ? null : functionToolsNamespace(functionList),
          responseFormat: null,
        },
        reasoningHistory: options.reasoningHistory ?? 'harmony',
        maxToolRounds: options.maxToolRounds ?? DEFAULT_MAX_TOOL_ROUNDS,
        maxTokens: runOptions.maxTokens ?? options.maxTokens,
        sampling: options.sampling ?? {},
        executor: {
          defaultTimeoutMs: options.toolTimeoutMs ?? DEFAULT_TOOL_TIMEOUT_MS,
          maxIdenticalToolCalls: options.maxIdenticalToolCalls ?? DEFAULT_MAX_IDENTICAL_TOOL_CALLS,
          onToolError,
        },
        onParseError: options.onParseError ?? 'recover',
        constrainToolArguments:
          (options.constrainToolArguments ?? true) && backend.capabilities?.constrainedToolArguments === true,
        generateCallId: () => generateId('call'),
        signal: runOptions.signal,
      };
      return startAgentRun(generateId('run'), history, (run) => executeRun(run, settings, history, message));
    },
  };
}
