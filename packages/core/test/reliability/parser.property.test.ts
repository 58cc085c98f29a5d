/**
 * Reliability: the parser and the stream decoder on random token sequences. Typed errors only, the
 * decoder never throws on ids, streaming equals batch, and any chunking gives the same events.
 * Replay a failure with the printed seed: `HARMONY_AGENTS_SEED=<seed> pnpm vitest run <this file>`.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HarmonyParseError } from '../../src/errors.js';
import { StreamableParser } from '../../src/harmony/parser.js';
import { HARMONY_TOKENS, SPECIAL_TOKENS } from '../../src/harmony/special-tokens.js';
import { HarmonyStreamDecoder } from '../../src/harmony/stream-decoder.js';
import { checkInvariants, decodeAll, encode, encoding, plainEvents } from '../stream-decoder-helpers.js';
import { propertyParameters } from './seed.js';

/** Inputs per property; docs/reliability.md reports them. */
export const PARSER_RUNS = 100_000;

const PIECES: readonly (readonly number[])[] = [
  ...[...SPECIAL_TOKENS.keys()].filter((token) => token < 200_019).map((token) => [token]),
  ...[
    'assistant',
    'user',
    'tool',
    'system',
    'analysis',
    'final',
    'commentary',
    ' to=functions.get_weather',
    ' to=browser.search',
    'functions.x',
    ' json',
    ' <|constrain|>json',
    '{"city": "Paris"}',
    ' ',
    '\n',
    'Hi',
    '<|channel|>final<|message|>ok<|return|>',
    '<|channel|>analysis<|message|>think<|end|><|start|>assistant',
  ].map((text) => encode(text)),
  [9552],
  [31446],
  [244],
  [201_089],
  [4_294_967_295],
];

const tokenSequence = fc.oneof(
  fc.array(fc.constantFrom(...PIECES), { maxLength: 40 }).map((pieces) => pieces.flat()),
  fc.array(fc.integer({ min: 0, max: 201_100 }), { maxLength: 60 }),
);
const role = fc.constantFrom('assistant' as const, null);

describe('reliability: parser and decoder on random tokens', () => {
  it('the parser only throws HarmonyParseError, strict or not, and its state always serialises', () => {
    fc.assert(
      fc.property(tokenSequence, role, fc.boolean(), (tokens, start, strict) => {
        const parser = new StreamableParser(encoding, start, { strict });
        try {
          for (const token of tokens) parser.process(token);
          parser.processEos();
        } catch (error) {
          expect(error).toBeInstanceOf(HarmonyParseError);
        }
        expect(() => JSON.stringify(parser.state)).not.toThrow();
      }),
      propertyParameters(PARSER_RUNS),
    );
  }, 240_000);

  it('the decoder never throws on ids, keeps its invariants, and any chunking gives the same events', () => {
    fc.assert(
      fc.property(
        tokenSequence,
        role,
        fc.array(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 5 }),
        (tokens, start, chunks) => {
          const streamed = decodeAll(tokens, start);
          checkInvariants(tokens, streamed, start);
          expect(plainEvents(decodeAll(tokens, start, chunks))).toEqual(plainEvents(streamed));
          const batch = new HarmonyStreamDecoder(encoding, { role: start });
          expect(plainEvents([...batch.pushAll(tokens), ...batch.end()])).toEqual(plainEvents(streamed));
        },
      ),
      propertyParameters(PARSER_RUNS),
    );
  }, 240_000);

  it('a well-formed completion cut anywhere decodes to a prefix of its messages', () => {
    const completion = encode(
      '<|channel|>analysis<|message|>Need weather.<|end|><|start|>assistant to=functions.get_weather<|channel|>commentary <|constrain|>json<|message|>{"city":"Paris"}<|call|>',
    );
    const whole = plainEvents(decodeAll(completion)).filter(
      (event) => (event as { type: string }).type === 'message-start',
    );
    fc.assert(
      fc.property(fc.integer({ min: 0, max: completion.length }), (cut) => {
        const events = decodeAll(completion.slice(0, cut));
        const starts = plainEvents(events).filter(
          (event) => (event as { type: string }).type === 'message-start',
        );
        expect(whole.slice(0, starts.length)).toEqual(starts);
        expect(
          events.every(
            (event) =>
              event.type !== 'message-end' || event.tokens.at(-1) !== HARMONY_TOKENS.call || event.complete,
          ),
        ).toBe(true);
      }),
      propertyParameters(Math.min(PARSER_RUNS, completion.length * 4)),
    );
  });
});
