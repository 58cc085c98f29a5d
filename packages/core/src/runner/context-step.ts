/**
 * The context check before each model step: the prompt plus the answer's reserve must fit the backend's
 * declared context; otherwise the run fails before generation or leaves earlier turns out of the prompt.
 */

import { ConfigurationError } from '../errors.js';
import type { RunController } from './agent-run.js';
import {
  type ContextBudget,
  type ContextOverflowStrategy,
  contextWindowExceeded,
  dropOldestTurns,
  splitTurns,
} from './context-window.js';
import { Conversation, type ConversationEntry } from './conversation.js';
import type { RunPrompt } from './history-tokens.js';

/** The context settings of a run whose backend declares its context size. */
export interface ContextSettings {
  readonly contextSize: number;
  readonly reserveTokens: number;
  readonly overflow: ContextOverflowStrategy;
}

/** What the check needs from the run. */
export interface ContextCheck {
  readonly run: RunController;
  readonly settings: ContextSettings;
  readonly prompt: RunPrompt;
  readonly step: number;
  /** The reserve for this step's answer. */
  readonly reserveTokens: number;
  /** The earlier turns the prompt shows now (the given history, or what is left of it). */
  readonly earlier: readonly ConversationEntry[];
}

/**
 * Makes the next step's prompt fit, and returns the earlier entries it shows now.
 * @throws `ContextWindowExceededError` when it does not fit and cannot be made to.
 */
export async function fitPromptToContext(check: ContextCheck): Promise<readonly ConversationEntry[]> {
  const { prompt, settings, reserveTokens, run } = check;
  const { contextSize, overflow } = settings;
  const before = prompt.length;
  if (before + reserveTokens <= contextSize) return check.earlier;
  if (overflow === 'error') {
    throw contextWindowExceeded(
      before,
      reserveTokens,
      contextSize,
      "Raise the backend's context size, start a new conversation, or set the agent's contextOverflow option.",
    );
  }
  const current = run.newEntries;
  const counts = prompt.tokenCounts([...check.earlier, ...current]);
  const earlierTokens = sum(counts.slice(0, check.earlier.length));
  const fixedTokens = before - earlierTokens;
  const availableTokens = contextSize - reserveTokens - fixedTokens;
  let kept: readonly ConversationEntry[];
  if (overflow === 'drop-oldest-turns') {
    const countOf = new Map(check.earlier.map((entry, index) => [entry, counts[index]!]));
    kept = dropOldestTurns(check.earlier, availableTokens, (turn) =>
      sum(turn.map((entry) => countOf.get(entry)!)),
    ).kept;
  } else {
    const budget: ContextBudget = {
      contextSize,
      reserveTokens,
      fixedTokens,
      availableTokens,
      historyTokens: earlierTokens,
      countTokens: (conversation) =>
        sum(prompt.tokenCounts([...conversation.entries, ...current]).slice(0, conversation.entries.length)),
    };
    const replaced = await overflow(Conversation.empty().concat(check.earlier), budget);
    if (!(replaced instanceof Conversation)) {
      throw new ConfigurationError('contextOverflow must return a Conversation', {
        option: 'contextOverflow',
      });
    }
    kept = replaced.entries;
  }
  const keptSet = new Set(kept);
  const dropped = check.earlier.filter((entry) => !keptSet.has(entry));
  prompt.reset([...kept, ...current]);
  if (dropped.length > 0) {
    run.emit({
      type: 'history-trimmed',
      runId: run.runId,
      step: check.step,
      droppedMessages: dropped.map((entry) => entry.message),
      droppedTurns: splitTurns(check.earlier).filter((turn) => turn.every((entry) => !keptSet.has(entry)))
        .length,
      promptTokensBefore: before,
      promptTokens: prompt.length,
      contextSize,
      reserveTokens,
    });
  }
  if (prompt.length + reserveTokens > contextSize) {
    throw contextWindowExceeded(
      prompt.length,
      reserveTokens,
      contextSize,
      kept.length === 0
        ? "It does not fit even without the earlier turns: raise the backend's context size or shorten the current turn."
        : 'The contextOverflow strategy did not make it fit.',
    );
  }
  return kept;
}

function sum(values: readonly number[]): number {
  return values.reduce((total, value) => total + value, 0);
}
