/**
 * Options every server backend shares (where the server is, how long to wait, how often to retry), their
 * defaults, and their resolution into a fully-filled internal form.
 */

import { ConfigurationError } from '@harmony-agents/core';
import type { SamplingOptions } from '@harmony-agents/core/backend';

/** The `fetch` a backend sends its requests with (the global one by default). */
export type FetchFunction = (input: string, init: RequestInit) => Promise<Response>;

/** Options shared by {@link createLlamaServerBackend}, {@link createVllmBackend} and {@link createSglangBackend}. */
export interface ServerBackendOptions {
  /** The server's base URL, e.g. `http://127.0.0.1:8080` (a trailing slash is ignored). */
  readonly baseUrl: string;
  /**
   * Extra HTTP headers of every request (an API key is set with `apiKey` instead).
   * @defaultValue none
   */
  readonly headers?: Readonly<Record<string, string>>;
  /**
   * Sent as `Authorization: Bearer <apiKey>` (llama-server `--api-key`, vLLM `--api-key`, SGLang `--api-key`).
   * @defaultValue none
   */
  readonly apiKey?: string;
  /**
   * Milliseconds to wait for the server's response headers. vLLM and SGLang answer at once, even when they queue
   * the request. llama-server answers a stream only with its first token, so there this limit applies to its
   * non-streaming requests and the first-token timeout to the stream. (Node's `fetch` also gives up on a TCP
   * connection that takes more than 10 s to open.)
   * @defaultValue 10000
   */
  readonly connectTimeoutMs?: number;
  /**
   * Milliseconds from the response headers to the first generated token: the prompt's evaluation (prefill) and
   * any wait for a free slot. A 30k-token prompt on a CPU can take minutes; on a GPU, seconds.
   * @defaultValue 300000
   */
  readonly firstTokenTimeoutMs?: number;
  /**
   * Milliseconds allowed between two streamed events once tokens flow.
   * @defaultValue 60000
   */
  readonly idleTimeoutMs?: number;
  /**
   * How many times a request is sent again when the connection fails (refused, reset, connect timeout) or the
   * server answers 503 (still loading), before any token was received. After the first token nothing is retried:
   * the caller would otherwise see tokens twice.
   * @defaultValue 2
   */
  readonly retries?: number;
  /**
   * Milliseconds before the first retry; each further retry waits twice as long.
   * @defaultValue 500
   */
  readonly retryDelayMs?: number;
  /**
   * Check once, before the first generation, that the server's model tokenizes a probe text exactly as the
   * o200k_harmony encoding does (special tokens included). A model with another vocabulary would read our
   * token ids as different text. Costs one small request.
   * @defaultValue true
   */
  readonly checkVocabulary?: boolean;
  /**
   * Default sampling, overridden field by field by each request's `sampling`. OpenAI recommends temperature 1,
   * top-p 1 and no top-k for gpt-oss. `seed` undefined lets the server choose.
   * @defaultValue `{ temperature: 1, topP: 1, topK: 0 }`
   */
  readonly sampling?: SamplingOptions;
  /**
   * Constrain the final answer with the request's `outputSchema` (the run's structured output,
   * `capabilities.constrainedOutput`): once the model has written a final answer's header
   * (`<|channel|>final<|message|>`, no recipient), the request is sent again from there (the prompt plus what
   * was generated) with the schema, rewritten by `toGrammarJsonSchema` as in-process, as that request's
   * structured output (llama-server `json_schema`, vLLM `structured_outputs.json`, SGLang
   * `sampling_params.json_schema`). The answer is then JSON of that schema, reported with `<|return|>` after
   * it; analysis, preambles and tool calls stay free.
   * @defaultValue true
   */
  readonly constrainOutput?: boolean;
  /**
   * The `fetch` used for every request, e.g. one with a proxy or a custom agent.
   * @defaultValue `globalThis.fetch`
   */
  readonly fetch?: FetchFunction;
  /**
   * The `backendId` reported to the runner.
   * @defaultValue `llama-server`, `vllm` or `sglang`
   */
  readonly backendId?: string;
}

