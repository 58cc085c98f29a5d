/**
 * The history-token bookkeeping of a run: which tokens a sampled message keeps in history, and the
 * prompt prefix that grows by exactly those tokens (plus tool results) from one model step to the next.
 */

import type { HarmonyEncoding } from '../harmony/encoding.js';
import { HARMONY_TOKENS } from '../harmony/special-tokens.js';
import type { MessageOpening } from '../harmony/stream-decoder.js';
import { type ConversationEntry, isReusableMessageTokens } from './conversation.js';
import {
  appendTokens,
  assistantStartTokens,
  buildHeaderMessages,
  type PromptHeaderConfig,
  PromptTokenCache,
  type ReasoningHistory,
  selectPromptEntries,
} from './prompt-builder.js';

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
 * The prompt of a run's model steps. It only grows within a run: each step's prompt is the previous
 * one plus the tokens the model sampled, the tool results and `<|start|>assistant`, so nothing is
 * re-rendered or re-tokenized.
 */
export class RunPrompt {
  readonly #cache: PromptTokenCache;
  readonly #prefix: number[] = [];
  readonly #assistantStart: readonly number[];
  readonly #headerLength: number;
  readonly #reasoningHistory: ReasoningHistory;

  /**
   * Renders the system and developer messages and the entries the reasoning-history policy keeps.
   * @throws `HarmonyRenderError` when a message cannot be rendered.
   */
  constructor(
    encoding: HarmonyEncoding,
    header: PromptHeaderConfig,
    entries: readonly ConversationEntry[],
    reasoningHistory: ReasoningHistory,
  ) {
    this.#cache = new PromptTokenCache(encoding);
    this.#assistantStart = assistantStartTokens(encoding);
    const renderOptions = { conversationHasFunctionTools: header.functionNamespace !== null };
    for (const message of buildHeaderMessages(header)) {
      appendTokens(this.#prefix, encoding.render(message, renderOptions));
    }
    this.#headerLength = this.#prefix.length;
    this.#reasoningHistory = reasoningHistory;
    this.#cache.append(selectPromptEntries(entries, reasoningHistory), this.#prefix);
  }

  /** Tokens of the next step's prompt. */
  get length(): number {
    return this.#prefix.length + this.#assistantStart.length;
  }

  /**
   * Tokens each of `entries` takes in a prompt of `entries` (0 for a message the reasoning-history policy
   * leaves out), in order.
   */
  tokenCounts(entries: readonly ConversationEntry[]): number[] {
    const shown = new Set(selectPromptEntries(entries, this.#reasoningHistory));
    return entries.map((entry) => (shown.has(entry) ? this.#cache.tokensOf(entry).length : 0));
  }

  /** Renders the prompt again after the system and developer messages, from these entries. */
  reset(entries: readonly ConversationEntry[]): void {
    this.#prefix.length = this.#headerLength;
    this.#cache.append(selectPromptEntries(entries, this.#reasoningHistory), this.#prefix);
  }

  /** `<|start|>assistant`, how every step's prompt ends. */
  get assistantStart(): readonly number[] {
    return this.#assistantStart;
  }

  /** Appends entries committed to the history (sampled messages, tool results). */
  append(entries: Iterable<ConversationEntry>): void {
    this.#cache.append(entries, this.#prefix);
  }

  /** The prompt of the next model step: the prefix plus `<|start|>assistant`. */
  forStep(): number[] {
    return this.#prefix.concat(this.#assistantStart);
  }
}
