import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import type { BackendChunk, BackendGenerateRequest } from '../backend.js';
import { HARMONY_TOKENS } from '../harmony/special-tokens.js';
import { loadO200kHarmonyTokenizer } from '../harmony/tokenizer.js';
import { createScriptedBackend } from './scripted-backend.js';

const request = (signal?: AbortSignal): BackendGenerateRequest => ({
  promptTokens: [HARMONY_TOKENS.start],
  stopTokens: [HARMONY_TOKENS.return, HARMONY_TOKENS.call],
  maxTokens: undefined,
  sampling: {},
  constrainedTools: [],
  signal,
});

async function collect(stream: AsyncIterable<BackendChunk>): Promise<BackendChunk[]> {
  const chunks: BackendChunk[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return chunks;
}

describe('createScriptedBackend', () => {
  // Defect 17 (0.1): each delayed chunk added an abort listener that was never removed: 11 chunks
  // gave a MaxListenersExceededWarning, and a long script kept every listener until the signal died.
  it('leaves no abort listener behind after delayed chunks', async () => {
    const completion = `<|channel|>final<|message|>${'word '.repeat(40)}<|return|>`;
    const backend = createScriptedBackend({
      steps: [
        { completion, delayMs: 1 },
        { completion, delayMs: 1 },
      ],
    });
    const controller = new AbortController();
    const chunks = await collect(backend.doGenerate(request(controller.signal)));
    expect(chunks.length).toBeGreaterThan(40);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
    // Aborting while a chunk waits removes its listener as well.
    const stream = backend.doGenerate(request(controller.signal))[Symbol.asyncIterator]();
    await stream.next();
    const waiting = stream.next();
    controller.abort();
    await waiting;
    await collect({ [Symbol.asyncIterator]: () => stream });
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  it('is one queue: concurrent requests take the steps in the order they arrive', async () => {
    const backend = createScriptedBackend({
      steps: [
        { completion: '<|channel|>final<|message|>first<|return|>', delayMs: 2 },
        { completion: '<|channel|>final<|message|>second<|return|>' },
      ],
    });
    const [a, b] = await Promise.all([
      collect(backend.doGenerate(request())),
      collect(backend.doGenerate(request())),
    ]);
    const text = (chunks: BackendChunk[]) =>
      loadO200kHarmonyTokenizer().decode(
        chunks.flatMap((chunk) => (chunk.type === 'tokens' ? chunk.tokens : [])),
      );
    expect(text(a)).toContain('first');
    expect(text(b)).toContain('second');
    expect(backend.requests).toHaveLength(2);
    backend.assertComplete();
  });
});
