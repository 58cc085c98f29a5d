/**
 * The backend object the three factories return: the contract's fields, the one-time vocabulary check, and
 * generation through a protocol.
 */

import {
  BACKEND_SPECIFICATION_VERSION,
  type Backend,
  type BackendCapabilities,
  type BackendChunk,
  type BackendGenerateRequest,
} from '@harmony-agents/core/backend';
import { RequestAborted, type ServerConnection } from './server-connection.js';
import { generateOverServer, type ServerProtocol, validatePrompt } from './server-generation.js';

/** What a server backend is made of; see the factories. */
export interface ServerBackendParts {
  readonly backendId: string;
  readonly capabilities: BackendCapabilities;
  readonly connection: ServerConnection;
  readonly protocol: ServerProtocol;
  readonly checkVocabulary: boolean;
  /** Asks the server to tokenize the probe and checks the ids. */
  readonly probeVocabulary: (signal: AbortSignal | undefined) => Promise<void>;
}

/**
 * A {@link Backend} on an inference server, created by {@link createLlamaServerBackend},
 * {@link createVllmBackend} or {@link createSglangBackend}. It holds no connection between generations, so it
 * needs no disposal; generations may run concurrently (the server queues or batches them).
 */
export class ServerBackend implements Backend {
  /** {@inheritDoc @harmony-agents/core!Backend.specificationVersion} */
  readonly specificationVersion = BACKEND_SPECIFICATION_VERSION;
  /** {@inheritDoc @harmony-agents/core!Backend.backendId} */
  readonly backendId: string;
  /** {@inheritDoc @harmony-agents/core!Backend.capabilities} */
  readonly capabilities: BackendCapabilities;
  readonly #parts: ServerBackendParts;
  #vocabularyChecked: Promise<void> | undefined;

  /** @internal Use a factory such as {@link createLlamaServerBackend}. */
  constructor(parts: ServerBackendParts) {
    this.#parts = parts;
    this.backendId = parts.backendId;
    this.capabilities = parts.capabilities;
  }

  /** The server's base URL, without a trailing slash. */
  get baseUrl(): string {
    return this.#parts.connection.baseUrl;
  }

  /**
   * Checks now (once per backend) that the server's model uses the o200k_harmony vocabulary; otherwise the first
   * generation does, unless `checkVocabulary` is false. A failed check other than a mismatch is tried again next time.
   * @throws {@link BackendError} `model_not_gpt_oss` for another vocabulary, or a network kind; the signal's
   * reason when it fired.
   */
  async checkVocabulary(signal?: AbortSignal): Promise<void> {
    try {
      await this.#checkVocabulary(signal);
    } catch (error) {
      throw error instanceof RequestAborted ? error.reason : error;
    }
  }

  async #checkVocabulary(signal: AbortSignal | undefined): Promise<void> {
    if (this.#vocabularyChecked === undefined) {
      const check = this.#parts.probeVocabulary(signal);
      this.#vocabularyChecked = check;
      check.catch((error: unknown) => {
        const mismatch = (error as { kind?: unknown } | undefined)?.kind === 'model_not_gpt_oss';
        if (!mismatch && this.#vocabularyChecked === check) this.#vocabularyChecked = undefined;
      });
    }
    await this.#vocabularyChecked;
  }

  /** {@inheritDoc @harmony-agents/core!Backend.doGenerate} */
  doGenerate(request: BackendGenerateRequest): AsyncIterable<BackendChunk> {
    return this.#generate(request);
  }

  async *#generate(request: BackendGenerateRequest): AsyncGenerator<BackendChunk> {
    validatePrompt(request.promptTokens);
    if (this.#parts.checkVocabulary && request.signal?.aborted !== true) {
      try {
        await this.#checkVocabulary(request.signal);
      } catch (error) {
        if (!(error instanceof RequestAborted)) throw error;
      }
    }
    yield* generateOverServer(this.#parts.protocol, request);
  }
}
