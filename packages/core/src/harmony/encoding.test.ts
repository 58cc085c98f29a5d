import { describe, expect, it } from 'vitest';
import { ConfigurationError, TokenizerError } from '../errors.js';
import { createMessage } from './create-message.js';
import { HarmonyEncoding, loadHarmonyEncoding } from './encoding.js';
import { loadO200kHarmonyTokenizer } from './tokenizer.js';

const encoding = loadHarmonyEncoding();

describe('loadHarmonyEncoding', () => {
  it('returns one cached HarmonyGptOss encoding', () => {
    expect(loadHarmonyEncoding()).toBe(encoding);
    expect(encoding).toBeInstanceOf(HarmonyEncoding);
    expect(encoding.name).toBe('HarmonyGptOss');
    expect(encoding.tokenizer).toBe(loadO200kHarmonyTokenizer());
  });
});

describe('HarmonyEncoding: tokens', () => {
  it('has the stop-token sets of openai-harmony', () => {
    expect(new Set(encoding.stopTokens())).toEqual(new Set([200002, 200012, 200007]));
    expect(encoding.stopTokens()).toHaveLength(3);
    expect(new Set(encoding.stopTokensForAssistantActions())).toEqual(new Set([200002, 200012]));
    expect(encoding.stopTokensForAssistantActions()).toHaveLength(2);
  });

  it('returns fresh stop-token arrays', () => {
    const first = encoding.stopTokens();
    first.pop();
    expect(encoding.stopTokens()).toHaveLength(3);
  });

  it('encodes with and without special tokens', () => {
    expect(encoding.encode('<|start|>')).toEqual([27, 91, 5236, 91, 29]);
    expect(encoding.encode('<|start|>', { allowedSpecial: 'all' })).toEqual([200006]);
    expect(encoding.encode('<|start|>', { allowedSpecial: ['<|end|>'] })).toEqual([27, 91, 5236, 91, 29]);
    expect(encoding.encodeOrdinary('hello world')).toEqual([24912, 2375]);
  });

  it('decodes any iterable of ids', () => {
    expect(encoding.decode(new Set([24912, 2375]))).toBe('hello world');
    function* ids(): Generator<number> {
      yield 200006;
      yield 1428;
    }
    expect(encoding.decodeUtf8(ids())).toBe('<|start|>user');
  });

  it('decodes invalid UTF-8 lossily with decode and throws with decodeUtf8', () => {
    expect(encoding.decode([132990, 9552])).toContain('\uFFFD');
    expect(() => encoding.decodeUtf8([132990, 9552])).toThrow(TokenizerError);
  });

  it('recognises special tokens', () => {
    expect(encoding.isSpecialToken(200006)).toBe(true);
    expect(encoding.isSpecialToken(201088)).toBe(true);
    expect(encoding.isSpecialToken(1428)).toBe(false);
  });

  it('rejects ids that are not non-negative integers with a TokenizerError', () => {
    expect(() => encoding.decode([1.5])).toThrow(TokenizerError);
    expect(() => encoding.decode([Number.NaN])).toThrow('Invalid token id: NaN');
    expect(() => encoding.decode(['1'] as never)).toThrow(TokenizerError);
    expect(() => encoding.decode([-1])).toThrow(TokenizerError);
    expect(() => encoding.decode(5 as never)).toThrow('tokens must be an iterable of token ids, got 5');
    expect(() => encoding.decode(null as never)).toThrow(TokenizerError);
    expect(() => encoding.decodeUtf8([99999999])).toThrow('Invalid token for decoding: 99999999');
    expect(() => encoding.parseMessagesFromCompletionTokens([200005, 0.5])).toThrow(TokenizerError);
  });

  it('rejects non-string text with a TokenizerError', () => {
    expect(() => encoding.encode(5 as never)).toThrow(TokenizerError);
    expect(() => encoding.encodeOrdinary(undefined as never)).toThrow(TokenizerError);
  });
});

describe('HarmonyEncoding: parsing', () => {
  it('parses what it renders (via the parser module)', () => {
    const call = createMessage('assistant', '{"city":"Paris"}', {
      channel: 'commentary',
      recipient: 'functions.get_weather',
      contentType: '<|constrain|>json',
    });
    const tokens = encoding.render(call);
    const [parsed, ...rest] = encoding.parseMessagesFromCompletionTokens(tokens);
    expect(rest).toEqual([]);
    expect(parsed).toMatchObject({
      role: 'assistant',
      channel: 'commentary',
      recipient: 'functions.get_weather',
      contentType: '<|constrain|>json',
      content: [{ type: 'text', text: '{"city":"Paris"}' }],
    });
  });

  it('parses a completion after <|start|>assistant with a role, from any iterable', () => {
    const completion = encoding.encode('<|channel|>final<|message|>Hi!<|return|>', { allowedSpecial: 'all' });
    const messages = encoding.parseMessagesFromCompletionTokens(completion.values(), 'assistant');
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({
      role: 'assistant',
      channel: 'final',
      content: [{ type: 'text', text: 'Hi!' }],
    });
  });

  it('rejects an unknown role', () => {
    expect(() => encoding.parseMessagesFromCompletionTokens([], 'robot' as never)).toThrow(
      new ConfigurationError('unknown role: robot'),
    );
  });
});
