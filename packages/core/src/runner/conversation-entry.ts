/**
 * One entry of a conversation (a message with its sampled tokens and call id) and the rules every
 * conversation's entries follow.
 */

import type { HarmonyJSONError } from '../errors.js';
import { describeValue } from '../harmony/message-validation.js';
import { HARMONY_TOKENS } from '../harmony/special-tokens.js';
import { loadO200kHarmonyTokenizer } from '../harmony/tokenizer.js';
import type { Message, Role } from '../harmony/types.js';

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
  /**
   * The runner's id of a tool call (on the assistant message that makes the call), or of the call a
   * tool result answers (on the tool message). Absent on other messages, and on messages loaded from
   * a version 1 file or given as plain messages.
   */
  readonly callId?: string;
}

/** Roles a conversation holds; system and developer messages come from the agent's configuration. */
const CONVERSATION_ROLES: ReadonlySet<Role> = new Set(['user', 'assistant', 'tool']);

/**
 * Checks the rules of a conversation's entries: user, assistant and tool roles only; text content;
 * a tool message names its author; a call id sits on a tool call or a tool result, and a result's id
 * names an earlier call not answered yet (ids of calls still waiting for their result are unique).
 * @param error - builds the error for entry `index`; `why` completes `message <index> ...`.
 */
export function checkEntries(
  entries: readonly ConversationEntry[],
  error: (index: number, why: string) => HarmonyJSONError,
): void {
  const pending = new Set<string>();
  entries.forEach(({ message, callId }, index) => {
    if (!CONVERSATION_ROLES.has(message.role)) {
      throw error(
        index,
        `has role ${message.role}; system and developer messages come from the agent's configuration`,
      );
    }
    if (!Array.isArray(message.content)) {
      throw error(index, `has no content list, got ${describeValue(message.content)}`);
    }
    message.content.forEach((item, position) => {
      if (item?.type !== 'text' || typeof item.text !== 'string') {
        throw error(index, `has content ${position} that is not text (${describeValue(item?.type)})`);
      }
    });
    if (message.role === 'tool' && (typeof message.name !== 'string' || message.name.length === 0)) {
      throw error(
        index,
        'is a tool message without a name (the tool that answered, e.g. functions.get_weather)',
      );
    }
    if (callId === undefined) return;
    if (message.role === 'tool') {
      if (!pending.has(callId)) {
        throw error(index, `answers call ${callId}, which no earlier tool call waiting for a result made`);
      }
      pending.delete(callId);
    } else if (isCall(message)) {
      if (pending.has(callId)) throw error(index, `repeats the id ${callId} of a call not answered yet`);
      pending.add(callId);
    } else {
      throw error(index, `has call id ${callId} but is neither a tool call nor a tool result`);
    }
  });
}

function isCall(message: Message): boolean {
  return message.role === 'assistant' && typeof message.recipient === 'string' && message.recipient !== 'all';
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
