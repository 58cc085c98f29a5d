import { describe, expect, it } from 'vitest';
import { BackendError, TokenizerError } from '../errors.js';
import { createAgent } from '../runner/agent.js';
import { createScriptedBackend } from '../testing/scripted-backend.js';
import { loadHarmonyEncoding } from './encoding.js';
import { parseMessagesFromCompletionTokens, StreamableParser } from './parser.js';
import { HARMONY_TOKENS } from './special-tokens.js';
import { HarmonyStreamDecoder, type StreamDecoderEvent } from './stream-decoder.js';
import { isTokenId, MAX_TOKEN_ID } from './token-id.js';

const encoding = loadHarmonyEncoding();
const tokenizer = encoding.tokenizer;
const special = (text: string) => tokenizer.encode(text, { allowedSpecial: 'all' });
const FINAL = special('<|channel|>final<|message|>');
const HI = tokenizer.encodeOrdinary('hi');
const RETURN = HARMONY_TOKENS.return;

/** Values that are not token ids: each API must throw TokenizerError for them, changing nothing. */
const NOT_IDS: readonly unknown[] = [
  Number.NaN,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
  -1,
  -0.5,
  1.5,
  MAX_TOKEN_ID + 1,
  2 ** 53,
  '5',
  null,
  undefined,
  5n,
  {},
];
/** Ids outside the vocabulary: decoding throws; parsers read them as openai-harmony does. */
const OUTSIDE: readonly number[] = [201_089, 99_999_999, MAX_TOKEN_ID];

function decoderEvents(decoder: HarmonyStreamDecoder, tokens: readonly number[]): StreamDecoderEvent[] {
  return [...decoder.pushAll(tokens), ...decoder.end()];
}

// Defect 16 (0.1): NaN, Infinity, fractions and negative numbers were decoded as U+FFFD by the
// parsers, rejected by `decode`, and `null` ended the parser's stream; the decoder marked a message
// holding an id outside the vocabulary complete. One rule now (token-id.ts).
describe('token ids: one rule for every API', () => {
  it('isTokenId accepts exactly the integers from 0 to 2^32 - 1', () => {
    for (const id of [0, 1, 199_997, 200_002, 201_088, 201_089, MAX_TOKEN_ID])
      expect(isTokenId(id)).toBe(true);
    for (const value of NOT_IDS) expect(isTokenId(value)).toBe(false);
  });

  it.each(NOT_IDS.map((value) => [String(value), value]))(
    'rejects %s everywhere, changing nothing',
    (_, value) => {
      const bad = value as number;
      const notAnId = /^Invalid token id: .* \(expected an integer from 0 to 4294967295\)$/;
      for (const decode of [
        () => tokenizer.decode([bad]),
        () => tokenizer.decodeUtf8([bad]),
        () => tokenizer.tokenBytes(bad),
        () => encoding.decode([bad]),
        () => encoding.decodeUtf8([bad]),
        () => parseMessagesFromCompletionTokens(encoding, [...FINAL, ...HI, bad, RETURN], 'assistant'),
        () => parseMessagesFromCompletionTokens(encoding, [bad, ...FINAL, ...HI, RETURN], 'assistant'),
        () => parseMessagesFromCompletionTokens(encoding, [...FINAL, bad], 'assistant', { strict: false }),
      ]) {
        expect(decode).toThrow(TokenizerError);
        expect(decode).toThrow(notAnId);
      }

      const parser = new StreamableParser(encoding, 'assistant');
      parser.process(FINAL[0]!);
      const before = JSON.stringify(parser.state);
      expect(() => parser.process(bad)).toThrow(notAnId);
      expect(JSON.stringify(parser.state)).toBe(before);
      for (const token of [...FINAL.slice(1), ...HI, RETURN]) parser.process(token);
      parser.processEos();
      expect(parser.messages).toEqual(
        parseMessagesFromCompletionTokens(encoding, [...FINAL, ...HI, RETURN], 'assistant'),
      );
      expect(parser.tokens).toEqual([...FINAL, ...HI, RETURN]);

      const expected = decoderEvents(new HarmonyStreamDecoder(encoding), [...FINAL, ...HI, RETURN]);
      const decoder = new HarmonyStreamDecoder(encoding);
      const events = [...decoder.pushAll(FINAL), ...decoder.pushAll(HI.slice(0, 1))];
      expect(() => decoder.push(bad)).toThrow(notAnId);
      expect(() => decoder.pushAll([...HI.slice(1), bad])).toThrow(notAnId);
      events.push(...decoderEvents(decoder, [...HI.slice(1), RETURN]));
      expect(events).toEqual(expected);
    },
  );

  it.each(OUTSIDE)('reads id %i outside the vocabulary as openai-harmony does, and reports it', (id) => {
    expect(() => tokenizer.decode([id])).toThrow(`Invalid token for decoding: ${id}`);
    expect(() => encoding.decodeUtf8([id])).toThrow(`Invalid token for decoding: ${id}`);
    const tokens = [...FINAL, ...HI, id, ...HI, RETURN];
    const [message] = parseMessagesFromCompletionTokens(encoding, tokens, 'assistant');
    expect(message?.content).toEqual([{ type: 'text', text: 'hi\uFFFD' }]);
    expect(() =>
      parseMessagesFromCompletionTokens(encoding, [id, ...FINAL, ...HI, RETURN], 'assistant'),
    ).toThrow('could not decode header');

    const events = decoderEvents(new HarmonyStreamDecoder(encoding), tokens);
    const errors = events.filter((event) => event.type === 'parse-error');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ recovered: true });
    expect(errors[0]?.type === 'parse-error' && errors[0].error.message).toMatch(
      `Token ${id} is outside the vocabulary`,
    );
    const end = events.find((event) => event.type === 'message-end');
    expect(end).toMatchObject({ complete: false, terminator: RETURN, tokens });
    expect(end?.type === 'message-end' && end.message).toEqual(message);
    expect(events.indexOf(errors[0]!)).toBeLessThan(events.indexOf(end!));

    const inHeader = decoderEvents(new HarmonyStreamDecoder(encoding), [id, ...FINAL, ...HI, RETURN]);
    expect(inHeader.some((event) => event.type === 'message-end' && event.complete)).toBe(false);
  });

  it('fails a run whose backend yields a value that is not a token id with a BackendError', async () => {
    const backend = createScriptedBackend({ steps: [{ completion: [...FINAL, Number.NaN, ...HI, RETURN] }] });
    const run = createAgent({ backend, currentDate: null }).run('Hi');
    await expect(run).rejects.toThrow(BackendError);
    await expect(run).rejects.toMatchObject({ kind: 'protocol_error' });
    expect(run.events.at(-1)?.type).toBe('run-end');
  });
});
