/**
 * The llama.cpp `llama-server` backend: its native `POST /completion` with the prompt as token ids, streamed,
 * pinned to one slot so that the slot's KV cache holds the agent's conversation between tool rounds and turns.
 *
 * Protocol (llama.cpp `tools/server/README.md`, and `server-task.cpp` / `server-context.cpp` of the source
 * node-llama-cpp 3.21.1 ships): request `prompt` (ids), `n_predict`, `stream`, `return_tokens`, `cache_prompt`,
 * `id_slot`, sampling fields, `grammar` / `json_schema`, `logit_bias`; each streamed event holds `tokens` (the
 * one token sampled), `tokens_predicted`, `id_slot` and `stop: false`; the last one holds `stop: true`,
 * `stop_type` (`eos`, `limit`, `word`, `none`) and `timings` (`cache_n`, `prompt_n`).
 */

import { BackendError, ConfigurationError } from '@harmony-agents/core';
import type { BackendGenerateRequest } from '@harmony-agents/core/backend';
import { CONTROL_TOKENS, type ConstrainedBodies, NO_CONSTRAINED_BODIES } from './body-constraint.js';
import { ServerBackend } from './server-backend.js';
import {
  resolveSampling,
  resolveServerBackendOptions,
  type ServerBackendOptions,
} from './server-backend-options.js';
import { ServerConnection } from './server-connection.js';
import type { ServerProtocol, ServerRequestPlan, TokenUpdate } from './server-generation.js';
import {
  assertHarmonyVocabulary,
  harmonyTokenizer,
  tokenWithBytes,
  VOCABULARY_PROBE_TEXT,
} from './vocabulary.js';

/** Options of {@link createLlamaServerBackend}. */
export interface LlamaServerBackendOptions extends ServerBackendOptions {
  /**
   * The slot (`id_slot`) this backend's requests run in. `'auto'`: the slot the server picks for the first
   * request, kept from then on, so the slot's KV cache keeps this agent's conversation. A number: that slot
   * (0 to `--parallel` − 1). `'any'`: any idle slot every time (llama-server then prefers the slot whose cache
   * shares the most with the prompt). Two backends on one slot take turns and evict each other's cache.
   * @defaultValue 'auto'
   */
  readonly slot?: number | 'auto' | 'any';
  /**
   * Constrain the arguments of calls to `request.constrainedTools` with the tool's JSON Schema: once the model
   * has written a constrained call's header (`... to=functions.x <|constrain|>json<|message|>`), the request is
   * sent again from there with the schema as `json_schema` and the Harmony control tokens banned, so the
   * arguments are JSON of that schema followed by a stop token.
   * @defaultValue true
   */
  readonly constrainToolArguments?: boolean;
  /**
   * Chooses a GBNF grammar (`grammar`) that a whole completion is sampled under, or undefined for none; tool
   * arguments and the final answer are then not constrained separately. Token elements such as `<[200005]>` are allowed,
   * end-of-generation ids are not (llama.cpp samples them only once the grammar is complete). Tests script
   * completions with it.
   * @defaultValue none
   */
  readonly grammarForRequest?: (request: BackendGenerateRequest) => string | undefined;
}

interface LlamaServerEvent {
  readonly tokens?: unknown;
  readonly stop?: unknown;
  readonly stop_type?: unknown;
  readonly tokens_predicted?: unknown;
  readonly id_slot?: unknown;
  readonly content?: unknown;
  readonly timings?: { readonly cache_n?: unknown; readonly prompt_n?: unknown };
}

/** The prompt cache counts of an event's `timings` (`cache_n` reused, `prompt_n` evaluated). */
function promptCacheOf(event: LlamaServerEvent): TokenUpdate['promptCache'] {
  const timings = event.timings;
  return typeof timings?.cache_n === 'number' && typeof timings.prompt_n === 'number'
    ? { cached: timings.cache_n, evaluated: timings.prompt_n }
    : undefined;
}

