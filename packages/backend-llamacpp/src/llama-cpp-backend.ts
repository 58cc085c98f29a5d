/**
 * The harmony-agents backend on llama.cpp: one context sequence of a loaded gpt-oss model, generating tokens
 * from the runner's prompt ids with KV-cache prefix reuse, stop-token handling and constrained tool arguments.
 */

import { BackendError, ConfigurationError, isHarmonyAgentsError } from '@harmony-agents/core';
import {
  BACKEND_SPECIFICATION_VERSION,
  type Backend,
  type BackendCapabilities,
  type BackendChunk,
  type BackendGenerateRequest,
  type BackendUsage,
  reportedStopToken,
} from '@harmony-agents/core/backend';
import { HARMONY_TOKENS } from '@harmony-agents/core/harmony';
import { DisposedError, type LlamaContextSequence, type SequenceEvaluateOptions } from 'node-llama-cpp';
import type { ResolvedLlamaCppBackendOptions } from './llama-cpp-backend-options.js';
import { resolveSampling } from './llama-cpp-backend-options.js';
import type { LlamaCppModelResources } from './llama-cpp-model-resources.js';
import { SamplingSteering } from './sampling-steering.js';
import type { AcquiredSequence, SequenceSource } from './sequence-source.js';
import { SteeredTokenPredictor } from './steered-token-predictor.js';
import { isAborted, toLlamaTokens } from './tokens.js';

/** Counts of speculative decoding's guesses, from {@link LlamaCppBackend.tokenPredictions}. */
export interface TokenPredictionStatistics {
  /** Guesses the model confirmed and that were then generated. */
  readonly used: number;
  /** Guesses the model confirmed that were not generated (the generation stopped first). */
  readonly unused: number;
  /** Guesses the model confirmed (`used` + `unused`). */
  readonly validated: number;
  /** Guesses the model sampled otherwise, discarded with everything guessed after them. */
  readonly refuted: number;
}

/** A generation's mutable bookkeeping. */
interface GenerationProgress {
  readonly started: number;
  readonly meterAtStart: number;
  firstTokenAt: number | undefined;
  cachedPromptTokens: number;
  evaluatedPromptTokens: number;
  generatedTokens: number;
}

/**
 * A {@link Backend} on one llama.cpp context sequence. Create it with `LlamaCppModel.createBackend()`; several
 * backends (agents) can share one loaded model, each with its own context and KV cache. Generations on one
 * backend run one at a time.
 *
 * Each generation keeps the longest prefix of the prompt already in the KV cache and evaluates only the rest.
 * It ends right after a stop token of the request or any end-of-generation token, which is yielded last; the
 * non-Harmony `<|endoftext|>` is reported as `<|call|>` inside a message with a recipient and as `<|return|>`
 * otherwise (when the request lists that token); a final answer sampled under `request.outputSchema` always ends
 * with `<|return|>` (once its grammar is complete, the sampler picks among all end-of-generation tokens). Arguments of calls to `request.constrainedTools` are sampled
 * under a grammar from the tool's JSON Schema, and a `final` answer under one from `request.outputSchema`.
 */
export class LlamaCppBackend implements Backend {
  /** {@inheritDoc @harmony-agents/core!Backend.specificationVersion} */
  readonly specificationVersion = BACKEND_SPECIFICATION_VERSION;
  /** {@inheritDoc @harmony-agents/core!Backend.backendId} */
  readonly backendId: string;
  /** {@inheritDoc @harmony-agents/core!Backend.capabilities} */
  readonly capabilities: BackendCapabilities;
  readonly #resources: LlamaCppModelResources;
  readonly #options: ResolvedLlamaCppBackendOptions;
  readonly #onDispose: (backend: LlamaCppBackend) => void;
  readonly #sequenceSource: SequenceSource;
  readonly #predictor: SteeredTokenPredictor | undefined;
  #sequence: Promise<LlamaContextSequence> | undefined;
  #acquired: AcquiredSequence | undefined;
  #activeSequence: LlamaContextSequence | undefined;
  #queue: Promise<void> = Promise.resolve();
  #disposed = false;

