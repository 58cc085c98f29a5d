/**
 * `@harmony-agents/backend-llamacpp/test-models`: tiny generated gpt-oss GGUF models (real o200k_harmony
 * vocabulary, seeded random weights) and a scripted backend that plays chosen completions through the real
 * llama.cpp engine. For tests; nothing here is needed in production.
 *
 * @example
 * ```ts
 * import { loadLlamaCppModel } from '@harmony-agents/backend-llamacpp';
 * import { createScriptedLlamaCppBackend, getTinyGptOssModel } from '@harmony-agents/backend-llamacpp/test-models';
 *
 * const model = await loadLlamaCppModel({ model: (await getTinyGptOssModel()).path });
 * const backend = createScriptedLlamaCppBackend({
 *   model,
 *   completions: ['<|channel|>final<|message|>It is sunny.<|return|>'],
 *   threads: 1,
 * });
 * ```
 * @module \@harmony-agents/backend-llamacpp/test-models
 */

export type { GgufMetadataValue, GgufTensor } from './gguf-writer.js';
export { GgufWriter } from './gguf-writer.js';
export type { HarmonyGgufVocabulary, MergesStyle } from './o200k-harmony-vocabulary.js';
export { buildHarmonyGgufVocabulary, GPT_OSS_VOCABULARY_SIZE } from './o200k-harmony-vocabulary.js';
export type {
  ScriptedCompletion,
  ScriptedLlamaCppBackend,
  ScriptedLlamaCppBackendOptions,
} from './scripted-llama-cpp-backend.js';
export {
  createScriptedLlamaCppBackend,
  parseScriptedCompletion,
  tokenScriptGrammar,
} from './scripted-llama-cpp-backend.js';
export { SeededRandom } from './seeded-random.js';
export type { GgmlTypeName } from './tensor-encoding.js';
export { encodeTensor, float32ToFloat16Bits, GGML_TYPE, tensorByteLength } from './tensor-encoding.js';
export type { TinyGptOssModelFile, TinyGptOssModelOptions } from './tiny-gpt-oss-model.js';
export {
  getTinyGptOssModel,
  TINY_GPT_OSS_GENERATOR_VERSION,
  testModelsDirectory,
  writeTinyGptOssModel,
} from './tiny-gpt-oss-model.js';