function protocolError(message: string): BackendError {
  return new BackendError(`llama-server: ${message}`, { kind: 'protocol_error' });
}

/**
 * Recovers the token llama-server did not stream. It holds back a token that ends inside a UTF-8 character
 * and streams only the next one, with the text of both (`server-context.cpp`, `process_token`): the missing
 * token is the text's bytes before the streamed token's own bytes.
 */
function recoverHeldBackToken(event: LlamaServerEvent, streamed: number): number {
  const vocabulary = harmonyTokenizer();
  const content = typeof event.content === 'string' ? Buffer.from(event.content, 'utf8') : undefined;
  const own = vocabulary.isSpecialToken(streamed) ? new Uint8Array() : vocabulary.tokenBytes(streamed);
  if (content !== undefined && content.length > own.length) {
    const tail = content.subarray(content.length - own.length);
    if (Buffer.compare(tail, own) === 0) {
      const recovered = tokenWithBytes(content.subarray(0, content.length - own.length));
      if (recovered !== undefined) return recovered;
    }
  }
  throw protocolError(
    `a token was held back and could not be recovered from the streamed text ${JSON.stringify(event.content)}`,
  );
}

class LlamaServerProtocol implements ServerProtocol {
  readonly constrainToolArguments: boolean;
  readonly constrainOutput: boolean;
  readonly #connection: ServerConnection;
  readonly #options: LlamaServerBackendOptions & ReturnType<typeof resolveServerBackendOptions>;
  #slot: number | undefined;

  constructor(
    connection: ServerConnection,
    options: LlamaServerBackendOptions & ReturnType<typeof resolveServerBackendOptions>,
  ) {
    this.#connection = connection;
    this.#options = options;
    this.constrainToolArguments = options.constrainToolArguments ?? true;
    this.constrainOutput = options.constrainOutput;
    this.#slot = typeof options.slot === 'number' ? options.slot : undefined;
  }

