import { createScriptedBackend } from '@harmony-agents/core/testing';
import { describe, expect, it } from 'vitest';
import { main, QUESTION, SCRIPTED_EVENTS_COMPLETIONS } from './events.js';

const scripted = () =>
  createScriptedBackend({ steps: SCRIPTED_EVENTS_COMPLETIONS.map((completion) => ({ completion })) });

describe('examples/events', () => {
  it('prints the preamble, the tool activity and the streamed answer, never the chain of thought', async () => {
    const backend = scripted();
    let printed = '';
    const { result, analysisCharacters } = await main(backend, (text) => {
      printed += text;
    });
    backend.assertComplete();
    expect(printed).toBe(
      [
        `User: ${QUESTION}`,
        'Assistant (preamble): Let me find where john123 is, then check the temperature there.',
        '  calling get_current_location({"userid":"john123"})',
        '  -> San Francisco, CA',
        '  calling get_current_temperature({"location":"San Francisco, CA","format":"fahrenheit"})',
        '  -> {"location":"San Francisco, CA","temperature":64,"unit":"fahrenheit"}',
        'Assistant: It is 64°F in San Francisco, CA, where john123 is.',
        `(completed: ${result.usage.generatedTokens} tokens generated)`,
        '',
      ].join('\n'),
    );
    expect(printed).not.toContain('john123 first');
    expect(printed).not.toContain('degrees');
    expect(analysisCharacters).toBe(
      'I need the location of john123 first.'.length +
        'john123 is in San Francisco, CA. Now the temperature in Fahrenheit.'.length +
        'The tool says 64 degrees Fahrenheit.'.length,
    );
    expect(result.finalText).toBe('It is 64°F in San Francisco, CA, where john123 is.');
    expect(result.steps).toBe(3);
  });

  it('emits the events in the documented order (docs/events.md)', async () => {
    const { eventOrder } = await main(scripted(), () => undefined);
    const toolRound = ['step-end', 'tool-call', 'tool-result', 'message'];
    expect(eventOrder).toEqual([
      'run-start',
      'message', // the user message
      'step-start',
      'analysis-delta*',
      'analysis',
      'preamble-delta*',
      'preamble',
      'message', // analysis
      'message', // preamble
      'message', // the tool call
      ...toolRound,
      'step-start',
      'analysis-delta*',
      'analysis',
      'message',
      'message',
      ...toolRound,
      'step-start',
      'analysis-delta*',
      'analysis',
      'final-delta*',
      'final',
      'message',
      'message',
      'step-end',
      'run-end',
    ]);
  });
});
