import type { Backend, BackendChunk, BackendUsage, FinishReason, SamplingOptions } from '../backend.js';
import {
  BackendError,
  HarmonyAgentsError,
  HarmonyParseError,
  MaxToolRoundsExceededError,
  RunAbortedError,
  TokenBudgetExceededError,
} from '../errors.js';
import type { HarmonyEncoding } from '../harmony/encoding.js';
import { HARMONY_TOKENS } from '../harmony/special-tokens.js';
import {
  HarmonyStreamDecoder,
  type MessageOpening,
  type StreamDecoderEvent,
} from '../harmony/stream-decoder.js';
import type { Message, Role } from '../harmony/types.js';
import type { RunController, RunResult } from './agent-run.js';
import {
  type Conversation,
  type ConversationEntry,
  compactMessage,
  isReusableMessageTokens,
} from './conversation.js';
import { addUsage, EMPTY_USAGE, type Usage } from './events.js';
import {
  assistantStartTokens,
  buildHeaderMessages,
  type PromptHeaderConfig,
  PromptTokenCache,
  type ReasoningHistory,
  selectPromptEntries,
} from './prompt-builder.js';
import {
  type PendingToolCall,
  ToolExecutor,
  type ToolExecutorSettings,
  type ToolRouter,
  toolResultMessage,
} from './tool-executor.js';

/** Everything a run needs, resolved from the agent's and the run's options. */
export interface ResolvedRunSettings {
  readonly backend: Backend;
  readonly encoding: HarmonyEncoding;
  readonly router: ToolRouter;
  readonly header: PromptHeaderConfig;
  readonly reasoningHistory: ReasoningHistory;
  readonly maxToolRounds: number;
  readonly maxTokens: number | undefined;
  readonly sampling: SamplingOptions;
  readonly executor: ToolExecutorSettings;
  readonly onParseError: 'recover' | 'throw';
  readonly constrainToolArguments: boolean;
  readonly generateCallId: () => string;
  readonly signal: AbortSignal | undefined;
}

/** What one model step produced. */
interface Generation {
  readonly entries: ConversationEntry[];
  readonly finishReason: FinishReason;
  readonly usage: BackendUsage;
}

const textOf = (message: Message): string =>
  message.content.map((item) => (item.type === 'text' ? item.text : '')).join('');

/**
 * The run loop: render, generate, parse, execute tool calls, feed results back, until a final answer.
 * Prompts only grow within a run: each model step's prompt is the previous one plus the tokens the
 * model sampled, the tool results and `<|start|>assistant`, so nothing is re-rendered or re-tokenized.
 */
