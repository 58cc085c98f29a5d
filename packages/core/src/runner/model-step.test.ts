import { describe, expect, it } from 'vitest';
import { BACKEND_SPECIFICATION_VERSION, type Backend, type BackendChunk } from '../backend.js';
import { loadHarmonyEncoding } from '../harmony/encoding.js';
import { createScriptedBackend } from '../testing/scripted-backend.js';
import type { AgentEvent } from './events.js';
import { type ModelStepSettings, runModelStep } from './model-step.js';
import { assistantStartTokens } from './prompt-builder.js';

const encoding = loadHarmonyEncoding();
const assistantStart = assistantStartTokens(encoding);
const tokensOf = (text: string) => encoding.encode(text, { allowedSpecial: 'all' });

/** A backend that yields the given chunks, then `filler` tokens one by one until `limit` chunks, counting pulls. */
function recordingBackend(
  chunks: readonly BackendChunk[],
  options: { filler?: number; limit?: number } = {},
) {
  const record = { pulls: 0, closed: false };
  const backend: Backend = {
    specificationVersion: BACKEND_SPECIFICATION_VERSION,
    backendId: 'recording',
    async *doGenerate() {
      try {
        for (const chunk of chunks) {
          record.pulls++;
          yield chunk;
        }
        for (let index = 0; options.filler !== undefined && index < (options.limit ?? 1000); index++) {
          record.pulls++;
          await new Promise((resolve) => setImmediate(resolve));
          yield { type: 'tokens', tokens: [options.filler] };
        }
      } finally {
        record.closed = true;
      }
    },
  };
  return { backend, record };
}

function settingsFor(backend: Backend): ModelStepSettings {
  let ids = 0;
  return {
    backend,
    encoding,
    router: { functions: new Map(), builtins: new Map() },
    sampling: {},
    onParseError: 'recover',
    constrainToolArguments: false,
    generateCallId: () => `call_${++ids}`,
    outputSchema: undefined,
  };
}

async function step(backend: Backend, options: { maxTokens?: number; signal?: AbortSignal } = {}) {
  const events: AgentEvent[] = [];
  const result = await runModelStep(
    { runId: 'run', emit: (event) => events.push(event) },
    settingsFor(backend),
    {
      step: 1,
      promptTokens: [...assistantStart],
      assistantStart,
      maxTokens: options.maxTokens,
      signal: options.signal ?? new AbortController().signal,
    },
  );
  return { ...result, events };
}

describe('runModelStep', () => {
  it("returns the messages and the backend's finish reason and usage", async () => {
    const backend = createScriptedBackend({
      steps: [{ completion: '<|channel|>final<|message|>Hi<|return|>' }],
    });
    const result = await step(backend);
    expect(result.finishReason).toBe('stop');
    expect(result.usage).toMatchObject({ generatedTokens: 5, cachedPromptTokens: 0 });
    expect(result.entries.map((entry) => entry.message.channel)).toEqual(['final']);
    expect(backend.requests[0]!.stopTokens).toEqual(encoding.stopTokensForAssistantActions());
    expect(result.backendDone).toBe(true);
  });

  it('stops reading once the generation ended, and closes the stream (a backend that keeps yielding)', async () => {
    const filler = tokensOf('x')[0]!;
    const { backend, record } = recordingBackend(
      [{ type: 'tokens', tokens: tokensOf('<|channel|>final<|message|>Hi<|return|>') }],
      { filler },
    );
    const result = await step(backend);
    expect(result.finishReason).toBe('stop');
    expect(result.entries).toHaveLength(1);
    // The chunk after the end is read (it could have been the finish chunk), nothing more.
    expect(record.pulls).toBe(2);
    expect(record.closed).toBe(true);
  });

  it('enforces maxTokens against a backend that ignores it', async () => {
    const filler = tokensOf('x')[0]!;
    const { backend, record } = recordingBackend(
      [{ type: 'tokens', tokens: tokensOf('<|channel|>analysis<|message|>') }],
      { filler },
    );
    const result = await step(backend, { maxTokens: 10 });
    expect(result.finishReason).toBe('length');
    expect(result.usage.generatedTokens).toBe(10);
    expect(record.pulls).toBeLessThanOrEqual(10);
    expect(record.closed).toBe(true);
  });

  it("keeps a well-behaved backend's finish chunk at the budget", async () => {
    const tokens = tokensOf('<|channel|>analysis<|message|>abc');
    const usage = { promptTokens: 2, generatedTokens: tokens.length, cachedPromptTokens: 1 };
    const { backend } = recordingBackend([
      { type: 'tokens', tokens },
      { type: 'finish', reason: 'length', usage },
    ]);
    const result = await step(backend, { maxTokens: tokens.length });
    expect(result).toMatchObject({ finishReason: 'length', usage });
  });

  it('bounds the wait for a stream whose return() never settles', async () => {
    const controller = new AbortController();
    let closing = false;
    const backend: Backend = {
      specificationVersion: BACKEND_SPECIFICATION_VERSION,
      backendId: 'never-closes',
      doGenerate: ({ signal }) => ({
        [Symbol.asyncIterator]: () => ({
          next: async () => {
            controller.abort(new Error('stop'));
            return { done: false, value: { type: 'tokens', tokens: [] } };
          },
          return: () => {
            closing = signal?.aborted === true;
            return new Promise<IteratorResult<BackendChunk>>(() => undefined);
          },
        }),
      }),
    };
    const result = await step(backend, { signal: controller.signal });
    expect(result.finishReason).toBe('abort');
    expect(closing).toBe(true);
    // The runner stopped waiting: the backend may still read its prompt.
    expect(result.backendDone).toBe(false);
  });

  it('does not wait for a pending next() when aborted', async () => {
    const controller = new AbortController();
    const backend: Backend = {
      specificationVersion: BACKEND_SPECIFICATION_VERSION,
      backendId: 'stuck',
      async *doGenerate() {
        yield { type: 'tokens', tokens: tokensOf('<|channel|>final<|message|>') };
        setImmediate(() => controller.abort());
        await new Promise(() => undefined);
      },
    };
    const result = await step(backend, { signal: controller.signal });
    expect(result.finishReason).toBe('abort');
    expect(result.entries).toEqual([]);
    expect(result.backendDone).toBe(false);
  });
});
