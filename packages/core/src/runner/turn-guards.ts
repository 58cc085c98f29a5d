/**
 * The per-turn guards (tool rounds, identical calls) read from the history itself, so a run resumed
 * from a saved conversation enforces the same limits as one that never stopped.
 */

import type { Message } from '../harmony/types.js';
import type { ConversationEntry } from './conversation.js';

/** Whether a message is a tool call: an assistant message addressed to a tool. */
export function isToolCall(message: Message): boolean {
  return message.role === 'assistant' && typeof message.recipient === 'string' && message.recipient !== 'all';
}

/**
 * The entries of the current user turn: from the last user message on. `earlier` is the history a run
 * started from, `added` what it has committed since; the turn may begin in either. Without a user
 * message, the whole history is the turn.
 */
export function currentTurnEntries(
  earlier: readonly ConversationEntry[],
  added: readonly ConversationEntry[] = [],
): ConversationEntry[] {
  for (let index = added.length - 1; index >= 0; index--) {
    if (added[index]!.message.role === 'user') return added.slice(index);
  }
  let start = 0;
  for (let index = earlier.length - 1; index >= 0; index--) {
    if (earlier[index]!.message.role === 'user') {
      start = index;
      break;
    }
  }
  return [...earlier.slice(start), ...added];
}

/**
 * How many tool rounds (model steps that ended in tool calls) a turn holds. A step's calls are
 * followed by their results, so a call opens a new round when it is the turn's first, or when a tool
 * result lies between it and the previous call.
 */
export function countToolRounds(turn: readonly ConversationEntry[]): number {
  let rounds = 0;
  let resultSinceLastCall = true;
  for (const { message } of turn) {
    if (message.role === 'tool') resultSinceLastCall = true;
    else if (isToolCall(message)) {
      if (resultSinceLastCall) rounds++;
      resultSinceLastCall = false;
    }
  }
  return rounds;
}
