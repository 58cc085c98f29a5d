/**
 * `@harmony-agents/backend-llamacpp`: run gpt-oss on the CPU through llama.cpp (node-llama-cpp).
 *
 * @example
 * ```ts
 * import { loadLlamaCppModel } from '@harmony-agents/backend-llamacpp';
 *
 * const model = await loadLlamaCppModel({ model: 'hf:ggml-org/gpt-oss-20b-GGUF/gpt-oss-20b-mxfp4.gguf' });
 * const backend = model.createBackend({ contextSize: 8192 });
 * ```
 * @module \@harmony-agents/backend-llamacpp
 */

export type { TokenPredictionStatistics } from './llama-cpp-backend.js';
export { LlamaCppBackend } from './llama-cpp-backend.js';
export type {
  LlamaCppBackendOptions,
  RequestGrammar,
  RequestGrammarSelector,
  ResolvedLlamaCppBackendOptions,
  SpeculativeDecodingOptions,
} from './llama-cpp-backend-options.js';
export { LLAMA_CPP_BACKEND_DEFAULTS, resolveLlamaCppBackendOptions } from './llama-cpp-backend-options.js';
export type { LlamaCppBackendGroup } from './llama-cpp-model.js';
export { LlamaCppModel } from './llama-cpp-model.js';
export type { LlamaEngine, LlamaEngineModel } from './llama-engine.js';
export type { LlamaCppLogEntry, LoadLlamaCppModelOptions } from './load-llama-cpp-model.js';
export { loadLlamaCppModel } from './load-llama-cpp-model.js';
export type {
  GptOssModelFileInfo,
  ModelDownloadProgress,
  ModelFileResolver,
  ModelFileResolverOptions,
} from './model-file.js';
export { inspectGptOssModelFile, isModelUri, resolveModelFileWithNodeLlamaCpp } from './model-file.js';
