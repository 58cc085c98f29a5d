/**
 * The state of one chat: the agent, the conversation so far and the reasoning effort. A turn that fails or is
 * aborted keeps every completed message, so the chat always goes on.
 */

import { resolve } from 'node:path';
import {
  type Agent,
  type AgentRun,
  type ApprovalDecisions,
  ConfigurationError,
  Conversation,
  isHarmonyAgentsError,
  type PendingApproval,
  type ReasoningEffort,
  type RunResult,
} from '@harmony-agents/core';

/** How a turn ended. */
export type TurnOutcome =
  | { readonly status: 'completed'; readonly result: RunResult }
  | { readonly status: 'aborted' }
  | { readonly status: 'failed'; readonly error: unknown };

/** Asks a person about calls that need approval; resolves with a decision per call id. */
export type ApprovalPrompt = (pending: readonly PendingApproval[]) => Promise<ApprovalDecisions>;

/** One chat: the conversation, continued turn by turn. */
export class ChatSession {
  /** The conversation so far. */
  history: Conversation;
  /** The reasoning effort of the next turns. */
  effort: ReasoningEffort;
  readonly #agent: Agent;

  constructor(agent: Agent, options: { effort: ReasoningEffort; history?: Conversation }) {
    this.#agent = agent;
    this.effort = options.effort;
    this.history = options.history ?? Conversation.empty();
  }

  /**
   * Runs one user turn. `attach` subscribes to each run before it starts. Calls of tools that need approval
   * are put to `approve` (denied when there is none), and the turn resumes with the decisions. The history
   * advances even when the turn is aborted or fails (by the messages completed before that).
   */
  async turn(
    question: string,
    signal: AbortSignal,
    attach: (run: AgentRun) => void,
    approve?: ApprovalPrompt,
  ): Promise<TurnOutcome> {
    let run = this.#agent.run(question, { history: this.history, signal, reasoningEffort: this.effort });
    try {
      for (;;) {
        attach(run);
        const result = await run;
        this.history = result.history;
        if (result.status !== 'interrupted') return { status: 'completed', result };
        // Calls that need approval: ask, then resume the same turn with the decisions.
        const decisions: ApprovalDecisions =
          approve === undefined
            ? Object.fromEntries(
                result.pendingApprovals.map((call) => [
                  call.callId,
                  { approved: false, reason: 'no one is there to approve it' },
                ]),
              )
            : await approve(result.pendingApprovals);
        signal.throwIfAborted();
        run = this.#agent.resume(result.history, decisions, { signal, reasoningEffort: this.effort });
      }
    } catch (error) {
      this.history = run.history;
      if (signal.aborted) return { status: 'aborted' };
      return { status: 'failed', error };
    }
  }

  /**
   * Writes the conversation to `file` (the SDK's saved-conversation JSON), atomically: an interrupted save
   * leaves the previous file. Returns the absolute path.
   */
  async save(file: string): Promise<string> {
    const path = resolve(file);
    await this.history.save(path);
    return path;
  }

  /** Replaces the conversation with the one saved in `file`. */
  async load(file: string): Promise<void> {
    this.history = await readConversation(file);
  }

  /** Starts over with an empty conversation. */
  clear(): void {
    this.history = Conversation.empty();
  }
}

/**
 * Reads a conversation saved with `/save` (or `JSON.stringify(result.history)`).
 * @throws {@link ConfigurationError} naming the file when it cannot be read or is not a saved conversation.
 */
export async function readConversation(file: string): Promise<Conversation> {
  const path = resolve(file);
  try {
    return await Conversation.load(path);
  } catch (error) {
    const why = isHarmonyAgentsError(error) ? error.message : String(error);
    throw new ConfigurationError(`${path} is not a saved conversation: ${why}`, { cause: error });
  }
}
