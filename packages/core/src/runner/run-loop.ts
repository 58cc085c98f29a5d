import {
  BackendError,
  HarmonyParseError,
  MaxToolRoundsExceededError,
  OutputValidationError,
  RunAbortedError,
  TokenBudgetExceededError,
} from '../errors.js';
import type { Message } from '../harmony/types.js';
import { outputRepairPrompt } from '../output/output-schema.js';
import type { RunController, RunResult } from './agent-run.js';
import { approvalsNeeded, resumeCalls } from './approval-step.js';
import type { PendingApproval, ResumePlan } from './approvals.js';
import { fitPromptToContext } from './context-step.js';
import { answerReserve } from './context-window.js';
import { type Conversation, type ConversationEntry, compactMessage } from './conversation.js';
import { reportParseError, textOf } from './decoder-event-mapper.js';
import { addUsage, EMPTY_USAGE } from './events.js';
import { RunPrompt } from './history-tokens.js';
import { type ModelStepResult, runModelStep } from './model-step.js';
import { toRunError } from './run-error.js';
import { type ResolvedRunSettings, type RunState, throwIfAborted, toolStep } from './run-state.js';
import { ToolExecutor, toolResultMessage } from './tool-executor.js';
import { countToolRounds, currentTurnEntries, isToolCall } from './turn-guards.js';

/** How a run starts: with a new user message, or by resuming calls that waited for approval. */
export type RunStart = { readonly input: Message } | { readonly resume: ResumePlan };

/** How the steps ended: an answer, or calls waiting for approval. */
type StepsOutcome =
  | { readonly finalText: string; readonly output: unknown }
  | { readonly pendingApprovals: readonly PendingApproval[] };

/**
 * The run loop: commit the user message, then alternate model steps and tool steps until the model
 * gives a final answer. Every event is emitted and every completed message committed as it happens,
 * so a failed or aborted run leaves a consistent history; `run-end` is always the last event.
 */
export async function executeRun(
  run: RunController,
  settings: ResolvedRunSettings,
  history: Conversation,
  start: RunStart,
): Promise<RunResult<unknown>> {
  const { runId } = run;
  const resume = 'resume' in start ? start.resume : undefined;
  const turn = resume === undefined ? [] : currentTurnEntries(history.entries);
  const state: RunState = {
    run,
    settings,
    signal: settings.signal ?? new AbortController().signal,
    history,
    executor: new ToolExecutor(settings.router, settings.executor, run),
    usage: EMPTY_USAGE,
    // The guards carry across a pause: steps and generated tokens of the turn so far count.
    step: countToolRounds(turn),
    priorGeneratedTokens: turn.reduce(
      (sum, entry) => sum + (entry.message.role === 'assistant' ? (entry.tokens?.length ?? 0) : 0),
      0,
    ),
    earlier: history.entries,
  };
  const stepsBefore = state.step;
  const input = resume === undefined ? (start as { input: Message }).input : resume.input;
  run.emit({ type: 'run-start', runId, input, resumed: resume !== undefined });
  let outcome: StepsOutcome;
  try {
    outcome = await run.scope({ type: 'run', runId }, async () => {
      const userEntry: ConversationEntry | undefined =
        resume === undefined ? { message: compactMessage(input) } : undefined;
      // Rendering the history may fail (a message that cannot be rendered); then nothing is committed.
      const prompt = new RunPrompt(
        settings.encoding,
        settings.header,
        history,
        userEntry,
        settings.reasoningHistory,
      );
      try {
        if (userEntry !== undefined) run.commit([userEntry]);
        if (resume !== undefined) await resumeCalls(state, prompt, resume);
        return await runSteps(state, prompt);
      } finally {
        prompt.release();
      }
    });
  } catch (caught) {
    const error = toRunError(caught);
    closeUnansweredCalls(run);
    if (error instanceof RunAbortedError) {
      run.emit({ type: 'abort', runId, reason: state.signal.reason });
      run.emit({ type: 'run-end', runId, status: 'aborted', usage: state.usage });
    } else {
      run.emit({ type: 'error', runId, error });
      run.emit({ type: 'run-end', runId, status: 'failed', usage: state.usage });
    }
    throw error;
  }
  const pendingApprovals = 'pendingApprovals' in outcome ? outcome.pendingApprovals : [];
  const status = pendingApprovals.length > 0 ? 'interrupted' : 'completed';
  run.emit({ type: 'run-end', runId, status, usage: state.usage });
  const base = {
    pendingApprovals,
    finalText: 'finalText' in outcome ? outcome.finalText : '',
    history: run.history,
    newMessages: run.newEntries.map((entry) => entry.message),
    usage: state.usage,
    steps: state.step - stepsBefore,
  };
  return status === 'interrupted'
    ? { ...base, status, output: undefined }
    : { ...base, status, output: 'output' in outcome ? outcome.output : undefined };
}

/**
 * Model steps, each followed by a tool step when it made calls, until one gives the answer, or makes
 * calls that need approval: the calls that need none run, and the run stops before the others.
 */
