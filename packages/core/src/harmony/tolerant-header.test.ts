import { describe, expect, it } from 'vitest';
import { parseMessageHeaderText } from './message-header.js';
import { readMessageHeader, recoverHeaderWithoutMessage } from './tolerant-header.js';
import type { Role } from './types.js';

const ROLES_AFTER_START = { preset: null, fallback: 'assistant' } as const;

/** Every header layout openai-harmony reads sensibly (a recipient, or no lone content type). */
function* wellFormedHeaders(): Generator<{ text: string; preset: Role | null }> {
  const authors: [string, Role | null][] = [
    ['assistant', null],
    ['user', null],
    ['developer', null],
    ['', 'assistant'],
    ['assistant', 'assistant'],
  ];
  const channels = ['', '<|channel|>analysis', '<|channel|>commentary', '<|channel|>final'];
  const contentTypes = ['', ' json', ' code', ' <|constrain|>json', '<|constrain|>json'];
  for (const [author, preset] of authors) {
    for (const channel of channels) {
      for (const contentType of contentTypes) {
        for (const recipient of ['', ' to=functions.get_weather', ' to=python']) {
          if (recipient === '' && contentType !== '') continue;
          yield { text: `${author}${recipient}${channel}${contentType}`, preset };
          yield { text: `${author}${channel}${recipient}${contentType}`, preset };
        }
      }
    }
  }
  yield { text: 'browser.search to=assistant<|channel|>commentary', preset: null };
  yield { text: 'functions.get_weather to=assistant', preset: null };
  yield { text: 'tool<|channel|>commentary', preset: null };
  yield { text: '<|channel|>commentary functions.get_weather json', preset: 'assistant' };
  yield { text: '<|channel|>analysis functions.get_weather', preset: 'assistant' };
}

describe('readMessageHeader', () => {
  it('agrees with openai-harmony on every well-formed header layout', () => {
    let count = 0;
    for (const { text, preset } of wellFormedHeaders()) {
      const reference = parseMessageHeaderText(text, preset, true);
      expect(reference.remainingContent).toBeNull();
      expect(readMessageHeader(text, { preset, fallback: 'assistant' }), text).toEqual(reference.header);
      count++;
    }
    expect(count).toBeGreaterThan(300);
  });

  it('reads a lone content type as content type, not recipient', () => {
    for (const word of ['json', 'code', 'text', 'markdown', '<|constrain|>json']) {
      expect(
        readMessageHeader(`<|channel|>final ${word}`, { preset: 'assistant', fallback: 'assistant' }),
      ).toEqual({
        role: 'assistant',
        name: null,
        recipient: null,
        channel: 'final',
        contentType: word,
      });
    }
  });

  it('reads a recipient in the role position, as the channel, or after a repeated channel', () => {
    expect(readMessageHeader('functions.f<|channel|>commentary json', ROLES_AFTER_START)).toMatchObject({
      role: 'assistant',
      recipient: 'functions.f',
      contentType: 'json',
    });
    expect(readMessageHeader('to=functions.f<|channel|>commentary', ROLES_AFTER_START)).toMatchObject({
      role: 'assistant',
      name: null,
      recipient: 'functions.f',
    });
    expect(readMessageHeader('assistant<|channel|>to=functions.f json', ROLES_AFTER_START)).toMatchObject({
      recipient: 'functions.f',
      channel: null,
      contentType: 'json',
    });
    expect(
      readMessageHeader(
        'assistant<|channel|>commentary to=functions.f<|channel|>commentary json',
        ROLES_AFTER_START,
      ),
    ).toMatchObject({ recipient: 'functions.f', channel: 'commentary', contentType: 'json' });
  });

  it('joins "<|constrain|> json", ignores empty channels and stray special tokens, falls back to a role', () => {
    expect(
      readMessageHeader('assistant<|channel|>commentary to=f <|constrain|> json', ROLES_AFTER_START),
    ).toMatchObject({
      recipient: 'f',
      contentType: '<|constrain|>json',
    });
    expect(readMessageHeader('assistant<|channel|><|channel|>final', ROLES_AFTER_START)).toMatchObject({
      channel: 'final',
    });
    expect(
      readMessageHeader('assistant<|reserved_200011|><|channel|>final', ROLES_AFTER_START),
    ).toMatchObject({
      channel: 'final',
      recipient: null,
    });
    expect(readMessageHeader('<|channel|>final', { preset: null, fallback: 'user' })).toMatchObject({
      role: 'user',
    });
  });

  it('gives up when words are left over', () => {
    expect(readMessageHeader('assistant one two three', ROLES_AFTER_START)).toBeNull();
    expect(readMessageHeader('assistant to=a to=b', ROLES_AFTER_START)).toBeNull();
    expect(readMessageHeader('assistant <|constrain|>json <|constrain|>code', ROLES_AFTER_START)).toBeNull();
  });
});

describe('recoverHeaderWithoutMessage', () => {
  const first = { preset: 'assistant', fallback: 'assistant' } as const;

  it('keeps leading header fields and the rest of the text with its whitespace', () => {
    expect(recoverHeaderWithoutMessage('<|channel|>final  Hello\n\n  world ', first)).toEqual({
      header: { role: 'assistant', name: null, recipient: null, channel: 'final', contentType: null },
      text: 'Hello\n\n  world',
    });
    expect(
      recoverHeaderWithoutMessage(
        'assistant to=functions.f<|channel|>commentary json {"a": 1}',
        ROLES_AFTER_START,
      ),
    ).toEqual({
      header: {
        role: 'assistant',
        name: null,
        recipient: 'functions.f',
        channel: 'commentary',
        contentType: 'json',
      },
      text: '{"a": 1}',
    });
    expect(recoverHeaderWithoutMessage('to=f<|constrain|> json {}', first)?.header.contentType).toBe(
      '<|constrain|>json',
    );
  });

  it('reads a tool author only when a recipient follows it', () => {
    expect(
      recoverHeaderWithoutMessage('functions.f to=assistant {"t": 1}', ROLES_AFTER_START)?.header,
    ).toMatchObject({
      role: 'tool',
      name: 'functions.f',
      recipient: 'assistant',
    });
    expect(recoverHeaderWithoutMessage('Hello there', ROLES_AFTER_START)).toMatchObject({
      header: { role: 'assistant' },
      text: 'Hello there',
    });
  });

  it('returns null for an empty header', () => {
    expect(recoverHeaderWithoutMessage('  ', first)).toBeNull();
    expect(recoverHeaderWithoutMessage('assistant', first)).toBeNull();
  });
});
