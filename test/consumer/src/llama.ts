// The llama backend's types in a user's app, compiled like the rest with skipLibCheck: false. The
// package's declarations name none of node-llama-cpp's (whose own do not compile without skipLibCheck):
// its engine objects appear as LlamaEngine and LlamaEngineModel.
import {
  type LlamaCppModel,
  type LlamaEngine,
  type LoadLlamaCppModelOptions,
  loadLlamaCppModel,
} from '@harmony-agents/backend-llamacpp';
import { createAgent } from '@harmony-agents/core';

/** Loads a model and creates an agent on it (not called by the consumer test: it only type-checks and imports). */
export async function load(path: string, llama?: LlamaEngine): Promise<LlamaCppModel> {
  const options: LoadLlamaCppModelOptions = { model: path, ...(llama === undefined ? {} : { llama }) };
  const model = await loadLlamaCppModel(options);
  createAgent({ backend: model.createBackend({ contextSize: 4096 }) });
  const onGpu: string | false = model.llama.gpu;
  return onGpu === false ? model : model;
}
