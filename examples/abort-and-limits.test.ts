import { loadHarmonyEncoding } from '@harmony-agents/core/harmony';
import { createScriptedBackend } from '@harmony-agents/core/testing';
import { describe, expect, it } from 'vitest';
import { main, SCRIPTED_LIMITS_COMPLETIONS } from './abort-and-limits.js';

describe('examples/abort-and-limits', () => {
  it('aborts, times out, throws on invalid arguments, stops at the limits, and continues after an abort', async () => {
    const backend = createScriptedBackend({
      steps: SCRIPTED_LIMITS_COMPLETIONS.map((completion) => ({ completion })),
    });
    const lines: string[] = [];
    const outcomes = await main(backend, (line) => lines.push(line));
    backend.assertComplete();
    expect(outcomes).toEqual([
      'aborted (reason: user pressed stop)',
      'answered "The warehouse did not answer in time; please try again later."',
      'invalid_tool_arguments for functions.look_up_order: order_id: Invalid input: expected string, received number (the model wrote {"order_id":42})',
      'max_tool_rounds_exceeded [run]: The model made more than 1 tool rounds in one run',
      'token_budget_exceeded [run]: The run used its budget of 8 generated tokens before the model finished',
    ]);
    expect(lines).toContain(
      '  history: 4 messages, the last from functions.look_up_order: Error: the call was not executed because the run was stopped.',
    );
    expect(lines).toContain('  next run: No problem, ask me any time.');
    expect(lines).toContain(
      '  the model was told: Error: wait_for_warehouse did not finish within 20 ms and was cancelled.',
    );
    // The continuation after the abort sent the interrupted call and its answer back to the model.
    const continuation = loadHarmonyEncoding().decode(backend.requests[1]?.promptTokens ?? []);
    expect(continuation).toContain(
      '<|start|>functions.look_up_order to=assistant<|channel|>commentary<|message|>Error: the call was not executed because the run was stopped.<|end|><|start|>user<|message|>Never mind.<|end|>',
    );
    // The budget request asked the backend for at most the 8 tokens left.
    expect(backend.requests.at(-1)?.maxTokens).toBe(8);
  });
});
