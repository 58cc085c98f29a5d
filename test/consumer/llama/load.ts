// The llama backend's types in a user's app. node-llama-cpp 3.21.1's own declarations do not compile
// without skipLibCheck (getLlama.d.ts names a `tempDir` option that LlamaOptions lacks, and
// readGgufFileInfo.d.ts imports the untyped `async-retry`), so this file is compiled with
// tsconfig.llama.json (skipLibCheck: true); everything else compiles without it.
import { type LlamaCppModel, loadLlamaCppModel } from '@harmony-agents/backend-llamacpp';

/** Loads a model (not called by the consumer test: it only type-checks and imports the package). */
export function load(path: string): Promise<LlamaCppModel> {
  return loadLlamaCppModel({ model: path });
}
