import {
  ASSISTANT_ACTION_STOP_TOKENS,
  type HarmonyHeader,
  toGrammarJsonSchema,
} from '@harmony-agents/core/backend';
import { describe, expect, it } from 'vitest';
import { bodyConstraints, NO_CONSTRAINED_BODIES } from './body-constraint.js';

const tool = { recipient: 'functions.lookup', parameters: { type: 'object', properties: {} } };
const outputSchema = { type: 'object', properties: { ok: { type: 'boolean' } }, required: ['ok'] };
const request = {
  promptTokens: [1],
  stopTokens: ASSISTANT_ACTION_STOP_TOKENS,
  maxTokens: undefined,
  sampling: {},
  signal: undefined,
  constrainedTools: [tool],
  outputSchema,
};
const header = (channel: string, recipient?: string, contentType?: string): HarmonyHeader => ({
  channel,
  recipient,
  contentType,
});
const ALL = { toolArguments: true, finalAnswer: true };

describe('bodyConstraints', () => {
  it('constrains the final answer under the converted output schema, converted once', () => {
    const constraintFor = bodyConstraints(request, ALL);
    const answer = constraintFor(header('final'));
    expect(answer).toEqual({ type: 'final-answer', schema: toGrammarJsonSchema(outputSchema) });
    expect(constraintFor(header('final', undefined, '<|constrain|>json'))).toBe(answer);
  });

  it('constrains calls to constrained tools whose content type is JSON or absent', () => {
    const constraintFor = bodyConstraints(request, ALL);
    expect(constraintFor(header('commentary', 'functions.lookup', '<|constrain|>json'))).toEqual({
      type: 'tool-arguments',
      tool,
    });
    expect(constraintFor(header('analysis', 'functions.lookup'))).toEqual({ type: 'tool-arguments', tool });
    expect(constraintFor(header('commentary', 'functions.lookup', 'text'))).toBeUndefined();
    expect(constraintFor(header('commentary', 'functions.other', '<|constrain|>json'))).toBeUndefined();
  });

  it('leaves analysis, commentary, a final message with a recipient and disabled bodies free', () => {
    const constraintFor = bodyConstraints(request, ALL);
    expect(constraintFor(header('analysis'))).toBeUndefined();
    expect(constraintFor(header('commentary'))).toBeUndefined();
    expect(constraintFor(header('final', 'functions.other'))).toBeUndefined();
    expect(bodyConstraints({ ...request, outputSchema: undefined }, ALL)(header('final'))).toBeUndefined();
    const none = bodyConstraints(request, NO_CONSTRAINED_BODIES);
    expect(none(header('final'))).toBeUndefined();
    expect(none(header('commentary', 'functions.lookup'))).toBeUndefined();
  });
});
