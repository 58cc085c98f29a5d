import { expect } from 'vitest';
import { parseMessagesFromCompletionTokens } from '../src/harmony/parser.js';
import { HARMONY_TOKENS } from '../src/harmony/special-tokens.js';
import { HarmonyStreamDecoder, type StreamDecoderEvent } from '../src/harmony/stream-decoder.js';
import { loadO200kHarmonyTokenizer } from '../src/harmony/tokenizer.js';
import type { Role } from '../src/harmony/types.js';

export const tokenizer = loadO200kHarmonyTokenizer();
export const encoding = { tokenizer };

/** Encodes text with every special token recognised. */
export function encode(text: string): number[] {
  return tokenizer.encode(text, { allowedSpecial: 'all' });
}

/** Feeds tokens one at a time (or in the given chunk sizes), then ends the generation. */
export function decodeAll(
  tokens: readonly number[],
  role: Role | null = 'assistant',
  chunkSizes?: readonly number[],
): StreamDecoderEvent[] {
  const decoder = new HarmonyStreamDecoder(encoding, { role });
  const events: StreamDecoderEvent[] = [];
  if (chunkSizes === undefined) {
    for (const token of tokens) events.push(...decoder.push(token));
  } else {
    let offset = 0;
    for (let index = 0; offset < tokens.length; index++) {
      const size = chunkSizes[index % chunkSizes.length]!;
      events.push(...decoder.pushAll(tokens.slice(offset, offset + size)));
      offset += size;
    }
  }
  events.push(...decoder.end());
  return events;
}

/** Events as plain data (errors reduced to their message) for equality checks. */
export function plainEvents(events: readonly StreamDecoderEvent[]): unknown[] {
  return events.map((event) =>
    event.type === 'parse-error' ? { ...event, error: event.error.message } : event,
  );
}

/**
 * The decoder's invariants on any input:
 * - the input without `<|start|>` is the concatenation of message-end tokens and dropped tokens;
 * - a complete message is read identically by the strict parser from its opening plus its tokens;
 * - per message: message-start, content-deltas whose text is the message's text, message-end.
 */
export function checkInvariants(
  input: readonly number[],
  events: readonly StreamDecoderEvent[],
  role: Role | null,
) {
  const reported = events.flatMap((event) =>
    event.type === 'message-end' || (event.type === 'parse-error' && !event.recovered)
      ? [...event.tokens]
      : [],
  );
  expect(reported).toEqual(input.filter((token) => token !== HARMONY_TOKENS.start));
  let open: { text: string } | null = null;
  for (const event of events) {
    switch (event.type) {
      case 'message-start':
        expect(open).toBeNull();
        open = { text: '' };
        break;
      case 'content-delta':
        expect(open).not.toBeNull();
        expect(event.delta.length).toBeGreaterThan(0);
        open!.text += event.delta;
        break;
      case 'message-end': {
        expect(open).not.toBeNull();
        const text = event.message.content[0]?.type === 'text' ? event.message.content[0].text : '';
        // Deltas never contain bytes still buffered, so they are a prefix of the final text.
        expect(text.startsWith(open!.text)).toBe(true);
        open = null;
        if (event.complete) {
          const opening = event.opening === 'prompt' ? [] : [HARMONY_TOKENS.start];
          const strictRole = event.opening === 'prompt' ? role : null;
          expect(
            parseMessagesFromCompletionTokens(encoding, [...opening, ...event.tokens], strictRole),
          ).toEqual([event.message]);
        }
        break;
      }
      case 'parse-error':
        break;
    }
  }
  expect(open).toBeNull();
}

/** The messages of message-end events. */
export function messagesOf(events: readonly StreamDecoderEvent[]) {
  return events.flatMap((event) => (event.type === 'message-end' ? [event.message] : []));
}

/** The message-end events. */
export function endsOf(events: readonly StreamDecoderEvent[]) {
  return events.flatMap((event) => (event.type === 'message-end' ? [event] : []));
}

/** The parse-error events. */
export function errorsOf(events: readonly StreamDecoderEvent[]) {
  return events.flatMap((event) => (event.type === 'parse-error' ? [event] : []));
}
