import { describe, expect, it } from 'vitest';
import { ConfigurationError, HarmonyParseError } from '../errors.js';
import { parseMessagesFromCompletionTokens, StreamableParser } from './parser.js';
import { HARMONY_TOKENS } from './special-tokens.js';
import { loadO200kHarmonyTokenizer } from './tokenizer.js';
import type { Message, ParseOptions, Role } from './types.js';

const tokenizer = loadO200kHarmonyTokenizer();
const encoding = { tokenizer };
const { start, end, message, channel, call, endOfText, constrain } = HARMONY_TOKENS;

function encode(text: string): number[] {
  return tokenizer.encode(text, { allowedSpecial: 'all' });
}

function parse(text: string, role: Role | null = null, options?: ParseOptions): Message[] {
  return parseMessagesFromCompletionTokens(encoding, encode(text), role, options);
}

function text(content: string) {
  return [{ type: 'text', text: content }];
}

function parseError(run: () => unknown): HarmonyParseError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(HarmonyParseError);
    return error as HarmonyParseError;
  }
  throw new Error('expected a HarmonyParseError');
}

describe('StreamableParser states (SPEC §10.1)', () => {
  it('starts in Header with a role and in ExpectStart without', () => {
    expect(new StreamableParser(encoding, 'assistant').state).toEqual({ state: 'Header', headerTokens: [] });
    expect(new StreamableParser(encoding).state).toEqual({ state: 'ExpectStart' });
    expect(new StreamableParser(encoding, null).currentRole).toBeNull();
  });

  it('rejects anything but <|start|> in ExpectStart, strict or not, and records the token', () => {
    for (const strict of [true, false]) {
      const parser = new StreamableParser(encoding, null, { strict });
      const error = parseError(() => parser.process(end));
      expect(error.message).toBe('Unexpected token 200007 while expecting start token 200006');
      expect(error.token).toBe(end);
      expect(parser.tokens).toEqual([end]);
      expect(parser.state).toEqual({ state: 'ExpectStart' });
    }
    expect(parseError(() => parse('<|channel|>final<|message|>x<|end|>hello', 'assistant')).message).toBe(
      `Unexpected token ${encode('hello')[0]} while expecting start token 200006`,
    );
  });

  it('accepts EOS in ExpectStart and fails on EOS inside a header (issue #33)', () => {
    expect(new StreamableParser(encoding).processEos().messages).toEqual([]);
    const error = parseError(() => parse('<|start|>assistant'));
    expect(error.message).toBe('Unexpected EOS while waiting for message header to complete');
    expect(parseError(() => parse('<|channel|>final', 'assistant')).message).toBe(
      'Unexpected EOS while waiting for message header to complete',
    );
  });

  it('closes a message on EOS and on each stop token, and a final stop token is harmless', () => {
    for (const stop of ['<|end|>', '<|call|>', '<|return|>', '']) {
      expect(parse(`<|start|>user<|message|>hi${stop}`)).toEqual([
        { role: 'user', recipient: null, channel: null, contentType: null, content: text('hi') },
      ]);
    }
  });

  it('keeps <|start|>, <|channel|>, <|constrain|>, <|endoftext|> and reserved ids in content as text', () => {
    const tokens = [
      start,
      ...encode('assistant<|message|>a'),
      start,
      channel,
      constrain,
      endOfText,
      200011,
      end,
    ];
    const [only] = parseMessagesFromCompletionTokens(encoding, tokens);
    expect(only!.content).toEqual(text('a<|start|><|channel|><|constrain|><|endoftext|><|reserved_200011|>'));
  });

  it('merges two messages when <|end|> is missing before <|start|>', () => {
    const messages = parse(
      '<|channel|>analysis<|message|>A<|start|>assistant<|channel|>final<|message|>B',
      'assistant',
    );
    expect(messages).toHaveLength(1);
    expect(messages[0]!.content).toEqual(text('A<|start|>assistant<|channel|>final<|message|>B'));
  });

  it('returns itself from process and processEos', () => {
    const parser = new StreamableParser(encoding, 'assistant');
    expect(parser.process(channel)).toBe(parser);
    expect(parser.process(encode('final')[0]!).process(message).processEos()).toBe(parser);
  });

  it('rejects a role that is not a Harmony role', () => {
    expect(() => new StreamableParser(encoding, 'robot' as Role)).toThrow(ConfigurationError);
    expect(() => parseMessagesFromCompletionTokens(encoding, [], 'robot' as Role)).toThrow(
      'unknown role: robot',
    );
  });

  it('accepts any iterable and gives the same result as processing token by token', () => {
    const tokens = encode(
      '<|channel|>analysis<|message|>Think.<|end|><|start|>assistant to=functions.f<|channel|>commentary json<|message|>{}<|call|>',
    );
    const parser = new StreamableParser(encoding, 'assistant');
    for (const token of tokens) parser.process(token);
    parser.processEos();
    function* generate() {
      yield* tokens;
    }
    expect(parseMessagesFromCompletionTokens(encoding, generate(), 'assistant')).toEqual(parser.messages);
    expect(parser.tokens).toEqual(tokens);
  });
});

