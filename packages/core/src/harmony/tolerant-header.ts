/**
 * A forgiving reading of message headers for `HarmonyStreamDecoder`. On every header openai-harmony
 * reads sensibly it gives the same result; it also reads the malformed headers real models write.
 */

import { isRoleWord, type ParsedMessageHeader, trimWhiteSpace } from './message-header.js';
import type { Role } from './types.js';

const CHANNEL_MARKER = '<|channel|>';
const CONSTRAIN_MARKER = '<|constrain|>';
const CHANNEL_VALUE_END = /[\p{White_Space}<]/u;
const WHITE_SPACE = /\p{White_Space}+/u;
const SPECIAL_TOKEN_TEXT = /<\|[a-z_0-9]+\|>/g;
// Lone header words read as a content type rather than a recipient.
const CONTENT_TYPE_WORDS: ReadonlySet<string> = new Set(['json', 'code', 'text', 'markdown']);

/** Roles of a header that gives none, and of the first message (whose role the prompt wrote). */
export interface HeaderRoles {
  /** The role the prompt or the decoder already chose for this message, or `null` if the header must say. */
  readonly preset: Role | null;
  /** The role of a message whose header names none (`<|start|><|channel|>final`). */
  readonly fallback: Role;
}

/** A header read without `<|message|>`: its fields and the text that followed them. */
export interface RecoveredHeader {
  /** The header fields found. */
  readonly header: ParsedMessageHeader;
  /** The rest of the header text (the model's content), trimmed, whitespace kept. */
  readonly text: string;
}

interface ChannelExtraction {
  readonly channel: string | null;
  readonly recipient: string | null;
  readonly rest: string;
}

// Removes every `<|channel|>value` (a repeated one polluted recipients: `to=x<|channel|>commentary`);
// the first non-empty value is the channel, unless it is `to=...` (a recipient written as channel).
function extractChannels(text: string): ChannelExtraction {
  let channel: string | null = null;
  let recipient: string | null = null;
  let rest = '';
  let index = 0;
  for (;;) {
    const marker = text.indexOf(CHANNEL_MARKER, index);
    if (marker < 0) break;
    rest += `${text.slice(index, marker)} `;
    const valueStart = marker + CHANNEL_MARKER.length;
    const end = text.slice(valueStart).search(CHANNEL_VALUE_END);
    const valueEnd = end < 0 ? text.length : valueStart + end;
    const value = text.slice(valueStart, valueEnd);
    if (value.startsWith('to=')) {
      if (recipient === null && value.length > 3) recipient = value.slice(3);
    } else if (channel === null && value.length > 0) {
      channel = value;
    }
    index = valueEnd;
  }
  return { channel, recipient, rest: rest + text.slice(index) };
}

// Special-token text other than `<|constrain|>` has no place in a header: turn it into a separator.
function removeStraySpecialTokens(text: string): string {
  return text.replace(SPECIAL_TOKEN_TEXT, (special) => (special === CONSTRAIN_MARKER ? ` ${special}` : ' '));
}

// `<|constrain|> json` (a space after the marker) is one content type, `<|constrain|>json`.
function splitWords(text: string): string[] {
  const raw = text.split(WHITE_SPACE).filter((word) => word.length > 0);
  const words: string[] = [];
  for (let index = 0; index < raw.length; index++) {
    const word = raw[index]!;
    const next = raw[index + 1];
    if (
      word === CONSTRAIN_MARKER &&
      next !== undefined &&
      !next.startsWith('to=') &&
      !next.startsWith('<|')
    ) {
      words.push(word + next);
      index++;
    } else {
      words.push(word);
    }
  }
  return words;
}

interface Author {
  readonly role: Role;
  readonly name: string | null;
  /** A tool name written where the role goes (`<|start|>functions.x<|channel|>...`): the recipient. */
  readonly recipient: string | null;
}

// Mirrors the reference's role rules, except that an unknown first word without any `to=` is a
// recipient written in the role position rather than the name of a tool author.
function readAuthor(words: string[], roles: HeaderRoles): Author {
  let author: Author;
  const first = words[0];
  if (roles.preset !== null) {
    author = { role: roles.preset, name: null, recipient: null };
  } else if (first === undefined || first.startsWith('to=') || first.startsWith(CONSTRAIN_MARKER)) {
    author = { role: roles.fallback, name: null, recipient: null };
  } else if (isRoleWord(first)) {
    author = { role: first, name: first === 'tool' ? first : null, recipient: null };
  } else if (words.some((word) => word.startsWith('to='))) {
    words.shift();
    author = { role: 'tool', name: first, recipient: null };
  } else {
    words.shift();
    author = { role: roles.fallback, name: null, recipient: first };
  }
  if (words[0] === author.role) words.shift();
  return author;
}

