import { describe, expect, it } from 'vitest';
import { CONFORMANCE_CHECKS, runBackendConformance } from './conformance.js';
import { createScriptedBackend } from './scripted-backend.js';

const answer = '<|channel|>final<|message|>Hello there, this is a scripted answer.<|return|>';

describe('backend conformance suite', () => {
  it('passes for the scripted backend', async () => {
    const results = await runBackendConformance({
      createBackend: () => createScriptedBackend({ steps: [{ completion: answer }, { completion: answer }] }),
    });
    expect(results.map((result) => result.name)).toEqual([...CONFORMANCE_CHECKS]);
    expect(results.filter((result) => result.status !== 'passed')).toEqual([]);
  });

  it('catches a backend that ignores an abort in the middle of a generation', async () => {
    const results = await runBackendConformance({
      createBackend: () => {
        const inner = createScriptedBackend({
          steps: Array.from({ length: 4 }, () => ({ completion: answer })),
        });
        return {
          ...inner,
          async *doGenerate(request) {
            // Looks at the signal only before it starts.
            if (request.signal?.aborted === true) {
              yield { type: 'finish', reason: 'abort', usage: { promptTokens: 0, generatedTokens: 0 } };
              return;
            }
            yield* inner.doGenerate({ ...request, signal: undefined });
          },
        };
      },
    });
    const failed = results.filter((result) => result.status === 'failed');
    expect(failed.map((result) => result.name)).toEqual(['honours-abort']);
    expect(failed[0]!.message).toMatch(/aborted after its first chunk went on/);
  });

  it('catches a backend that drops the stop token and over-generates', async () => {
    const results = await runBackendConformance({
      createBackend: () => {
        const inner = createScriptedBackend({ steps: [{ completion: answer }, { completion: answer }] });
        return {
          ...inner,
          async *doGenerate(request) {
            for await (const chunk of inner.doGenerate({ ...request, maxTokens: undefined })) {
              if (chunk.type === 'tokens')
                yield { type: 'tokens', tokens: chunk.tokens.filter((t) => t !== 200002) };
              else yield chunk;
            }
          },
        };
      },
    });
    const failed = results.filter((result) => result.status === 'failed').map((result) => result.name);
    expect(failed).toContain('yields-stop-token-last');
    expect(failed).toContain('respects-max-tokens');
    expect(failed).toContain('reports-usage');
  });

  it('catches a backend that keeps the prompt array to compare the next prompt with', async () => {
    const results = await runBackendConformance({
      createBackend: () => {
        const inner = createScriptedBackend({ steps: [{ completion: answer }, { completion: answer }] });
        let previous: readonly number[] = [];
        return {
          ...inner,
          async *doGenerate(request) {
            const kept = previous;
            previous = request.promptTokens;
            for await (const chunk of inner.doGenerate(request)) {
              if (chunk.type === 'finish' && kept === request.promptTokens) {
                // "The same prompt": everything counted as cached.
                const promptTokens = request.promptTokens.length;
                yield {
                  ...chunk,
                  usage: { ...chunk.usage, cachedPromptTokens: promptTokens, evaluatedPromptTokens: 0 },
                };
              } else yield chunk;
            }
          },
        };
      },
    });
    const failed = results.filter((result) => result.status === 'failed');
    expect(failed.map((result) => result.name)).toEqual(['reused-prompt-array']);
    expect(failed[0]!.message).toMatch(/keep a copy of the prompt, not the array/);
  });
});
