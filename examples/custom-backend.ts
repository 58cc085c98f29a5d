/**
 * A backend of your own, in a page of code.
 *
 * A backend turns prompt token ids into generated token ids; the runner does everything Harmony.
 * This example writes two:
 *
 * - `createReplayBackend`: replays recorded completions (token ids), honouring the stop tokens,
 *   `maxTokens` and the abort signal, and rejecting invalid prompts with a `BackendError`;
 * - `withLogging`: wraps any backend and logs each request and how it finished.
 *
 * Both are checked with the backend conformance suite (`runBackendConformance`), then an agent runs on
 * the logging wrapper. Both read `promptTokens` only during the call: the runner reuses that array for
 * later requests, so a backend that keeps a prompt (to compare the next one with it) keeps a copy.
 *
 * Run: `node --conditions=@harmony-agents/source --import tsx examples/custom-backend.ts`
 */
import { pathToFileURL } from 'node:url';
import { BackendError, createAgent } from '@harmony-agents/core';
import {
  BACKEND_SPECIFICATION_VERSION,
  type Backend,
  type BackendChunk,
  type FinishReason,
} from '@harmony-agents/core/backend';
import { loadHarmonyEncoding } from '@harmony-agents/core/harmony';
import { type ConformanceCheckResult, runBackendConformance } from '@harmony-agents/core/testing';

/** A backend that replays completions, one per request, in order. */
export function createReplayBackend(completions: readonly (readonly number[])[]): Backend {
  const { tokenizer } = loadHarmonyEncoding();
  let next = 0;
  return {
    specificationVersion: BACKEND_SPECIFICATION_VERSION,
    backendId: 'replay',
    async *doGenerate({ promptTokens, stopTokens, maxTokens, signal }): AsyncGenerator<BackendChunk> {
      const invalid = promptTokens.find((token) => !tokenizer.isValidToken(token));
      if (invalid !== undefined) {
        throw new BackendError(`Invalid token id in the prompt: ${invalid}`, { kind: 'invalid_prompt' });
      }
      const completion = completions[next++];
      if (completion === undefined) {
        throw new BackendError('There is no recorded completion left', { kind: 'generation_failed' });
      }
      let generated = 0;
      const finish = (reason: FinishReason): BackendChunk => ({
        type: 'finish',
        reason,
        usage: { promptTokens: promptTokens.length, generatedTokens: generated },
      });
      let reason: FinishReason = 'stop';
      for (const token of completion) {
        if (signal?.aborted) {
          reason = 'abort';
          break;
        }
        if (generated === maxTokens) {
          reason = 'length';
          break;
        }
        generated++;
        yield { type: 'tokens', tokens: [token] };
        // The stop token is yielded as the last token, then generation ends.
        if (stopTokens.includes(token)) break;
      }
      yield finish(reason);
    },
  };
}

/** Wraps a backend: same contract, plus one log line per request and per finish. */
export function withLogging(inner: Backend, log: (line: string) => void): Backend {
  return {
    specificationVersion: inner.specificationVersion,
    backendId: `${inner.backendId}+logging`,
    ...(inner.capabilities === undefined ? {} : { capabilities: inner.capabilities }),
    async *doGenerate(request) {
      log(`[${inner.backendId}] generating from ${request.promptTokens.length} prompt tokens`);
      for await (const chunk of inner.doGenerate(request)) {
        if (chunk.type === 'finish') {
          const { generatedTokens, cachedPromptTokens } = chunk.usage;
          const cached =
            cachedPromptTokens === undefined ? '' : `, ${cachedPromptTokens} prompt tokens cached`;
          log(`[${inner.backendId}] ${chunk.reason} after ${generatedTokens} tokens${cached}`);
        }
        yield chunk;
      }
    },
  };
}

/** The completions the replay backend plays in {@link main}, as Harmony text. */
export const RECORDED_COMPLETIONS: readonly string[] = [
  '<|channel|>analysis<|message|>A greeting. Answer briefly.<|end|>' +
    '<|start|>assistant<|channel|>final<|message|>Hello! How can I help?<|return|>',
  '<|channel|>final<|message|>Hello again.<|return|>',
];

/** Harmony text to token ids; special-token text becomes the special tokens. */
const toTokens = (text: string) => loadHarmonyEncoding().encode(text, { allowedSpecial: 'all' });

/** What {@link main} returns. */
export interface CustomBackendExampleResult {
  /** The conformance results of the replay backend, then of the logging wrapper around it. */
  readonly conformance: {
    readonly replay: ConformanceCheckResult[];
    readonly logging: ConformanceCheckResult[];
  };
  /** The agent's answer. */
  readonly finalText: string;
}

/**
 * Checks both backends with the conformance suite, then runs an agent on `backend` (the replay backend
 * by default) wrapped in the logger.
 */
export async function main(
  backend: Backend = createReplayBackend(RECORDED_COMPLETIONS.map(toTokens)),
  write: (line: string) => void = (line) => console.log(line),
): Promise<CustomBackendExampleResult> {
  const createBackend = () => createReplayBackend(RECORDED_COMPLETIONS.map(toTokens));
  const replay = await runBackendConformance({ createBackend });
  const logging = await runBackendConformance({
    createBackend: () => withLogging(createBackend(), () => undefined),
  });
  for (const [name, results] of [
    ['replay', replay],
    ['logging', logging],
  ] as const) {
    const passed = results.filter((result) => result.status === 'passed').length;
    write(`conformance of ${name}: ${passed}/${results.length} checks passed`);
    for (const result of results.filter((item) => item.status !== 'passed')) {
      write(`  ${result.status} ${result.name}: ${result.message ?? ''}`);
    }
  }

  const agent = createAgent({ backend: withLogging(backend, write) });
  const { finalText } = await agent.run('Hi!');
  write(`Assistant: ${finalText}`);
  return { conformance: { replay, logging }, finalText };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
