/**
 * The rendered prompt of a conversation, kept with the conversation and shared by the conversations that
 * extend it, so that a new turn neither re-renders nor copies its history: its prompt is the history's
 * prompt, in the same array, followed by what the turn adds.
 *
 * A prompt is a prefix of a {@link TokenBuffer}. Conversations that extend one another share one buffer:
 * the memo of a conversation is a length, and the memo of a conversation that extends it a longer one.
 * Tokens below the longest memo never change; past it, one run at a time writes its prompt. When two
 * conversations diverge (two runs on one history, or a turn that drops its analysis once it ends), the
 * tokens already there are reused where they are equal, and the buffer is rewritten past the divergence
 * (or copied, when memos or a running backend still need what is there).
 */

import type { HarmonyEncoding } from '../harmony/encoding.js';
import {
  type Conversation,
  type ConversationEntry,
  type ConversationLineage,
  lineageOf,
} from './conversation.js';
import {
  appendTokens,
  forEachEarlierTurn,
  lastTurnStart,
  type PromptTokenCache,
  type ReasoningHistory,
} from './prompt-builder.js';

/** Token ids shared by the prompts of conversations that extend one another. */
export class TokenBuffer {
  /** The tokens; a prefix of them is each memo's prompt, the rest the current run's. */
  readonly tokens: number[];
  /** Tokens below this index belong to memos: they never change. */
  frozenLength = 0;
  /**
   * Who writes past `frozenLength` (a run), if anyone. A run whose backend may still read the array (after
   * an abort) never gives it back, so nothing past its memos changes again.
   */
  writer: object | undefined;

  constructor(tokens: number[]) {
    this.tokens = tokens;
  }
}

/** Writes tokens at a position of a buffer, keeping the tokens already there when they are equal. */
export class TokenCursor {
  #buffer: TokenBuffer;
  #position: number;
  readonly #owner: object;

  constructor(buffer: TokenBuffer, position: number, owner: object) {
    this.#buffer = buffer;
    this.#position = position;
    this.#owner = owner;
  }

  /** The buffer written to (a copy of the first one, once that could not be written to). */
  get buffer(): TokenBuffer {
    return this.#buffer;
  }

  /** Tokens before the cursor. */
  get position(): number {
    return this.#position;
  }

  /** Moves the cursor back (the tokens after it stay until something else is written). */
  rewind(tokens: number): void {
    this.#position -= tokens;
  }

  /** Writes `tokens` at the cursor. */
  write(tokens: readonly number[]): void {
    const existing = this.#buffer.tokens;
    let index = 0;
    while (
      index < tokens.length &&
      this.#position < existing.length &&
      existing[this.#position] === tokens[index] &&
      (this.#position < this.#buffer.frozenLength || this.#take())
    ) {
      this.#position++;
      index++;
    }
    if (index === tokens.length) return;
    this.#truncate();
    appendTokens(this.#buffer.tokens, index === 0 ? tokens : tokens.slice(index));
    this.#position += tokens.length - index;
  }

  /** The buffer's tokens, ending at the cursor: the array a backend receives. */
  settle(): number[] {
    this.#truncate();
    return this.#buffer.tokens;
  }

  /** Gives the buffer back: others may write past its memos again. */
  release(): void {
    if (this.#buffer.writer === this.#owner) this.#buffer.writer = undefined;
  }

  /** Marks the tokens before the cursor as a memo's: they never change from now on. */
  freeze(): void {
    this.#buffer.frozenLength = Math.max(this.#buffer.frozenLength, this.#position);
  }

  /** Continues in a copy of the tokens before the cursor; the buffer written so far is never touched again. */
  detach(): void {
    this.#buffer = new TokenBuffer(this.#buffer.tokens.slice(0, this.#position));
    this.#buffer.writer = this.#owner;
  }

  /** Takes the buffer, to read or write past its memos, unless someone else has it. */
  #take(): boolean {
    this.#buffer.writer ??= this.#owner;
    return this.#buffer.writer === this.#owner;
  }

  /** Makes the cursor the end of the buffer: cuts what follows, or continues in a copy. */
  #truncate(): void {
    if (this.#position >= this.#buffer.frozenLength && this.#take()) {
      if (this.#buffer.tokens.length !== this.#position) this.#buffer.tokens.length = this.#position;
      return;
    }
    // Tokens of memos, or of another run: continue in a copy of what is ours.
    this.detach();
  }
}

/** The memo of a conversation's prompt: its earlier turns, rendered, in a shared buffer. */
interface PromptMemo {
  readonly encoding: HarmonyEncoding;
  readonly buffer: TokenBuffer;
  /** The prompt's tokens: the header and the turns before the conversation's last one. */
  readonly length: number;
  /** The entries those turns hold (where the conversation's last turn starts). */
  readonly entries: number;
}

/** Where a conversation's prompt of earlier turns ends. */
export interface HistoryPrefix {
  /** The buffer holding it. */
  readonly buffer: TokenBuffer;
  /** Its tokens: the header, then the conversation's turns before its last one. */
  readonly length: number;
  /** The entries those turns hold; the conversation's last turn starts here. */
  readonly entries: number;
}

/** Memo keys in use, so that the memos of a long conversation share one string per key. */
const KEYS = new Map<string, string>();
const MAX_KEYS = 64;

/** The memo key of a header and a reasoning-history policy. */
export function promptMemoKey(header: readonly number[], policy: ReasoningHistory): string {
  const key = `${policy}:${header.join(',')}`;
  const known = KEYS.get(key);
  if (known !== undefined) return known;
  if (KEYS.size >= MAX_KEYS) KEYS.delete(KEYS.keys().next().value!);
  KEYS.set(key, key);
  return key;
}

/**
 * The prompt of `history`'s turns before its last one (every run on the history shows them as earlier
 * turns), after `header`: from the memo of the history or of the closest conversation it extends,
 * extended by the turns added since; rendered from scratch only for a history seen for the first time.
 * `key` names the header and the policy.
 */
export function historyPrefix(
  history: Conversation,
  header: readonly number[],
  key: string,
  cache: PromptTokenCache,
  encoding: HarmonyEncoding,
  policy: ReasoningHistory,
): HistoryPrefix {
  const lineage = lineageOf(history);
  const end = lastTurnStart(history.entries);
  let memo: PromptMemo | undefined;
  for (
    let ancestor: ConversationLineage | undefined = lineage;
    ancestor !== undefined && memo === undefined;
    ancestor = ancestor.base
  ) {
    const found = ancestor.memos.get(key) as PromptMemo | undefined;
    if (found !== undefined && found.encoding === encoding && found.entries <= end) memo = found;
  }
  if (memo !== undefined && memo.entries === end) {
    if (lineage.memos.get(key) !== memo) lineage.memos.set(key, memo);
    return memo;
  }
  const cursor =
    memo === undefined
      ? new TokenCursor(new TokenBuffer([]), 0, lineage)
      : new TokenCursor(memo.buffer, memo.length, lineage);
  try {
    if (memo === undefined) cursor.write(header);
    forEachEarlierTurn(history.entries, memo?.entries ?? 0, end, policy, (entry: ConversationEntry) =>
      cursor.write(cache.tokensOf(entry)),
    );
  } finally {
    // A memo's tokens belong to no run.
    cursor.release();
  }
  cursor.freeze();
  const extended: PromptMemo = { encoding, buffer: cursor.buffer, length: cursor.position, entries: end };
  lineage.memos.set(key, extended);
  return extended;
}
