import { describe, expect, it } from 'vitest';
import type { Message } from '../harmony/types.js';
import { answerReserve, defaultReserveTokens, dropOldestTurns, splitTurns } from './context-window.js';
import type { ConversationEntry } from './conversation.js';

const entry = (role: Message['role'], text: string): ConversationEntry => ({
  message: { role, content: [{ type: 'text', text }] },
});
const texts = (entries: readonly ConversationEntry[]) =>
  entries.map((item) => (item.message.content[0] as { text: string }).text);

const EARLIER = [
  entry('assistant', 'orphan'),
  entry('user', 'q1'),
  entry('assistant', 'a1'),
  entry('user', 'q2'),
  entry('assistant', 'call2'),
  entry('tool', 'result2'),
  entry('assistant', 'a2'),
  entry('user', 'q3'),
  entry('assistant', 'a3'),
];

describe('context-window turns', () => {
  it('splits entries into user turns', () => {
    expect(splitTurns(EARLIER).map(texts)).toEqual([
      ['orphan'],
      ['q1', 'a1'],
      ['q2', 'call2', 'result2', 'a2'],
      ['q3', 'a3'],
    ]);
    expect(splitTurns([])).toEqual([]);
  });

  it('drops whole turns from the oldest until the rest fits', () => {
    const cost = (turn: readonly ConversationEntry[]) => turn.length * 10;
    expect(dropOldestTurns(EARLIER, 90, cost)).toMatchObject({ droppedTurns: 0, dropped: [] });
    const trimmed = dropOldestTurns(EARLIER, 60, cost);
    expect(texts(trimmed.kept)).toEqual(['q2', 'call2', 'result2', 'a2', 'q3', 'a3']);
    expect(texts(trimmed.dropped)).toEqual(['orphan', 'q1', 'a1']);
    expect(trimmed.droppedTurns).toBe(2);
    // A tool call is never separated from its result: the turn goes whole.
    expect(texts(dropOldestTurns(EARLIER, 59, cost).kept)).toEqual(['q3', 'a3']);
    expect(dropOldestTurns(EARLIER, 0, cost)).toMatchObject({ kept: [], droppedTurns: 4 });
  });

  it('reserves 1024 tokens or an eighth of the context, capped by the token budget', () => {
    expect(defaultReserveTokens(8192)).toBe(1024);
    expect(defaultReserveTokens(131072)).toBe(1024);
    expect(defaultReserveTokens(1024)).toBe(128);
    expect(answerReserve(1024, undefined)).toBe(1024);
    expect(answerReserve(1024, 300)).toBe(300);
  });
});
