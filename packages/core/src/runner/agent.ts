import type { Backend, SamplingOptions } from '../backend.js';
import { DEFAULT_VALID_CHANNELS } from '../defaults.js';
import { ConfigurationError } from '../errors.js';
import { type HarmonyEncoding, loadHarmonyEncoding } from '../harmony/encoding.js';
import { describeValue } from '../harmony/message-validation.js';
import type { Message, ReasoningEffort } from '../harmony/types.js';
import { validateToolSet } from '../tools/define-tool.js';
import { functionToolsNamespace } from '../tools/function-namespace.js';
import type { BuiltinTool, FunctionTool, Tool } from '../tools/types.js';
import { checkRunOptions, resolveAgentOptions, toUserMessage } from './agent-options.js';
import { type AgentRun, startAgentRun } from './agent-run.js';
import { Conversation } from './conversation.js';
import type { ReasoningHistory } from './prompt-builder.js';
import { executeRun, type ResolvedRunSettings } from './run-loop.js';
import type { ToolErrorBehavior, ToolErrorKind, ToolRouter } from './tool-executor.js';

/** Options of {@link createAgent}. Unknown keys are refused (a `ConfigurationError`), so a typo never passes silently. */
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

/** Options of one {@link Agent.run}. Unknown keys are refused, like `createAgent`'s. */
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
   *
   * `input` is a string or a Harmony user message (`{ role: 'user', content: [{ type: 'text', text }] }`);
   * an OpenAI-style `{ role: 'user', content: 'hi' }` is refused: pass the text itself.
   * @throws {@link ConfigurationError} synchronously for invalid input or options (e.g. a saved
   * conversation's JSON given as `history`: load it with `Conversation.fromJSON`).
   * @throws `HarmonyJSONError` synchronously when a `history` message has a system or developer role.
   */
  run(input: string | Message, options?: RunOptions): AgentRun;
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
export function createAgent(options: AgentOptions): Agent {
  const resolved = resolveAgentOptions(options);
  const { backend, tools, currentDate } = resolved;
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

  return {
    encoding,
    run(input, runOptions = {}) {
      checkRunOptions(runOptions);
      const message = toUserMessage(input);
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
      const settings: ResolvedRunSettings = {
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
          responseFormat: null,
        },
        reasoningHistory: resolved.reasoningHistory,
        maxToolRounds: resolved.maxToolRounds,
        maxTokens: runOptions.maxTokens ?? resolved.maxTokens,
        sampling: resolved.sampling,
        executor: {
          defaultTimeoutMs: resolved.toolTimeoutMs,
          maxIdenticalToolCalls: resolved.maxIdenticalToolCalls,
          onToolError: resolved.onToolError,
        },
        onParseError: resolved.onParseError,
        constrainToolArguments:
          resolved.constrainToolArguments && backend.capabilities?.constrainedToolArguments === true,
        generateCallId: () => resolved.generateId('call'),
        signal: runOptions.signal,
      };
      return startAgentRun(resolved.generateId('run'), history, (run) =>
        executeRun(run, settings, history, message),
      );
    },
  };
}
