import { HarmonyJSONError } from '../errors.js';
import type { Message } from '../harmony/types.js';
import { type ConversationEntry, checkEntries, compactMessage } from './conversation-entry.js';
import { readJSONFile, writeFileAtomically } from './conversation-file.js';
import {
  type ConversationJSON,
  conversationEntriesFromJSON,
  conversationToJSON,
} from './conversation-json.js';

export {
  type ConversationEntry,
  compactMessage,
  isReusableMessageTokens,
  sameMessage,
} from './conversation-entry.js';
export {
  CONVERSATION_FORMAT,
  CONVERSATION_FORMAT_VERSION,
  type ConversationJSON,
  type ConversationMessageJSON,
} from './conversation-json.js';

/**
 * The multi-turn history of an agent: the user, assistant and tool messages, in order, with the
 * token ids the model sampled and the ids of tool calls and of the calls their results answer.
 *
 * A conversation is immutable: a run returns a new one that extends the one it was given, so a
 * failed or aborted run never corrupts the history the application holds. System and developer
 * messages are not stored; they come from the agent's configuration at every run.
 *
 * @example
 * ```ts
 * const first = await agent.run('Where is john123?');
 * await first.history.save('conversation.json');                  // atomic: never a half-written file
 * const history = await Conversation.load('conversation.json');   // resume, even in another process
 * const second = await agent.run('and for jay_lee?', { history });
 * ```
 */
export class Conversation {
  /** The entries, oldest first. */
  readonly entries: readonly ConversationEntry[];

  private constructor(entries: ConversationEntry[], frozenEntries = 0) {
    // Entries are frozen deeply, once: prompts cache each message's rendered tokens for as long as it lives.
    for (let index = frozenEntries; index < entries.length; index++) {
      if (!Object.isFrozen(entries[index])) deepFreeze(entries[index]);
    }
    // The array is the conversation's own (every caller passes a new one).
    this.entries = Object.freeze(entries);
  }

  /** An empty conversation. */
  static empty(): Conversation {
    return new Conversation([]);
  }

  /**
   * A conversation from Harmony messages (user, assistant and tool roles).
   * @throws {@link HarmonyJSONError} if a message has another role, content that is not text, or is a
   * tool message without a name.
   */
  static fromMessages(messages: Iterable<Message>): Conversation {
    const entries: ConversationEntry[] = [];
    for (const message of messages) entries.push({ message: compactMessage(message) });
    checkEntries(
      entries,
      (index, why) => new HarmonyJSONError(`invalid conversation: message ${index} ${why}`),
    );
    return new Conversation(entries);
  }

  /**
   * Loads a conversation saved with {@link Conversation.toJSON} (format version 1 or 2). Every message
   * is validated here, not when it is first used; saved token ids are checked to decode to exactly
   * their message, so a tampered file cannot smuggle control tokens into a prompt.
   * @throws {@link HarmonyJSONError} naming the message index, for anything that is not a valid saved
   * conversation.
   */
  static fromJSON(json: unknown): Conversation {
    return new Conversation([...conversationEntriesFromJSON(json)]);
  }

  /**
   * Reads a conversation written by {@link Conversation.save}.
   * @throws `ConversationFileError` when the file cannot be read or is not JSON, and
   * {@link HarmonyJSONError} when it is not a valid saved conversation.
   */
  static async load(path: string): Promise<Conversation> {
    return Conversation.fromJSON(await readJSONFile(path));
  }

  /** The messages, oldest first. */
  get messages(): readonly Message[] {
    return this.entries.map((entry) => entry.message);
  }

  /** The number of entries. */
  get length(): number {
    return this.entries.length;
  }

  /** A new conversation with `entries` appended. The entries are not checked (the runner commits valid ones). */
  concat(entries: Iterable<ConversationEntry>): Conversation {
    const next = new Conversation([...this.entries, ...entries], this.entries.length);
    LINEAGES.set(next, new ConversationLineage(lineageOf(this)));
    return next;
  }

  /**
   * The saved form (format version 2): versioned, lossless, openai-harmony message JSON plus the
   * sampled token ids and call ids.
   */
  toJSON(): ConversationJSON {
    return conversationToJSON(this.entries);
  }

  /**
   * Writes the conversation to a file, atomically: the JSON goes to a temporary file in the same
   * folder, is flushed to disk, then renamed over `path`. If the process dies at any point, `path`
   * holds either the previous file or the new one, never a partial write.
   * @throws `ConversationFileError` when the file cannot be written (the previous file is kept).
   */
  async save(path: string): Promise<void> {
    await writeFileAtomically(path, JSON.stringify(this));
  }
}

/**
 * What a conversation extends: the lineage of the conversation it was concatenated to. State derived from
 * a conversation (its rendered prompt) is kept here, so the conversations that extend it extend that state
 * instead of rebuilding it. Internal.
 */
export class ConversationLineage {
  /** Derived state, by the key of whoever keeps it. */
  readonly memos = new Map<string, unknown>();
  /** The lineage of the conversation this one extends (undefined for one built from messages or JSON). */
  readonly base: ConversationLineage | undefined;

  constructor(base: ConversationLineage | undefined) {
    this.base = base;
  }
}

const LINEAGES = new WeakMap<Conversation, ConversationLineage>();

/** The lineage of a conversation. Internal. */
export function lineageOf(conversation: Conversation): ConversationLineage {
  let lineage = LINEAGES.get(conversation);
  if (lineage === undefined) {
    lineage = new ConversationLineage(undefined);
    LINEAGES.set(conversation, lineage);
  }
  return lineage;
}

function deepFreeze(value: unknown): void {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return;
  Object.freeze(value);
  for (const property of Object.values(value)) deepFreeze(property);
}