/**
 * Reads a header that ended with `<|message|>`.
 *
 * Rules beyond openai-harmony's: every `<|channel|>` is removed (the first value is the channel; a
 * value `to=x` is the recipient); stray special-token text separates words; `<|constrain|> json` is
 * the content type `<|constrain|>json`; a header without a role gets `roles.fallback`; a lone
 * unknown first word without `to=` is the recipient (`<|start|>functions.x<|message|>`); a lone word
 * that is a content type (`json`, `code`, `text`, `markdown`, `<|constrain|>...`) is the content type,
 * not the recipient; `to=x` and `<|constrain|>x` are found wherever they are.
 * @returns the header, or `null` when words are left that fit nowhere.
 */
export function readMessageHeader(text: string, roles: HeaderRoles): ParsedMessageHeader | null {
  const extraction = extractChannels(text);
  const words = splitWords(removeStraySpecialTokens(extraction.rest));
  const author = readAuthor(words, roles);
  let recipient: string | null = null;
  let contentType: string | null = null;
  const plain: string[] = [];
  let leftover = false;
  for (const word of words) {
    if (word.startsWith('to=') && word.length > 3 && recipient === null) recipient = word.slice(3);
    else if (word.startsWith(CONSTRAIN_MARKER) && contentType === null) contentType = word;
    else if (word.startsWith('to=') || word.startsWith(CONSTRAIN_MARKER)) leftover = true;
    else plain.push(word);
  }
  recipient ??= author.recipient ?? extraction.recipient;
  const last = plain[plain.length - 1];
  if (
    last !== undefined &&
    contentType === null &&
    (recipient !== null || plain.length >= 2 || CONTENT_TYPE_WORDS.has(last))
  ) {
    contentType = plain.pop()!;
  }
  if (plain.length > 0 && recipient === null) recipient = plain.pop()!;
  if (leftover || plain.length > 0) return null;
  return { role: author.role, name: author.name, recipient, channel: extraction.channel, contentType };
}

/**
 * Reads a header that never got its `<|message|>` (the model went straight to its text, then a stop
 * token): the channel, a role word, `to=x`, `<|constrain|>x` and a content-type word after a recipient
 * are header fields as long as they lead; everything from the first other word on is the text, with its
 * whitespace kept (openai-harmony's non-strict mode collapses it).
 * @returns the header and text, or `null` when the header holds nothing at all.
 */
export function recoverHeaderWithoutMessage(text: string, roles: HeaderRoles): RecoveredHeader | null {
  const extraction = extractChannels(text);
  const rest = extraction.rest.replaceAll(CONSTRAIN_MARKER, ` ${CONSTRAIN_MARKER}`);
  const words = [...rest.matchAll(/[^\p{White_Space}]+/gu)].map((match) => ({
    word: match[0],
    end: match.index + match[0].length,
  }));
  let role = roles.preset ?? roles.fallback;
  let name: string | null = null;
  let index = 0;
  const first = words[0]?.word;
  if (roles.preset === null && first !== undefined) {
    if (isRoleWord(first)) {
      role = first;
      name = first === 'tool' ? first : null;
    } else if (!first.startsWith('to=') && words[1]?.word.startsWith('to=') === true) {
      role = 'tool';
      name = first;
      index = 1;
    }
  }
  if (words[index]?.word === role) index++;
  let recipient = extraction.recipient;
  let contentType: string | null = null;
  for (; index < words.length; index++) {
    const word = words[index]!.word;
    if (word.startsWith('to=') && word.length > 3 && recipient === null) {
      recipient = word.slice(3);
    } else if (word.startsWith(CONSTRAIN_MARKER) && contentType === null) {
      const next = words[index + 1]?.word;
      if (word === CONSTRAIN_MARKER && next !== undefined && !next.startsWith('to=')) {
        contentType = word + next;
        index++;
      } else {
        contentType = word;
      }
    } else if (recipient !== null && contentType === null && CONTENT_TYPE_WORDS.has(word)) {
      contentType = word;
    } else {
      break;
    }
  }
  const content = trimWhiteSpace(rest.slice(index > 0 ? words[index - 1]!.end : 0));
  if (extraction.channel === null && recipient === null && contentType === null && content.length === 0) {
    return null;
  }
  return { header: { role, name, recipient, channel: extraction.channel, contentType }, text: content };
}