export async function executeRun(
  run: RunController,
  settings: ResolvedRunSettings,
  history: Conversation,
  input: Message,
): Promise<RunResult> {
  const { encoding } = settings;
  const { runId } = run;
  const signal = settings.signal ?? new AbortController().signal;
  const cache = new PromptTokenCache(encoding);
  const executor = new ToolExecutor(settings.router, settings.executor);
  let usage: Usage = EMPTY_USAGE;
  let step = 0;
  let finalText = '';

  const commit = (entries: Iterable<ConversationEntry>) => run.commit(entries);

  // The prompt prefix: system, developer, the history the policy keeps, the new user message.
  const prefix: number[] = [];
  const userEntry: ConversationEntry = { message: compactMessage(input) };
  const assistantStart = assistantStartTokens(encoding);
  run.emit({ type: 'run-start', runId, input });

  try {
    for (const message of buildHeaderMessages(settings.header)) {
      for (const token of encoding.render(message, {
        conversationHasFunctionTools: settings.header.functionNamespace !== null,
      })) {
        prefix.push(token);
      }
    }
    // Rendering the history may fail (a message that cannot be rendered); then nothing is committed.
    cache.append(selectPromptEntries([...history.entries, userEntry], settings.reasoningHistory), prefix);
    commit([userEntry]);
    let toolRounds = 0;
    for (;;) {
      if (signal.aborted) throw new RunAbortedError('The run was aborted', { cause: signal.reason });
      step++;
      const remaining =
        settings.maxTokens === undefined ? undefined : settings.maxTokens - usage.generatedTokens;
      if (remaining !== undefined && remaining <= 0) {
        throw new TokenBudgetExceededError(
          `The run used its budget of ${settings.maxTokens} generated tokens`,
          {
            maxTokens: settings.maxTokens!,
          },
        );
      }
      const promptTokens = prefix.concat(assistantStart);
      run.emit({ type: 'step-start', runId, step, promptTokens: promptTokens.length });
      const generation = await generate(run, settings, step, promptTokens, remaining, signal);
      usage = addUsage(usage, generation.usage);
      commit(generation.entries);
      cache.append(generation.entries, prefix);
      run.emit({
        type: 'step-end',
        runId,
        step,
        finishReason: generation.finishReason,
        usage: addUsage(EMPTY_USAGE, generation.usage),
      });
      if (generation.finishReason === 'abort')
        throw new RunAbortedError('The run was aborted', { cause: signal.reason });
      if (generation.finishReason === 'length') {
        // Stopped early without reaching our budget: the backend ran out of context.
        if (remaining === undefined || generation.usage.generatedTokens < remaining) {
          throw new BackendError(
            `The model's context is full: generation stopped after ${generation.usage.generatedTokens} tokens, before the model finished`,
            { kind: 'context_overflow' },
          );
        }
        throw new TokenBudgetExceededError(
          `The run used its budget of ${settings.maxTokens} generated tokens before the model finished`,
          { maxTokens: settings.maxTokens! },
        );
      }

      const calls = generation.entries.filter((entry) => isToolCall(entry.message));
      const finals = generation.entries.filter((entry) => isFinalAnswer(entry.message));
      if (calls.length === 0) {
        finalText = finals.map((entry) => textOf(entry.message)).join('');
        if (finals.length === 0) {
          reportParseError(
            run,
            settings,
            step,
            new HarmonyParseError('The model stopped without a final answer or a tool call'),
            false,
          );
        }
        break;
      }
      toolRounds++;
      if (toolRounds > settings.maxToolRounds) {
        throw new MaxToolRoundsExceededError(
          `The model made more than ${settings.maxToolRounds} tool rounds in one run`,
          { maxToolRounds: settings.maxToolRounds },
        );
      }
      for (const entry of calls) {
        const call: PendingToolCall = {
          callId: settings.generateCallId(),
          step,
          recipient: entry.message.recipient!,
          channel: entry.message.channel ?? null,
          contentType: entry.message.contentType ?? null,
          rawArguments: textOf(entry.message),
        };
        const outcome = await executor.execute(call, signal, (toolName, args) =>
          run.emit({
            type: 'tool-call',
            runId,
            step,
            callId: call.callId,
            recipient: call.recipient,
            toolName,
            arguments: args,
            rawArguments: call.rawArguments,
            channel: call.channel,
          }),
        );
        const resultEntry: ConversationEntry = { message: outcome.message };
        if (outcome.type === 'result') {
          run.emit({
            type: 'tool-result',
            runId,
            step,
            callId: call.callId,
            recipient: call.recipient,
            result: outcome.result,
            output: outcome.output,
            durationMs: outcome.durationMs,
          });
        } else {
          run.emit({
            type: 'tool-error',
            runId,
            step,
            callId: call.callId,
            recipient: call.recipient,
            error: outcome.error,
            output: outcome.output,
          });
          if (outcome.behavior === 'throw') {
            commit([resultEntry]);
            throw outcome.error;
          }
        }
        commit([resultEntry]);
        cache.append([resultEntry], prefix);
      }
    }
  } catch (caught) {
    const error = toAgentError(caught);
    closeDanglingCalls(run.newEntries, commit);
    if (error instanceof RunAbortedError) {
      run.emit({ type: 'abort', runId, reason: signal.reason });
      run.emit({ type: 'run-end', runId, status: 'aborted', usage });
    } else {
      run.emit({ type: 'error', runId, error });
      run.emit({ type: 'run-end', runId, status: 'failed', usage });
    }
    throw error;
  }
  run.emit({ type: 'run-end', runId, status: 'completed', usage });
  return {
    finalText,
    history: run.history,
    newMessages: run.newEntries.map((entry) => entry.message),
    usage,
    steps: step,
  };
}

