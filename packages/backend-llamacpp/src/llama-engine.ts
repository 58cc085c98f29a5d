/**
 * node-llama-cpp's objects as this package's public types show them. node-llama-cpp 3.21.1's own
 * declarations do not compile without `skipLibCheck`, so no public type of this package names them: an
 * app compiles against `@harmony-agents/backend-llamacpp` with `skipLibCheck: false`.
 */

/**
 * node-llama-cpp's engine instance (its `Llama`, from `getLlama()`), as far as this package's API needs it.
 * Any `Llama` is assignable to it; cast it back for node-llama-cpp's full API: `model.llama as Llama`
 * (an app that imports node-llama-cpp itself needs `skipLibCheck: true` for node-llama-cpp's declarations).
 */
export interface LlamaEngine {
  /** Whether the engine was disposed. */
  readonly disposed: boolean;
  /** The GPU type the engine runs on (`'metal'`, `'cuda'`, `'vulkan'`), or `false` on the CPU. */
  readonly gpu: string | false;
  /** Disposes the engine and every model loaded into it. */
  dispose(): Promise<void>;
}

/**
 * node-llama-cpp's loaded model (its `LlamaModel`), as far as this package's API needs it. Cast it back for
 * node-llama-cpp's full API: `model.model as LlamaModel`.
 */
export interface LlamaEngineModel {
  /** Whether the model was disposed. */
  readonly disposed: boolean;
  /** The context size the model was trained with, in tokens. */
  readonly trainContextSize: number;
  /** Disposes the model. */
  dispose(): Promise<void>;
}
