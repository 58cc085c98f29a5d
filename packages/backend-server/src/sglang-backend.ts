/**
 * The SGLang backend: the native `POST /generate` with `input_ids`, streamed.
 *
 * Protocol (SGLang `docs/basic_usage/sampling_params.md`, `docs/basic_usage/native_api.md`,
 * `python/sglang/srt/managers/io_struct.py` `GenerateReqInput`, `tokenizer_manager.py`): request `input_ids`,
 * `sampling_params` (`max_new_tokens` (default 128, so always sent), `stop_token_ids`, `temperature`, `top_p`,
 * `top_k` (-1 = off), `min_p`, `skip_special_tokens`, `no_stop_trim`, and `json_schema` (a string) for a final
 * answer under the output schema), `stream`; each event is
 * `{"text", "output_ids", "meta_info": {"id", "finish_reason", "prompt_tokens", "completion_tokens",
 * "cached_tokens"}}`, `finish_reason` null until the end, then `{"type": "stop", "matched": <id or string>}` or
 * `{"type": "length", "length": n}`; `data: [DONE]` ends the stream. `output_ids` (and `text`) are cumulative in
 * every event unless the server runs with `--incremental-streaming-output`, where each event holds only the new
 * ids: both are handled, told apart by `completion_tokens`.
 */

import { BackendError } from '@harmony-agents/core';
import type { BackendGenerateRequest } from '@harmony-agents/core/backend';
import { type ConstrainedBodies, finalAnswerOnly } from './body-constraint.js';
import { ServerBackend } from './server-backend.js';
import {
  type ResolvedServerBackendOptions,
  resolveSampling,
  resolveServerBackendOptions,
  type ServerBackendOptions,
} from './server-backend-options.js';
import { ServerConnection } from './server-connection.js';
import type { ServerProtocol, ServerRequestPlan, TokenUpdate } from './server-generation.js';
import { assertHarmonyVocabulary, VOCABULARY_PROBE_TEXT } from './vocabulary.js';

/** Options of {@link createSglangBackend}. */
export type SglangBackendOptions = ServerBackendOptions;

interface SglangEvent {
  readonly output_ids?: unknown;
  readonly meta_info?: {
    readonly finish_reason?: { readonly type?: unknown; readonly matched?: unknown } | null;
    readonly prompt_tokens?: unknown;
    readonly completion_tokens?: unknown;
    readonly cached_tokens?: unknown;
  };
}

/**
 * Whether an event repeats every id so far (SGLang's default) rather than holding only the new ones
 * (`--incremental-streaming-output`): it starts with what was received and is about as long as the count the
 * server reports (one less when the stop token was trimmed).
 */
function isCumulative(ids: readonly unknown[], received: readonly number[], completion: unknown): boolean {
  if (ids.length < received.length) return false;
  if (typeof completion === 'number' && ids.length < completion - 1) return false;
  return received.every((token, index) => ids[index] === token);
}

function protocolError(message: string): BackendError {
  return new BackendError(`SGLang: ${message}`, { kind: 'protocol_error' });
}

class SglangProtocol implements ServerProtocol {
  readonly #connection: ServerConnection;
  readonly #options: ResolvedServerBackendOptions;

  constructor(connection: ServerConnection, options: ResolvedServerBackendOptions) {
    this.#connection = connection;
    this.#options = options;
  }

  /** Only the final answer (see {@link finalAnswerOnly}). */
  constrainedBodies(): ConstrainedBodies {
    return finalAnswerOnly(this.#options.constrainOutput);
  }

  body(plan: ServerRequestPlan, request: BackendGenerateRequest): Record<string, unknown> {
    const sampling = resolveSampling(request.sampling, this.#options.sampling);
    const answer = plan.constraint?.type === 'final-answer' ? plan.constraint.schema : undefined;
    return {
      input_ids: plan.promptTokens,
      sampling_params: {
        // SGLang's default is 128; without a limit, the rest of the context.
        ...(plan.maxTokens === undefined ? {} : { max_new_tokens: plan.maxTokens }),
        stop_token_ids: request.stopTokens,
        temperature: sampling.temperature ?? 1,
        top_p: sampling.topP ?? 1,
        top_k: sampling.topK === undefined || sampling.topK === 0 ? -1 : sampling.topK,
        min_p: 0,
        skip_special_tokens: false,
        no_stop_trim: true,
        ...(sampling.seed === undefined ? {} : { sampling_seed: sampling.seed }),
        // A string, as SGLang documents it.
        ...(answer === undefined ? {} : { json_schema: JSON.stringify(answer) }),
      },
      stream: true,
    };
  }

  async *open(
    plan: ServerRequestPlan,
    request: BackendGenerateRequest,
    signal: AbortSignal | undefined,
  ): AsyncGenerator<TokenUpdate> {
    const received: number[] = [];
    for await (const raw of this.#connection.stream('/generate', this.body(plan, request), signal)) {
      const event = raw as SglangEvent;
      const ids = event.output_ids;
      const meta = event.meta_info;
      if (!Array.isArray(ids) || meta === undefined)
        throw protocolError('an event has no output_ids or meta_info');
      const tokens = (
        isCumulative(ids, received, meta.completion_tokens) ? ids.slice(received.length) : ids
      ) as number[];
      received.push(...tokens);
      // Every event's meta_info has the counts: a request closed early (a restart) still reports them.
      const cached = meta.cached_tokens;
      const promptTokens = meta.prompt_tokens;
      const promptCache =
        typeof cached === 'number' && typeof promptTokens === 'number'
          ? { promptCache: { cached, evaluated: promptTokens - cached } }
          : {};
      const reason = meta.finish_reason;
      if (reason === null || reason === undefined) {
        yield { tokens, ...promptCache };
        continue;
      }
      if (reason.type === 'stop') {
        const stopToken = typeof reason.matched === 'number' ? { stopToken: reason.matched } : {};
        yield { tokens, finished: { reason: 'stop', ...stopToken }, ...promptCache };
      } else if (reason.type === 'length') {
        yield { tokens, finished: { reason: 'length' }, ...promptCache };
      } else {
        throw protocolError(`the generation ended with finish_reason ${JSON.stringify(reason)}`);
      }
      return;
    }
  }
}

/**
 * Creates a backend on an SGLang server (its native `/generate` endpoint, by token ids). Tested against a
 * loopback fixture that follows SGLang's documented protocol, not against a real SGLang (see docs/servers.md).
 *
 * @example
 * ```ts
 * const backend = createSglangBackend({ baseUrl: 'http://gpu-node:30000' });
 * ```
 * @throws {@link ConfigurationError} for invalid options (a base URL that is not http(s)).
 */
export function createSglangBackend(options: SglangBackendOptions): ServerBackend {
  const resolved = resolveServerBackendOptions(options, 'sglang');
  const connection = new ServerConnection(resolved);
  return new ServerBackend({
    backendId: resolved.backendId,
    capabilities: {
      promptCacheStatistics: true,
      seededSampling: true,
      constrainedOutput: resolved.constrainOutput,
    },
    connection,
    protocol: new SglangProtocol(connection, resolved),
    checkVocabulary: resolved.checkVocabulary,
    probeVocabulary: async (signal) => {
      const answer = (await connection.json(
        '/tokenize',
        { prompt: VOCABULARY_PROBE_TEXT, add_special_tokens: false },
        signal,
      )) as { tokens?: unknown } | undefined;
      assertHarmonyVocabulary(answer?.tokens, `SGLang at ${connection.baseUrl}`);
    },
  });
}
