/**
 * `@harmony-agents/backend-server/testing`: a real `llama-server` for tests, built from the llama.cpp source
 * node-llama-cpp ships and started on loopback.
 *
 * @example
 * ```ts
 * import { startLlamaServer } from '@harmony-agents/backend-server/testing';
 *
 * const server = await startLlamaServer({ model: '/models/tiny-gpt-oss.gguf', parallel: 4 });
 * // createLlamaServerBackend({ baseUrl: server.baseUrl }) ...
 * await server.close();
 * ```
 * @module \@harmony-agents/backend-server/testing
 */

export type { EnsureLlamaServerOptions } from './ensure-llama-server.js';
export {
  ensureLlamaServer,
  llamaServerCacheDirectory,
  nodeLlamaCppSourceBundle,
} from './ensure-llama-server.js';
export type { LlamaServerProcess, StartLlamaServerOptions } from './start-llama-server.js';
export { startLlamaServer } from './start-llama-server.js';