describe('accessors', () => {
  it('exposes the preset role until the first <|message|>, header fields only in Content', () => {
    const parser = new StreamableParser(encoding, 'assistant');
    for (const token of encode('<|channel|>commentary to=functions.f <|constrain|>json'))
      parser.process(token);
    expect(parser.currentRole).toBe('assistant');
    expect([parser.currentChannel, parser.currentRecipient, parser.currentContentType]).toEqual([
      null,
      null,
      null,
    ]);
    expect(parser.currentContent).toBe('');
    parser.process(message);
    expect(parser.currentChannel).toBe('commentary');
    expect(parser.currentRecipient).toBe('functions.f');
    expect(parser.currentContentType).toBe('<|constrain|>json');
    for (const token of encode('{"a": 1}')) parser.process(token);
    expect(parser.currentContent).toBe('{"a": 1}');
    parser.process(call);
    expect(parser.currentRole).toBeNull();
    expect(parser.currentContent).toBe('');
    parser.process(start);
    expect(parser.currentRole).toBeNull();
  });

  it('sets lastContentDelta per content token, leaves it alone in headers and clears it at message end', () => {
    const parser = new StreamableParser(encoding, 'assistant');
    parser.process(message);
    const hello = encode('Hello world');
    parser.process(hello[0]!);
    expect(parser.lastContentDelta).toBe('Hello');
    parser.process(hello[1]!);
    expect(parser.lastContentDelta).toBe(' world');
    parser.process(end);
    expect(parser.lastContentDelta).toBeNull();
    parser.process(start).process(encode('user')[0]!);
    expect(parser.lastContentDelta).toBeNull();
  });

  it('serialises the state like state_json() in camelCase, content tokens piece by piece', () => {
    const parser = new StreamableParser(encoding);
    for (const token of encode('<|start|>functions.f to=assistant<|channel|>commentary'))
      parser.process(token);
    expect(parser.state).toEqual({
      state: 'Header',
      headerTokens: encode('functions.f to=assistant<|channel|>commentary'),
    });
    parser.process(message).process(9552).process(encode('Hi')[0]!);
    expect(parser.state).toEqual({
      state: 'Content',
      header: {
        author: { role: 'tool', name: 'functions.f' },
        recipient: 'assistant',
        channel: 'commentary',
        contentType: null,
      },
      // " " then U+FFFD, each encoded on its own as the reference does; "Hi" waits for the next token.
      contentTokens: [...tokenizer.encodeOrdinary(' '), ...tokenizer.encodeOrdinary('\uFFFD')],
    });
    expect(parser.currentContent).toBe(' \uFFFD');
    parser.process(encode('!')[0]!);
    expect(parser.state).toMatchObject({
      contentTokens: [
        ...tokenizer.encodeOrdinary(' '),
        ...tokenizer.encodeOrdinary('\uFFFD'),
        ...encode('Hi!'),
      ],
    });
    expect(JSON.parse(JSON.stringify(parser.state))).toEqual(parser.state);
  });
});

describe('UTF-8 buffering', () => {
  const prefix = encode('<|start|>assistant<|message|>');

  it('keeps an incomplete sequence for the next token', () => {
    const parser = new StreamableParser(encoding);
    for (const token of prefix) parser.process(token);
    const [first, second] = tokenizer.encodeOrdinary('💖');
    parser.process(first!);
    expect([parser.lastContentDelta, parser.currentContent]).toEqual([null, '']);
    parser.process(second!);
    expect([parser.lastContentDelta, parser.currentContent]).toEqual(['💖', '💖']);
  });

  it('replaces an invalid sequence with one U+FFFD and re-examines later bytes only on the next token', () => {
    const parser = new StreamableParser(encoding);
    const deltas: (string | null)[] = [];
    for (const token of [...prefix, 9552, 9552, ...encode('ok'), end]) {
      parser.process(token);
      deltas.push(parser.lastContentDelta);
    }
    expect(deltas.slice(prefix.length)).toEqual([' ', '\uFFFD', ' \uFFFD', null]);
    expect(parser.messages[0]!.content).toEqual(text(' \uFFFD \uFFFDok'));
  });

  it('turns an unknown id and everything after it into one U+FFFD at the end of the message', () => {
    for (const unknown of [99999999, 201089, 4_294_967_295]) {
      const parser = new StreamableParser(encoding);
      for (const token of [...prefix, ...encode('a'), unknown, ...encode('b c')]) {
        parser.process(token);
      }
      expect(parser.lastContentDelta).toBeNull();
      expect(parser.currentContent).toBe('a');
      parser.process(end);
      expect(parser.messages[0]!.content).toEqual(text('a\uFFFD'));
      parser
        .process(start)
        .process(encode('user')[0]!)
        .process(message)
        .process(encode('x')[0]!)
        .process(end);
      expect(parser.messages[1]!.content).toEqual(text('x'));
    }
  });

  it('flushes buffered bytes lossily after an unknown id', () => {
    const messages = parseMessagesFromCompletionTokens(encoding, [...prefix, 9552, 99999999, end]);
    expect(messages[0]!.content).toEqual(text(' \uFFFD\uFFFD'));
  });
});