function isToolCall(message: Message): boolean {
  return message.role === 'assistant' && typeof message.recipient === 'string' && message.recipient !== 'all';
}

/**
 * Which events a message's text goes to, by channel: `analysis`, `commentary` (a preamble), `final`
 * (or no channel) for the answer; `null` for any other channel, whose text is never shown.
 */
function textKindOf(channel: string | null): 'analysis' | 'preamble' | 'final' | null {
  if (channel === 'analysis') return 'analysis';
  if (channel === 'commentary') return 'preamble';
  if (channel === 'final' || channel === null) return 'final';
  return null;
}

function isFinalAnswer(message: Message): boolean {
  return (
    message.role === 'assistant' &&
    !isToolCall(message) &&
    (message.channel === 'final' || message.channel === null || message.channel === undefined)
  );
}

function toAgentError(caught: unknown): HarmonyAgentsError {
  if (caught instanceof HarmonyAgentsError) return caught;
  return new BackendError(
    `The backend failed: ${caught instanceof Error ? caught.message : String(caught)}`,
    {
      kind: 'generation_failed',
      cause: caught,
    },
  );
}

/** A tool call without a result would leave the history unanswerable: answer it with the abort. */
function closeDanglingCalls(
  entries: readonly ConversationEntry[],
  commit: (entries: ConversationEntry[]) => void,
): void {
  const last = entries[entries.length - 1];
  if (last !== undefined && isToolCall(last.message)) {
    commit([
      {
        message: toolResultMessage(
          { recipient: last.message.recipient!, channel: last.message.channel ?? null },
          'Error: the call was not executed because the run was stopped.',
        ),
      },
    ]);
  }
}

function reportParseError(
  run: RunController,
  settings: ResolvedRunSettings,
  step: number,
  error: HarmonyParseError,
  recovered: boolean,
): void {
  run.emit({ type: 'parse-error', runId: run.runId, step, error, recovered });
  if (settings.onParseError === 'throw') throw error;
}

