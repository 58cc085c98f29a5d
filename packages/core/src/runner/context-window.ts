/**
 * Context-window management: before each model step the runner checks that the prompt and a reserve for the
 * answer fit the backend's declared context, and otherwise fails or drops the oldest user turns.
 */

import { ContextWindowExceededError } from '../errors.js';
import type { Conversation, ConversationEntry } from './conversation.js';

/** What the runner tells a custom {@link ContextOverflowStrategy} about the space it has. */
export interface ContextBudget {
  /** The backend's context size (prompt plus generated tokens of one step). */
  readonly contextSize: number;
  /** Tokens kept free for the model's answer. */
  readonly reserveTokens: number;
  /** Prompt tokens besides the earlier turns: system and developer messages, the current turn, `<|start|>assistant`. */
  readonly fixedTokens: number;
  /** Tokens the earlier turns may take: `contextSize - reserveTokens - fixedTokens`. */
  readonly availableTokens: number;
  /** Tokens the earlier turns take now. */
  readonly historyTokens: number;
  /** Counts the prompt tokens a conversation of earlier turns would take (as rendered, chain-of-thought policy applied). */
  countTokens(conversation: Conversation): number;
}

/**
 * What to do when the prompt and the answer's reserve do not fit the backend's context:
 * - `'error'`: fail with a {@link ContextWindowExceededError} before the backend is called;
 * - `'drop-oldest-turns'`: leave whole user turns (a user message and everything up to the next one) out of the
 *   prompt, oldest first, never the system and developer messages nor the current turn, and emit
 *   `history-trimmed`; the run's history keeps every message;
 * - a function: given the earlier turns and the budget, returns the conversation to show instead (e.g. a
 *   summary). The result must fit, or the run fails with a {@link ContextWindowExceededError}.
 */
export type ContextOverflowStrategy =
  | 'error'
  | 'drop-oldest-turns'
  | ((conversation: Conversation, budget: ContextBudget) => Conversation | Promise<Conversation>);

/** The user turns of a list of entries: each starts at a user message (entries before the first one form a turn too). */
export function splitTurns(entries: readonly ConversationEntry[]): ConversationEntry[][] {
  const turns: ConversationEntry[][] = [];
  for (const entry of entries) {
    const current = turns.at(-1);
    if (current === undefined || entry.message.role === 'user') turns.push([entry]);
    else current.push(entry);
  }
  return turns;
}

/** Which earlier turns stay in the prompt, and which were left out. */
export interface TurnSelection {
  /** The entries that stay, in order. */
  readonly kept: ConversationEntry[];
  /** The entries left out, in order. */
  readonly dropped: ConversationEntry[];
  /** How many whole turns were left out. */
  readonly droppedTurns: number;
}

/**
 * Drops whole turns from the oldest until the rest takes at most `available` tokens.
 * `turnTokens` counts the prompt tokens of one turn.
 */
export function dropOldestTurns(
  earlier: readonly ConversationEntry[],
  available: number,
  turnTokens: (turn: readonly ConversationEntry[]) => number,
): TurnSelection {
  const turns = splitTurns(earlier);
  const costs = turns.map(turnTokens);
  let total = costs.reduce((sum, cost) => sum + cost, 0);
  let first = 0;
  while (first < turns.length && total > available) {
    total -= costs[first]!;
    first++;
  }
  return {
    kept: turns.slice(first).flat(),
    dropped: turns.slice(0, first).flat(),
    droppedTurns: first,
  };
}

/** The reserve for the answer: the option, capped by what is left of the run's token budget. */
export function answerReserve(reserveTokens: number, remainingBudget: number | undefined): number {
  return remainingBudget === undefined ? reserveTokens : Math.min(reserveTokens, remainingBudget);
}

/** The reserve when the agent does not set one: 1024 tokens, at most an eighth of the context. */
export function defaultReserveTokens(contextSize: number): number {
  return Math.min(1024, Math.floor(contextSize / 8));
}

/** The error of a prompt that does not fit, with the numbers. */
export function contextWindowExceeded(
  promptTokens: number,
  reserveTokens: number,
  contextSize: number,
  hint: string,
): ContextWindowExceededError {
  return new ContextWindowExceededError(
    `The prompt has ${promptTokens} tokens; with ${reserveTokens} reserved for the answer it needs ${promptTokens + reserveTokens}, but the backend's context holds ${contextSize}. ${hint}`,
    { promptTokens, reserveTokens, contextSize },
  );
}
