import { describe, expect, it } from 'vitest';
import { loadO200kHarmonyTokenizer } from '../harmony/tokenizer.js';
import { HarmonyHeaderTracker } from './harmony-header-tracker.js';

const tokenizer = loadO200kHarmonyTokenizer();
const encode = (text: string): number[] => tokenizer.encode(text, { allowedSpecial: 'all' });
const decode = (tokens: readonly number[]): string => tokenizer.decode(tokens);
const PROMPT = encode('<|start|>user<|message|>Weather?<|end|><|start|>assistant');

/** Feeds `completion` after the prompt and returns the headers reported at each `<|message|>`. */
function headersOf(completion: string, prompt: readonly number[] = PROMPT) {
  const tracker = HarmonyHeaderTracker.startingAfter(prompt, decode);
  const headers = [];
  for (const token of encode(completion)) {
    const header = tracker.push(token);
    if (header !== undefined) headers.push(header);
  }
  return { headers, tracker };
}

describe('HarmonyHeaderTracker', () => {
  it('reads the recipient in channel position and the <|constrain|> content type', () => {
    const { headers } = headersOf(
      '<|channel|>commentary to=functions.get_weather <|constrain|>json<|message|>{"city":"Seoul"}',
    );
    expect(headers).toEqual([
      { channel: 'commentary', recipient: 'functions.get_weather', contentType: '<|constrain|>json' },
    ]);
  });

  it('reads the recipient in role position and a bare content type', () => {
    const { headers } = headersOf(' to=functions.lookup<|channel|>commentary json<|message|>{}');
    expect(headers).toEqual([{ channel: 'commentary', recipient: 'functions.lookup', contentType: 'json' }]);
  });

  it('follows several messages: analysis, then a tool call', () => {
    const { headers, tracker } = headersOf(
      '<|channel|>analysis<|message|>Need the weather to=x.<|end|><|start|>assistant<|channel|>commentary to=functions.get_weather<|message|>',
    );
    expect(headers).toEqual([
      { channel: 'analysis', recipient: undefined, contentType: undefined },
      { channel: 'commentary', recipient: 'functions.get_weather', contentType: undefined },
    ]);
    expect(tracker.atBodyStart).toBe(true);
    expect(tracker.currentHeader?.recipient).toBe('functions.get_weather');
  });

  it('is inside the body of a tool call when the prompt ends with a complete header', () => {
    const prompt = [
      ...PROMPT,
      ...encode('<|channel|>commentary to=functions.f <|constrain|>json<|message|>'),
    ];
    const tracker = HarmonyHeaderTracker.startingAfter(prompt, decode);
    expect(tracker.atBodyStart).toBe(true);
    expect(tracker.currentHeader).toEqual({
      channel: 'commentary',
      recipient: 'functions.f',
      contentType: '<|constrain|>json',
    });
    tracker.push(encode('{')[0]!);
    expect(tracker.atBodyStart).toBe(false);
    expect(tracker.currentHeader?.recipient).toBe('functions.f');
  });

  it('reads the final channel with and without a <|constrain|> content type', () => {
    expect(headersOf('<|channel|>final<|message|>{').headers).toEqual([
      { channel: 'final', recipient: undefined, contentType: undefined },
    ]);
    expect(headersOf('<|channel|>final <|constrain|>json<|message|>{').headers).toEqual([
      { channel: 'final', recipient: undefined, contentType: '<|constrain|>json' },
    ]);
    expect(headersOf('<|channel|>final<|constrain|>json<|message|>{').headers).toEqual([
      { channel: 'final', recipient: undefined, contentType: '<|constrain|>json' },
    ]);
    expect(headersOf('<|message|>Hi').headers).toEqual([
      { channel: undefined, recipient: undefined, contentType: undefined },
    ]);
  });

  it('forgets the header after <|end|>, <|call|> and <|return|>', () => {
    const { tracker } = headersOf('<|channel|>commentary to=functions.f<|message|>{}<|call|>');
    expect(tracker.currentHeader).toBeUndefined();
    expect(headersOf('<|channel|>final<|message|>Hi<|end|>').tracker.currentHeader).toBeUndefined();
  });

  it('starts between messages when the prompt has no <|start|>', () => {
    const tracker = HarmonyHeaderTracker.startingAfter(encode('plain text'), decode);
    expect(tracker.push(encode('<|message|>')[0]!)).toBeUndefined();
    expect(tracker.currentHeader).toBeUndefined();
  });
});