describe('header parsing (SPEC §10.2)', () => {
  const header = (raw: string, role: Role | null = null) => {
    const [parsed] = parse(`${role === null ? '<|start|>' : ''}${raw}<|message|>x`, role);
    const { content: _content, ...fields } = parsed!;
    return fields;
  };

  it('reads every accepted layout of a tool call the same way', () => {
    const expected = {
      role: 'assistant',
      recipient: 'functions.f',
      channel: 'commentary',
      contentType: '<|constrain|>json',
    };
    for (const raw of [
      'assistant to=functions.f<|channel|>commentary <|constrain|>json',
      'assistant<|channel|>commentary to=functions.f <|constrain|>json',
      'assistant<|channel|>commentary to=functions.f<|constrain|>json',
      'assistant to=functions.f<|channel|>commentary<|constrain|>json',
    ]) {
      expect(header(raw)).toEqual(expected);
    }
    expect(header('<|channel|>commentary to=functions.f code', 'assistant')).toEqual({
      ...expected,
      contentType: 'code',
    });
  });

  it('reads a lone word as the recipient (openai-harmony quirk, upstream PR #144)', () => {
    expect(header('<|channel|>commentary json', 'assistant').recipient).toBe('json');
    expect(header('<|channel|>final <|constrain|>json', 'assistant')).toMatchObject({
      recipient: '<|constrain|>json',
      contentType: null,
    });
    expect(header('<|channel|>commentary functions.f json', 'assistant')).toMatchObject({
      recipient: 'functions.f',
      contentType: 'json',
    });
  });

  it('names tool authors from the role word, never other authors', () => {
    expect(header('browser.search to=assistant<|channel|>commentary')).toEqual({
      role: 'tool',
      name: 'browser.search',
      recipient: 'assistant',
      channel: 'commentary',
      contentType: null,
    });
    expect(header('tool<|channel|>commentary')).toMatchObject({
      role: 'tool',
      name: 'tool',
      recipient: null,
    });
    expect(header('to=functions.f')).toMatchObject({ role: 'tool', name: 'to=functions.f', recipient: null });
    expect(header('<|channel|>commentary', 'tool')).not.toHaveProperty('name');
    expect(header('assistant<|channel|>final', 'assistant')).toMatchObject({
      role: 'assistant',
      recipient: null,
    });
    expect(parseError(() => header('user:alice')).message).toBe('Unknown role: user:alice');
    expect(parseError(() => header('functions.f')).message).toBe('Unknown role: functions.f');
  });

  it('trims Unicode White_Space (U+0085 yes, U+FEFF no) and splits on ASCII whitespace only', () => {
    expect(header('\u0085assistant\u0085\u3000')).toMatchObject({ role: 'assistant' });
    expect(parseError(() => header('assistant\uFEFF')).message).toBe('Unknown role: assistant\uFEFF');
    expect(parseError(() => header('assistant\vto=x')).message).toBe('Unknown role: assistant\vto=x');
    expect(header('assistant\tto=x\f\r\ncode')).toMatchObject({ recipient: 'x', contentType: 'code' });
  });

  it('ends the channel value at Unicode whitespace or "<"', () => {
    expect(header('assistant<|channel|>final\u3000')).toMatchObject({ channel: 'final', recipient: null });
    expect(header('<|channel|>fin\u2028 to=x', 'assistant')).toMatchObject({
      channel: 'fin',
      recipient: 'x',
    });
    expect(header('assistant<|channel|>final<|constrain|>json')).toMatchObject({
      channel: 'final',
      recipient: '<|constrain|>json',
    });
  });

  it('raises the reference errors', () => {
    expect(parseError(() => header('assistant<|channel|>')).message).toBe(
      'channel marker present but no channel value found in header',
    );
    expect(parseError(() => header('assistant<|channel|> final')).message).toBe(
      'channel marker present but no channel value found in header',
    );
    expect(parseError(() => header('<|channel|>final')).message).toBe(
      'message header did not contain a role',
    );
    expect(parseError(() => header('foo')).message).toBe('Unknown role: foo');
    expect(parseError(() => header('assistant one two three')).message).toBe(
      'unexpected tokens remaining in message header: Some("one")',
    );
    expect(parseError(() => header('assistant a"b\\c\u200b\u0301 d e')).message).toBe(
      'unexpected tokens remaining in message header: Some("a\\"b\\\\c\\u{200b}\\u{301}")',
    );
  });

  it('fails to decode a header with an unknown id or invalid UTF-8', () => {
    for (const bad of [99999999, 9552]) {
      const parser = new StreamableParser(encoding, 'assistant');
      parser.process(bad);
      const error = parseError(() => parser.process(message));
      expect(error.message).toBe('could not decode header');
      expect(error.token).toBe(message);
      expect(error.cause).toBeInstanceOf(Error);
    }
  });

  it('requires a role word after the first message even when the parser had a role', () => {
    const error = parseError(() =>
      parse('<|channel|>analysis<|message|>a<|end|><|start|><|channel|>final<|message|>b', 'assistant'),
    );
    expect(error.message).toBe('message header did not contain a role');
  });

  it('leaves ExpectStart behind after a header error, as the reference does', () => {
    const parser = new StreamableParser(encoding, 'assistant');
    for (const token of encode('one two three')) parser.process(token);
    parseError(() => parser.process(message));
    expect(parser.state).toEqual({ state: 'ExpectStart' });
    expect(parser.currentRole).toBe('assistant');
  });
});

