import { describe, expect, it } from 'vitest';
import { HarmonyParseError } from '../src/errors.js';
import { loadHarmonyEncoding } from '../src/harmony/encoding.js';
import { parseMessagesFromCompletionTokens, StreamableParser } from '../src/harmony/parser.js';
import { HARMONY_TOKENS } from '../src/harmony/special-tokens.js';
import { HarmonyStreamDecoder, type StreamDecoderEvent } from '../src/harmony/stream-decoder.js';
import { loadO200kHarmonyTokenizer } from '../src/harmony/tokenizer.js';
import type { Message, Role } from '../src/harmony/types.js';
import { loadCases, readGolden } from './vectors.js';

const tokenizer = loadO200kHarmonyTokenizer();
const encoding = { tokenizer };

/** openai-harmony's message JSON with all five header fields, as cases.json writes it. */
interface VectorMessage {
  role: string;
  name: string | null;
  recipient: string | null;
  channel: string | null;
  content_type: string | null;
  content: { type: string; text: string }[];
}

interface ParseInput {
  tokens?: number[];
  tokens_file?: string;
  text_with_specials?: string;
  text_with_specials_file?: string;
  role: Role | null;
  strict?: boolean;
  process_eos?: boolean;
  extra_token?: number;
  emoji_tokens?: number[];
}

function toVector(message: Message): VectorMessage {
  return {
    role: message.role,
    name: message.name ?? null,
    recipient: message.recipient ?? null,
    channel: message.channel ?? null,
    content_type: message.contentType ?? null,
    content: message.content.map((item) => {
      if (item.type !== 'text') throw new Error(`unexpected content ${item.type}`);
      return { type: 'text', text: item.text };
    }),
  };
}

function inputTokens(input: ParseInput): number[] {
  if (input.tokens !== undefined) return input.tokens;
  if (input.tokens_file !== undefined) {
    return readGolden(input.tokens_file.replace('test-data/', '')).trim().split(/\s+/).map(Number);
  }
  const text =
    input.text_with_specials ??
    readGolden(input.text_with_specials_file!.replace('test-data/', '')).trimEnd();
  return tokenizer.encode(text, { allowedSpecial: 'all' });
}

/** Runs the parser as the case says; returns the parser (or the error) for each strictness. */
function run(input: ParseInput, strict: boolean): { parser: StreamableParser; deltas: string[] } {
  const parser = new StreamableParser(encoding, input.role, { strict });
  const deltas: string[] = [];
  for (const token of inputTokens(input)) {
    parser.process(token);
    if (parser.lastContentDelta !== null) deltas.push(parser.lastContentDelta);
  }
  return { parser, deltas };
}

// Each expectation key of cases.json is checked by exactly one handler; unknown keys fail the test.
type Check = (input: ParseInput, expected: unknown) => void;

/** `parse_messages_from_completion_tokens` cases process EOS; `streamable_parser` ones only if told. */
function finishedMessages(input: ParseInput, strict: boolean): VectorMessage[] {
  if (input.process_eos !== false) {
    return parseMessagesFromCompletionTokens(encoding, inputTokens(input), input.role, { strict }).map(
      toVector,
    );
  }
  return run(input, strict).parser.messages.map(toVector);
}

const checks: Record<string, Check> = {
  messages: (input, expected) => expect(finishedMessages(input, input.strict ?? true)).toEqual(expected),
  messages_derived: (input, expected) =>
    expect(finishedMessages(input, input.strict ?? true)).toEqual(expected),
  message_count: (input, expected) =>
    expect(finishedMessages(input, input.strict ?? true)).toHaveLength(expected as number),
  second_message: (input, expected) => expect(finishedMessages(input, true)[1]).toEqual(expected),
  first_message_derived: (input, expected) => expect(finishedMessages(input, true)[0]).toEqual(expected),
  strict_error: (input, expected) => {
    expect(expected).toBe(true);
    expect(() => finishedMessages(input, true)).toThrow(HarmonyParseError);
  },
  strict_error_contains: (input, expected) => {
    expect(() => finishedMessages(input, true)).toThrow(HarmonyParseError);
    expect(() => finishedMessages(input, true)).toThrow(expected as string);
  },
  non_strict_messages: (input, expected) => expect(finishedMessages(input, false)).toEqual(expected),
  current_content: (input, expected) => expect(run(input, true).parser.currentContent).toBe(expected),
  joined_non_null_deltas: (input, expected) => expect(run(input, true).deltas.join('')).toBe(expected),
  after_extra_token: (input, expected) => {
    const { parser } = run(input, true);
    parser.process(input.extra_token!);
    expect({ last_content_delta: parser.lastContentDelta, current_content: parser.currentContent }).toEqual(
      expected,
    );
  },
  after_eos: (input, expected) => {
    const { parser } = run(input, true);
    parser.processEos();
    expect({ last_content_delta: parser.lastContentDelta, current_content: parser.currentContent }).toEqual(
      expected,
    );
  },
  after_first_emoji_token: (input, expected) => {
    const tokens = inputTokens(input);
    const parser = new StreamableParser(encoding, input.role);
    for (const token of tokens.slice(0, tokens.indexOf(input.emoji_tokens![0]!) + 1)) parser.process(token);
    expect({ last_content_delta: parser.lastContentDelta, current_content: parser.currentContent }).toEqual(
      expected,
    );
  },
  after_second_emoji_token: (input, expected) => {
    const tokens = inputTokens(input);
    const parser = new StreamableParser(encoding, input.role);
    for (const token of tokens.slice(0, tokens.indexOf(input.emoji_tokens![1]!) + 1)) parser.process(token);
    expect({ last_content_delta: parser.lastContentDelta, current_content: parser.currentContent }).toEqual(
      expected,
    );
  },
  also: (input, expected) => {
    expect(expected).toBe('render_conversation(parsed) == input tokens (round trip)');
    const harmony = loadHarmonyEncoding();
    const parsed = parseMessagesFromCompletionTokens(harmony, inputTokens(input), input.role);
    expect(harmony.renderConversation(parsed)).toEqual(inputTokens(input));
  },
  note: () => {},
};

