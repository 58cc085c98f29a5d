import type { Backend, SamplingOptions } from '../backend.js';
import { DEFAULT_VALID_CHANNELS } from '../defaults.js';
import { ConfigurationError } from '../errors.js';
import { type HarmonyEncoding, loadHarmonyEncoding } from '../harmony/encoding.js';
import { describeValue } from '../harmony/message-validation.js';
import type { Message, ReasoningEffort } from '../harmony/types.js';
import {
  type InferOutput,
  type OutputSchema,
  type ResolvedOutput,
  resolveOutputSchema,
} from '../output/output-schema.js';
import { validateToolSet } from '../tools/define-tool.js';
import { functionToolsNamespace } from '../tools/function-namespace.js';
import { truncateToolOutput } from '../tools/truncate-tool-output.js';
import type { BuiltinTool, FunctionTool, Tool } from '../tools/types.js';
import { checkRunOptions, resolveAgentOptions, toUserMessage } from './agent-options.js';
import { type AgentRun, startAgentRun } from './agent-run.js';
import { type ApprovalDecisions, type PendingApproval, planResume, waitingCalls } from './approvals.js';
import type { ContextSettings } from './context-step.js';
import { type ContextOverflowStrategy, defaultReserveTokens } from './context-window.js';
import { Conversation } from './conversation.js';
import type { ReasoningHistory } from './prompt-builder.js';
import { executeRun } from './run-loop.js';
import type { ResolvedRunSettings } from './run-state.js';
import { parseToolArguments } from './tool-arguments.js';
import type { ToolErrorBehavior, ToolErrorKind, ToolRouter } from './tool-executor.js';

/**
 * Options of {@link createAgent}. Unknown keys are refused (a `ConfigurationError`), so a typo never
 * passes silently. `TContext` is the application context the agent's runs give to tools (see
 * {@link RunOptions.context}); it is inferred from the tools' `execute` signatures.
 */
export interface AgentOptions<TContext = unknown> {
  /** The inference backend. */
  readonly backend: Backend;
  /** Function tools (from `defineTool`) and built-in tools (`browser`, `python`). @defaultValue `[]` */
  readonly tools?: readonly Tool<TContext>[];
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
  /**
   * What to do when, before a model step, the prompt plus {@link AgentOptions.contextReserveTokens} does not
   * fit the context the backend declares (`capabilities.contextSize`): `'error'` fails with a
   * `ContextWindowExceededError` before the backend is called; `'drop-oldest-turns'` leaves whole earlier user
   * turns out of the prompt, oldest first (never the system and developer messages nor the current turn) and
   * emits `history-trimmed`; a function returns the earlier conversation to show instead. The run's history
   * always keeps every message. Nothing is checked when the backend does not declare its context size.
   * @defaultValue `'error'`
   */
  readonly contextOverflow?: ContextOverflowStrategy;
  /**
   * Tokens kept free for the model's answer when checking that a prompt fits the context (capped by what is
   * left of the run's `maxTokens`). @defaultValue 1024, at most an eighth of the context
   */
  readonly contextReserveTokens?: number;
  /**
   * Tool results longer than this many tokens are cut, and end with a marker telling the model how much it
   * sees (`[truncated: the result has 5120 tokens; only the first 1000 are shown]`). Applies to every tool.
   * @defaultValue no limit
   */
  readonly maxToolResultTokens?: number;
  /**
   * How many times a final answer that does not match the run's `output` schema goes back to the model, with
   * what is wrong, before the run fails with an `OutputValidationError`. @defaultValue 1
   */
  readonly maxOutputRepairs?: number;
}

