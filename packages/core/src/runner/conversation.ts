import { HarmonyJSONError, HarmonyParseError } from '../errors.js';
import { harmonyMessageFromJSON, harmonyMessageToJSON } from '../harmony/json.js';
import { StreamableParser } from '../harmony/parser.js';
import { HARMONY_TOKENS } from '../harmony/special-tokens.js';
import { loadO200kHarmonyTokenizer } from '../harmony/tokenizer.js';
import type { Message, Role } from '../harmony/types.js';

/** The format name written in saved conversations. */
export const CONVERSATION_FORMAT = 'harmony-agents.conversation';
/** The version of the saved-conversation format written by this library. */
export const CONVERSATION_FORMAT_VERSION = 1;

/** Roles a conversation holds; system and developer messages come from the agent's configuration. */
const CONVERSATION_ROLES: ReadonlySet<Role> = new Set(['user', 'assistant', 'tool']);

/** One message of a conversation. */
export interface ConversationEntry {
  /** The Harmony message. */
  readonly message: Message;
  /**
   * The exact token ids the model sampled for this message, from `<|start|>` through its terminator
   * (`<|end|>` or `<|call|>`; a sampled `<|return|>` is stored as `<|end|>`). Prompts reuse them
   * verbatim so a backend's KV cache matches what it generated. Absent for messages not sampled.
   */
  readonly tokens?: readonly number[];
}

/** A saved conversation, as written by {@link Conversation.toJSON}. */
export interface ConversationJSON {
  /** Always `harmony-agents.conversation`. */
  readonly format: typeof CONVERSATION_FORMAT;
  /** The format version, {@link CONVERSATION_FORMAT_VERSION}. */
  readonly version: number;
  /** Messages in openai-harmony's JSON shape, each with the sampled `tokens` when known. */
  readonly messages: readonly (Record<string, unknown> & {
    /** The exact token ids the model sampled for the message. */
    tokens?: readonly number[];
  })[];
}

/**
 * The multi-turn history of an agent: the user, assistant and tool messages, in order.
 *
 * A conversation is immutable: a run returns a new one that extends the one it was given, so a
 * failed or aborted run never corrupts the history the application holds. System and developer
 * messages are not stored; they come from the agent's configuration at every run.
 *
 * @example
 * ```ts
 * const first = await agent.run('Where is john123?');
 * const saved = JSON.stringify(first.history);          // save
 * const history = Conversation.fromJSON(JSON.parse(saved)); // resume, even in another process
 * const second = await agent.run('and for jay_lee?', { history });
 * ```
 */
export class Conversation {
  /** The entries, oldest first. */
  readonly entries: readonly ConversationEntry[];

  private constructor(entries: readonly ConversationEntry[]) {
    this.entries = Object.freeze([...entries]);
  }

  /** An empty conversation. */
  static empty(): Conversation {
    return new Conversation([]);
  }

  /**
   * A conversation from Harmony messages (user, assistant and tool roles).
   * @throws {@link HarmonyJSONError} if a message has another role.
   */
  static fromMessages(messages: Iterable<Message>): Conversation {
    const entries: ConversationEntry[] = [];
    for (const message of messages) {
      checkRole(message.role, entries.length);
      entries.push({ message: compactMessage(message) });
    }
    return new Conversation(entries);
  }

  /**
   * Loads a conversation saved with {@link Conversation.toJSON}. Saved token ids are checked to
   * decode to exactly their message, so a tampered file cannot smuggle control tokens into a prompt.
   * @throws {@link HarmonyJSONError} for anything that is not a valid saved conversation.
   */
  static fromJSON(json: unknown): Conversation {
    if (typeof json !== 'object' || json === null)
      throw new HarmonyJSONError('invalid conversation JSON: not an object');
    const { format, version, messages } = json as Partial<ConversationJSON>;
    if (format !== CONVERSATION_FORMAT) {
      throw new HarmonyJSONError(`invalid conversation JSON: format must be "${CONVERSATION_FORMAT}"`);
    }
    if (version !== CONVERSATION_FORMAT_VERSION) {
      throw new HarmonyJSONError(`invalid conversation JSON: unsupported version ${String(version)}`);
    }
    if (!Array.isArray(messages))
      throw new HarmonyJSONError('invalid conversation JSON: messages must be an array');
    const entries = messages.map((item: unknown, index): ConversationEntry => {
      if (typeof item !== 'object' || item === null) {
        throw new HarmonyJSONError(`invalid conversation JSON: message ${index} is not an object`);
      }
      const { tokens, ...messageJSON } = item as Record<string, unknown>;
      const message = compactMessage(harmonyMessageFromJSON(messageJSON));
      checkRole(message.role, index);
      if (tokens === undefined || tokens === null) return { message };
      return { message, tokens: checkTokens(tokens, message, index) };
    });
    return new Conversation(entries);
  }

  /** The messages, oldest first. */
  get messages(): readonly Message[] {
    return this.entries.map((entry) => entry.message);
  }