/** The defaults of {@link ServerBackendOptions}. */
export const SERVER_BACKEND_DEFAULTS = {
  /** {@link ServerBackendOptions.connectTimeoutMs}: 10 s. */
  connectTimeoutMs: 10_000,
  /** {@link ServerBackendOptions.firstTokenTimeoutMs}: 5 min. */
  firstTokenTimeoutMs: 300_000,
  /** {@link ServerBackendOptions.idleTimeoutMs}: 1 min. */
  idleTimeoutMs: 60_000,
  /** {@link ServerBackendOptions.retries}: 2. */
  retries: 2,
  /** {@link ServerBackendOptions.retryDelayMs}: 0.5 s, doubling. */
  retryDelayMs: 500,
  /** {@link ServerBackendOptions.checkVocabulary}: on. */
  checkVocabulary: true,
  /** {@link ServerBackendOptions.constrainOutput}: on. */
  constrainOutput: true,
  /** {@link ServerBackendOptions.sampling}: OpenAI's recommendation for gpt-oss. */
  sampling: {
    /** Temperature 1. */
    temperature: 1,
    /** No nucleus cut-off. */
    topP: 1,
    /** No top-k cut-off. */
    topK: 0,
  },
} as const;

/** {@link ServerBackendOptions} with every default applied. */
export interface ResolvedServerBackendOptions {
  readonly baseUrl: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly connectTimeoutMs: number;
  readonly firstTokenTimeoutMs: number;
  readonly idleTimeoutMs: number;
  readonly retries: number;
  readonly retryDelayMs: number;
  readonly checkVocabulary: boolean;
  readonly constrainOutput: boolean;
  readonly sampling: SamplingOptions;
  readonly fetch: FetchFunction;
  readonly backendId: string;
}

function nonNegative(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value < 0) {
    throw new ConfigurationError(`${name} must be a non-negative number, got ${value}`);
  }
  return value;
}

/**
 * Applies the defaults and checks the values.
 * @throws {@link ConfigurationError} for a base URL that is not http(s) or a negative timeout or retry count.
 */
export function resolveServerBackendOptions(
  options: ServerBackendOptions,
  defaultBackendId: string,
): ResolvedServerBackendOptions {
  let url: URL;
  try {
    url = new URL(options.baseUrl);
  } catch (error) {
    throw new ConfigurationError(`baseUrl is not a URL: ${JSON.stringify(options.baseUrl)}`, {
      cause: error,
    });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigurationError(`baseUrl must be http:// or https://, got ${options.baseUrl}`);
  }
  const headers: Record<string, string> = { ...options.headers };
  if (options.apiKey !== undefined) headers.authorization = `Bearer ${options.apiKey}`;
  const retries = nonNegative('retries', options.retries, SERVER_BACKEND_DEFAULTS.retries);
  if (!Number.isInteger(retries)) throw new ConfigurationError(`retries must be an integer, got ${retries}`);
  const fetchFunction =
    options.fetch ?? ((input: string, init: RequestInit) => globalThis.fetch(input, init));
  return {
    baseUrl: url.href.replace(/\/+$/u, ''),
    headers,
    connectTimeoutMs: nonNegative(
      'connectTimeoutMs',
      options.connectTimeoutMs,
      SERVER_BACKEND_DEFAULTS.connectTimeoutMs,
    ),
    firstTokenTimeoutMs: nonNegative(
      'firstTokenTimeoutMs',
      options.firstTokenTimeoutMs,
      SERVER_BACKEND_DEFAULTS.firstTokenTimeoutMs,
    ),
    idleTimeoutMs: nonNegative('idleTimeoutMs', options.idleTimeoutMs, SERVER_BACKEND_DEFAULTS.idleTimeoutMs),
    retries,
    retryDelayMs: nonNegative('retryDelayMs', options.retryDelayMs, SERVER_BACKEND_DEFAULTS.retryDelayMs),
    checkVocabulary: options.checkVocabulary ?? SERVER_BACKEND_DEFAULTS.checkVocabulary,
    constrainOutput: options.constrainOutput ?? SERVER_BACKEND_DEFAULTS.constrainOutput,
    sampling: { ...SERVER_BACKEND_DEFAULTS.sampling, ...options.sampling },
    fetch: fetchFunction,
    backendId: options.backendId ?? defaultBackendId,
  };
}

/** A request's sampling over the backend's defaults. */
export function resolveSampling(request: SamplingOptions, defaults: SamplingOptions): SamplingOptions {
  return { ...defaults, ...request };
}
