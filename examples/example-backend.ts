/**
 * The backend the feature examples use when they are run directly:
 *
 * - with `HARMONY_AGENTS_GPT_OSS_GGUF=/path/to/gpt-oss-20b.gguf` (or an `hf:` URI), a real gpt-oss model on
 *   the CPU through llama.cpp;
 * - without it, the scripted backend of `@harmony-agents/core/testing`, replaying the example's model
 *   steps, so every example runs offline in a fraction of a second.
 *
 * The examples' tests always pass a scripted backend.
 */
import type { Backend } from '@harmony-agents/core/backend';
import { createScriptedBackend } from '@harmony-agents/core/testing';

/** A backend and how to release it. */
export interface ExampleBackend {
  /** The backend to give `createAgent`. */
  readonly backend: Backend;
  /** One line saying which model answers. */
  readonly description: string;
  /** Releases the model (a no-op for the scripted backend). */
  dispose(): Promise<void>;
}

/** Options of {@link createExampleBackend}. */
export interface ExampleBackendOptions {
  /**
   * The context size the backend declares (`capabilities.contextSize`); the llama.cpp backend allocates it.
   * @defaultValue the llama.cpp backend's default; none declared by the scripted backend
   */
  readonly contextSize?: number;
}

/** A real gpt-oss model if `HARMONY_AGENTS_GPT_OSS_GGUF` is set, else a scripted backend playing `completions`. */
export async function createExampleBackend(
  completions: readonly string[],
  options: ExampleBackendOptions = {},
): Promise<ExampleBackend> {
  const { contextSize } = options;
  const model = process.env.HARMONY_AGENTS_GPT_OSS_GGUF;
  if (model !== undefined && model.length > 0) {
    const { loadLlamaCppModel } = await import('@harmony-agents/backend-llamacpp');
    const loaded = await loadLlamaCppModel({ model, showDownloadProgressBar: true });
    return {
      backend: loaded.createBackend(contextSize === undefined ? {} : { contextSize }),
      description: `gpt-oss from ${model}`,
      dispose: () => loaded.dispose(),
    };
  }
  return {
    backend: createScriptedBackend({
      steps: completions.map((completion) => ({ completion })),
      capabilities: { promptCacheStatistics: true, ...(contextSize === undefined ? {} : { contextSize }) },
    }),
    description: 'scripted model steps (set HARMONY_AGENTS_GPT_OSS_GGUF to use a real gpt-oss model)',
    dispose: async () => undefined,
  };
}
