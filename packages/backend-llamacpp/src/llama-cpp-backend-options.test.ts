import { ConfigurationError } from '@harmony-agents/core';
import { describe, expect, it } from 'vitest';
import {
  LLAMA_CPP_BACKEND_DEFAULTS,
  resolveLlamaCppBackendOptions,
  resolveSampling,
} from './llama-cpp-backend-options.js';

describe('resolveLlamaCppBackendOptions', () => {
  it('fills the defaults: 8192 context, 256 batch, full SWA cache, OpenAI sampling', () => {
    expect(resolveLlamaCppBackendOptions()).toEqual({
      contextSize: 8192,
      batchSize: 256,
      threads: undefined,
      swaFullCache: true,
      sampling: { temperature: 1, topP: 1, topK: 0, seed: undefined },
      constrainToolArguments: true,
      constrainOutput: true,
      grammarForRequest: undefined,
      speculativeDecoding: { maxPredictedTokens: 1 },
      backendId: 'llamacpp',
    });
    expect(LLAMA_CPP_BACKEND_DEFAULTS.sampling).toEqual({ temperature: 1, topP: 1, topK: 0 });
  });

  it('keeps given values and caps the default batch at the context size', () => {
    const resolved = resolveLlamaCppBackendOptions({
      contextSize: 128,
      threads: 1,
      sampling: { seed: 7, topK: 40 },
    });
    expect(resolved).toMatchObject({ contextSize: 128, batchSize: 128, threads: 1 });
    expect(resolved.sampling).toEqual({ temperature: 1, topP: 1, topK: 40, seed: 7 });
  });

  it('turns speculative decoding off with false and sizes it with maxPredictedTokens', () => {
    expect(resolveLlamaCppBackendOptions({ speculativeDecoding: false }).speculativeDecoding).toBeUndefined();
    expect(resolveLlamaCppBackendOptions({ speculativeDecoding: true }).speculativeDecoding).toEqual({
      maxPredictedTokens: 1,
    });
    expect(
      resolveLlamaCppBackendOptions({ speculativeDecoding: { maxPredictedTokens: 3 } }).speculativeDecoding,
    ).toEqual({ maxPredictedTokens: 3 });
    expect(() => resolveLlamaCppBackendOptions({ speculativeDecoding: { maxPredictedTokens: 0 } })).toThrow(
      ConfigurationError,
    );
  });

  it('rejects invalid sizes and sampling values', () => {
    expect(() => resolveLlamaCppBackendOptions({ contextSize: 0 })).toThrow(ConfigurationError);
    expect(() => resolveLlamaCppBackendOptions({ batchSize: 1.5 })).toThrow(/batchSize/);
    expect(() => resolveLlamaCppBackendOptions({ threads: -1 })).toThrow(/threads/);
    const base = resolveLlamaCppBackendOptions().sampling;
    expect(() => resolveSampling({ temperature: -1 }, base)).toThrow(/temperature/);
    expect(() => resolveSampling({ topP: 2 }, base)).toThrow(/topP/);
    expect(() => resolveSampling({ topK: 0.5 }, base)).toThrow(/topK/);
    expect(() => resolveSampling({ seed: 1.5 }, base)).toThrow(/seed/);
    expect(resolveSampling({ temperature: 0 }, base)).toEqual({
      temperature: 0,
      topP: 1,
      topK: 0,
      seed: undefined,
    });
  });
});
