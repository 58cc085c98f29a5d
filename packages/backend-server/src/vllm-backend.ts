/**
 * The vLLM backend: the OpenAI-compatible `POST /v1/completions` with a token-id prompt, streamed.
 *
 * Protocol (vLLM `vllm/entrypoints/openai/completion/protocol.py`: `CompletionRequest`,
 * `CompletionResponseStreamChoice`; `docs/serving/openai_compatible_server.md`): request `model`, `prompt`
 * (a list of ids), `max_tokens` (default 16, so always sent), `stream`, `stream_options.include_usage`,
 * `return_token_ids`, `stop_token_ids`, `skip_special_tokens: false`, `include_stop_str_in_output`, sampling
 * fields, and, for a final answer under the output schema, `structured_outputs.json` and `logit_bias`; each
 * streamed choice holds `token_ids` (the ids of this chunk; `prompt_token_ids` only in the first),
 * `finish_reason` (`stop`, `length`, `abort`) and `stop_reason` (the stop token id, a stop string, or null for
 * the model's end-of-sequence token); the usage chunk (empty `choices`) holds `usage.prompt_tokens_details.cached_tokens`
 * when the server runs with `--enable-prompt-tokens-details`; the stream ends with `data: [DONE]`.
 */

import { BackendError, ConfigurationError } from '@harmony-agents/core';
import type { BackendGenerateRequest } from '@harmony-agents/core/backend';
import { CONTROL_TOKENS, type ConstrainedBodies, finalAnswerOnly } from './body-constraint.js';
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

/** Options of {@link createVllmBackend}. */
export interface VllmBackendOptions extends ServerBackendOptions {
  /** The served model name (`--served-model-name`, else the model path), e.g. `openai/gpt-oss-120b`. */
  readonly model: string;
}

interface VllmChunk {
  readonly choices?: readonly {
    readonly token_ids?: unknown;
    readonly finish_reason?: unknown;
    readonly stop_reason?: unknown;
  }[];
  readonly usage?: {
    readonly prompt_tokens?: unknown;
    readonly prompt_tokens_details?: { readonly cached_tokens?: unknown } | null;
  } | null;
}

function protocolError(message: string): BackendError {
  return new BackendError(`vLLM: ${message}`, { kind: 'protocol_error' });
}

class VllmProtocol implements ServerProtocol {
  readonly #connection: ServerConnection;
  readonly #options: ResolvedServerBackendOptions & { readonly model: string };

  constructor(
    connection: ServerConnection,
    options: ResolvedServerBackendOptions & { readonly model: string },
  ) {
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
      model: this.#options.model,
      prompt: plan.promptTokens,
      // vLLM's default is 16; without a limit, the rest of the context.
      ...(plan.maxTokens === undefined ? { max_tokens: null } : { max_tokens: plan.maxTokens }),
      stream: true,
      stream_options: { include_usage: true },
      return_token_ids: true,
      stop_token_ids: request.stopTokens,
      skip_special_tokens: false,
      include_stop_str_in_output: false,
      temperature: sampling.temperature ?? 1,
      top_p: sampling.topP ?? 1,
      // vLLM disables top-k with 0 (older versions with -1).
      top_k: sampling.topK ?? 0,
      ...(sampling.seed === undefined ? {} : { seed: sampling.seed }),
      ...(answer === undefined
        ? {}
        : {
            structured_outputs: { json: answer },
            // vLLM clamps a bias to [-100, 100]: -100 is as good as a ban.
            logit_bias: Object.fromEntries(CONTROL_TOKENS.map((token) => [String(token), -100])),
          }),
    };
  }

  async *open(
    plan: ServerRequestPlan,
    request: BackendGenerateRequest,
    signal: AbortSignal | undefined,
  ): AsyncGenerator<TokenUpdate> {
    let finished: TokenUpdate['finished'];
    for await (const raw of this.#connection.stream('/v1/completions', this.body(plan, request), signal)) {
      const chunk = raw as VllmChunk;
      const choice = chunk.choices?.[0];
      const cached = chunk.usage?.prompt_tokens_details?.cached_tokens;
      const promptTokens = chunk.usage?.prompt_tokens;
      const promptCache =
        typeof cached === 'number' && typeof promptTokens === 'number'
          ? { cached, evaluated: promptTokens - cached }
          : undefined;
      if (choice === undefined) {
        // The usage chunk comes after the one with `finish_reason`.
        if (finished !== undefined) {
          yield { tokens: [], finished, ...(promptCache === undefined ? {} : { promptCache }) };
          return;
        }
        continue;
      }
      if (choice.token_ids === undefined || !Array.isArray(choice.token_ids)) {
        throw protocolError('a chunk has no token_ids (is return_token_ids supported by this vLLM version?)');
      }
      const tokens = choice.token_ids as number[];
      if (choice.finish_reason === null || choice.finish_reason === undefined) {
        yield { tokens };
        continue;
      }
      if (choice.finish_reason === 'stop') {
        finished = {
          reason: 'stop',
          ...(typeof choice.stop_reason === 'number' ? { stopToken: choice.stop_reason } : {}),
        };
      } else if (choice.finish_reason === 'length') finished = { reason: 'length' };
      else
        throw protocolError(
          `the generation ended with finish_reason ${JSON.stringify(choice.finish_reason)}`,
        );
      // Tokens now; the finish once the usage chunk (or the end of the stream) has come.
      yield { tokens };
    }
    if (finished !== undefined) yield { tokens: [], finished };
  }
}

/**
 * Creates a backend on a vLLM server (its `/v1/completions` endpoint, by token ids). Tested against a loopback
 * fixture that follows vLLM's documented protocol, not against a real vLLM (see docs/servers.md).
 *
 * @example
 * ```ts
 * const backend = createVllmBackend({ baseUrl: 'http://gpu-node:8000', model: 'openai/gpt-oss-120b' });
 * ```
 * @throws {@link ConfigurationError} for invalid options (no model, a base URL that is not http(s)).
 */
export function createVllmBackend(options: VllmBackendOptions): ServerBackend {
  if (typeof options.model !== 'string' || options.model.length === 0) {
    throw new ConfigurationError('createVllmBackend needs the served model name (`model`)');
  }
  const resolved = { ...resolveServerBackendOptions(options, 'vllm'), model: options.model };
  const connection = new ServerConnection(resolved);
  return new ServerBackend({
    backendId: resolved.backendId,
    capabilities: {
      promptCacheStatistics: false,
      seededSampling: true,
      constrainedOutput: resolved.constrainOutput,
    },
    connection,
    protocol: new VllmProtocol(connection, resolved),
    checkVocabulary: resolved.checkVocabulary,
    probeVocabulary: async (signal) => {
      const answer = (await connection.json(
        '/tokenize',
        { model: resolved.model, prompt: VOCABULARY_PROBE_TEXT, add_special_tokens: false },
        signal,
      )) as { tokens?: unknown } | undefined;
      assertHarmonyVocabulary(answer?.tokens, `vLLM at ${connection.baseUrl}`);
    },
  });
}
