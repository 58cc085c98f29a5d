import { describe, expect, it } from 'vitest';
import { HarmonyParseError } from '../src/errors.js';
import { StreamableParser } from '../src/harmony/parser.js';
import { HARMONY_TOKENS } from '../src/harmony/special-tokens.js';
import { HarmonyStreamDecoder, type StreamDecoderEvent } from '../src/harmony/stream-decoder.js';
import type { Role } from '../src/harmony/types.js';
import { checkInvariants, encode, encoding } from './stream-decoder-helpers.js';

/** mulberry32: a small deterministic PRNG, so every run checks the same sequences. */
function createRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}

const SPECIALS = [
  HARMONY_TOKENS.start,
  HARMONY_TOKENS.end,
  HARMONY_TOKENS.message,
  HARMONY_TOKENS.channel,
  HARMONY_TOKENS.constrain,
  HARMONY_TOKENS.call,
  HARMONY_TOKENS.return,
  HARMONY_TOKENS.endOfText,
  HARMONY_TOKENS.startOfText,
  200011,
];
const PIECES: readonly (readonly number[])[] = [
  ...SPECIALS.map((token) => [token]),
  ...[
    'assistant',
    'user',
    'tool',
    'analysis',
    'final',
    'commentary',
    ' to=functions.get_weather',
    'to=',
    ' json',
    ' code',
    ' <|constrain|>json',
    '{"city": "Paris"}',
    ' ',
    '\n',
    'Hello world',
    'functions.get_weather',
    '<|end|>',
  ].map((text) => encode(text)),
  [9552],
  [31446],
  [244],
  [99999999],
  [201089],
  [4_294_967_295],
];
const REALISTIC = encode(
  '<|channel|>analysis<|message|>Need weather for Paris.<|end|><|start|>assistant<|channel|>commentary to=functions.get_weather <|constrain|>json<|message|>{"city": "Paris"}<|call|>',
);

function randomSequence(random: () => number): number[] {
  const tokens: number[] = [];
  const pieces = Math.floor(random() * 40);
  for (let index = 0; index < pieces; index++) tokens.push(...PIECES[Math.floor(random() * PIECES.length)]!);
  return tokens;
}

function mutate(random: () => number): number[] {
  const tokens = [...REALISTIC];
  const edits = 1 + Math.floor(random() * 4);
  for (let edit = 0; edit < edits; edit++) {
    const at = Math.floor(random() * (tokens.length + 1));
    const choice = random();
    if (choice < 0.35) tokens.splice(at, 1);
    else if (choice < 0.7) tokens.splice(at, 0, ...PIECES[Math.floor(random() * PIECES.length)]!);
    else tokens.splice(at, 1, ...PIECES[Math.floor(random() * PIECES.length)]!);
  }
  return tokens;
}

function decode(tokens: readonly number[], role: Role | null): StreamDecoderEvent[] {
  const decoder = new HarmonyStreamDecoder(encoding, { role });
  const events: StreamDecoderEvent[] = [];
  for (const token of tokens) events.push(...decoder.push(token));
  events.push(...decoder.end());
  return events;
}

const SEQUENCES = 1000;

describe('fuzz (seeded)', () => {
  it('the stream decoder never throws on random tokens and keeps its invariants', () => {
    const random = createRandom(0x5eed);
    let checked = 0;
    for (let index = 0; index < SEQUENCES; index++) {
      const tokens = index % 2 === 0 ? randomSequence(random) : mutate(random);
      for (const role of ['assistant', null] as const) {
        checkInvariants(tokens, decode(tokens, role), role);
        checked++;
      }
    }
    expect(checked).toBe(SEQUENCES * 2);
  });

  it('the parser only ever throws HarmonyParseError', () => {
    const random = createRandom(0xbad);
    const outcomes = { parsed: 0, rejected: 0 };
    for (let index = 0; index < SEQUENCES; index++) {
      const tokens = index % 2 === 0 ? randomSequence(random) : mutate(random);
      for (const role of ['assistant', null] as const) {
        for (const strict of [true, false]) {
          const parser = new StreamableParser(encoding, role, { strict });
          try {
            for (const token of tokens) parser.process(token);
            parser.processEos();
            outcomes.parsed++;
          } catch (error) {
            expect(error).toBeInstanceOf(HarmonyParseError);
            outcomes.rejected++;
          }
          // Reading the state must work in any state, even after an error.
          expect(() => JSON.stringify(parser.state)).not.toThrow();
        }
      }
    }
    expect(outcomes.parsed).toBeGreaterThan(100);
    expect(outcomes.rejected).toBeGreaterThan(100);
  });
});
