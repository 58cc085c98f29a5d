/**
 * A gpt-oss model loaded into llama.cpp, shared by any number of backends (one per agent).
 */

import { BackendError, ConfigurationError } from '@harmony-agents/core';
import { HARMONY_TOKENS } from '@harmony-agents/core/harmony';
import { type Llama, type LlamaModel, TokenBias } from 'node-llama-cpp';
import { GrammarCache } from './grammar-cache.js';
import { LlamaCppBackend } from './llama-cpp-backend.js';
import {
  type LlamaCppBackendOptions,
  type ResolvedLlamaCppBackendOptions,
  resolveLlamaCppBackendOptions,
} from './llama-cpp-backend-options.js';
import type { LlamaCppModelResources } from './llama-cpp-model-resources.js';
import type { LlamaEngine, LlamaEngineModel } from './llama-engine.js';
import type { GptOssModelFileInfo } from './model-file.js';
import { ownContextSource, type SequenceSource, SharedContextSource } from './sequence-source.js';
import { toLlamaToken, toLlamaTokens } from './tokens.js';

/** Backends on one shared context, from {@link LlamaCppModel.createBackendGroup}. */
export interface LlamaCppBackendGroup {
  /** The group's backends, one context sequence each (`backendId` suffixed with `#0`, `#1`, ...). */
  readonly backends: readonly LlamaCppBackend[];
  /** Disposes every backend of the group and the shared context. */
  dispose(): Promise<void>;
}

/** Logit bias of a favoured token: far above any logit, so it is the first pick at any temperature. */
const FAVOURED_LOGIT = 1000;

/**
 * A loaded gpt-oss model. Create backends from it with {@link LlamaCppModel.createBackend}; dispose it when done.
 *
 * @example
 * ```ts
 * const model = await loadLlamaCppModel({ model: 'hf:ggml-org/gpt-oss-20b-GGUF/gpt-oss-20b-mxfp4.gguf' });
 * const researcher = model.createBackend();
 * const writer = model.createBackend({ contextSize: 4096 });
 * // ... run agents ...
 * await model.dispose();
 * ```
 */
export class LlamaCppModel {
  /** The model file that was loaded. */
  readonly path: string;
  /** Facts from the model's GGUF header. */
  readonly fileInfo: GptOssModelFileInfo;
  /** The node-llama-cpp engine instance (for advanced use: `model.llama as Llama` for its full API). */
  readonly llama: LlamaEngine;
  /** The node-llama-cpp model (for advanced use: `model.model as LlamaModel` for its full API). */
  readonly model: LlamaEngineModel;
  readonly #resources: LlamaCppModelResources;
  readonly #backends = new Set<LlamaCppBackend>();
  readonly #ownsLlama: boolean;
  #disposed = false;

  /** @internal Use `loadLlamaCppModel()`. */
  constructor(options: {
    readonly llama: Llama;
    readonly model: LlamaModel;
    readonly path: string;
    readonly fileInfo: GptOssModelFileInfo;
    readonly ownsLlama: boolean;
  }) {
    this.llama = options.llama;
    this.model = options.model;
    this.path = options.path;
    this.fileInfo = options.fileInfo;
    this.#ownsLlama = options.ownsLlama;
    const model = options.model;
    const vocabularySize = options.fileInfo.vocabularySize;
    const isEndOfGeneration = (token: number): boolean => model.isEogToken(toLlamaToken(token));
    const specialTokens: number[] = [];
    for (let token = HARMONY_TOKENS.startOfText; token < vocabularySize; token++) {
      if (!isEndOfGeneration(token)) specialTokens.push(token);
    }
    const favoured = new Map<number, TokenBias>();
    this.#resources = {
      llama: options.llama,
      model,
      grammars: new GrammarCache(options.llama, isEndOfGeneration),
      specialTokenBan: new TokenBias(model.tokenizer).set(toLlamaTokens(specialTokens), 'never'),
      noBias: new TokenBias(model.tokenizer),
      favour: (token) => {
        let bias = favoured.get(token);
        if (bias === undefined) {
          bias = new TokenBias(model.tokenizer).set(toLlamaToken(token), { logit: FAVOURED_LOGIT });
          favoured.set(token, bias);
        }
        return bias;
      },
      vocabularySize,
      isEndOfGeneration,
      decode: (tokens) => model.detokenize(toLlamaTokens(tokens), false),
      assertNotDisposed: () => {
        if (this.#disposed) throw new BackendError('The llama.cpp model was disposed', { kind: 'disposed' });
      },
    };
  }

  /** Number of token ids in the model's vocabulary (201,088 for gpt-oss). */
  get vocabularySize(): number {
    return this.#resources.vocabularySize;
  }

  /** Whether {@link LlamaCppModel.dispose} was called. */
  get disposed(): boolean {
    return this.#disposed;
  }

  /**
   * Creates a backend with its own context and KV cache (created on its first generation, or by `initialize()`).
   * @throws {@link ConfigurationError} for invalid options; {@link BackendError} `disposed` after `dispose()`.
   */
  createBackend(options: LlamaCppBackendOptions = {}): LlamaCppBackend {
    this.#resources.assertNotDisposed();
    const resolved = resolveLlamaCppBackendOptions(options);
    return this.#addBackend(resolved, ownContextSource(this.#resources, resolved));
  }

  /**
   * Creates `count` backends on one shared context with a sequence each (`contextSize` tokens per sequence).
   * Agents on these backends run concurrently and llama.cpp decodes their tokens in the same batches, so N
   * agents cost far less than N times one agent on a CPU, and the model's compute buffers exist once. Each
   * backend keeps its own KV cache (sequences share no tokens). Dispose the backends or the group when done.
   *
   * @example
   * ```ts
   * const group = model.createBackendGroup(4, { contextSize: 4096 });
   * const answers = await Promise.all(
   *   group.backends.map((backend, index) => createAgent({ backend, tools }).run(questions[index]!)),
   * );
   * await group.dispose();
   * ```
   * @throws {@link ConfigurationError} for a count that is not a positive integer or invalid options;
   * {@link BackendError} `disposed` after `dispose()`.
   */
  createBackendGroup(count: number, options: LlamaCppBackendOptions = {}): LlamaCppBackendGroup {
    this.#resources.assertNotDisposed();
    if (!Number.isInteger(count) || count < 1) {
      throw new ConfigurationError(`createBackendGroup needs a positive integer count, got ${count}`);
    }
    const resolved = resolveLlamaCppBackendOptions(options);
    const source = new SharedContextSource(this.#resources, resolved, count);
    const backends = Array.from({ length: count }, (_, index) =>
      this.#addBackend({ ...resolved, backendId: `${resolved.backendId}#${index}` }, source),
    );
    return {
      backends,
      dispose: async () => {
        await Promise.all(backends.map((backend) => backend.dispose()));
        await source.dispose();
      },
    };
  }

  #addBackend(options: ResolvedLlamaCppBackendOptions, source: SequenceSource): LlamaCppBackend {
    const backend = new LlamaCppBackend(
      this.#resources,
      options,
      (disposed) => this.#backends.delete(disposed),
      source,
    );
    this.#backends.add(backend);
    return backend;
  }

  /** Disposes every backend, then the model (and the engine instance when `loadLlamaCppModel` created it). */
  async dispose(): Promise<void> {
    if (this.#disposed) return;
    this.#disposed = true;
    await Promise.all([...this.#backends].map((backend) => backend.dispose()));
    await this.model.dispose();
    if (this.#ownsLlama) await this.llama.dispose();
  }

  /** Same as {@link LlamaCppModel.dispose}, for `await using`. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.dispose();
  }
}
