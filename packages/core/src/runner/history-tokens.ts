/**
 * The history-token bookkeeping of a run: which tokens a sampled message keeps in history, and the
 * prompt prefix that grows by exactly those tokens (plus tool results) from one model step to the next.
 */

import type { HarmonyEncoding } from '../harmony/encoding.js';
import { HARMONY_TOKENS } from '../harmony/special-tokens.js';
import type { MessageOpening } from '../harmony/stream-decoder.js';
import { type Conversation, type ConversationEntry, isReusableMessageTokens } from './conversation.js';
import {
  appendTokens,
  assistantStartTokens,
  buildHeaderMessages,
  forEachEarlierTurn,
  type PromptHeaderConfig,
  PromptTokenCache,
  type ReasoningHistory,
  selectPromptEntries,
} from './prompt-builder.js';
import { historyPrefix, promptMemoKey, TokenBuffer, TokenCursor } from './prompt-memo.js';

/**
 * The tokens a sampled message keeps in history: `<|start|>` (and, for the first message of a
 * generation, the role the prompt supplied) plus exactly what the model sampled, with a final
 * `<|return|>` stored as `<|end|>` (`<|call|>` after a tool call) as Harmony requires. Undefined when
 * the sampled tokens cannot be reused (the decoder split the message off, or the content holds special
 * or unknown ids), so the message is re-rendered instead.
 */
export function historyTokens(
  sampled: readonly number[],
  terminator: number,
  opening: MessageOpening,
  assistantStart: readonly number[],
  toolCall: boolean,
): readonly number[] | undefined {
  if (opening === 'none') return undefined;
  const tokens = opening === 'prompt' ? [...assistantStart, ...sampled] : [HARMONY_TOKENS.start, ...sampled];
  // The stopping token is not in a KV cache, so it can be written as Harmony wants it in history.
  if (terminator === HARMONY_TOKENS.return) {
    tokens[tokens.length - 1] = toolCall ? HARMONY_TOKENS.call : HARMONY_TOKENS.end;
  }
  // Special or unknown ids inside the content are re-rendered as the text they decoded to.
  return isReusableMessageTokens(tokens) ? Object.freeze(tokens) : undefined;
}

/**
 * The prompt of a run's model steps, one token array for the whole run. It only grows within a run: each
 * step's prompt is the previous one plus the tokens the model sampled, the tool results and
 * `<|start|>assistant`, so nothing is re-rendered, re-tokenized or copied. It starts as the history's
 * prompt, kept with the history (see `historyPrefix`), so a new turn does not rebuild its history either.
 * The array is what the backend receives (read-only, valid while the backend generates; see
 * `BackendGenerateRequest.promptTokens`).
 */
export class RunPrompt {
  readonly #cache: PromptTokenCache;
  readonly #header: readonly number[];
  readonly #assistantStart: readonly number[];
  readonly #reasoningHistory: ReasoningHistory;
  /** Where the run writes its prompt. */
  #cursor: TokenCursor;
  /** Whether the prompt ends with the `<|start|>assistant` of a step. */
  #open = false;
  /** Whether a backend may still read the array after the run stopped waiting for it. */
  #abandoned = false;

  /**
   * Renders the system and developer messages and the entries the reasoning-history policy keeps: the
   * history (its earlier turns from its memo), then the new user message, if any.
   * @throws `HarmonyRenderError` when a message cannot be rendered.
   */
  constructor(
    encoding: HarmonyEncoding,
    header: PromptHeaderConfig,
    history: Conversation,
    input: ConversationEntry | undefined,
    reasoningHistory: ReasoningHistory,
  ) {
    this.#cache = new PromptTokenCache(encoding);
    this.#assistantStart = assistantStartTokens(encoding);
    const renderOptions = { conversationHasFunctionTools: header.functionNamespace !== null };
    const headerTokens: number[] = [];
    for (const message of buildHeaderMessages(header)) {
      appendTokens(headerTokens, encoding.render(message, renderOptions));
    }
    this.#header = headerTokens;
    this.#reasoningHistory = reasoningHistory;
    const key = promptMemoKey(headerTokens, reasoningHistory);
    const prefix = historyPrefix(history, headerTokens, key, this.#cache, encoding, reasoningHistory);
    this.#cursor = new TokenCursor(prefix.buffer, prefix.length, this);
    try {
      const { entries } = history;
      // The history's last turn: an earlier turn when a new one starts (or when there is no user message).
      if (input !== undefined || entries[prefix.entries]?.message.role !== 'user') {
        forEachEarlierTurn(entries, prefix.entries, entries.length, reasoningHistory, (entry) =>
          this.#cursor.write(this.#cache.tokensOf(entry)),
        );
      } else {
        for (let index = prefix.entries; index < entries.length; index++) {
          this.#cursor.write(this.#cache.tokensOf(entries[index]!));
        }
      }
      if (input !== undefined) this.#cursor.write(this.#cache.tokensOf(input));
    } catch (error) {
      this.#cursor.release();
      throw error;
    }
  }

  /** Tokens of the next step's prompt. */
  get length(): number {
    return this.#cursor.position + (this.#open ? 0 : this.#assistantStart.length);
  }

  /**
   * Tokens each of `entries` takes in a prompt of `entries` (0 for a message the reasoning-history policy
   * leaves out), in order.
   */
  tokenCounts(entries: readonly ConversationEntry[]): number[] {
    const shown = new Set(selectPromptEntries(entries, this.#reasoningHistory));
    return entries.map((entry) => (shown.has(entry) ? this.#cache.tokensOf(entry).length : 0));
  }

  /** Renders the prompt again after the system and developer messages, from these entries, in an array of its own. */
  reset(entries: readonly ConversationEntry[]): void {
    if (!this.#abandoned) this.#cursor.release();
    const tokens = [...this.#header];
    this.#cache.append(selectPromptEntries(entries, this.#reasoningHistory), tokens);
    this.#cursor = new TokenCursor(new TokenBuffer(tokens), tokens.length, this);
    this.#open = false;
    this.#abandoned = false;
  }

  /** `<|start|>assistant`, how every step's prompt ends. */
  get assistantStart(): readonly number[] {
    return this.#assistantStart;
  }

  /** Appends entries committed to the history (sampled messages, tool results). */
  append(entries: Iterable<ConversationEntry>): void {
    this.#close();
    for (const entry of entries) this.#cursor.write(this.#cache.tokensOf(entry));
  }

  /**
   * The prompt of the next model step: the history plus `<|start|>assistant`. Not a copy: the array is
   * the run's prompt, which later steps extend.
   */
  forStep(): readonly number[] {
    if (!this.#open) {
      this.#cursor.write(this.#assistantStart);
      this.#open = true;
    }
    return this.#cursor.settle();
  }

  /**
   * After an abort the runner stops waiting for the backend, which may still read the last step's prompt:
   * the array it was given is never changed again (later changes go to a copy).
   */
  abandon(): void {
    this.#abandoned = true;
    this.#cursor.detach();
  }

  /** The run is over: later runs may write past the memos of the array again. */
  release(): void {
    if (!this.#abandoned) this.#cursor.release();
  }

  /** Steps back over the trailing `<|start|>assistant` (committed messages bring their own). */
  #close(): void {
    if (!this.#open) return;
    this.#cursor.rewind(this.#assistantStart.length);
    this.#open = false;
  }
}
