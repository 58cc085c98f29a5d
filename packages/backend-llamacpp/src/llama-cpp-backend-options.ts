/**
 * Options of a llama.cpp backend (one context and sequence on a loaded model), their defaults, and their
 * resolution into a fully-filled internal form.
 */

import { ConfigurationError } from '@harmony-agents/core';
import type { BackendGenerateRequest, SamplingOptions } from '@harmony-agents/core/backend';

/** A grammar a whole completion is sampled under. */
export interface RequestGrammar {
  /** GBNF text. Token elements (`<[200005]>`) are allowed; end-of-generation ids are not. */
  readonly gbnf: string;
  /**
   * The tokens the grammar is expected to produce, in order, when it forces a known completion. While the
   * output follows them, the next one is favoured so that the sampler's first pick already satisfies the
   * grammar: llama.cpp then skips its grammar pass over all 201,088 candidates, which costs tens of
   * milliseconds per token on a CPU. The grammar still checks every token.
   * @defaultValue none
   */
  readonly expectedTokens?: readonly number[];
}

/** Chooses the grammar of a request (GBNF text or a {@link RequestGrammar}), or undefined for none. */
export type RequestGrammarSelector = (request: BackendGenerateRequest) => string | RequestGrammar | undefined;

/** Settings of {@link LlamaCppBackendOptions.speculativeDecoding}. */
export interface SpeculativeDecodingOptions {
  /**
   * The most tokens guessed (and verified) per decode step.
   * @defaultValue 1
   */
  readonly maxPredictedTokens?: number;
}

/** Options of {@link LlamaCppModel.createBackend}. */
export interface LlamaCppBackendOptions {
  /**
   * Context size in tokens: the prompt plus everything generated must fit. gpt-oss-20b keeps, per token,
   * 24 layers × 8 KV heads × 64 dims × 2 (K and V) × 2 bytes = 48 KiB with a full cache, so 8192 tokens cost
   * 384 MiB next to the ~12 GiB of MXFP4 weights: it fits a 16 GB machine with room for the OS, and holds the
   * system, developer and tool messages plus several tool rounds. Raise it on bigger machines (up to 131072).
   * @defaultValue 8192
   */
  readonly contextSize?: number;
  /**
   * Tokens evaluated per batch while reading the prompt. On CPU, prefill throughput stops growing past a few
   * hundred tokens per batch, while the compute buffer grows linearly with the batch (its logits rows alone
   * are 201,088 × 4 bytes, 0.8 MiB, per token), so 256 keeps the buffer small at nearly full speed.
   * @defaultValue 256
   */
  readonly batchSize?: number;
  /**
   * Threads evaluating tokens. Decoding on CPU is bound by memory bandwidth, which the physical cores saturate;
   * extra hyper-threads only contend. Leave undefined for node-llama-cpp's count of math cores. Use 1 where
   * other processes share a couple of cores (on a shared 2-core machine, 1 thread decoded faster than 2).
   * @defaultValue node-llama-cpp's `llama.cpuMathCores`
   */
  readonly threads?: number;
  /**
   * Keep the sliding-window layers' full history in the KV cache. gpt-oss alternates 128-token sliding-window
   * layers with full-attention ones; without a full cache, rewinding more than ~128 tokens (the runner drops
   * analysis messages between turns) re-evaluates the prompt from a checkpoint instead of from the point where
   * it changed. Costs 24 KiB per context token on gpt-oss-20b.
   * @defaultValue true
   */
  readonly swaFullCache?: boolean;
  /**
   * Default sampling, overridden field by field by each request's `sampling`. OpenAI recommends temperature 1,
   * top-p 1 and no top-k for gpt-oss. `seed` undefined means a new random seed per request.
   * @defaultValue `{ temperature: 1, topP: 1, topK: 0 }`
   */
  readonly sampling?: SamplingOptions;
  /**
   * Constrain the arguments of tool calls to `request.constrainedTools` with grammars from their JSON Schemas.
   * @defaultValue true
   */
  readonly constrainToolArguments?: boolean;
  /**
   * Sample the content of a `final`-channel message under a grammar from the request's `outputSchema` (the
   * run's structured output), from the token after `<|channel|>final<|message|>` to `<|return|>`. Analysis,
   * preambles and tool calls stay unconstrained.
   * @defaultValue true
   */
  readonly constrainOutput?: boolean;
  /**
   * Chooses a GBNF grammar that a whole completion is sampled under, or undefined for none. While a request
   * grammar is active, tool arguments and answers are not constrained separately (the request grammar decides everything).
   * Tests use it to script completions through the real engine; applications can force structured output.
   * @defaultValue none
   */
  readonly grammarForRequest?: RequestGrammarSelector;
  /**
   * Prompt-lookup speculative decoding: when the last generated tokens also occur in the prompt, the tokens that
   * followed them there are guessed and verified in one batch (node-llama-cpp's input-lookup predictor). Tool
   * arguments and answers often copy user ids, locations and tool results, so several tokens cost about one
   * decode step. Every guess is checked by the model: under greedy sampling the output equals plain decoding;
   * with temperature above 0 it has the same distribution but, for a given seed, not the same tokens.
   * `false` turns it off; `maxPredictedTokens` sets the most tokens guessed per decode step. It is 1 by
   * default because node-llama-cpp 3.21.1 verifies only the first guess of a batch (later ones are always
   * discarded, after costing a logits row and a sampling pass each), so one guess per step is the most that
   * pays: up to two tokens per decode step.
   * @defaultValue true (one token guessed per decode step)
   */
  readonly speculativeDecoding?: boolean | SpeculativeDecodingOptions;
  /**
   * The `backendId` reported to the runner.
   * @defaultValue 'llamacpp'
   */
  readonly backendId?: string;
}