const parseCases = loadCases().filter((testCase) => testCase.id.startsWith('parse/'));

describe('parser golden vectors (cases.json parse/*)', () => {
  it('has every parse case of the vectors (none skipped)', () => {
    expect(parseCases).toHaveLength(22);
    for (const testCase of parseCases) {
      expect(['parse_messages_from_completion_tokens', 'streamable_parser']).toContain(testCase.op);
      for (const key of Object.keys(testCase.expected as object)) expect(Object.keys(checks)).toContain(key);
    }
  });

  for (const testCase of parseCases) {
    it(testCase.id, () => {
      const input = { ...(testCase.input as ParseInput) };
      if (testCase.op === 'streamable_parser') input.process_eos ??= false;
      let ran = 0;
      for (const [key, expected] of Object.entries(testCase.expected as Record<string, unknown>)) {
        checks[key]!(input, expected);
        ran++;
      }
      expect(ran).toBeGreaterThan(0);
    });
  }
});

describe('stream decoder over the well-formed vectors', () => {
  const wellFormed = parseCases.filter((testCase) => {
    const expected = testCase.expected as Record<string, unknown>;
    return expected.messages !== undefined || expected.messages_derived !== undefined;
  });
  const generationEnd: ReadonlySet<number> = new Set([HARMONY_TOKENS.call, HARMONY_TOKENS.return]);

  it('covers the vectors with complete expected messages', () => {
    expect(wellFormed.length).toBeGreaterThanOrEqual(14);
  });

  // The decoder ends the generation at <|call|> / <|return|> (several golden files go on after one):
  // it must read the tokens up to there like the strict parser and drop the rest.
  for (const testCase of wellFormed) {
    it(`${testCase.id}: strict parser's messages up to the end of generation`, () => {
      const input = testCase.input as ParseInput;
      const tokens = inputTokens(input);
      const cut = tokens.findIndex((token) => generationEnd.has(token));
      const generated = cut < 0 ? tokens : tokens.slice(0, cut + 1);
      const trailing = (cut < 0 ? [] : tokens.slice(cut + 1)).filter(
        (token) => token !== HARMONY_TOKENS.start,
      );
      const decoder = new HarmonyStreamDecoder(encoding, { role: input.role });
      const events: StreamDecoderEvent[] = [];
      for (const token of tokens) events.push(...decoder.push(token));
      events.push(...decoder.end());
      const messages = events.flatMap((event) => (event.type === 'message-end' ? [event.message] : []));
      expect(messages).toEqual(parseMessagesFromCompletionTokens(encoding, generated, input.role));
      if (cut < 0) {
        const expected = testCase.expected as {
          messages?: VectorMessage[];
          messages_derived?: VectorMessage[];
        };
        expect(messages.map(toVector)).toEqual(expected.messages ?? expected.messages_derived);
      }
      // An id outside the vocabulary is read as the strict parser reads it, but reported (rule of token-id.ts).
      const outside = generated.some((token) => !encoding.tokenizer.isValidToken(token));
      const errors = events.filter((event) => event.type === 'parse-error');
      expect(errors.filter((event) => event.recovered).length > 0).toBe(outside);
      expect(errors.filter((event) => !event.recovered).map((event) => event.tokens)).toEqual(
        trailing.length > 0 ? [trailing] : [],
      );
    });
  }
});
