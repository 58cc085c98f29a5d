import {
  HarmonyAgentsError,
  RepeatedToolCallError,
  RunAbortedError,
  RunScopeError,
  ToolArgumentsError,
  type ToolCallError,
  ToolExecutionError,
  ToolTimeoutError,
  UnknownToolError,
} from '../errors.js';
import type { Message } from '../harmony/types.js';
import { formatToolError, formatToolResult } from '../tools/tool-result.js';
import type { BuiltinTool, FunctionTool, ToolContext, ValidationResult } from '../tools/types.js';
import type { RunController } from './agent-run.js';
import type { ConversationEntry } from './conversation.js';
import { describeThrown, isInstance } from './run-error.js';
import type { ToolCallScope } from './run-scope.js';
import { runWithTimeout, TimeoutSignal } from './run-with-timeout.js';
import { argumentRepairCandidates, canonicalJson, parseToolArguments } from './tool-arguments.js';
import { routeToolCall, type ToolCallRepair, type ToolRoute } from './tool-routing.js';

/**
 * Kinds of tool-call failure, for the `onToolError` option: the `code` of the error the call failed with
 * (one spelling everywhere: `onToolError: { tool_timeout: 'throw' }` matches `error.code === 'tool_timeout'`).
 */
export type ToolErrorKind =
  | UnknownToolError['code']
  | ToolArgumentsError['code']
  | ToolExecutionError['code']
  | ToolTimeoutError['code']
  | RepeatedToolCallError['code'];

/** What the runner does with a failed tool call: tell the model (so it can retry) or fail the run. */
export type ToolErrorBehavior = 'report' | 'throw';

/** The tools of an agent, indexed for routing. */
export interface ToolRouter {
  readonly functions: ReadonlyMap<string, FunctionTool<unknown, unknown>>;
  readonly builtins: ReadonlyMap<string, BuiltinTool>;
}

/** A tool call taken from the model's output. */
export interface PendingToolCall {
  readonly callId: string;
  readonly step: number;
  readonly recipient: string;
  readonly channel: string | null;
  readonly contentType: string | null;
  readonly rawArguments: string;
}

/** Settings of the executor, resolved from the agent's options. */
export interface ToolExecutorSettings {
  readonly defaultTimeoutMs: number;
  readonly maxIdenticalToolCalls: number;
  readonly onToolError: Readonly<Record<ToolErrorKind, ToolErrorBehavior>>;
  /** The run's application context, given to every tool as `context.context`. */
  readonly context: unknown;
  /** Cuts a result sent to the model to the agent's `maxToolResultTokens` (identity without a limit). */
  readonly limitOutput: (output: string) => string;
}

/** The outcome of one call: the tool message for the model and what to report. */
export type ToolCallOutcome =
  | {
      readonly type: 'result';
      readonly toolName: string;
      readonly arguments: unknown;
      readonly result: unknown;
      readonly output: string;
      readonly durationMs: number;
      readonly message: Message;
    }
  | {
      readonly type: 'error';
      readonly toolName: string;
      readonly arguments: unknown;
      readonly error: ToolCallError;
      readonly kind: ToolErrorKind;
      readonly behavior: ToolErrorBehavior;
      readonly output: string;
      readonly message: Message;
    };

/** The tool message that carries a result back to the model, as the reference tools write it. */
export function toolResultMessage(
  call: Pick<PendingToolCall, 'recipient' | 'channel'>,
  text: string,
): Message {
  return {
    role: 'tool',
    name: call.recipient,
    recipient: 'assistant',
    channel: call.channel ?? 'commentary',
    content: [{ type: 'text', text }],
  };
}

/** What identifies identical calls: the tool and its validated arguments (raw input for built-ins). */
function callKey(target: ToolRoute, recipient: string, args: unknown, rawArguments: string): string {
  return target.kind === 'function'
    ? `functions.${target.name}\u0000${canonicalJson(args)}`
    : `${target.recipient === recipient ? recipient : target.recipient}\u0000${rawArguments}`;
}

/**
 * Validates and executes tool calls with timeouts, abort and repeat detection. One executor serves one run.
 */
export class ToolExecutor {
  readonly #router: ToolRouter;
  readonly #settings: ToolExecutorSettings;
  readonly #run: Pick<RunController, 'runId' | 'scope'>;
  /** The identity of earlier calls read from the history (`null`: an unknown tool or invalid arguments). */
  readonly #keys = new WeakMap<ConversationEntry, string | null>();

  /** `run` gives each tool's execution its scope ({@link ToolCallScope}). */
  constructor(
    router: ToolRouter,
    settings: ToolExecutorSettings,
    run: Pick<RunController, 'runId' | 'scope'>,
  ) {
    this.#router = router;
    this.#settings = settings;
    this.#run = run;
  }