/** {@link LlamaCppBackendOptions} with every default applied. */
export interface ResolvedLlamaCppBackendOptions {
  /** See {@link LlamaCppBackendOptions.contextSize}. */
  readonly contextSize: number;
  /** See {@link LlamaCppBackendOptions.batchSize}. */
  readonly batchSize: number;
  /** See {@link LlamaCppBackendOptions.threads}; undefined leaves the choice to node-llama-cpp. */
  readonly threads: number | undefined;
  /** See {@link LlamaCppBackendOptions.swaFullCache}. */
  readonly swaFullCache: boolean;
  /** See {@link LlamaCppBackendOptions.sampling}; `seed` undefined means a new random seed per request. */
  readonly sampling: Required<Omit<SamplingOptions, 'seed'>> & {
    /** The sampling seed, or undefined for a new random seed per request. */
    readonly seed: number | undefined;
  };
  /** See {@link LlamaCppBackendOptions.constrainToolArguments}. */
  readonly constrainToolArguments: boolean;
  /** See {@link LlamaCppBackendOptions.constrainOutput}. */
  readonly constrainOutput: boolean;
  /** See {@link LlamaCppBackendOptions.grammarForRequest}. */
  readonly grammarForRequest: RequestGrammarSelector | undefined;
  /** See {@link LlamaCppBackendOptions.speculativeDecoding}; undefined when off. */
  readonly speculativeDecoding: Required<SpeculativeDecodingOptions> | undefined;
  /** See {@link LlamaCppBackendOptions.backendId}. */
  readonly backendId: string;
}

/** The defaults of {@link LlamaCppBackendOptions}, in one place. */
export const LLAMA_CPP_BACKEND_DEFAULTS = {
  /** {@link LlamaCppBackendOptions.contextSize}: 8192 tokens. */
  contextSize: 8192,
  /** {@link LlamaCppBackendOptions.batchSize}: 256 tokens per batch. */
  batchSize: 256,
  /** {@link LlamaCppBackendOptions.swaFullCache}: on. */
  swaFullCache: true,
  /** {@link LlamaCppBackendOptions.sampling}: OpenAI's recommendation for gpt-oss. */
  sampling: {
    /** Temperature 1. */
    temperature: 1,
    /** No nucleus cut-off. */
    topP: 1,
    /** No top-k cut-off. */
    topK: 0,
  },
  /** {@link LlamaCppBackendOptions.constrainToolArguments}: on. */
  constrainToolArguments: true,
  /** {@link LlamaCppBackendOptions.constrainOutput}: on. */
  constrainOutput: true,
  /** {@link LlamaCppBackendOptions.speculativeDecoding}: on, one token guessed per decode step. */
  speculativeDecoding: {
    /** One token guessed per decode step. */
    maxPredictedTokens: 1,
  },
  /** {@link LlamaCppBackendOptions.backendId}: `llamacpp`. */
  backendId: 'llamacpp',
} as const;