  /** Not while a request grammar decides the whole completion. */
  constrainedBodies(request: BackendGenerateRequest): ConstrainedBodies {
    if (this.#options.grammarForRequest?.(request) !== undefined) return NO_CONSTRAINED_BODIES;
    return { toolArguments: this.constrainToolArguments, finalAnswer: this.constrainOutput };
  }

  get slot(): number | undefined {
    return this.#slot;
  }

  body(plan: ServerRequestPlan, request: BackendGenerateRequest): Record<string, unknown> {
    const sampling = resolveSampling(request.sampling, this.#options.sampling);
    const grammar = this.#options.grammarForRequest?.(request);
    const body: Record<string, unknown> = {
      prompt: plan.promptTokens,
      n_predict: plan.maxTokens ?? -1,
      stream: true,
      return_tokens: true,
      cache_prompt: true,
      // Timings (with the prompt cache counts) in every event, not only the last one, which a stop on a
      // token the server does not stop on itself, or a restart under a tool grammar, never reads.
      timings_per_token: true,
      id_slot: this.#slot ?? -1,
      temperature: sampling.temperature ?? 1,
      top_p: sampling.topP ?? 1,
      top_k: sampling.topK ?? 0,
      // llama-server's defaults (min_p 0.05, top_k 40) would change gpt-oss's recommended sampling.
      min_p: 0,
      ...(sampling.seed === undefined ? {} : { seed: sampling.seed }),
    };
    const constraint = plan.constraint;
    if (grammar !== undefined) body.grammar = grammar;
    else if (constraint !== undefined) {
      body.json_schema =
        constraint.type === 'tool-arguments' ? constraint.tool.parameters : constraint.schema;
      body.logit_bias = CONTROL_TOKENS.map((token) => [token, false]);
    }
    return body;
  }

  async *open(
    plan: ServerRequestPlan,
    request: BackendGenerateRequest,
    signal: AbortSignal | undefined,
  ): AsyncGenerator<TokenUpdate> {
    let received = 0;
    for await (const raw of this.#connection.stream('/completion', this.body(plan, request), signal, true)) {
      const event = raw as LlamaServerEvent;
      if (this.#slot === undefined && this.#options.slot !== 'any' && typeof event.id_slot === 'number') {
        if (event.id_slot >= 0) this.#slot = event.id_slot;
      }
      const tokens = Array.isArray(event.tokens) ? (event.tokens as number[]) : [];
      const predicted = typeof event.tokens_predicted === 'number' ? event.tokens_predicted : undefined;
      const promptCache = promptCacheOf(event);
      if (event.stop === true) {
        yield this.#final(event, predicted, received);
        return;
      }
      if (predicted !== undefined && predicted > received + tokens.length) {
        if (predicted !== received + tokens.length + 1 || tokens.length !== 1) {
          throw protocolError(`${predicted - received - tokens.length} tokens were not streamed`);
        }
        tokens.unshift(recoverHeldBackToken(event, tokens[0]!));
      }
      received += tokens.length;
      yield { tokens, ...(promptCache === undefined ? {} : { promptCache }) };
    }
  }

  #final(event: LlamaServerEvent, predicted: number | undefined, received: number): TokenUpdate {
    const tokens = Array.isArray(event.tokens) ? (event.tokens as number[]) : [];
    const missing = predicted === undefined ? 0 : predicted - received - tokens.length;
    const promptCache = promptCacheOf(event);
    const withCache = promptCache === undefined ? {} : { promptCache };
    switch (event.stop_type) {
      case 'eos':
        // The end-of-generation token itself is held back when it follows a token that ends inside a character.
        if (missing > 1) throw protocolError(`${missing} tokens were not streamed before the stop`);
        return { tokens, finished: { reason: 'stop' }, ...withCache };
      case 'limit':
        if (missing > 0) throw protocolError(`${missing} tokens were not streamed before the limit`);
        return { tokens, finished: { reason: 'length' }, ...withCache };
      default:
        throw protocolError(`unexpected stop_type ${JSON.stringify(event.stop_type)}`);
    }
  }
}

/**
 * Creates a backend on a llama.cpp `llama-server` (its native `/completion` endpoint, by token ids). Start the
 * server with as many slots (`--parallel N`) as agents that should run at once, and `--swa-full` so that any
 * prefix of the conversation stays reusable for gpt-oss (see docs/servers.md).
 *
 * @example
 * ```ts
 * const backend = createLlamaServerBackend({ baseUrl: 'http://127.0.0.1:8080' });
 * const agent = createAgent({ backend, tools: [getWeather] });
 * ```
 * @throws {@link ConfigurationError} for invalid options (a base URL that is not http(s), a negative slot).
 */
export function createLlamaServerBackend(options: LlamaServerBackendOptions): ServerBackend {
  const resolved = { ...options, ...resolveServerBackendOptions(options, 'llama-server') };
  if (typeof options.slot === 'number' && (!Number.isInteger(options.slot) || options.slot < 0)) {
    throw new ConfigurationError(`slot must be a non-negative integer, 'auto' or 'any', got ${options.slot}`);
  }
  const connection = new ServerConnection(resolved);
  const protocol = new LlamaServerProtocol(connection, resolved);
  return new ServerBackend({
    backendId: resolved.backendId,
    capabilities: {
      constrainedToolArguments: protocol.constrainToolArguments,
      constrainedOutput: protocol.constrainOutput,
      promptCacheStatistics: true,
      seededSampling: true,
    },
    connection,
    protocol,
    checkVocabulary: resolved.checkVocabulary,
    probeVocabulary: async (signal) => {
      const answer = (await connection.json(
        '/tokenize',
        { content: VOCABULARY_PROBE_TEXT, add_special: false, parse_special: true },
        signal,
      )) as { tokens?: unknown } | undefined;
      assertHarmonyVocabulary(answer?.tokens, `llama-server at ${connection.baseUrl}`);
    },
  });
}