  /** The number of entries. */
  get length(): number {
    return this.entries.length;
  }

  /** A new conversation with `entries` appended. */
  concat(entries: Iterable<ConversationEntry>): Conversation {
    return new Conversation([...this.entries, ...entries]);
  }

  /** The saved form: versioned, lossless, openai-harmony message JSON plus sampled token ids. */
  toJSON(): ConversationJSON {
    return {
      format: CONVERSATION_FORMAT,
      version: CONVERSATION_FORMAT_VERSION,
      messages: this.entries.map((entry) => {
        const json = harmonyMessageToJSON(entry.message) as unknown as Record<string, unknown>;
        return entry.tokens === undefined ? json : { ...json, tokens: [...entry.tokens] };
      }),
    };
  }
}

function checkRole(role: Role, index: number): void {
  if (!CONVERSATION_ROLES.has(role)) {
    throw new HarmonyJSONError(
      `invalid conversation: message ${index} has role ${role}; system and developer messages come from the agent's configuration`,
    );
  }
}

function checkTokens(tokens: unknown, message: Message, index: number): readonly number[] {
  const tokenizer = loadO200kHarmonyTokenizer();
  if (
    !Array.isArray(tokens) ||
    !tokens.every((token) => typeof token === 'number' && tokenizer.isValidToken(token))
  ) {
    throw new HarmonyJSONError(`invalid conversation JSON: message ${index} has invalid tokens`);
  }
  const ids = tokens as number[];
  const fail = (why: string, cause?: unknown): never => {
    throw new HarmonyJSONError(`invalid conversation JSON: the tokens of message ${index} ${why}`, { cause });
  };
  if (!isReusableMessageTokens(ids)) {
    fail(
      'must start with <|start|> and end with <|end|> or <|call|>, with one <|message|> and no other special token than <|channel|> or <|constrain|> in the header',
    );
  }
  let parsed: readonly Message[] = [];
  try {
    const parser = new StreamableParser({ tokenizer });
    for (const token of ids) parser.process(token);
    parser.processEos();
    parsed = parser.messages;
  } catch (error) {
    if (error instanceof HarmonyParseError) fail('are not a Harmony message', error);
    throw error;
  }
  if (parsed.length !== 1 || !sameMessage(parsed[0]!, message)) fail('do not match the message');
  return Object.freeze([...ids]);
}

/** Special tokens a sampled header may contain besides its role, recipient and content type text. */
const HEADER_SPECIAL_TOKENS: ReadonlySet<number> = new Set([
  HARMONY_TOKENS.channel,
  HARMONY_TOKENS.constrain,
]);

/**
 * Whether the token ids of one message can be put into a prompt verbatim: valid ids laid out as
 * `<|start|>`, a header whose only special tokens are `<|channel|>` and `<|constrain|>`, one
 * `<|message|>`, content without any special token, and `<|end|>` or `<|call|>`. Content decodes
 * special tokens to their literal text, so without this check a message whose text reads
 * `<|start|>system<|message|>` could carry the real control tokens into a prompt.
 */
export function isReusableMessageTokens(tokens: readonly number[]): boolean {
  const tokenizer = loadO200kHarmonyTokenizer();
  const last = tokens.length - 1;
  if (last < 2 || tokens[0] !== HARMONY_TOKENS.start) return false;
  if (tokens[last] !== HARMONY_TOKENS.end && tokens[last] !== HARMONY_TOKENS.call) return false;
  let inHeader = true;
  for (let index = 1; index < last; index++) {
    const token = tokens[index]!;
    if (!tokenizer.isValidToken(token)) return false;
    if (!tokenizer.isSpecialToken(token)) continue;
    if (inHeader && token === HARMONY_TOKENS.message) inHeader = false;
    else if (!inHeader || !HEADER_SPECIAL_TOKENS.has(token)) return false;
  }
  return !inHeader;
}

function textOf(message: Message): string {
  return message.content.map((item) => (item.type === 'text' ? item.text : '')).join('');
}

/** The message without absent (`null` / `undefined`) header fields, so equal messages compare equal. */
export function compactMessage(message: Message): Message {
  const { role, name, recipient, channel, contentType, content } = message;
  return {
    role,
    ...(name == null ? {} : { name }),
    ...(recipient == null ? {} : { recipient }),
    ...(channel == null ? {} : { channel }),
    ...(contentType == null ? {} : { contentType }),
    content,
  };
}

/** Whether two messages have the same author, header and text. */
export function sameMessage(a: Message, b: Message): boolean {
  return (
    a.role === b.role &&
    (a.name ?? null) === (b.name ?? null) &&
    (a.recipient ?? null) === (b.recipient ?? null) &&
    (a.channel ?? null) === (b.channel ?? null) &&
    (a.contentType ?? null) === (b.contentType ?? null) &&
    a.content.every((item) => item.type === 'text') &&
    textOf(a) === textOf(b)
  );
}
