/**
 * `@harmony-agents/backend-server`: run gpt-oss behind an inference server (llama.cpp's `llama-server`,
 * vLLM, SGLang) by token ids: the runner renders Harmony, the server only samples.
 *
 * @example
 * ```ts
 * import { createAgent } from '@harmony-agents/core';
 * import { createLlamaServerBackend } from '@harmony-agents/backend-server';
 *
 * const agent = createAgent({ backend: createLlamaServerBackend({ baseUrl: 'http://127.0.0.1:8080' }), tools });
 * ```
 * @module \@harmony-agents/backend-server
 */

export type { LlamaServerBackendOptions } from './llama-server-backend.js';
export { createLlamaServerBackend } from './llama-server-backend.js';
export { ServerBackend } from './server-backend.js';
export type {
  FetchFunction,
  ServerBackendOptions,
} from './server-backend-options.js';
export { SERVER_BACKEND_DEFAULTS } from './server-backend-options.js';
export type { PoolAssignment, PoolServer, ServerPool, ServerPoolOptions } from './server-pool.js';
export { createServerPool } from './server-pool.js';
export type { SglangBackendOptions } from './sglang-backend.js';
export { createSglangBackend } from './sglang-backend.js';
export type { VllmBackendOptions } from './vllm-backend.js';
export { createVllmBackend } from './vllm-backend.js';
export { VOCABULARY_PROBE_TEXT } from './vocabulary.js';
