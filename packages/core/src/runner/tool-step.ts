/**
 * The tool step: executes the tool calls of one model step in order, reports each as events and
 * commits each result, with the call's id, right after the call finishes.
 */

import type { ConversationEntry } from './conversation.js';
import { type RunEventSink, textOf } from './decoder-event-mapper.js';
import type { PendingToolCall, ToolExecutor } from './tool-executor.js';
import { isToolCall } from './turn-guards.js';

/** What the tool step needs from the run. */
export interface ToolStepRun extends RunEventSink {
  /** Adds a result to the history (and to the next prompt). */
  commitResult(entry: ConversationEntry): void;
}

/** One tool step's input. */
export interface ToolStepRequest {
  /** 1-based index of the model step that made the calls. */
  readonly step: number;
  /** The calls, as committed to the history (each with its call id). */
  readonly calls: readonly ConversationEntry[];
  /** The current user turn's entries, the calls included: earlier identical calls are counted in it. */
  readonly turn: readonly ConversationEntry[];
  readonly signal: AbortSignal;
}

/**
 * Executes the calls. A failed call goes back to the model as its result unless the agent is set to
 * throw for that kind of failure: then the result is committed and the error thrown.
 * @throws the call's `ToolCallError` (behaviour `'throw'`), or `RunAbortedError` when aborted.
 */
export async function runToolStep(
  run: ToolStepRun,
  executor: ToolExecutor,
  request: ToolStepRequest,
): Promise<void> {
  const { runId } = run;
  const { step, signal } = request;
  for (const entry of request.calls) {
    const position = request.turn.indexOf(entry);
    const earlierCalls = request.turn
      .slice(0, position < 0 ? request.turn.length : position)
      .filter((candidate) => isToolCall(candidate.message));
    const call: PendingToolCall = {
      callId: entry.callId!,
      step,
      recipient: entry.message.recipient!,
      channel: entry.message.channel ?? null,
      contentType: entry.message.contentType ?? null,
      rawArguments: textOf(entry.message),
    };
    const outcome = await executor.execute(
      call,
      signal,
      (toolName, args, repairs) =>
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
          ...(repairs.length > 0 ? { repairs: [...repairs] } : {}),
        }),
      earlierCalls,
    );
    const result: ConversationEntry = { message: outcome.message, callId: call.callId };
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
    }
    run.commitResult(result);
    if (outcome.type === 'error' && outcome.behavior === 'throw') throw outcome.error;
  }
}
