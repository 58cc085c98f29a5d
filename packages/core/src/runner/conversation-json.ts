/**
 * The saved form of a conversation: reading (format v1 and v2, validated at load) and writing (v2).
 */

import { HarmonyJSONError, HarmonyParseError } from '../errors.js';
import { harmonyMessageFromJSON, harmonyMessageToJSON } from '../harmony/json.js';
import { describeValue } from '../harmony/message-validation.js';
import { StreamableParser } from '../harmony/parser.js';
import { loadO200kHarmonyTokenizer } from '../harmony/tokenizer.js';
import type { Message } from '../harmony/types.js';
import {
  type ConversationEntry,
  checkEntries,
  compactMessage,
  isReusableMessageTokens,
  sameMessage,
} from './conversation-entry.js';

/** The format name written in saved conversations. */
export const CONVERSATION_FORMAT = 'harmony-agents.conversation';
/**
 * The version of the saved-conversation format written by this library: 2 (call ids with tool calls
 * and their results). Version 1 files (no call ids) still load.
 */
export const CONVERSATION_FORMAT_VERSION = 2;

/** One saved message: openai-harmony's message JSON plus the entry's sampled tokens and call id. */
export type ConversationMessageJSON = Record<string, unknown> & {
  /** The exact token ids the model sampled for the message. */
  tokens?: readonly number[];
  /** The call id of a tool call, or of the call a tool result answers (format v2). */
  call_id?: string;
};

/** A saved conversation, as written by `Conversation.toJSON`. */
export interface ConversationJSON {
  /** Always `harmony-agents.conversation`. */
  readonly format: typeof CONVERSATION_FORMAT;
  /** The format version: {@link CONVERSATION_FORMAT_VERSION} when written, 1 or 2 when read. */
  readonly version: number;
  /** Messages in openai-harmony's JSON shape, each with its sampled `tokens` and `call_id` when known. */
  readonly messages: readonly ConversationMessageJSON[];
}

const PREFIX = 'invalid conversation JSON: ';

/** The saved form of entries. */
export function conversationToJSON(entries: readonly ConversationEntry[]): ConversationJSON {
  return {
    format: CONVERSATION_FORMAT,
    version: CONVERSATION_FORMAT_VERSION,
    messages: entries.map((entry) => {
      const json: ConversationMessageJSON = {
        ...(harmonyMessageToJSON(entry.message) as unknown as Record<string, unknown>),
      };
      if (entry.tokens !== undefined) json.tokens = [...entry.tokens];
      if (entry.callId !== undefined) json.call_id = entry.callId;
      return json;
    }),
  };
}

/**
 * Reads a saved conversation, validating every message: its JSON, its role, a tool message's name,
 * call ids (v2) and saved tokens, which must decode to exactly their message.
 * @throws {@link HarmonyJSONError} naming the message index for anything invalid.
 */
export function conversationEntriesFromJSON(json: unknown): ConversationEntry[] {
  if (typeof json !== 'object' || json === null) throw new HarmonyJSONError(`${PREFIX}not an object`);
  const { format, version, messages } = json as Partial<ConversationJSON>;
  if (format !== CONVERSATION_FORMAT) {
    throw new HarmonyJSONError(`${PREFIX}format must be "${CONVERSATION_FORMAT}"`);
  }
  if (version !== 1 && version !== 2) {
    throw new HarmonyJSONError(`${PREFIX}unsupported version ${String(version)}`);
  }
  if (!Array.isArray(messages)) throw new HarmonyJSONError(`${PREFIX}messages must be an array`);
  const entries: ConversationEntry[] = [];
  // A plain loop: `map` skips the holes of a sparse array.
  for (let index = 0; index < messages.length; index++) {
    if (!(index in messages)) {
      throw new HarmonyJSONError(`${PREFIX}message ${index} is missing (the messages array has a hole)`);
    }
    entries.push(readEntry(messages[index], index, version));
  }
  checkEntries(entries, (index, why) => new HarmonyJSONError(`${PREFIX}message ${index} ${why}`));
  return entries;
}

function readEntry(item: unknown, index: number, version: 1 | 2): ConversationEntry {
  if (typeof item !== 'object' || item === null || Array.isArray(item)) {
    throw new HarmonyJSONError(`${PREFIX}message ${index} is not an object, got ${describeValue(item)}`);
  }
  const { tokens, call_id: callId, ...messageJSON } = item as Record<string, unknown>;
  let message: Message;
  try {
    message = compactMessage(harmonyMessageFromJSON(messageJSON));
  } catch (error) {
    const reason = error instanceof Error ? error.message.replace(/^invalid message JSON: /, '') : '';
    throw new HarmonyJSONError(`${PREFIX}message ${index}: ${reason}`, { cause: error });
  }
  const entry: { message: Message; tokens?: readonly number[]; callId?: string } = { message };
  if (tokens !== undefined && tokens !== null) entry.tokens = checkTokens(tokens, message, index);
  if (version === 2 && callId !== undefined && callId !== null) {
    if (typeof callId !== 'string' || callId.length === 0) {
      throw new HarmonyJSONError(
        `${PREFIX}message ${index} has an invalid call_id: expected a non-empty string, got ${describeValue(callId)}`,
      );
    }
    entry.callId = callId;
  }
  return entry;
}

function checkTokens(tokens: unknown, message: Message, index: number): readonly number[] {
  const tokenizer = loadO200kHarmonyTokenizer();
  if (
    !Array.isArray(tokens) ||
    !tokens.every((token) => typeof token === 'number' && tokenizer.isValidToken(token))
  ) {
    throw new HarmonyJSONError(`${PREFIX}message ${index} has invalid tokens`);
  }
  const ids = tokens as number[];
  const fail = (why: string, cause?: unknown): never => {
    throw new HarmonyJSONError(`${PREFIX}the tokens of message ${index} ${why}`, { cause });
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
