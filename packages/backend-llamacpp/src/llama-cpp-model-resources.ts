/**
 * What the backends of one loaded model share: the engine objects, compiled grammars, token biases and
 * token helpers. Internal to the package.
 */

import type { Llama, LlamaModel, TokenBias } from 'node-llama-cpp';
import type { GrammarCache } from './grammar-cache.js';

/** Shared, model-wide resources handed to each backend. */
export interface LlamaCppModelResources {
  readonly llama: Llama;
  readonly model: LlamaModel;
  readonly grammars: GrammarCache;
  /** Bans every special token that is not an end-of-generation token (used while arguments are constrained). */
  readonly specialTokenBan: TokenBias;
  /** A bias that changes nothing. */
  readonly noBias: TokenBias;
  /** A bias that makes `token` the sampler's first pick (cached per token). */
  favour(token: number): TokenBias;
  /** Number of token ids the model knows. */
  readonly vocabularySize: number;
  isEndOfGeneration(token: number): boolean;
  /** Decodes ordinary tokens to text. */
  decode(tokens: readonly number[]): string;
  /** Throws a `BackendError` of kind `disposed` when the model was disposed. */
  assertNotDisposed(): void;
}