/** Options of one {@link Agent.run}. Unknown keys are refused, like `createAgent`'s. */
export interface RunOptions<TContext = unknown> {
  /** The conversation so far: a {@link Conversation} or Harmony messages. @defaultValue empty */
  readonly history?: Conversation | readonly Message[];
  /** Aborts the run; the history keeps every completed message. */
  readonly signal?: AbortSignal;
  /** Overrides the agent's reasoning effort for this run. */
  readonly reasoningEffort?: ReasoningEffort;
  /** Overrides the agent's token budget for this run. */
  readonly maxTokens?: number;
  /**
   * The application's context for this run (a user id, a database handle, ...): every tool's
   * `execute` receives it as `context.context`. It is never shown to the model nor saved in the
   * history. Required when a tool declares a context type that does not accept `undefined`.
   * @defaultValue `undefined`
   */
  readonly context?: TContext;
  /**
   * Structured output: the schema of the answer (zod 4, or a JSON Schema object; the root must be an object).
   * The developer message gets a `# Response Formats` section; backends that can (`constrainedOutput`) sample
   * the final answer under the schema's grammar; the answer is parsed and validated into `result.output`.
   * @defaultValue none
   */
  readonly output?: OutputSchema;
  /** Overrides the agent's {@link AgentOptions.maxOutputRepairs} for this run. */
  readonly maxOutputRepairs?: number;
}

/**
 * The options parameter of {@link Agent.run} (and, with `ResumeOptions`, of {@link Agent.resume}):
 * optional, unless the agent's tools need a context (`TContext` does not accept `undefined`), then
 * required with its `context`.
 */
export type RunArguments<
  TContext,
  TOptions extends object = RunOptions<TContext>,
> = undefined extends TContext
  ? [options?: TOptions]
  : [
      options: TOptions & {
        /** The application's context for this run, as the tools declare it. */
        readonly context: TContext;
      },
    ];

/**
 * An agent: a backend, tools and instructions. Create one with {@link createAgent}. `TContext` is the
 * application context its runs give to tools.
 */
export interface Agent<TContext = unknown> {
  /** The Harmony encoding the agent renders and parses with. */
  readonly encoding: HarmonyEncoding;
  /**
   * Runs one user turn: renders the conversation, streams the model's output, executes tool calls
   * and loops until the model gives a final answer. Returns at once; await the run for its result.
   *
   * `input` is a string or a Harmony user message (`{ role: 'user', content: [{ type: 'text', text }] }`);
   * an OpenAI-style `{ role: 'user', content: 'hi' }` is refused: pass the text itself.
   * @throws {@link ConfigurationError} synchronously for invalid input or options (e.g. a saved
   * conversation's JSON given as `history`: load it with `Conversation.fromJSON`).
   * @throws `HarmonyJSONError` synchronously when a `history` message has a system or developer role.
   */
  run<TSchema extends OutputSchema | undefined = undefined>(
    input: string | Message,
    ...options: RunArguments<TContext, Omit<RunOptions<TContext>, 'output'> & { readonly output?: TSchema }>
  ): AgentRun<TSchema extends OutputSchema ? InferOutput<TSchema> : undefined>;
  /**
   * Continues a run that stopped with status `'interrupted'` (tools that need approval): `history` is
   * its `result.history` (or that conversation saved and loaded, in any process), `decisions` maps
   * each waiting call's id to `{ approved: true }` or `{ approved: false, reason? }`. Approved calls
   * run, denied ones go back to the model as the call's result with the reason, and the turn goes on
   * with the same prompt prefix, guards (tool rounds, identical calls, token budget) counted from the
   * turn so far. The new run may stop again for approvals.
   * @throws `ResumeError` synchronously when the history has no waiting calls, a decision is missing,
   * invalid or for a call that is not waiting (decisions applied twice), or this history object was
   * already resumed; {@link ConfigurationError} for invalid options.
   *
   * Pass the interrupted run's `output` schema again: the resumed run's answer is validated into
   * `result.output`, typed from it as in {@link Agent.run} (and the prompt keeps its `# Response Formats`).
   */
  resume<TSchema extends OutputSchema | undefined = undefined>(
    history: Conversation,
    decisions: ApprovalDecisions,
    ...options: RunArguments<
      TContext,
      Omit<ResumeOptions<TContext>, 'output'> & { readonly output?: TSchema }
    >
  ): AgentRun<TSchema extends OutputSchema ? InferOutput<TSchema> : undefined>;
  /**
   * The calls an interrupted history waits on (empty if none), read from the history alone: what to
   * show a person after `Conversation.load` in another process, before {@link Agent.resume}.
   */
  pendingApprovals(history: Conversation): PendingApproval[];
}

