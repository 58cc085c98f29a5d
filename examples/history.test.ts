import { Conversation, createAgent, HarmonyJSONError, type Message } from '@harmony-agents/core';
import { loadHarmonyEncoding } from '@harmony-agents/core/harmony';
import { createScriptedBackend, scriptFinal } from '@harmony-agents/core/testing';
import { describe, expect, it } from 'vitest';
import { main, QUESTIONS, SCRIPTED_HISTORY_COMPLETIONS } from './history.js';

const scripted = () =>
  createScriptedBackend({ steps: SCRIPTED_HISTORY_COMPLETIONS.map((completion) => ({ completion })) });

describe('examples/history', () => {
  it('saves, resumes, refuses a tampered file and compares the reasoning-history policies', async () => {
    const backend = scripted();
    const lines: string[] = [];
    const { history, promptTokens, tamperError } = await main(backend, (line) => lines.push(line));
    backend.assertComplete();
    expect(lines.slice(0, 9)).toEqual([
      'saved 3 messages',
      'resumed: About 2.1 million people live in Paris proper.',
      `  user: ${QUESTIONS[0]}`,
      '  assistant/analysis: A geography question: Paris.',
      '  assistant/final: The capital of France is Paris.',
      `  user: ${QUESTIONS[1]}`,
      '  assistant/analysis: "There" means Paris, from the previous turn.',
      '  assistant/final: About 2.1 million people live in Paris proper.',
      'tampered file refused: invalid conversation JSON: the tokens of message 2 do not match the message',
    ]);
    expect(tamperError).toBeInstanceOf(HarmonyJSONError);
    expect(tamperError?.code).toBe('harmony_json_error');

    // The history keeps every message; only the prompt drops chain of thought.
    expect(history.length).toBe(6);
    const decoded = (index: number) =>
      loadHarmonyEncoding().decode(backend.requests[index]?.promptTokens ?? []);
    const [harmony, keepAll, dropAll] = [decoded(2), decoded(3), decoded(4)];
    expect(keepAll).toContain('<|channel|>analysis<|message|>A geography question: Paris.<|end|>');
    expect(keepAll).toContain('<|channel|>analysis<|message|>"There" means Paris');
    expect(harmony).not.toContain('<|channel|>analysis');
    expect(dropAll).toBe(harmony);
    expect(promptTokens.harmony).toBe(promptTokens['drop-all']);
    expect(promptTokens['keep-all']).toBeGreaterThan(promptTokens.harmony);
    expect(lines.slice(9)).toEqual([
      `reasoningHistory 'harmony': ${promptTokens.harmony} prompt tokens`,
      `reasoningHistory 'keep-all': ${promptTokens['keep-all']} prompt tokens`,
      `reasoningHistory 'drop-all': ${promptTokens['drop-all']} prompt tokens`,
    ]);

    // The resumed prompt is the saved conversation, token for token (the sampled tokens are reused).
    expect(decoded(1)).toContain(
      `<|start|>user<|message|>${QUESTIONS[0]}<|end|><|start|>assistant<|channel|>final<|message|>The capital of France is Paris.<|end|><|start|>user<|message|>${QUESTIONS[1]}<|end|><|start|>assistant`,
    );
  });

  it("'harmony' keeps the chain of thought of an earlier turn that never reached a final answer; 'drop-all' drops it", async () => {
    const text = (value: string) => [{ type: 'text' as const, text: value }];
    const unfinished: Message[] = [
      { role: 'user', content: text('Look up the weather.') },
      { role: 'assistant', channel: 'analysis', content: text('I should call the weather tool.') },
    ];
    const prompts: Record<string, string> = {};
    for (const reasoningHistory of ['harmony', 'drop-all'] as const) {
      const backend = createScriptedBackend({ steps: [{ completion: scriptFinal('Sure.') }] });
      await createAgent({ backend, reasoningHistory, currentDate: null }).run('Try again.', {
        history: Conversation.fromMessages(unfinished),
      });
      prompts[reasoningHistory] = loadHarmonyEncoding().decode(backend.requests[0]?.promptTokens ?? []);
    }
    expect(prompts.harmony).toContain('<|channel|>analysis<|message|>I should call the weather tool.<|end|>');
    expect(prompts['drop-all']).not.toContain('I should call the weather tool.');
  });
});
