/**
 * Where a backend's llama.cpp context sequence comes from: a context of its own, or one sequence of a context
 * shared by a backend group (whose sequences llama.cpp decodes in the same batches).
 */

import type { LlamaContext, LlamaContextSequence, TokenPredictor } from 'node-llama-cpp';
import type { ResolvedLlamaCppBackendOptions } from './llama-cpp-backend-options.js';
import type { LlamaCppModelResources } from './llama-cpp-model-resources.js';

/** A sequence a backend holds until it is disposed. */
export interface AcquiredSequence {
  readonly sequence: LlamaContextSequence;
  /** Frees what the backend holds: its own context, or its sequence of a shared one. */
  release(): Promise<void>;
}

/** Hands a backend its sequence on its first generation. */
export interface SequenceSource {
  acquire(tokenPredictor: TokenPredictor | undefined): Promise<AcquiredSequence>;
}

function createContext(
  resources: LlamaCppModelResources,
  options: ResolvedLlamaCppBackendOptions,
  sequences: number,
): Promise<LlamaContext> {
  return resources.model.createContext({
    contextSize: options.contextSize,
    batchSize: options.batchSize,
    sequences,
    swaFullCache: options.swaFullCache,
    failedCreationRemedy: false,
    ...(options.threads === undefined ? {} : { threads: options.threads }),
  });
}

/** A context of the backend's own, with one sequence. */
export function ownContextSource(
  resources: LlamaCppModelResources,
  options: ResolvedLlamaCppBackendOptions,
): SequenceSource {
  return {
    async acquire(tokenPredictor) {
      const context = await createContext(resources, options, 1);
      return {
        sequence: context.getSequence(tokenPredictor === undefined ? {} : { tokenPredictor }),
        release: async () => {
          if (!context.disposed) await context.dispose();
        },
      };
    },
  };
}

/**
 * One context with `sequences` sequences, created on the first acquisition and shared by the group's
 * backends; disposed by {@link SharedContextSource.dispose}.
 */
export class SharedContextSource implements SequenceSource {
  readonly #resources: LlamaCppModelResources;
  readonly #options: ResolvedLlamaCppBackendOptions;
  readonly #sequences: number;
  #context: Promise<LlamaContext> | undefined;

  constructor(resources: LlamaCppModelResources, options: ResolvedLlamaCppBackendOptions, sequences: number) {
    this.#resources = resources;
    this.#options = options;
    this.#sequences = sequences;
  }

  /** A new sequence of the shared context (created on the first call). */
  async acquire(tokenPredictor: TokenPredictor | undefined): Promise<AcquiredSequence> {
    if (this.#context === undefined) {
      this.#context = createContext(this.#resources, this.#options, this.#sequences);
      this.#context.catch(() => {
        this.#context = undefined;
      });
    }
    const context = await this.#context;
    const sequence = context.getSequence(tokenPredictor === undefined ? {} : { tokenPredictor });
    return {
      sequence,
      release: async () => {
        if (!sequence.disposed) await sequence.dispose();
      },
    };
  }

  /** Disposes the shared context (and with it every sequence). */
  async dispose(): Promise<void> {
    const context = this.#context;
    this.#context = undefined;
    if (context === undefined) return;
    const created = await context.catch(() => undefined);
    if (created !== undefined && !created.disposed) await created.dispose();
  }
}