/** Options of {@link Agent.resume}: those of a run, without the history (given as an argument). */
export type ResumeOptions<TContext = unknown> = Omit<RunOptions<TContext>, 'history'>;

/** Output schemas resolved once each (converting a zod schema to JSON Schema is not free). */
const resolvedOutputs = new WeakMap<object, ResolvedOutput>();

function resolveOutput(output: unknown): ResolvedOutput | null {
  if (output === undefined) return null;
  let resolved = typeof output === 'object' && output !== null ? resolvedOutputs.get(output) : undefined;
  if (resolved === undefined) {
    resolved = resolveOutputSchema(output);
    resolvedOutputs.set(output as object, resolved);
  }
  return resolved;
}

/** The context check of an agent whose backend declares its context size, or null. */
function contextSettings(
  backend: Backend,
  overflow: ContextOverflowStrategy,
  reserveTokens: number | undefined,
): ContextSettings | null {
  const contextSize = backend.capabilities?.contextSize;
  if (contextSize === undefined) return null;
  if (!(Number.isInteger(contextSize) && contextSize > 0)) {
    throw new ConfigurationError(
      `createAgent: backend.capabilities.contextSize must be a positive integer, got ${describeValue(contextSize)}`,
      { option: 'backend' },
    );
  }
  return { contextSize, reserveTokens: reserveTokens ?? defaultReserveTokens(contextSize), overflow };
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
 * @throws {@link ConfigurationError} for an invalid option or an unknown option key, naming the option
 * (`error.option`) and the values it accepts; `ToolDefinitionError` for invalid tools.
 */
export function createAgent<TContext = unknown>(options: AgentOptions<TContext>): Agent<TContext> {
  const resolved = resolveAgentOptions(options as AgentOptions);
  const { backend, tools, currentDate } = resolved;
  validateToolSet(tools);
  const functions = new Map<string, FunctionTool<unknown, unknown>>();
  const builtins = new Map<string, BuiltinTool>();
  for (const tool of tools) {
    // The router runs every tool with the run's context, whatever its declared type.
    if (tool.kind === 'function') functions.set(tool.name, tool as FunctionTool<unknown, unknown>);
    else builtins.set(tool.namespace.name, tool);
  }
  const router: ToolRouter = { functions, builtins };
  const encoding = loadHarmonyEncoding();
  const functionList = [...functions.values()];
  const context = contextSettings(backend, resolved.contextOverflow, resolved.contextReserveTokens);
  const maxToolResultTokens = resolved.maxToolResultTokens;
  const limitOutput =
    maxToolResultTokens === undefined
      ? (output: string) => output
      : (output: string) => truncateToolOutput(output, maxToolResultTokens, encoding.tokenizer);

  const resolveSettings = (
    runOptions: ResumeOptions<TContext>,
    output: ResolvedOutput | null,
  ): ResolvedRunSettings => ({
    backend,
    encoding,
    router,
    header: {
      modelIdentity: resolved.modelIdentity,
      knowledgeCutoff: resolved.knowledgeCutoff,
      currentDate: typeof currentDate === 'function' ? formatDate(currentDate()) : currentDate,
      reasoningEffort: runOptions.reasoningEffort ?? resolved.reasoningEffort,
      validChannels: DEFAULT_VALID_CHANNELS,
      instructions: resolved.instructions,
      builtinNamespaces: [...builtins.values()].map((tool) => tool.namespace),
      functionNamespace: functionList.length === 0 ? null : functionToolsNamespace(functionList),
      responseFormat: output?.responseFormat ?? null,
    },
    reasoningHistory: resolved.reasoningHistory,
    maxToolRounds: resolved.maxToolRounds,
    maxTokens: runOptions.maxTokens ?? resolved.maxTokens,
    sampling: resolved.sampling,
    executor: {
      defaultTimeoutMs: resolved.toolTimeoutMs,
      maxIdenticalToolCalls: resolved.maxIdenticalToolCalls,
      onToolError: resolved.onToolError,
      context: runOptions.context,
      limitOutput,
    },
    onParseError: resolved.onParseError,
    constrainToolArguments:
      resolved.constrainToolArguments && backend.capabilities?.constrainedToolArguments === true,
    generateCallId: () => resolved.generateId('call'),
    signal: runOptions.signal,
    output,
    outputSchema: output?.jsonSchema,
    maxOutputRepairs: runOptions.maxOutputRepairs ?? resolved.maxOutputRepairs,
    context,
  });

  return {
    encoding,
    resume(
      history: Conversation,
      decisions: ApprovalDecisions,
      ...rest: readonly unknown[]
    ): AgentRun<never> {
      const runOptions = (rest[0] ?? {}) as ResumeOptions<TContext>;
      checkRunOptions(runOptions);
      if (!(history instanceof Conversation)) {
        throw new ConfigurationError(
          `resume needs the interrupted run's history (a Conversation), got ${describeValue(history)}` +
            ' (load a saved conversation with Conversation.load or Conversation.fromJSON)',
          { option: 'history' },
        );
      }
      const plan = planResume(history, decisions);
      const settings = resolveSettings(runOptions, resolveOutput(runOptions.output));
      // A copy: if this run stops before it answers the calls (an abort), its history can be resumed.
      const base = history.concat([]);
      // The run's output type comes from the signature the caller matched, as in `run`.
      return startAgentRun(resolved.generateId('run'), base, (run) =>
        executeRun(run, settings, base, { resume: plan }),
      ) as AgentRun<never>;
    },
    pendingApprovals(history) {
      if (!(history instanceof Conversation)) {
        throw new ConfigurationError(`pendingApprovals needs a Conversation, got ${describeValue(history)}`, {
          option: 'history',
        });
      }
      return waitingCalls(history).map(({ message, callId }) => {
        const recipient = message.recipient!;
        const toolName = recipient.replace(/^functions\./, '');
        const raw = message.content.map((part) => (part.type === 'text' ? part.text : '')).join('');
        const parsed = parseToolArguments(raw);
        const validated = parsed.ok ? functions.get(toolName)?.validate(parsed.value) : undefined;
        const args = validated?.success === true ? validated.value : parsed.ok ? parsed.value : raw;
        return { callId: callId!, toolName, recipient, arguments: args };
      });
    },
    run(input: string | Message, ...rest: readonly unknown[]): AgentRun<never> {
      const runOptions = (rest[0] ?? {}) as RunOptions<TContext>;
      checkRunOptions(runOptions);
      const message = toUserMessage(input);
      const output = resolveOutput(runOptions.output);
      const given = runOptions.history;
      if (given !== undefined && !(given instanceof Conversation) && !Array.isArray(given)) {
        throw new ConfigurationError(
          `history must be a Conversation or an array of messages, got ${describeValue(given)}` +
            ' (load a saved conversation with Conversation.fromJSON)',
          { option: 'history' },
        );
      }
      const history =
        given === undefined
          ? Conversation.empty()
          : given instanceof Conversation
            ? given
            : Conversation.fromMessages(given);
      const settings = resolveSettings(runOptions, output);
      // The run's output type comes from the overload the caller matched.
      return startAgentRun(resolved.generateId('run'), history, (run) =>
        executeRun(run, settings, history, { input: message }),
      ) as AgentRun<never>;
    },
  };
}