describe('strict and non-strict stop tokens in a header', () => {
  it('strict: keeps the stop token as header text, producing a garbage recipient (issue #84)', () => {
    const [parsed] = parse(
      '<|start|>assistant<|channel|>final hi<|end|><|start|>assistant<|channel|>final<|message|>x',
    );
    expect(parsed!.recipient).toBe('hi<|end|><|start|>assistant<|channel|>final');
  });

  it('non-strict: recovers the first message, collapsing whitespace', () => {
    expect(parse('<|channel|>final Hello   big\n world<|return|>', 'assistant', { strict: false })).toEqual([
      {
        role: 'assistant',
        recipient: null,
        channel: 'final',
        contentType: null,
        content: text('Hello big world'),
      },
    ]);
    expect(parse('<|channel|>analysis<|end|>', 'assistant', { strict: false })[0]!.content).toEqual(text(''));
    expect(parse('assistant to=x json<|end|>', 'assistant', { strict: false })[0]).toMatchObject({
      recipient: null,
      contentType: null,
      content: text('to=x json'),
    });
  });

  it('non-strict: silently drops an empty first header and any later malformed header', () => {
    expect(parse('<|end|>', 'assistant', { strict: false })).toEqual([]);
    const messages = parse(
      '<|channel|>final<|message|>a<|end|><|start|>assistant<|channel|>final oops<|end|><|start|>user<|message|>b',
      'assistant',
      { strict: false },
    );
    expect(messages.map((item) => item.content)).toEqual([text('a'), text('b')]);
    expect(parse('<|start|>assistant oops<|call|>', null, { strict: false })).toEqual([]);
  });

  it('non-strict: reports decode errors and an empty channel, leaving the Header state', () => {
    const cases: [number[], string][] = [
      [[99999999], 'Could not decode tokens: Invalid token error: Invalid token for decoding: 99999999'],
      [
        [9552],
        'Could not decode tokens: Invalid utf-8 sequence: incomplete utf-8 byte sequence from index 1',
      ],
      [encode('<|channel|>'), 'channel marker present but no channel value found in header'],
    ];
    for (const [headerTokens, expected] of cases) {
      const parser = new StreamableParser(encoding, 'assistant', { strict: false });
      for (const token of headerTokens) parser.process(token);
      const error = parseError(() => parser.process(end));
      expect(error.message).toBe(expected);
      expect(parser.state).toEqual({ state: 'Header', headerTokens });
    }
  });

  it('raises the same error texts on a malformed message whatever the strictness, except stop tokens', () => {
    const malformed = '<|start|>foo<|message|>x<|end|>';
    for (const strict of [true, false]) {
      expect(parseError(() => parse(malformed, null, { strict })).message).toBe('Unknown role: foo');
    }
  });
});