  /** @internal Use `LlamaCppModel.createBackend()`. */
  constructor(
    resources: LlamaCppModelResources,
    options: ResolvedLlamaCppBackendOptions,
    onDispose: (backend: LlamaCppBackend) => void,
    sequenceSource: SequenceSource,
  ) {
    this.#sequenceSource = sequenceSource;
    this.#predictor =
      options.speculativeDecoding === undefined
        ? undefined
        : new SteeredTokenPredictor(options.speculativeDecoding.maxPredictedTokens);
    this.#resources = resources;
    this.#options = options;
    this.#onDispose = onDispose;
    this.backendId = options.backendId;
    this.capabilities = {
      constrainedToolArguments: options.constrainToolArguments,
      promptCacheStatistics: true,
      seededSampling: true,
      constrainedOutput: options.constrainOutput,
      // A prompt holds at most contextSize - 1 tokens and the last generated token is never evaluated, so a
      // generation holds at most contextSize tokens in all.
      contextSize: options.contextSize,
    };
  }

  /** The context size in tokens once the context exists (llama.cpp may round the requested size up). */
  get contextSize(): number | undefined {
    const sequence = this.#activeSequence;
    return sequence === undefined || sequence.disposed ? undefined : sequence.contextSize;
  }

  /**
   * Speculative decoding statistics since the backend's sequence was created (all zero when
   * `speculativeDecoding` is off): predicted tokens that were `validated` (and then `used` or left `unused`)
   * or `refuted` by the model.
   */
  get tokenPredictions(): TokenPredictionStatistics {
    const sequence = this.#activeSequence;
    if (sequence === undefined || sequence.disposed) return { used: 0, unused: 0, validated: 0, refuted: 0 };
    const { used, unused, validated, refuted } = sequence.tokenPredictions;
    return { used, unused, validated, refuted };
  }

  /** The tokens currently held in this backend's KV cache (empty before the first generation). */
  get cachedTokens(): readonly number[] {
    const sequence = this.#activeSequence;
    return sequence === undefined || sequence.disposed ? [] : sequence.contextTokens;
  }

  /**
   * Every token this backend's context has evaluated so far (prompts and generated tokens), counted by
   * node-llama-cpp's token meter independently of the usage reports. 0 before the first generation.
   */
  get evaluatedTokenCount(): number {
    const sequence = this.#activeSequence;
    return sequence === undefined || sequence.disposed ? 0 : meteredTokens(sequence);
  }

  /**
   * Creates the context now instead of on the first generation (about 0.1–1 s), e.g. to keep it out of the
   * first generation's timings.
   * @throws {@link BackendError} `disposed`, or `generation_failed` when the context cannot be created.
   */
  async initialize(): Promise<void> {
    await this.#getSequence();
  }

  /** {@inheritDoc @harmony-agents/core!Backend.doGenerate} */
  doGenerate(request: BackendGenerateRequest): AsyncIterable<BackendChunk> {
    return this.#generateExclusively(request);
  }