async function runSteps(state: RunState, prompt: RunPrompt): Promise<StepsOutcome> {
  let repairs = 0;
  for (;;) {
    throwIfAborted(state.signal);
    const generation = await modelStep(state, prompt);
    const calls = generation.entries.filter((entry) => isToolCall(entry.message));
    if (calls.length === 0) {
      const finalText = finalAnswer(state, generation.entries);
      const output = state.settings.output;
      if (output === null) return { finalText, output: undefined };
      const checked = output.parse(finalText);
      if (checked.success) return { finalText, output: checked.value };
      if (repairs >= state.settings.maxOutputRepairs) {
        throw new OutputValidationError(
          `The model's answer does not match the output schema after ${repairs + 1} attempt(s): ${checked.issues.join('; ')}`,
          { rawText: finalText, issues: checked.issues, attempts: repairs + 1 },
        );
      }
      repairs++;
      requestRepair(state, prompt, finalText, checked.issues, repairs);
      continue;
    }
    const turn = currentTurnEntries(state.history.entries, state.run.newEntries);
    if (countToolRounds(turn) > state.settings.maxToolRounds) {
      throw new MaxToolRoundsExceededError(
        `The model made more than ${state.settings.maxToolRounds} tool rounds in one run`,
        { maxToolRounds: state.settings.maxToolRounds },
      );
    }
    const pendingApprovals = await approvalsNeeded(state, calls);
    const waiting = new Set(pendingApprovals.map((approval) => approval.callId));
    await toolStep(
      state,
      prompt,
      calls.filter((entry) => !waiting.has(entry.callId!)),
    );
    if (pendingApprovals.length > 0) {
      state.run.emit({
        type: 'approval-required',
        runId: state.run.runId,
        step: state.step,
        approvals: pendingApprovals,
      });
      return { pendingApprovals };
    }
  }
}

/** Sends an invalid answer back to the model: a user message saying what is wrong with it. */
function requestRepair(
  state: RunState,
  prompt: RunPrompt,
  rawText: string,
  issues: readonly string[],
  repair: number,
): void {
  const { run } = state;
  const format = state.settings.output!.responseFormat;
  run.emit({ type: 'output-repair', runId: run.runId, step: state.step, rawText, issues, repair });
  const entry: ConversationEntry = {
    message: { role: 'user', content: [{ type: 'text', text: outputRepairPrompt(format, issues) }] },
  };
  run.commit([entry]);
  prompt.append([entry]);
}

/** One model step within the run's token budget: emits its events, commits its messages. */
async function modelStep(state: RunState, prompt: RunPrompt): Promise<ModelStepResult> {
  const { run, settings, signal } = state;
  const { runId } = run;
  const step = ++state.step;
  const remaining =
    settings.maxTokens === undefined
      ? undefined
      : settings.maxTokens - state.priorGeneratedTokens - state.usage.generatedTokens;
  if (remaining !== undefined && remaining <= 0) {
    throw new TokenBudgetExceededError(`The run used its budget of ${settings.maxTokens} generated tokens`, {
      maxTokens: settings.maxTokens!,
    });
  }
  if (settings.context !== null) {
    state.earlier = await fitPromptToContext({
      run,
      settings: settings.context,
      prompt,
      step,
      reserveTokens: answerReserve(settings.context.reserveTokens, remaining),
      earlier: state.earlier,
    });
  }
  const promptTokens = prompt.forStep();
  run.emit({ type: 'step-start', runId, step, promptTokens: promptTokens.length });
  const generation = await run.scope({ type: 'step', runId, step }, () =>
    runModelStep(run, settings, {
      step,
      promptTokens,
      assistantStart: prompt.assistantStart,
      maxTokens: remaining,
      signal,
    }),
  );
  state.usage = addUsage(state.usage, generation.usage);
  // A backend the runner stopped waiting for may still be reading its prompt.
  if (!generation.backendDone) prompt.abandon();
  run.commit(generation.entries);
  prompt.append(generation.entries);
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
  return generation;
}

/** The answer of a step without tool calls; a step without one gets a `parse-error` event. */
function finalAnswer(state: RunState, entries: readonly ConversationEntry[]): string {
  const finals = entries.filter((entry) => isFinalAnswer(entry.message));
  if (finals.length === 0) {
    reportParseError(
      state.run,
      state.settings.onParseError,
      state.step,
      new HarmonyParseError('The model stopped without a final answer or a tool call'),
      false,
    );
  }
  return finals.map((entry) => textOf(entry.message)).join('');
}

function isFinalAnswer(message: Message): boolean {
  return (
    message.role === 'assistant' &&
    !isToolCall(message) &&
    (message.channel === 'final' || message.channel === null || message.channel === undefined)
  );
}

/**
 * A tool call without a result would leave the history unanswerable: each call of this run that has
 * no result yet is answered with the stop.
 */
function closeUnansweredCalls(run: RunController): void {
  const answered = new Set<string>();
  for (const entry of run.newEntries) {
    if (entry.message.role === 'tool' && entry.callId !== undefined) answered.add(entry.callId);
  }
  const unanswered = run.newEntries.filter(
    (entry) => isToolCall(entry.message) && entry.callId !== undefined && !answered.has(entry.callId),
  );
  run.commit(
    unanswered.map((entry) => ({
      message: toolResultMessage(
        { recipient: entry.message.recipient!, channel: entry.message.channel ?? null },
        'Error: the call was not executed because the run was stopped.',
      ),
      callId: entry.callId!,
    })),
  );
}
