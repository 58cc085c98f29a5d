import { describe, expect, it } from 'vitest';
import { HarmonyParseError } from '../errors.js';
import { loadHarmonyEncoding } from '../harmony/encoding.js';
import { DecoderEventMapper, textKindOf } from './decoder-event-mapper.js';
import type { AgentEvent } from './events.js';
import { assistantStartTokens } from './prompt-builder.js';

const encoding = loadHarmonyEncoding();
const assistantStart = assistantStartTokens(encoding);

function decode(completion: string, onParseError: 'recover' | 'throw' = 'recover') {
  const events: AgentEvent[] = [];
  let ids = 0;
  const mapper = new DecoderEventMapper(
    { runId: 'run', emit: (event) => events.push(event) },
    { encoding, step: 3, onParseError, generateCallId: () => `call_${++ids}` },
    assistantStart,
  );
  const endedAfter: boolean[] = [];
  for (const token of encoding.encode(completion, { allowedSpecial: 'all' })) {
    mapper.push(token);
    endedAfter.push(mapper.generationEnded);
  }
  const entries = mapper.end();
  return { events, entries, endedAfter };
}

const summary = (events: readonly AgentEvent[]) =>
  events.map((event) => ('text' in event ? `${event.type}:${event.text}` : event.type));

describe('DecoderEventMapper', () => {
  it('streams analysis and the answer, and returns the messages with their sampled tokens', () => {
    const completion =
      '<|channel|>analysis<|message|>Think.<|end|><|start|>assistant<|channel|>final<|message|>Hi!<|return|>';
    const { events, entries } = decode(completion);
    expect(summary(events)).toEqual([
      'analysis-delta',
      'analysis-delta',
      'analysis:Think.',
      'final-delta',
      'final-delta',
      'final:Hi!',
    ]);
    expect(events.every((event) => !('step' in event) || event.step === 3)).toBe(true);
    expect(entries.map((entry) => entry.message.channel)).toEqual(['analysis', 'final']);
    expect(entries[0]!.tokens).toEqual(
      encoding.render({
        role: 'assistant',
        channel: 'analysis',
        content: [{ type: 'text', text: 'Think.' }],
      }),
    );
    expect(entries.every((entry) => entry.callId === undefined)).toBe(true);
  });

  it('gives a tool call its call id, streams nothing of it and sees the generation end at <|call|>', () => {
    const completion =
      '<|channel|>commentary<|message|>Checking.<|end|><|start|>assistant to=functions.f<|channel|>commentary <|constrain|>json<|message|>{}<|call|>';
    const { events, entries, endedAfter } = decode(completion);
    expect(summary(events)).toEqual(['preamble-delta', 'preamble-delta', 'preamble:Checking.']);
    expect(entries[1]).toMatchObject({ message: { recipient: 'functions.f' }, callId: 'call_1' });
    expect(endedAfter.indexOf(true)).toBe(endedAfter.length - 1);
  });

  it('drops a message the model wrote as another role, with a parse-error', () => {
    const { events, entries } = decode(
      '<|channel|>final<|message|>A<|end|><|start|>user<|message|>Made up<|end|>',
    );
    expect(summary(events)).toEqual(['final-delta', 'final:A', 'parse-error']);
    expect(entries).toHaveLength(1);
  });

  it('keeps a message on an unknown channel in history without showing it', () => {
    const { events, entries } = decode('<|channel|>secret<|message|>x<|end|>');
    expect(summary(events)).toEqual(['parse-error']);
    expect(events[0]).toMatchObject({ recovered: true });
    expect(entries).toHaveLength(1);
  });

  it('does not keep a message cut off before its terminator', () => {
    const { events, entries } = decode('<|channel|>final<|message|>Half an ans');
    expect(new Set(summary(events))).toEqual(new Set(['final-delta']));
    expect(entries).toEqual([]);
  });

  it("throws the parse error when the agent's onParseError is 'throw'", () => {
    expect(() =>
      decode('<|channel|>final<|message|>A<|end|><|start|>user<|message|>B<|end|>', 'throw'),
    ).toThrow(HarmonyParseError);
  });
});

describe('textKindOf', () => {
  it.each([
    ['analysis', 'analysis'],
    ['commentary', 'preamble'],
    ['final', 'final'],
    [null, 'final'],
    ['other', null],
  ] as const)('%s → %s', (channel, kind) => expect(textKindOf(channel)).toBe(kind));
});
