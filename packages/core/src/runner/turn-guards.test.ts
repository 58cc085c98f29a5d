import { describe, expect, it } from 'vitest';
import type { Message } from '../harmony/types.js';
import type { ConversationEntry } from './conversation.js';
import { countToolRounds, currentTurnEntries, isToolCall } from './turn-guards.js';

const text = (value: string) => [{ type: 'text' as const, text: value }];
const user = (value: string): ConversationEntry => ({ message: { role: 'user', content: text(value) } });
const call = (name: string): ConversationEntry => ({
  message: { role: 'assistant', recipient: `functions.${name}`, channel: 'commentary', content: text('{}') },
  callId: `call_${name}`,
});
const result = (name: string): ConversationEntry => ({
  message: { role: 'tool', name: `functions.${name}`, recipient: 'assistant', content: text('ok') },
  callId: `call_${name}`,
});
const analysis: ConversationEntry = {
  message: { role: 'assistant', channel: 'analysis', content: text('hm') },
};
const final: ConversationEntry = { message: { role: 'assistant', channel: 'final', content: text('done') } };

describe('isToolCall', () => {
  it.each<[Message, boolean]>([
    [call('a').message, true],
    [{ role: 'assistant', recipient: 'all', content: text('x') }, false],
    [final.message, false],
    [result('a').message, false],
  ])('%# is %s', (message, expected) => expect(isToolCall(message)).toBe(expected));
});

describe('currentTurnEntries', () => {
  it('starts at the last user message of what the run added', () => {
    const earlier = [user('one'), call('a'), result('a'), final];
    const added = [user('two'), call('b')];
    expect(currentTurnEntries(earlier, added)).toEqual(added);
  });

  it('starts in the history a run resumes from when the run added no user message', () => {
    const earlier = [user('one'), final, user('two'), call('a')];
    const added = [result('a')];
    expect(currentTurnEntries(earlier, added)).toEqual([user('two'), call('a'), result('a')]);
  });

  it('is the whole history when it has no user message', () => {
    expect(currentTurnEntries([call('a'), result('a')])).toHaveLength(2);
  });
});

describe('countToolRounds', () => {
  it('counts one round per model step that ended in calls', () => {
    expect(
      countToolRounds([user('x'), analysis, call('a'), result('a'), call('b'), result('b'), final]),
    ).toBe(2);
  });

  it('counts calls of one step, answered together, as one round', () => {
    expect(countToolRounds([user('x'), call('a'), analysis, call('b'), result('a'), result('b')])).toBe(1);
  });

  it('counts a call whose results are not there yet', () => {
    expect(countToolRounds([user('x'), call('a'), result('a'), call('b')])).toBe(2);
    expect(countToolRounds([user('x'), final])).toBe(0);
  });
});