/** Streams one model step through the Harmony decoder, emitting deltas and completed messages. */
async function generate(
  run: RunController,
  settings: ResolvedRunSettings,
  step: number,
  promptTokens: readonly number[],
  maxTokens: number | undefined,
  signal: AbortSignal,
): Promise<Generation> {
  const { runId } = run;
  const decoder = new HarmonyStreamDecoder(settings.encoding, { role: 'assistant' });
  const entries: ConversationEntry[] = [];
  const assistantStart = assistantStartTokens(settings.encoding);
  let streamingRole: Role | null = null;

  const handle = (event: StreamDecoderEvent) => {
    switch (event.type) {
      case 'message-start':
        streamingRole = event.role;
        return;
      case 'content-delta': {
        // Only the model's own messages stream; a made-up user or tool message never reaches the screen.
        if (event.recipient !== null || streamingRole !== 'assistant') return;
        const kind = textKindOf(event.channel);
        if (kind !== null) run.emit({ type: `${kind}-delta`, runId, step, delta: event.delta });
        return;
      }
      case 'parse-error':
        reportParseError(run, settings, step, event.error, event.recovered);
        return;
      case 'message-end': {
        const message = compactMessage(event.message);
        if (message.role !== 'assistant') {
          reportParseError(
            run,
            settings,
            step,
            new HarmonyParseError(`The model wrote a ${message.role} message; it was dropped`),
            false,
          );
          return;
        }
        // A message cut off by abort or the token budget is not kept.
        if (event.terminator === null) return;
        const tokens = event.complete
          ? historyTokens(event.tokens, event.terminator, event.opening, assistantStart, isToolCall(message))
          : undefined;
        entries.push(tokens === undefined ? { message } : { message, tokens });
        const text = textOf(message);
        if (isToolCall(message)) return;
        const kind = textKindOf(message.channel ?? null);
        if (kind === null) {
          reportParseError(
            run,
            settings,
            step,
            new HarmonyParseError(
              `The model wrote on the unknown channel ${JSON.stringify(message.channel)}; the message is kept in history but is not part of the answer`,
            ),
            true,
          );
          return;
        }
        run.emit({ type: kind, runId, step, text });
        return;
      }
    }
  };

  const request = {
    promptTokens,
    stopTokens: settings.encoding.stopTokensForAssistantActions(),
    maxTokens,
    sampling: settings.sampling,
    signal,
    constrainedTools: settings.constrainToolArguments
      ? [...settings.router.functions.values()].map((tool) => ({
          recipient: `functions.${tool.name}`,
          parameters: tool.jsonSchema ?? tool.parameters,
        }))
      : [],
  };
  let finish: Extract<BackendChunk, { type: 'finish' }> | undefined;
  let generated = 0;
  const iterator = settings.backend.doGenerate(request)[Symbol.asyncIterator]();
  // A backend that does not honour the signal must not keep an aborted run waiting.
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<'aborted'>((resolve) => {
    onAbort = () => resolve('aborted');
    signal.addEventListener('abort', onAbort, { once: true });
  });
  let abandoned = false;
  try {
    for (;;) {
      if (signal.aborted) break;
      const next = await Promise.race([iterator.next(), aborted]);
      if (next === 'aborted') {
        abandoned = true;
        break;
      }
      if (next.done === true) break;
      const chunk = next.value;
      if (chunk.type === 'finish') {
        finish = chunk;
        break;
      }
      for (const token of chunk.tokens) {
        generated++;
        for (const event of decoder.push(token)) handle(event);
      }
    }
  } catch (error) {
    if (!signal.aborted) throw error;
  } finally {
    if (onAbort !== undefined) signal.removeEventListener('abort', onAbort);
    // An abandoned generator is still running; closing it is queued behind its pending step.
    if (abandoned) iterator.return?.()?.catch(() => undefined);
    else await iterator.return?.();
  }
  for (const event of decoder.end()) handle(event);
  const reason: FinishReason = signal.aborted ? 'abort' : (finish?.reason ?? 'stop');
  const usage: BackendUsage = finish?.usage ?? {
    promptTokens: promptTokens.length,
    generatedTokens: generated,
  };
  return { entries, finishReason: reason, usage };
}

/**
 * The tokens a sampled message keeps in history: `<|start|>` (and, for the first message of a
 * generation, the role the prompt supplied) plus exactly what the model sampled, with a final
 * `<|return|>` stored as `<|end|>` as Harmony requires. Undefined when the sampled tokens cannot be
 * reused (the decoder split the message off, or the content holds special or unknown ids), so the
 * message is re-rendered instead.
 */
function historyTokens(
  sampled: readonly number[],
  terminator: number,
  opening: MessageOpening,
  assistantStart: readonly number[],
  toolCall: boolean,
): readonly number[] | undefined {
  if (opening === 'none') return undefined;
  const tokens = opening === 'prompt' ? [...assistantStart, ...sampled] : [HARMONY_TOKENS.start, ...sampled];
  // The stopping token is not in a KV cache, so it can be written as Harmony wants it in history:
  // `<|call|>` after a tool call, `<|end|>` otherwise.
  if (terminator === HARMONY_TOKENS.return) {
    tokens[tokens.length - 1] = toolCall ? HARMONY_TOKENS.call : HARMONY_TOKENS.end;
  }
  // Special or unknown ids inside the content are re-rendered as the text they decoded to.
  return isReusableMessageTokens(tokens) ? Object.freeze(tokens) : undefined;
}
