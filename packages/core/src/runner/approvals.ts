/**
 * Tool approval: the calls a run stopped before, the decisions a person gives, and the checks
 * `agent.resume` makes before continuing. Everything a resume needs is in the history: the calls
 * waiting for a decision are the current turn's calls that have no result yet.
 */

import { ResumeError } from '../errors.js';
import type { Message } from '../harmony/types.js';
import type { Conversation, ConversationEntry } from './conversation.js';
import { currentTurnEntries, isToolCall } from './turn-guards.js';

/** A call waiting for a person's decision. */
export interface PendingApproval {
  /** The call's id: the key of its decision in `agent.resume(history, decisions)`. */
  readonly callId: string;
  /** The tool's name (`get_weather`). */
  readonly toolName: string;
  /** The recipient the model addressed (`functions.get_weather`). */
  readonly recipient: string;
  /** The validated arguments (zod defaults and transforms applied). */
  readonly arguments: unknown;
}

/** A person's decision about one call: run it, or send the model the denial (with a reason). */
export type ApprovalDecision =
  | {
      /** Run the call. */
      readonly approved: true;
    }
  | {
      /** Do not run the call; the model is told, with the reason. */
      readonly approved: false;
      /** Why, in words the model can act on ("the user does not want files deleted"). */
      readonly reason?: string | undefined;
    };

/** Decisions by call id. */
export type ApprovalDecisions = Readonly<Record<string, ApprovalDecision>>;

/** A checked resume: the turn's user message and the waiting calls with their decisions, in order. */
export interface ResumePlan {
  readonly input: Message;
  readonly calls: readonly { readonly entry: ConversationEntry; readonly decision: ApprovalDecision }[];
}

/** Interrupted histories already resumed in this process (the same object resumed twice is refused). */
const resumed = new WeakSet<Conversation>();

/**
 * Checks `agent.resume`'s input and marks the history as resumed.
 * @throws {@link ResumeError} (nothing has run).
 */
export function planResume(history: Conversation, decisions: unknown): ResumePlan {
  const input = currentTurnEntries(history.entries)[0]?.message;
  const answered = answeredCallIds(history);
  const waiting = waitingCalls(history);
  if (typeof decisions !== 'object' || decisions === null || Array.isArray(decisions)) {
    throw new ResumeError('decisions must be an object mapping call ids to { approved: boolean, reason? }', {
      reason: 'invalid_decision',
    });
  }
  const given = decisions as Record<string, unknown>;
  const decided = Object.keys(given).find((callId) => answered.has(callId));
  if (decided !== undefined) {
    throw new ResumeError(
      `Call ${decided} already has its result in this history: these decisions were already applied`,
      { reason: 'already_decided', callId: decided },
    );
  }
  if (input?.role !== 'user' || waiting.length === 0) {
    throw new ResumeError(
      'This history has no tool calls waiting for approval: resume the history of a run that ended with status "interrupted"',
      { reason: 'not_interrupted' },
    );
  }
  const waitingIds = new Set(waiting.map((entry) => entry.callId!));
  for (const [callId, decision] of Object.entries(given)) {
    if (!waitingIds.has(callId)) {
      throw new ResumeError(`No call ${callId} is waiting for approval in this history`, {
        reason: 'unknown_call',
        callId,
      });
    }
    if (!isDecision(decision)) {
      throw new ResumeError(
        `The decision for call ${callId} must be { approved: true } or { approved: false, reason?: string }`,
        { reason: 'invalid_decision', callId },
      );
    }
  }
  const missing = waiting.find((entry) => !Object.hasOwn(given, entry.callId!));
  if (missing !== undefined) {
    throw new ResumeError(`No decision for call ${missing.callId} (${missing.message.recipient})`, {
      reason: 'missing_decision',
      callId: missing.callId,
    });
  }
  if (resumed.has(history)) {
    throw new ResumeError(
      'This interrupted history was already resumed; resume the history of that run instead',
      {
        reason: 'already_resumed',
      },
    );
  }
  resumed.add(history);
  return {
    input,
    calls: waiting.map((entry) => ({ entry, decision: given[entry.callId!] as ApprovalDecision })),
  };
}

function answeredCallIds(history: Conversation): Set<string> {
  const answered = new Set<string>();
  for (const { message, callId } of history.entries) {
    if (message.role === 'tool' && callId !== undefined) answered.add(callId);
  }
  return answered;
}

/** The current turn's tool calls that have no result yet: the calls an interrupted run waits on. */
export function waitingCalls(history: Conversation): ConversationEntry[] {
  const answered = answeredCallIds(history);
  return currentTurnEntries(history.entries).filter(
    (entry) => isToolCall(entry.message) && entry.callId !== undefined && !answered.has(entry.callId),
  );
}

function isDecision(value: unknown): value is ApprovalDecision {
  if (typeof value !== 'object' || value === null) return false;
  const { approved, reason } = value as { approved?: unknown; reason?: unknown };
  return approved === true || (approved === false && (reason === undefined || typeof reason === 'string'));
}

/** The text the model reads for a denied call. */
export function denialText(toolName: string, reason: string | undefined): string {
  const why = reason === undefined || reason.trim() === '' ? '' : ` Reason: ${reason.trim()}`;
  return `Error: the user denied this call of ${toolName}; it was not run.${why}`;
}