  /**
   * Frees the backend's KV cache (its context, or its sequence of a group's shared context). Generations in
   * progress end with a `BackendError` of kind `disposed`.
   */
  async dispose(): Promise<void> {
    if (this.#disposed) return;
    this.#disposed = true;
    this.#onDispose(this);
    const acquired = this.#acquired;
    this.#acquired = undefined;
    if (acquired !== undefined) await acquired.release();
  }

  /** Same as {@link LlamaCppBackend.dispose}, for `await using`. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.dispose();
  }

  async *#generateExclusively(request: BackendGenerateRequest): AsyncGenerator<BackendChunk> {
    const previous = this.#queue;
    let release: () => void = () => {};
    this.#queue = new Promise((resolve) => {
      release = resolve;
    });
    try {
      await previous;
      yield* this.#generate(request);
    } finally {
      release();
    }
  }

  #assertUsable(): void {
    if (this.#disposed) throw new BackendError('The llama.cpp backend was disposed', { kind: 'disposed' });
    this.#resources.assertNotDisposed();
  }

  #getSequence(): Promise<LlamaContextSequence> {
    this.#assertUsable();
    if (this.#sequence === undefined) {
      this.#sequence = this.#createSequence();
      this.#sequence.catch(() => {
        this.#sequence = undefined;
      });
    }
    return this.#sequence;
  }

  async #createSequence(): Promise<LlamaContextSequence> {
    try {
      const acquired = await this.#sequenceSource.acquire(this.#predictor);
      if (this.#disposed) {
        await acquired.release();
        throw new BackendError('The llama.cpp backend was disposed', { kind: 'disposed' });
      }
      this.#acquired = acquired;
      this.#activeSequence = acquired.sequence;
      return acquired.sequence;
    } catch (error) {
      if (isHarmonyAgentsError(error)) throw error;
      throw new BackendError(`Could not create a llama.cpp context: ${String(error)}`, {
        kind: 'generation_failed',
        cause: error,
      });
    }
  }

  async *#generate(request: BackendGenerateRequest): AsyncGenerator<BackendChunk> {
    const sequence = await this.#getSequence();
    const prompt = this.#validatePrompt(request.promptTokens, sequence.contextSize);
    const sampling = resolveSampling(request.sampling, this.#options.sampling);
    const stopTokens = new Set(request.stopTokens);
    const resources = this.#resources;
    const progress: GenerationProgress = {
      started: performance.now(),
      meterAtStart: meteredTokens(sequence),
      firstTokenAt: undefined,
      cachedPromptTokens: 0,
      evaluatedPromptTokens: 0,
      generatedTokens: 0,
    };
    const finish = (reason: 'stop' | 'length' | 'abort'): BackendChunk => ({
      type: 'finish',
      reason,
      usage: usageOf(prompt.length, progress),
    });
    // The last generated token is never evaluated, so at most contextSize - prompt tokens can be generated.
    const limit = Math.min(
      request.maxTokens ?? Number.POSITIVE_INFINITY,
      sequence.contextSize - prompt.length,
    );
    if (limit <= 0) {
      yield finish('length');
      return;
    }
    if (isAborted(request.signal)) {
      yield finish('abort');
      return;
    }

    try {
      const steering = await SamplingSteering.create(resources, this.#options, request);
      const reused = await this.#reusePrefix(sequence, prompt);
      // Erasing can fall back to re-evaluating cached tokens from a checkpoint: those count as evaluated.
      const reevaluated = meteredTokens(sequence) - progress.meterAtStart;
      progress.cachedPromptTokens = Math.max(0, reused - reevaluated);
      const pending = prompt.slice(reused);
      for (let start = 0; start < pending.length - 1; start += this.#options.batchSize) {
        if (isAborted(request.signal)) {
          progress.evaluatedPromptTokens = reevaluated + start;
          yield finish('abort');
          return;
        }
        const end = Math.min(start + this.#options.batchSize, pending.length - 1);
        await sequence.evaluateWithoutGeneratingNewTokens(toLlamaTokens(pending.slice(start, end)));
      }
      const evaluateOptions: SequenceEvaluateOptions = {
        temperature: sampling.temperature,
        topP: sampling.topP,
        // node-llama-cpp turns topK 0 into k = vocabulary size, which sorts all 201,088 candidates for every
        // token (about 20 ms on CPU). Leaving topK out of the sampler disables it without sorting.
        topK: sampling.topK === 0 ? (null as unknown as number) : sampling.topK,
        seed: sampling.seed ?? Math.floor(Math.random() * 2 ** 32),
        yieldEogToken: true,
        grammarEvaluationState: () => steering.grammarState,
        tokenBias: () => steering.nextSamplingBias(),
      };
      this.#predictor?.startGeneration(prompt, steering);
      const iterator = sequence.evaluate(toLlamaTokens(pending.slice(-1)), evaluateOptions);
      try {
        let next = await iterator.next();
        progress.firstTokenAt = performance.now();
        progress.evaluatedPromptTokens = reevaluated + pending.length;
        while (next.done !== true) {
          const token = next.value;
          progress.generatedTokens++;
          if (resources.isEndOfGeneration(token)) {
            yield {
              type: 'tokens',
              tokens: [
                steering.answerConstrained && stopTokens.has(HARMONY_TOKENS.return)
                  ? HARMONY_TOKENS.return
                  : reportedStopToken(token, stopTokens, steering.currentRecipient),
              ],
            };
            yield finish('stop');
            return;
          }
          yield { type: 'tokens', tokens: [token] };
          if (stopTokens.has(token)) {
            yield finish('stop');
            return;
          }
          if (progress.generatedTokens >= limit) {
            yield finish('length');
            return;
          }
          if (isAborted(request.signal)) {
            yield finish('abort');
            return;
          }
          await steering.accept(token);
          next = await iterator.next();
        }
      } finally {
        this.#predictor?.endGeneration();
        await iterator.return();
      }
      throw new BackendError('llama.cpp stopped sampling without an end-of-generation token', {
        kind: 'generation_failed',
      });
    } catch (error) {
      throw this.#wrapError(error);
    }
  }

  #validatePrompt(promptTokens: readonly number[], contextSize: number): number[] {
    if (promptTokens.length === 0) throw new ConfigurationError('promptTokens is empty');
    const vocabularySize = this.#resources.vocabularySize;
    for (const token of promptTokens) {
      if (!Number.isInteger(token) || token < 0 || token >= vocabularySize) {
        throw new ConfigurationError(
          `Prompt token ${token} is not in the model's vocabulary (0..${vocabularySize - 1})`,
        );
      }
    }
    // llama.cpp keeps one cell free: a sequence holds at most contextSize - 1 evaluated tokens.
    if (promptTokens.length > contextSize - 1) {
      throw new BackendError(
        `The prompt has ${promptTokens.length} tokens but the context holds ${contextSize - 1}; raise contextSize or shorten the conversation`,
        { kind: 'context_overflow' },
      );
    }
    return [...promptTokens];
  }

  /**
   * Erases the cached tokens after the longest prefix shared with `prompt` and returns how many prompt tokens
   * remain cached. The last prompt token is always evaluated again, since sampling needs its logits.
   */
  async #reusePrefix(sequence: LlamaContextSequence, prompt: readonly number[]): Promise<number> {
    const shared = Math.min(
      sequence.compareContextTokens(toLlamaTokens(prompt)).firstDifferentIndex,
      prompt.length - 1,
    );
    if (shared < sequence.nextTokenIndex) {
      await sequence.eraseContextTokenRanges([{ start: shared, end: sequence.nextTokenIndex }]);
    }
    return Math.min(shared, sequence.nextTokenIndex);
  }

  #wrapError(error: unknown): unknown {
    if (isHarmonyAgentsError(error)) return error;
    if (error instanceof DisposedError || this.#disposed) {
      return new BackendError('The llama.cpp backend or model was disposed during generation', {
        kind: 'disposed',
        cause: error,
      });
    }
    return new BackendError(`llama.cpp generation failed: ${String(error)}`, {
      kind: 'generation_failed',
      cause: error,
    });
  }
}

/** Tokens a sequence evaluated: node-llama-cpp meters tokens whose logits were read as "output", the rest as "input". */
function meteredTokens(sequence: LlamaContextSequence): number {
  return sequence.tokenMeter.usedInputTokens + sequence.tokenMeter.usedOutputTokens;
}

function usageOf(promptTokens: number, progress: GenerationProgress): BackendUsage {
  const now = performance.now();
  return {
    promptTokens,
    generatedTokens: progress.generatedTokens,
    cachedPromptTokens: progress.cachedPromptTokens,
    evaluatedPromptTokens: progress.evaluatedPromptTokens,
    prefillMs: (progress.firstTokenAt ?? now) - progress.started,
    decodeMs: progress.firstTokenAt === undefined ? 0 : now - progress.firstTokenAt,
  };
}
