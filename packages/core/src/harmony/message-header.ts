/**
 * openai-harmony's message-header parsing (`parse_header_from_string`, SPEC §10.2), ported literally,
 * quirks included.
 */

import { HarmonyParseError } from '../errors.js';
import { ROLES, type Role } from './types.js';

/** The header of a message, as the parser reads it between `<|start|>` and `<|message|>`. */
export interface ParsedMessageHeader {
  /** The author's role. */
  readonly role: Role;
  /** The author's name: only set for `tool` authors whose role word was parsed (e.g. `functions.x`). */
  readonly name: string | null;
  /** The recipient (`to=...`), e.g. `functions.get_weather`. */
  readonly recipient: string | null;
  /** The channel, e.g. `analysis`. */
  readonly channel: string | null;
  /** The content type, e.g. `<|constrain|>json` or `code`. */
  readonly contentType: string | null;
}

/** The result of {@link parseMessageHeaderText}. */
export interface MessageHeaderParse {
  /** The header fields. */
  readonly header: ParsedMessageHeader;
  /** Words that were not consumed as header fields, joined with single spaces, or `null`. */
  readonly remainingContent: string | null;
}

const CHANNEL_MARKER = '<|channel|>';
const CONSTRAIN_MARKER = '<|constrain|>';
const CHANNEL_VALUE_END = /[\p{White_Space}<]/u;
const LEADING_OR_TRAILING_WHITE_SPACE = /^\p{White_Space}+|\p{White_Space}+$/gu;
// Rust's `split_ascii_whitespace`: space, \t, \n, \f, \r (not \v).
const ASCII_WHITE_SPACE = /[ \t\n\f\r]+/;

/** Whether `word` is one of the five role words (case-sensitive, like Rust's `Role::try_from`). */
export function isRoleWord(word: string): word is Role {
  return (ROLES as readonly string[]).includes(word);
}

/** Rust's `str::trim()`: removes Unicode White_Space (includes U+0085, excludes U+FEFF) at both ends. */
export function trimWhiteSpace(text: string): string {
  return text.replace(LEADING_OR_TRAILING_WHITE_SPACE, '');
}

/** Rust's `split_ascii_whitespace()`. */
export function splitAsciiWhiteSpace(text: string): string[] {
  return text.split(ASCII_WHITE_SPACE).filter((part) => part.length > 0);
}

/**
 * Parses a decoded header (special tokens appear as their literal text) exactly like openai-harmony:
 *
 * 1. the first `<|channel|>` and its value (up to whitespace or `<`) are removed and kept as channel;
 * 2. the rest is trimmed; every `<|constrain|>` gets a space in front; it is split on ASCII whitespace;
 * 3. the role is `role` if given; else the first word: a role word, or, when more words follow or it
 *    starts with `to=`, the name of a `tool` author;
 * 4. a first word equal to the role word is dropped;
 * 5. with `parseRecipientAndContentType`: the last word is the recipient if it starts with `to=`;
 *    **a lone remaining word is always the recipient** (so `<|channel|>final <|constrain|>json` has
 *    recipient `<|constrain|>json`, openai-harmony's behaviour); otherwise it is the content type and
 *    the word before it, if any, is the recipient (`to=` stripped).
 *
 * Words left over are returned as `remainingContent`.
 * @throws {@link HarmonyParseError} `channel marker present but no channel value found in header`,
 * `message header did not contain a role`, or `Unknown role: <word>`.
 */
