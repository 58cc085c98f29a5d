import { describe, expect, it } from 'vitest';
import {
  checkInvariants,
  decodeAll,
  encode,
  encoding,
  endsOf,
  errorsOf,
  messagesOf,
  plainEvents,
} from '../../test/stream-decoder-helpers.js';
import { ConfigurationError, HarmonyParseError } from '../errors.js';
import { parseMessagesFromCompletionTokens } from './parser.js';
import { HARMONY_TOKENS } from './special-tokens.js';
import { HarmonyStreamDecoder } from './stream-decoder.js';
import type { Message, Role } from './types.js';

const { start, end, call, endOfText } = HARMONY_TOKENS;

function message(fields: Partial<Message> & { text: string }): Message {
  const { text, ...rest } = fields;
  return {
    role: 'assistant',
    recipient: null,
    channel: null,
    contentType: null,
    ...rest,
    content: [{ type: 'text', text }],
  };
}

/** Decodes `text` (special tokens recognised), checks the invariants, and returns the events. */
function run(text: string, role: Role | null = 'assistant') {
  const tokens = encode(text);
  const events = decodeAll(tokens, role);
  checkInvariants(tokens, events, role);
  return events;
}

const ANALYSIS = '<|channel|>analysis<|message|>Need weather.<|end|>';

describe('HarmonyStreamDecoder on well-formed output', () => {
  const completion = `${ANALYSIS}<|start|>assistant<|channel|>commentary to=functions.get_weather <|constrain|>json<|message|>{"city":"Paris"}<|call|>`;

  it('emits start, deltas and end per message, with the strict parser’s messages', () => {
    const events = run(completion);
    expect(messagesOf(events)).toEqual(
      parseMessagesFromCompletionTokens(encoding, encode(completion), 'assistant'),
    );
    expect(errorsOf(events)).toEqual([]);
    expect(events[0]).toEqual({
      type: 'message-start',
      role: 'assistant',
      name: null,
      channel: 'analysis',
      recipient: null,
      contentType: null,
    });
    const deltas = events.flatMap((event) => (event.type === 'content-delta' ? [event] : []));
    expect(
      deltas
        .filter((event) => event.channel === 'analysis')
        .map((event) => event.delta)
        .join(''),
    ).toBe('Need weather.');
    expect(
      deltas
        .filter((event) => event.recipient === 'functions.get_weather')
        .map((event) => event.delta)
        .join(''),
    ).toBe('{"city":"Paris"}');
    const ends = endsOf(events);
    expect(ends.map((event) => [event.opening, event.terminator, event.complete])).toEqual([
      ['prompt', end, true],
      ['start', call, true],
    ]);
    expect(ends[0]!.tokens).toEqual(encode(ANALYSIS));
    expect(ends[1]!.tokens).toEqual(encode(completion).slice(encode(ANALYSIS).length + 1));
  });

  it('gives identical events whatever the chunking', () => {
    const tokens = encode(`${completion}trailing<|start|>junk`);
    const reference = plainEvents(decodeAll(tokens));
    for (const sizes of [[1], [2], [3, 1, 7], [tokens.length], [5, 50]]) {
      expect(plainEvents(decodeAll(tokens, 'assistant', sizes))).toEqual(reference);
    }
  });

  it('streams multi-token characters only when complete', () => {
    const decoder = new HarmonyStreamDecoder(encoding);
    decoder.pushAll(encode('<|channel|>final<|message|>'));
    const [first, second] = encoding.tokenizer.encodeOrdinary('💖');
    expect(decoder.push(first!)).toEqual([]);
    expect(decoder.push(second!)).toEqual([
      { type: 'content-delta', delta: '💖', channel: 'final', recipient: null },
    ]);
  });

  it('starts with <|start|> when created without a role', () => {
    const events = run(`<|start|>assistant${completion}`, null);
    expect(endsOf(events).map((event) => event.opening)).toEqual(['start', 'start']);
    expect(errorsOf(events)).toEqual([]);
  });

  it('keeps a message a model writes as a tool (a hallucinated tool result) as the strict parser reads it', () => {
    const events = run(
      `${ANALYSIS}<|start|>functions.get_weather to=assistant<|channel|>commentary<|message|>{"t":1}<|end|>`,
    );
    expect(messagesOf(events)[1]).toEqual(
      message({
        role: 'tool',
        name: 'functions.get_weather',
        recipient: 'assistant',
        channel: 'commentary',
        text: '{"t":1}',
      }),
    );
    expect(endsOf(events)[1]!.complete).toBe(true);
  });
});