  /**
   * Executes one call. `announce` is called once, with the tool's name and the parsed arguments (or
   * the raw text when they are invalid), before the tool runs or the failure is returned. Failures
   * become an `error` outcome (the caller reports or throws it); only an abort of the run throws
   * ({@link RunAbortedError}). `earlierCalls` are the current turn's calls before this one: identical
   * calls are counted in them, so the guard holds across a run resumed from a saved conversation.
   */
  async execute(
    call: PendingToolCall,
    signal: AbortSignal,
    announce: (toolName: string, args: unknown, repairs: readonly ToolCallRepair[]) => void,
    earlierCalls: readonly ConversationEntry[] = [],
  ): Promise<ToolCallOutcome> {
    const target = routeToolCall(this.#router, call.recipient);
    const toolName =
      target === null ? call.recipient : target.kind === 'function' ? target.name : target.recipient;
    const errorOptions = { recipient: call.recipient, callId: call.callId };
    // The result is authored by the tool the call resolved to (`functions.x` for a bare `x`).
    const resultAuthor = { recipient: target?.recipient ?? call.recipient, channel: call.channel };
    const repairs: ToolCallRepair[] = target?.repair == null ? [] : [target.repair];
    let announced = false;
    const announceOnce = (args: unknown) => {
      if (!announced) announce(toolName, args, repairs);
      announced = true;
    };
    const fail = (
      kind: ToolErrorKind,
      error: ToolCallError,
      args: unknown,
    ): Extract<ToolCallOutcome, { type: 'error' }> => {
      announceOnce(args);
      const output = this.#settings.limitOutput(formatToolError(error));
      return {
        type: 'error',
        toolName,
        arguments: args,
        error,
        kind,
        behavior: this.#settings.onToolError[kind],
        output,
        message: toolResultMessage(resultAuthor, output),
      };
    };

    if (target === null) {
      const known = [
        ...[...this.#router.functions.keys()].map((name) => `functions.${name}`),
        ...this.#router.builtins.keys(),
      ];
      const list = known.length === 0 ? 'none' : known.join(', ');
      return fail(
        'unknown_tool',
        new UnknownToolError(`Unknown tool ${call.recipient}. Available tools: ${list}.`, errorOptions),
        call.rawArguments,
      );
    }

    let args: unknown = call.rawArguments;
    if (target.kind === 'function') {
      const parsed = parseToolArguments(call.rawArguments);
      if (!parsed.ok) {
        return fail(
          'invalid_tool_arguments',
          new ToolArgumentsError(`Invalid arguments for ${toolName}: not valid JSON (${parsed.message}).`, {
            ...errorOptions,
            rawArguments: call.rawArguments,
          }),
          call.rawArguments,
        );
      }
      const { validated, repair } = validateWithRepairs(target, parsed.value);
      if (repair !== null) repairs.push(repair);
      if (!validated.success) {
        return fail(
          'invalid_tool_arguments',
          new ToolArgumentsError(`Invalid arguments for ${toolName}: ${validated.issues.join('; ')}.`, {
            ...errorOptions,
            rawArguments: call.rawArguments,
            issues: validated.issues,
          }),
          parsed.value,
        );
      }
      args = validated.value;
    }

    const key = callKey(target, call.recipient, args, call.rawArguments);
    let count = 1;
    for (const entry of earlierCalls) if (this.#keyOf(entry) === key) count++;
    if (count > this.#settings.maxIdenticalToolCalls) {
      const error = new RepeatedToolCallError(
        `Repeated call: ${toolName} was already called ${count - 1} times with these exact arguments. ` +
          'Use the earlier results instead of calling it again.',
        { ...errorOptions, count },
      );
      const outcome = fail('repeated_tool_call', error, args);
      // Reported to the model once; if it insists, the run fails.
      return count > this.#settings.maxIdenticalToolCalls + 1 ? { ...outcome, behavior: 'throw' } : outcome;
    }

    const timeoutMs = target.tool.timeoutMs ?? this.#settings.defaultTimeoutMs;
    announceOnce(args);
    const scope: ToolCallScope = {
      type: 'tool',
      runId: this.#run.runId,
      step: call.step,
      callId: call.callId,
      toolName,
      recipient: call.recipient,
    };
    const started = performance.now();
    try {
      const result = await runWithTimeout(signal, timeoutMs, (toolSignal) => {
        const context: ToolContext = {
          signal: toolSignal,
          callId: call.callId,
          step: call.step,
          recipient: call.recipient,
          channel: call.channel ?? undefined,
          context: this.#settings.context,
        };
        return this.#run.scope(scope, async () =>
          target.kind === 'function'
            ? target.tool.execute(args, context)
            : target.tool.execute(
                {
                  recipient: target.recipient,
                  input: call.rawArguments,
                  contentType: call.contentType ?? undefined,
                },
                context,
              ),
        );
      });
      const output = this.#settings.limitOutput(formatToolResult(result));
      return {
        type: 'result',
        toolName,
        arguments: args,
        result,
        output,
        durationMs: performance.now() - started,
        message: toolResultMessage(resultAuthor, output),
      };
    } catch (error) {
      // A tool can throw anything (null, an object without a prototype, a Proxy): no check may throw.
      if (isInstance(error, RunAbortedError)) throw error;
      // A misused wrapper of this call fails the run (one from a run inside the tool is the tool's failure).
      if (isMisuseOf(error, scope)) throw error;
      if (isInstance(error, TimeoutSignal)) {
        return fail(
          'tool_timeout',
          new ToolTimeoutError(`${toolName} did not finish within ${timeoutMs} ms and was cancelled.`, {
            ...errorOptions,
            timeoutMs,
          }),
          args,
        );
      }
      const reason = describeThrown(error);
      return fail(
        'tool_execution_failed',
        new ToolExecutionError(
          isInstance(error, HarmonyAgentsError) ? reason : `${toolName} failed: ${reason}`,
          { ...errorOptions, cause: error },
        ),
        args,
      );
    }
  }

  /**
   * Whether a call needs a person's approval before it runs: a function tool whose `needsApproval` is
   * true, or a function that returns true for the call's validated arguments (or throws: approval is
   * the safe side). Unknown tools, built-in tools and invalid arguments need none: they run or fail as
   * usual. Returns the tool's name and validated arguments, or null.
   */
  async approvalRequest(
    call: PendingToolCall,
    signal: AbortSignal,
  ): Promise<{ readonly toolName: string; readonly arguments: unknown } | null> {
    const target = routeToolCall(this.#router, call.recipient);
    if (target?.kind !== 'function') return null;
    const policy = target.tool.needsApproval;
    if (policy === undefined || policy === false) return null;
    // The arguments the tool would run with, repairs included, so a repair never skips an approval.
    const parsed = parseToolArguments(call.rawArguments);
    const validated = parsed.ok ? validateWithRepairs(target, parsed.value).validated : null;
    if (validated === null || !validated.success) return null;
    const request = { toolName: target.name, arguments: validated.value };
    if (policy === true) return request;
    const context: ToolContext = {
      signal,
      callId: call.callId,
      step: call.step,
      recipient: call.recipient,
      channel: call.channel ?? undefined,
      context: this.#settings.context,
    };
    try {
      return (await policy(validated.value, context)) === false ? null : request;
    } catch {
      return request;
    }
  }

  /** The identity of an earlier call, as {@link callKey} gives it for a call that validated. */
  #keyOf(entry: ConversationEntry): string | null {
    let key = this.#keys.get(entry);
    if (key !== undefined) return key;
    key = null;
    const { recipient } = entry.message;
    const target = typeof recipient === 'string' ? routeToolCall(this.#router, recipient) : null;
    const rawArguments = entry.message.content
      .map((item) => (item.type === 'text' ? item.text : ''))
      .join('');
    if (target?.kind === 'builtin') key = callKey(target, recipient!, rawArguments, rawArguments);
    else if (target?.kind === 'function') {
      const parsed = parseToolArguments(rawArguments);
      const validated = parsed.ok ? validateWithRepairs(target, parsed.value).validated : null;
      if (validated?.success === true) key = callKey(target, recipient!, validated.value, rawArguments);
    }
    this.#keys.set(entry, key);
    return key;
  }
}

/**
 * Validates parsed arguments; when they fail, the first repair candidate that validates is taken
 * (a repair is kept only when the repaired value validates and the value as written does not).
 */
function validateWithRepairs(
  target: Extract<ToolRoute, { kind: 'function' }>,
  value: unknown,
): { readonly validated: ValidationResult<unknown>; readonly repair: ToolCallRepair | null } {
  const validated = target.tool.validate(value);
  if (validated.success) return { validated, repair: null };
  for (const candidate of argumentRepairCandidates(value, target.name)) {
    const repaired = target.tool.validate(candidate.value);
    if (repaired.success) return { validated: repaired, repair: candidate.repair };
  }
  return { validated, repair: null };
}

/** Whether `error` is a {@link RunScopeError} about `scope` itself; never throws. */
function isMisuseOf(error: unknown, scope: ToolCallScope): boolean {
  try {
    return error instanceof RunScopeError && error.scope === scope;
  } catch {
    return false;
  }
}
