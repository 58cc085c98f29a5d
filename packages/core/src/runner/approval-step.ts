/**
 * The approval side of a run: which calls of a step wait for a person, and how a resumed run answers the
 * calls that waited (approved ones run, denied ones get the denial as their result).
 */

import { ToolCallDeniedError } from '../errors.js';
import { denialText, type PendingApproval, type ResumePlan } from './approvals.js';
import type { ConversationEntry } from './conversation.js';
import { textOf } from './decoder-event-mapper.js';
import type { RunPrompt } from './history-tokens.js';
import { type RunState, throwIfAborted, toolStep } from './run-state.js';
import { toolResultMessage } from './tool-executor.js';

/** The calls of a step that need a person's approval, in order. */
export async function approvalsNeeded(
  state: RunState,
  calls: readonly ConversationEntry[],
): Promise<PendingApproval[]> {
  const pending: PendingApproval[] = [];
  for (const entry of calls) {
    const recipient = entry.message.recipient!;
    const request = await state.executor.approvalRequest(
      {
        callId: entry.callId!,
        step: state.step,
        recipient,
        channel: entry.message.channel ?? null,
        contentType: entry.message.contentType ?? null,
        rawArguments: textOf(entry.message),
      },
      state.signal,
    );
    if (request !== null) pending.push({ callId: entry.callId!, recipient, ...request });
  }
  return pending;
}

/**
 * The start of a resumed run: approved calls run, denied ones get the denial as their result (a
 * `tool-call` then a `tool-error` event with a {@link ToolCallDeniedError}), in the order they were made.
 */
export async function resumeCalls(state: RunState, prompt: RunPrompt, plan: ResumePlan): Promise<void> {
  const { run } = state;
  for (const { entry, decision } of plan.calls) {
    throwIfAborted(state.signal);
    if (decision.approved) {
      await toolStep(state, prompt, [entry]);
      continue;
    }
    const recipient = entry.message.recipient!;
    const toolName = recipient.replace(/^functions\./, '');
    const rawArguments = textOf(entry.message);
    const callId = entry.callId!;
    const output = denialText(toolName, decision.reason);
    const common = { runId: run.runId, step: state.step, callId, recipient };
    let args: unknown = rawArguments;
    try {
      args = JSON.parse(rawArguments);
    } catch {
      // Shown as written.
    }
    run.emit({
      type: 'tool-call',
      ...common,
      toolName,
      arguments: args,
      rawArguments,
      channel: entry.message.channel ?? null,
    });
    const error = new ToolCallDeniedError(output.replace(/^Error: /, ''), {
      recipient,
      callId,
      reason: decision.reason,
    });
    run.emit({ type: 'tool-error', ...common, error, output });
    const result: ConversationEntry = {
      message: toolResultMessage({ recipient, channel: entry.message.channel ?? null }, output),
      callId,
    };
    run.commit([result]);
    prompt.append([result]);
  }
}