export function parseMessageHeaderText(
  text: string,
  role: Role | null,
  parseRecipientAndContentType: boolean,
): MessageHeaderParse {
  let channel: string | null = null;
  const markerIndex = text.indexOf(CHANNEL_MARKER);
  if (markerIndex >= 0) {
    const afterMarker = text.slice(markerIndex + CHANNEL_MARKER.length);
    const end = afterMarker.search(CHANNEL_VALUE_END);
    const valueEnd = end < 0 ? afterMarker.length : end;
    if (valueEnd === 0) {
      throw new HarmonyParseError('channel marker present but no channel value found in header');
    }
    channel = afterMarker.slice(0, valueEnd);
    text = text.slice(0, markerIndex) + afterMarker.slice(valueEnd);
  }
  text = trimWhiteSpace(text);
  if (text.includes(CONSTRAIN_MARKER)) {
    text = trimWhiteSpace(text.replaceAll(CONSTRAIN_MARKER, ` ${CONSTRAIN_MARKER}`));
  }
  const parts = splitAsciiWhiteSpace(text);

  let parsedRoleWord: string | null = null;
  let resolvedRole: Role;
  if (role !== null) {
    resolvedRole = role;
  } else {
    const first = parts[0];
    if (first === undefined) throw new HarmonyParseError('message header did not contain a role');
    parsedRoleWord = first;
    if (isRoleWord(first)) {
      resolvedRole = first;
    } else if (parts.length > 1 || first.startsWith('to=')) {
      parts.shift();
      resolvedRole = 'tool';
    } else {
      throw new HarmonyParseError(`Unknown role: ${first}`);
    }
  }
  if (parts[0] === resolvedRole) parts.shift();

  let recipient: string | null = null;
  let contentType: string | null = null;
  if (parseRecipientAndContentType && parts.length > 0) {
    const count = parts.length;
    const last = parts.pop()!;
    if (last.startsWith('to=')) {
      recipient = last.slice(3);
    } else if (count === 1) {
      recipient = last;
    } else {
      contentType = last;
      const rawRecipient = parts.pop();
      if (rawRecipient !== undefined) {
        recipient = rawRecipient.startsWith('to=') ? rawRecipient.slice(3) : rawRecipient;
      }
    }
  }
  const remainingContent = parts.length > 0 ? parts.join(' ') : null;
  return {
    header: {
      role: resolvedRole,
      name: resolvedRole === 'tool' ? parsedRoleWord : null,
      recipient,
      channel,
      contentType,
    },
    remainingContent,
  };
}

const NOT_PRINTABLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}]/u;
const GRAPHEME_EXTEND = /\p{Grapheme_Extend}/u;

/**
 * Rust's `Debug` formatting of a string (`"..."` with `\"`, `\\`, `\n`, `\t`, `\r`, `\0` and
 * `\u{..}` escapes for non-printable and grapheme-extending characters), used in error texts such as
 * `unexpected tokens remaining in message header: Some("...")`. Printability follows the JS engine's
 * Unicode tables, which may differ from Rust's for characters assigned in recent Unicode versions.
 */
export function rustDebugString(text: string): string {
  let out = '"';
  for (const character of text) {
    switch (character) {
      case '"':
        out += '\\"';
        break;
      case '\\':
        out += '\\\\';
        break;
      case '\n':
        out += '\\n';
        break;
      case '\r':
        out += '\\r';
        break;
      case '\t':
        out += '\\t';
        break;
      case '\0':
        out += '\\0';
        break;
      default:
        if (character !== ' ' && (NOT_PRINTABLE.test(character) || GRAPHEME_EXTEND.test(character))) {
          out += `\\u{${character.codePointAt(0)!.toString(16)}}`;
        } else {
          out += character;
        }
    }
  }
  return `${out}"`;
}

/**
 * openai-harmony's strict reading of a header that ended with `<|message|>`, as a value: the header,
 * or the error the parser would throw (leftover words included).
 */
export function readHeaderStrictly(
  text: string,
  preset: Role | null,
): ParsedMessageHeader | HarmonyParseError {
  try {
    const { header, remainingContent } = parseMessageHeaderText(text, preset, true);
    if (remainingContent === null) return header;
    return new HarmonyParseError(
      `unexpected tokens remaining in message header: Some(${rustDebugString(remainingContent)})`,
    );
  } catch (error) {
    if (error instanceof HarmonyParseError) return error;
    throw error;
  }
}

/** Whether two headers have the same fields. */
export function sameHeader(a: ParsedMessageHeader, b: ParsedMessageHeader): boolean {
  return (
    a.role === b.role &&
    a.name === b.name &&
    a.recipient === b.recipient &&
    a.channel === b.channel &&
    a.contentType === b.contentType
  );
}

/** A header as compact JSON, for messages. */
export function describeHeader(header: ParsedMessageHeader): string {
  const { role, name, recipient, channel, contentType } = header;
  return JSON.stringify({ role, name, recipient, channel, contentType });
}