function positiveInteger(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1) {
    throw new ConfigurationError(`${name} must be a positive integer, got ${value}`);
  }
  return value;
}

/**
 * Validates and fills the backend options.
 * @throws {@link ConfigurationError} for a non-positive size or thread count, or invalid sampling values.
 */
export function resolveLlamaCppBackendOptions(
  options: LlamaCppBackendOptions = {},
): ResolvedLlamaCppBackendOptions {
  const contextSize = positiveInteger(
    'contextSize',
    options.contextSize,
    LLAMA_CPP_BACKEND_DEFAULTS.contextSize,
  );
  const batchSize = positiveInteger(
    'batchSize',
    options.batchSize,
    Math.min(LLAMA_CPP_BACKEND_DEFAULTS.batchSize, contextSize),
  );
  const threads = options.threads === undefined ? undefined : positiveInteger('threads', options.threads, 1);
  return {
    contextSize,
    batchSize,
    threads,
    swaFullCache: options.swaFullCache ?? LLAMA_CPP_BACKEND_DEFAULTS.swaFullCache,
    sampling: resolveSampling(options.sampling, {
      ...LLAMA_CPP_BACKEND_DEFAULTS.sampling,
      seed: undefined,
    }),
    constrainToolArguments:
      options.constrainToolArguments ?? LLAMA_CPP_BACKEND_DEFAULTS.constrainToolArguments,
    constrainOutput: options.constrainOutput ?? LLAMA_CPP_BACKEND_DEFAULTS.constrainOutput,
    grammarForRequest: options.grammarForRequest,
    speculativeDecoding: resolveSpeculativeDecoding(options.speculativeDecoding),
    backendId: options.backendId ?? LLAMA_CPP_BACKEND_DEFAULTS.backendId,
  };
}

function resolveSpeculativeDecoding(
  option: LlamaCppBackendOptions['speculativeDecoding'],
): ResolvedLlamaCppBackendOptions['speculativeDecoding'] {
  if (option === false) return undefined;
  if (option === undefined || option === true) return LLAMA_CPP_BACKEND_DEFAULTS.speculativeDecoding;
  if (typeof option !== 'object' || option === null) {
    throw new ConfigurationError(
      `speculativeDecoding must be true, false or { maxPredictedTokens }, got ${String(option)}`,
    );
  }
  return {
    maxPredictedTokens: positiveInteger(
      'speculativeDecoding.maxPredictedTokens',
      option.maxPredictedTokens,
      LLAMA_CPP_BACKEND_DEFAULTS.speculativeDecoding.maxPredictedTokens,
    ),
  };
}

/**
 * Applies `sampling` over `base`, field by field.
 * @throws {@link ConfigurationError} for a negative temperature or top-k, a top-p outside [0, 1], or a non-integer seed.
 */
export function resolveSampling(
  sampling: SamplingOptions | undefined,
  base: ResolvedLlamaCppBackendOptions['sampling'],
): ResolvedLlamaCppBackendOptions['sampling'] {
  const resolved = {
    temperature: sampling?.temperature ?? base.temperature,
    topP: sampling?.topP ?? base.topP,
    topK: sampling?.topK ?? base.topK,
    seed: sampling?.seed ?? base.seed,
  };
  if (!(resolved.temperature >= 0))
    throw new ConfigurationError(`temperature must be >= 0, got ${resolved.temperature}`);
  if (!(resolved.topP >= 0 && resolved.topP <= 1))
    throw new ConfigurationError(`topP must be in [0, 1], got ${resolved.topP}`);
  if (!(Number.isInteger(resolved.topK) && resolved.topK >= 0)) {
    throw new ConfigurationError(`topK must be an integer >= 0, got ${resolved.topK}`);
  }
  if (resolved.seed !== undefined && !Number.isInteger(resolved.seed)) {
    throw new ConfigurationError(`seed must be an integer, got ${resolved.seed}`);
  }
  return resolved;
}
