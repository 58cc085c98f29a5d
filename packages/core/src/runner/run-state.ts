/**
 * What every part of a run's loop shares: the settings resolved for the run, its state while the loop
 * turns, and the two helpers the run loop and the approval step both use.
 */

import { RunAbortedError } from '../errors.js';
import type { ResolvedOutput } from '../output/output-schema.js';
import type { RunController } from './agent-run.js';
import type { ContextSettings } from './context-step.js';
import type { Conversation, ConversationEntry } from './conversation.js';
import type { Usage } from './events.js';
import type { RunPrompt } from './history-tokens.js';
import type { ModelStepSettings } from './model-step.js';
import type { PromptHeaderConfig, ReasoningHistory } from './prompt-builder.js';
import type { ToolExecutor, ToolExecutorSettings } from './tool-executor.js';
import { runToolStep } from './tool-step.js';
import { currentTurnEntries } from './turn-guards.js';

/** Everything a run needs, resolved from the agent's and the run's options. */
export interface ResolvedRunSettings extends ModelStepSettings {
  readonly header: PromptHeaderConfig;
  readonly reasoningHistory: ReasoningHistory;
  readonly maxToolRounds: number;
  readonly maxTokens: number | undefined;
  readonly executor: ToolExecutorSettings;
  readonly signal: AbortSignal | undefined;
  /** The run's structured output, or null. */
  readonly output: ResolvedOutput | null;
  /** How many times an answer that does not match `output` goes back to the model. */
  readonly maxOutputRepairs: number;
  /** The context check, when the backend declares its context size. */
  readonly context: ContextSettings | null;
}

/** The state of one run while its loop turns. */
export interface RunState {
  readonly run: RunController;
  readonly settings: ResolvedRunSettings;
  readonly signal: AbortSignal;
  /** The history the run started from. */
  readonly history: Conversation;
  readonly executor: ToolExecutor;
  /** Usage summed over the model steps so far. */
  usage: Usage;
  /** The number of model steps so far (for a resumed run, the steps of the turn before it). */
  step: number;
  /** Tokens the turn generated before this run (a resumed run's budget counts them). */
  readonly priorGeneratedTokens: number;
  /** The earlier turns the prompt shows (the given history, or what context management left of it). */
  earlier: readonly ConversationEntry[];
}

/** Runs calls of the current step through the tool step, committing each result. */
export async function toolStep(
  state: RunState,
  prompt: RunPrompt,
  calls: readonly ConversationEntry[],
): Promise<void> {
  if (calls.length === 0) return;
  const { run } = state;
  await runToolStep(
    {
      runId: run.runId,
      emit: (event) => run.emit(event),
      commitResult: (entry) => {
        run.commit([entry]);
        prompt.append([entry]);
      },
    },
    state.executor,
    {
      step: state.step,
      calls,
      turn: currentTurnEntries(state.history.entries, run.newEntries),
      signal: state.signal,
    },
  );
}

/** Throws {@link RunAbortedError} once the run's signal is aborted. */
export function throwIfAborted(signal: AbortSignal): void {
  if (signal.aborted) throw new RunAbortedError('The run was aborted', { cause: signal.reason });
}
