/**
 * The backend contract: the one interface an inference engine implements to run harmony-agents.
 *
 * The runner owns the Harmony format: it renders the conversation into prompt token ids and parses
 * what the model samples. A backend only turns prompt tokens into generated tokens. A minimal backend
 * is one async generator; everything else is optional and discovered through `capabilities`.
 *
 * @example A backend in a page of code
 * ```ts
 * const backend: Backend = {
 *   specificationVersion: 'harmony-agents-backend-v1',
 *   backendId: 'my-engine',
 *   async *doGenerate({ promptTokens, stopTokens, maxTokens, signal }) {
 *     let generated = 0;
 *     for await (const token of myEngine.sample(promptTokens, { signal })) {
 *       yield { type: 'tokens', tokens: [token] };
 *       generated++;
 *       if (stopTokens.includes(token)) {
 *         yield { type: 'finish', reason: 'stop', usage: { promptTokens: promptTokens.length, generatedTokens: generated } };
 *         return;
 *       }
 *       if (generated === maxTokens) break;
 *     }
 *     yield { type: 'finish', reason: 'length', usage: { promptTokens: promptTokens.length, generatedTokens: generated } };
 *   },
 * };
 * ```
 * @packageDocumentation
 */

import type { JsonValue } from './harmony/types.js';

/** The version of the backend contract described in this file. */
export const BACKEND_SPECIFICATION_VERSION = 'harmony-agents-backend-v1';

/** Sampling settings. A backend ignores the fields it does not support. */
export interface SamplingOptions {
  /** Softmax temperature; 0 means greedy. */
  readonly temperature?: number;
  /** Nucleus sampling threshold. */
  readonly topP?: number;
  /** Top-k sampling; 0 disables it. */
  readonly topK?: number;
  /** Seed for reproducible sampling. */
  readonly seed?: number;
}

/** A function tool whose arguments a backend may constrain while decoding. */
export interface ConstrainedToolSchema {
  /** The recipient the model writes in the header, e.g. `functions.get_weather`. */
  readonly recipient: string;
  /** The JSON Schema (object) of the arguments, as rendered to the model. */
  readonly parameters: JsonValue;
}

/** What the runner asks a backend to generate. */
export interface BackendGenerateRequest {
  /**
   * The full prompt as o200k_harmony token ids, ending with `<|start|>assistant`. Successive
   * requests of one agent share their prefix, so a backend can reuse its KV cache.
   *
   * Read-only, and valid until the generation ends: the runner does not copy the prompt for each request
   * but passes the array it builds the conversation in, and later requests reuse it (it appends to it, and
   * may rewrite its end). It never changes while the backend's stream runs, nor ever again when the runner
   * stops waiting for a stream (after an abort, or a `return()` that does not settle in time). A backend
   * that keeps the prompt beyond the call (to compare the next one with it) keeps a copy.
   */
  readonly promptTokens: readonly number[];
  /**
   * Generation must end right after one of these tokens is sampled (`<|call|>`, `<|return|>`),
   * and the backend must yield that token as the last generated token.
   */
  readonly stopTokens: readonly number[];
  /** At most this many tokens may be generated (stop token included); undefined = no limit. */
  readonly maxTokens: number | undefined;
  /** Sampling settings for this request. */
  readonly sampling: SamplingOptions;
  /** Cancels generation; the backend ends with a `finish` chunk of reason `abort` or throws. */
  readonly signal: AbortSignal | undefined;
  /**
   * Function tools whose arguments may be constrained. Only used by backends that declare
   * `capabilities.constrainedToolArguments`.
   */
  readonly constrainedTools: readonly ConstrainedToolSchema[];
  /**
   * The JSON Schema the final answer must match (the run's structured output), when there is one. A backend
   * that declares `capabilities.constrainedOutput` samples the content of a `final`-channel message, from the
   * token after `<|channel|>final<|message|>` (a `<|constrain|>json` in that header included) up to its stop
   * token, under a grammar built from it, and ends that message with `<|return|>`. Analysis, preambles and
   * tool calls stay unconstrained. Other backends ignore it: the runner validates the answer either way.
   */
  readonly outputSchema?: JsonValue | undefined;
}

/** Token counts and timings of one generation. */
export interface BackendUsage {
  /** Tokens in the prompt. */
  readonly promptTokens: number;
  /** Tokens generated, stop token included. */
  readonly generatedTokens: number;
  /** Prompt tokens reused from the KV cache (not evaluated again), when the backend knows. */
  readonly cachedPromptTokens?: number;
  /** Prompt tokens actually evaluated, when the backend knows. */
  readonly evaluatedPromptTokens?: number;
  /** Time spent evaluating the prompt, in milliseconds. */
  readonly prefillMs?: number;
  /** Time spent generating, in milliseconds. */
  readonly decodeMs?: number;
}

/** Why a generation ended. */
export type FinishReason = 'stop' | 'length' | 'abort';

/** A chunk of a backend's stream: generated tokens, then exactly one `finish`. */
export type BackendChunk =
  | {
      /** Newly generated token ids, in order (one or more). */
      readonly type: 'tokens';
      /** The token ids. */
      readonly tokens: readonly number[];
    }
  | {
      /** The generation ended. Must be the last chunk. */
      readonly type: 'finish';
      /** Why generation ended: a stop token (`stop`), `maxTokens` (`length`) or the signal (`abort`). */
      readonly reason: FinishReason;
      /** Token counts and timings of the generation. */
      readonly usage: BackendUsage;
    };

/** Optional features a backend may declare. */
export interface BackendCapabilities {
  /** Decodes tool-call arguments under a grammar built from `constrainedTools`. */
  readonly constrainedToolArguments?: boolean;
  /** Reports `cachedPromptTokens` / `evaluatedPromptTokens` in its usage. */
  readonly promptCacheStatistics?: boolean;
  /** Honours `sampling.seed`. */
  readonly seededSampling?: boolean;
  /** Samples the final answer under a grammar built from `outputSchema` (see {@link BackendGenerateRequest.outputSchema}). */
  readonly constrainedOutput?: boolean;
  /**
   * The most tokens one generation can hold: prompt plus generated tokens. With it the runner checks, before
   * each model step, that the prompt and a reserve for the answer fit (the agent's `contextOverflow` option).
   * Absent means unknown: the runner then checks nothing and relies on the backend's `context_overflow` error.
   */
  readonly contextSize?: number;
}

/**
 * An inference engine for harmony-agents. Implement `doGenerate`; everything else is optional.
 * Throw a `BackendError` for engine failures.
 */
export interface Backend {
  /** Must be {@link BACKEND_SPECIFICATION_VERSION}. */
  readonly specificationVersion: typeof BACKEND_SPECIFICATION_VERSION;
  /** A short name for logs and events, e.g. `llamacpp`. */
  readonly backendId: string;
  /** Optional features; absent means none. */
  readonly capabilities?: BackendCapabilities;
  /** Generates tokens for a prompt. */
  doGenerate(request: BackendGenerateRequest): AsyncIterable<BackendChunk>;
}
