import { loadHarmonyEncoding } from '@harmony-agents/core/harmony';
import { createScriptedBackend } from '@harmony-agents/core/testing';
import { describe, expect, it } from 'vitest';
import { main, SCRIPTED_APP_CONTEXT_COMPLETIONS } from './app-context.js';

describe('examples/app-context', () => {
  it("gives each run's tools that run's user, never the model's say", async () => {
    const backend = createScriptedBackend({
      steps: SCRIPTED_APP_CONTEXT_COMPLETIONS.map((completion) => ({ completion })),
    });
    const lines: string[] = [];
    await main(backend, (line) => lines.push(line));
    backend.assertComplete();
    expect(lines).toEqual([
      'ada: You have one order: a teapot.',
      'grace: You have two orders: a kettle and cups.',
    ]);
    expect(backend.requests).toHaveLength(4);
    // The tool result the model read in each run names that run's user.
    const encoding = loadHarmonyEncoding();
    expect(encoding.decode(backend.requests[1]!.promptTokens)).toContain('"user":"ada"');
    expect(encoding.decode(backend.requests[3]!.promptTokens)).toContain('"user":"grace"');
    expect(encoding.decode(backend.requests[3]!.promptTokens)).not.toContain('teapot');
  });
});