describe('HarmonyStreamDecoder recovery (each malformation real models produce)', () => {
  it('recipient in the role position', () => {
    for (const header of ['functions.get_weather<|channel|>commentary json', 'functions.get_weather']) {
      const events = run(`${ANALYSIS}<|start|>${header}<|message|>{"city":"Paris"}<|call|>`);
      const [, call] = endsOf(events);
      expect(call!.message).toMatchObject({ role: 'assistant', recipient: 'functions.get_weather' });
      expect(call!.complete).toBe(false);
      expect(errorsOf(events).map((event) => event.recovered)).toEqual([true]);
    }
    const strictError = errorsOf(run(`${ANALYSIS}<|start|>functions.get_weather<|message|>{}<|call|>`))[0]!;
    expect(strictError.error.message).toBe('Unknown role: functions.get_weather');
  });

  it('recipient written as the channel', () => {
    const events = run('<|channel|>to=functions.get_weather <|constrain|>json<|message|>{}<|call|>');
    expect(messagesOf(events)).toEqual([
      message({ recipient: 'functions.get_weather', contentType: '<|constrain|>json', text: '{}' }),
    ]);
    expect(errorsOf(events)).toHaveLength(1);
  });

  it('missing <|end|> before the next <|start|>', () => {
    const events = run(
      '<|channel|>analysis<|message|>Thinking<|start|>assistant<|channel|>final<|message|>Hi<|return|>',
    );
    expect(messagesOf(events)).toEqual([
      message({ channel: 'analysis', text: 'Thinking' }),
      message({ channel: 'final', text: 'Hi' }),
    ]);
    expect(endsOf(events).map((event) => [event.terminator, event.complete])).toEqual([
      [null, false],
      [HARMONY_TOKENS.return, true],
    ]);
    const [error] = errorsOf(events);
    expect(error!.recovered).toBe(true);
    expect(events.indexOf(error!)).toBeLessThan(events.indexOf(endsOf(events)[0]!));
  });

  it('missing <|message|>: header fields lead, the rest is text with its whitespace', () => {
    const events = run(
      '<|channel|>analysis I must\n\nrefuse<|end|><|start|>assistant<|channel|>commentary to=functions.f json {"a": 1}<|call|>',
    );
    expect(messagesOf(events)).toEqual([
      message({ channel: 'analysis', text: 'I must\n\nrefuse' }),
      message({ channel: 'commentary', recipient: 'functions.f', contentType: 'json', text: '{"a": 1}' }),
    ]);
    expect(endsOf(events).every((event) => !event.complete)).toBe(true);
    expect(errorsOf(events).map((event) => event.recovered)).toEqual([true, true]);
    const deltas = events.flatMap((event) => (event.type === 'content-delta' ? [event.delta] : []));
    expect(deltas).toEqual(['I must\n\nrefuse', '{"a": 1}']);
  });

  it('missing <|message|> and <|end|>: a header running into <|start|>', () => {
    const events = run('I must refuse<|start|>assistant<|channel|>final<|message|>Sorry.<|return|>');
    expect(messagesOf(events)).toEqual([
      message({ text: 'I must refuse' }),
      message({ channel: 'final', text: 'Sorry.' }),
    ]);
    expect(endsOf(events)[0]!.terminator).toBeNull();
  });

  it('<|constrain|> variants', () => {
    const variants: [string, string | null, boolean][] = [
      [' <|constrain|>json', '<|constrain|>json', true],
      ['<|constrain|>json', '<|constrain|>json', true],
      [' <|constrain|> json', '<|constrain|>json', false],
      [' json', 'json', true],
      [' code', 'code', true],
      ['', null, true],
    ];
    for (const [suffix, contentType, complete] of variants) {
      const events = run(`<|channel|>commentary to=functions.f${suffix}<|message|>{}<|call|>`);
      const [only] = endsOf(events);
      expect(only!.message).toEqual(
        message({ channel: 'commentary', recipient: 'functions.f', contentType, text: '{}' }),
      );
      expect(only!.complete).toBe(complete);
    }
    const final = endsOf(run('<|channel|>final <|constrain|>json<|message|>{}<|return|>'))[0]!;
    expect(final.message).toMatchObject({ recipient: null, contentType: '<|constrain|>json' });
    expect(endsOf(run('<|channel|>final json<|message|>{}<|return|>'))[0]!.message).toMatchObject({
      recipient: null,
      contentType: 'json',
    });
  });

  it('leaves arguments alone: [...] wrapping or a stray ] is the runner’s job', () => {
    for (const args of ['[{"city": "Paris"}]', '{"city": "Paris"}]']) {
      const events = run(`<|channel|>commentary to=functions.f <|constrain|>json<|message|>${args}<|call|>`);
      expect(endsOf(events)[0]!.message.content).toEqual([{ type: 'text', text: args }]);
      expect(endsOf(events)[0]!.complete).toBe(true);
    }
  });

  it('tool name polluted by a repeated channel', () => {
    const events = run(
      '<|channel|>commentary to=functions.get_weather<|channel|>commentary <|constrain|>json<|message|>{}<|call|>',
    );
    expect(messagesOf(events)[0]).toMatchObject({
      recipient: 'functions.get_weather',
      channel: 'commentary',
    });
    expect(errorsOf(events)[0]!.error.message).toContain('functions.get_weather<|channel|>commentary');
  });

  it('<|call|>, <|return|> and <|endoftext|> end the generation; later tokens are dropped at end()', () => {
    for (const stop of ['<|call|>', '<|return|>', '<|endoftext|>']) {
      const tail = `<|start|>functions.f to=assistant<|channel|>commentary<|message|>{"fake": true}<|end|>`;
      const events = run(`<|channel|>commentary to=functions.f json<|message|>{}${stop}${tail}more`);
      expect(messagesOf(events)).toHaveLength(1);
      const [dropped] = errorsOf(events);
      expect(dropped!.recovered).toBe(false);
      expect(dropped!.tokens).toEqual(encode(`${tail}more`).filter((token) => token !== start));
      expect(events.at(-1)).toBe(dropped);
    }
    const byEndOfText = endsOf(run('<|channel|>final<|message|>Done<|endoftext|>'))[0]!;
    expect([byEndOfText.terminator, byEndOfText.complete]).toEqual([endOfText, false]);
  });

  it('a header without a role after the first message', () => {
    const events = run(`${ANALYSIS}<|start|><|channel|>final<|message|>Hi<|return|>`);
    expect(messagesOf(events)[1]).toEqual(message({ channel: 'final', text: 'Hi' }));
    expect(errorsOf(events).map((event) => [event.error.message, event.recovered])).toEqual([
      ['message header did not contain a role', true],
    ]);
  });

  it('<|channel|> inside content starts the next message', () => {
    const events = run('<|channel|>analysis<|message|>Thinking.<|channel|>final<|message|>Answer<|return|>');
    expect(messagesOf(events)).toEqual([
      message({ channel: 'analysis', text: 'Thinking.' }),
      message({ channel: 'final', text: 'Answer' }),
    ]);
    expect(endsOf(events).map((event) => [event.opening, event.complete])).toEqual([
      ['prompt', false],
      ['none', false],
    ]);
  });

  it('text after <|end|> without <|start|> starts a message', () => {
    const events = run(`${ANALYSIS}assistant<|channel|>final<|message|>Hi<|return|>`);
    expect(messagesOf(events)[1]).toEqual(message({ channel: 'final', text: 'Hi' }));
    const plain = run(`${ANALYSIS}The answer is 4.<|return|>`);
    expect(messagesOf(plain)[1]).toEqual(message({ text: 'The answer is 4.' }));
  });

  it('drops a header nothing can read, up to its terminator, and goes on', () => {
    const events = run(
      `${ANALYSIS}<|start|>assistant<|channel|>final one two three four<|message|>secret<|end|><|start|>assistant<|channel|>final<|message|>ok<|return|>`,
    );
    expect(messagesOf(events).map((item) => item.content)).toEqual([
      [{ type: 'text', text: 'Need weather.' }],
      [{ type: 'text', text: 'ok' }],
    ]);
    const [dropped] = errorsOf(events);
    expect(dropped!.recovered).toBe(false);
    expect(dropped!.error.message).toBe('unexpected tokens remaining in message header: Some("one two")');
    expect(dropped!.tokens).toEqual(
      encode('assistant<|channel|>final one two three four<|message|>secret<|end|>'),
    );
  });

  it('drops a header holding an unknown id; an unknown id in content becomes U+FFFD', () => {
    const header = decodeAll([99999999, ...encode('<|message|>x<|end|>')]);
    expect(errorsOf(header).map((event) => [event.error.message, event.recovered])).toEqual([
      ['could not decode header', false],
    ]);
    const tokens = [...encode('<|channel|>final<|message|>a'), 99999999, ...encode('b<|return|>')];
    const events = decodeAll(tokens);
    checkInvariants(tokens, events, 'assistant');
    expect(messagesOf(events)).toEqual([message({ channel: 'final', text: 'a\uFFFD' })]);
  });

  it('a cut-off message ends without terminator; a cut-off header is dropped', () => {
    const cut = endsOf(run('<|channel|>final<|message|>Hal'))[0]!;
    expect([cut.terminator, cut.complete, cut.message.content]).toEqual([
      null,
      false,
      [{ type: 'text', text: 'Hal' }],
    ]);
    const header = errorsOf(run(`${ANALYSIS}<|start|>assistant<|channel|>fin`));
    expect(header.map((event) => [event.error.message, event.recovered])).toEqual([
      ['Unexpected EOS while waiting for message header to complete', false],
    ]);
    expect(decodeAll([])).toEqual([]);
  });

  it('reports an empty header and repeated <|start|>', () => {
    const events = run(`<|start|>assistant<|channel|>final<|message|>x<|return|>`);
    expect(errorsOf(events).map((event) => [event.error.message, event.tokens])).toEqual([
      ['Empty message header before <|start|>', []],
    ]);
    expect(messagesOf(events)).toEqual([message({ channel: 'final', text: 'x' })]);
    expect(errorsOf(run(`${ANALYSIS}<|end|>`))[0]!.tokens).toEqual([end]);
  });
});

describe('HarmonyStreamDecoder lifecycle', () => {
  it('returns no events from a second end() and refuses push() after end()', () => {
    const decoder = new HarmonyStreamDecoder(encoding, { role: 'assistant' });
    decoder.pushAll(encode('<|channel|>final<|message|>x'));
    expect(decoder.end()).toHaveLength(1);
    expect(decoder.end()).toEqual([]);
    expect(() => decoder.push(end)).toThrow(ConfigurationError);
  });

  it('defaults to the assistant role and rejects unknown roles', () => {
    expect(messagesOf(decodeAll(encode('<|channel|>final<|message|>x'), undefined))[0]!.role).toBe(
      'assistant',
    );
    expect(() => new HarmonyStreamDecoder(encoding, { role: 'robot' as Role })).toThrow(ConfigurationError);
  });

  it('reports errors as HarmonyParseError instances', () => {
    for (const event of errorsOf(run('<|start|><|start|>')))
      expect(event.error).toBeInstanceOf(HarmonyParseError);
  });
});
