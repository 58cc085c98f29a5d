import { describe, expect, it } from 'vitest';
import { ASSISTANT_ACTION_STOP_TOKENS, HARMONY_TOKENS } from '../harmony/special-tokens.js';
import { reportedStopToken } from './stop-tokens.js';

const STOPS = new Set(ASSISTANT_ACTION_STOP_TOKENS);

describe('reportedStopToken', () => {
  it('reports Harmony stops and requested stop tokens as sampled', () => {
    expect(reportedStopToken(HARMONY_TOKENS.call, STOPS, undefined)).toBe(HARMONY_TOKENS.call);
    expect(reportedStopToken(HARMONY_TOKENS.return, STOPS, 'functions.x')).toBe(HARMONY_TOKENS.return);
    expect(reportedStopToken(HARMONY_TOKENS.end, new Set([HARMONY_TOKENS.end]), 'functions.x')).toBe(
      HARMONY_TOKENS.end,
    );
  });

  it('maps <|endoftext|> to <|call|> in a tool call and to <|return|> otherwise', () => {
    expect(reportedStopToken(HARMONY_TOKENS.endOfText, STOPS, 'functions.get_weather')).toBe(
      HARMONY_TOKENS.call,
    );
    expect(reportedStopToken(HARMONY_TOKENS.endOfText, STOPS, undefined)).toBe(HARMONY_TOKENS.return);
  });

  it('keeps the sampled token when the request does not stop on the mapped one', () => {
    const onlyEnd = new Set([HARMONY_TOKENS.end]);
    expect(reportedStopToken(HARMONY_TOKENS.endOfText, onlyEnd, undefined)).toBe(HARMONY_TOKENS.endOfText);
  });
});
