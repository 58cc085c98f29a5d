/**
 * Loading a gpt-oss GGUF into llama.cpp on the CPU, from a path or a model URI.
 */

import { basename } from 'node:path';
import { BackendError, isHarmonyAgentsError } from '@harmony-agents/core';
import { getLlama, type Llama, LlamaLogLevel, type LlamaModel } from 'node-llama-cpp';
import { LlamaCppModel } from './llama-cpp-model.js';
import { createLoadProgressBar } from './load-progress-bar.js';
import {
  inspectGptOssModelFile,
  locateModelFile,
  type ModelDownloadProgress,
  type ModelFileResolver,
  resolveModelFileWithNodeLlamaCpp,
} from './model-file.js';
import { toLlamaToken } from './tokens.js';

/** A log message from llama.cpp or node-llama-cpp. */
export interface LlamaCppLogEntry {
  /** node-llama-cpp's level name: `error`, `warn`, `info`, `log` or `debug`. */
  readonly level: string;
  /** The message text. */
  readonly message: string;
}

/** Options of {@link loadLlamaCppModel}. */
export interface LoadLlamaCppModelOptions {
  /**
   * A GGUF file path, or a model URI node-llama-cpp resolves and downloads once into `modelsDirectory`:
   * `hf:<owner>/<repo>/<file>.gguf`, `hf:<owner>/<repo>:<quant>` or an `https://` URL.
   */
  readonly model: string;
  /**
   * Where model URIs are downloaded to and looked up in.
   * @defaultValue node-llama-cpp's global models directory (`~/.node-llama-cpp/models`)
   */
  readonly modelsDirectory?: string;
  /**
   * Print node-llama-cpp's progress bar to the console while downloading.
   * @defaultValue false
   */
  readonly showDownloadProgressBar?: boolean;
  /** Called with the download progress of a model URI. @defaultValue none */
  readonly onDownloadProgress?: (progress: ModelDownloadProgress) => void;
  /** Called with the load progress, from 0 to 1. @defaultValue none */
  readonly onLoadProgress?: (progress: number) => void;
  /**
   * Draw a progress bar on standard error while the model loads (besides `onLoadProgress`).
   * @defaultValue false
   */
  readonly showLoadProgressBar?: boolean;
  /** Cancels downloading and loading. @defaultValue none */
  readonly signal?: AbortSignal;
  /**
   * An existing node-llama-cpp engine instance to load into (it is not disposed with the model).
   * @defaultValue a new CPU instance: `getLlama({ gpu: false, build: 'never' })` (on Apple Silicon the Metal build,
   * the only prebuilt binary there, with every layer on the CPU), prebuilt binaries only, never
   * compiling or downloading anything
   */
  readonly llama?: Llama;
  /**
   * Receives llama.cpp's log messages at `logLevel` and above.
   * @defaultValue none: messages are dropped
   */
  readonly logger?: (entry: LlamaCppLogEntry) => void;
  /**
   * The lowest level passed to `logger`.
   * @defaultValue 'warn'
   */
  readonly logLevel?: 'error' | 'warn' | 'info' | 'debug';
  /**
   * Resolves model URIs to local files. Replace it to use another cache or downloader (or in tests).
   * @defaultValue node-llama-cpp's `resolveModelFile`
   */
  readonly resolveModelFile?: ModelFileResolver;
}

const LOG_LEVELS: Readonly<Record<NonNullable<LoadLlamaCppModelOptions['logLevel']>, LlamaLogLevel>> = {
  error: LlamaLogLevel.error,
  warn: LlamaLogLevel.warn,
  info: LlamaLogLevel.info,
  debug: LlamaLogLevel.debug,
};

/**
 * Loads a gpt-oss model for CPU inference. The GGUF header is checked before anything is loaded.
 *
 * @example
 * ```ts
 * const model = await loadLlamaCppModel({
 *   model: 'hf:ggml-org/gpt-oss-20b-GGUF/gpt-oss-20b-mxfp4.gguf',
 *   onDownloadProgress: ({ downloadedBytes, totalBytes }) => console.log(downloadedBytes / totalBytes),
 * });
 * const backend = model.createBackend();
 * ```
 * @throws {@link BackendError} `model_not_found` (no such file, or the URI cannot be resolved), `model_invalid`
 * (not a readable GGUF, or llama.cpp cannot load it), `model_not_gpt_oss` (another architecture or vocabulary),
 * `unsupported` (no prebuilt llama.cpp binary for this platform). When `signal` aborts downloading or loading,
 * its reason is thrown instead (a `DOMException` named `AbortError` by default).
 */
export async function loadLlamaCppModel(options: LoadLlamaCppModelOptions): Promise<LlamaCppModel> {
  const path = await locateModelFile(
    options.model,
    options.resolveModelFile ?? resolveModelFileWithNodeLlamaCpp,
    {
      directory: options.modelsDirectory,
      showProgressBar: options.showDownloadProgressBar ?? false,
      onProgress: options.onDownloadProgress,
      signal: options.signal,
    },
  );
  const fileInfo = await inspectGptOssModelFile(path);
  options.signal?.throwIfAborted();
  const llama = options.llama ?? (await createCpuLlama(options));
  const onLoadProgress = loadProgressListener(options, path);
  let model: LlamaModel;
  try {
    model = await llama.loadModel({
      modelPath: path,
      gpuLayers: options.llama === undefined ? 0 : 'auto',
      ...(onLoadProgress === undefined ? {} : { onLoadProgress }),
      ...(options.signal === undefined ? {} : { loadSignal: options.signal }),
    });
  } catch (error) {
    if (options.llama === undefined) await llama.dispose();
    if (options.signal?.aborted === true) throw options.signal.reason;
    throw new BackendError(`llama.cpp could not load ${path}: ${String(error)}`, {
      kind: 'model_invalid',
      cause: error,
    });
  }
  try {
    assertHarmonyVocabulary(model, path);
  } catch (error) {
    await model.dispose();
    if (options.llama === undefined) await llama.dispose();
    throw error;
  }
  return new LlamaCppModel({ llama, model, path, fileInfo, ownsLlama: options.llama === undefined });
}

/** `onLoadProgress`, plus the progress bar when `showLoadProgressBar` is set. */
function loadProgressListener(
  options: LoadLlamaCppModelOptions,
  path: string,
): ((progress: number) => void) | undefined {
  const listener = options.onLoadProgress;
  if (options.showLoadProgressBar !== true) return listener;
  const bar = createLoadProgressBar(`Loading ${basename(path)}`, process.stderr);
  return (progress) => {
    bar(progress);
    listener?.(progress);
  };
}

async function createCpuLlama(options: LoadLlamaCppModelOptions): Promise<Llama> {
  const logger = options.logger;
  try {
    return await getLlama({
      // node-llama-cpp ships no CPU-only build for Apple Silicon: its Metal build is the one prebuilt binary
      // there. Layers still run on the CPU (`gpuLayers: 0` below).
      gpu: process.platform === 'darwin' && process.arch === 'arm64' ? 'metal' : false,
      build: 'never',
      skipDownload: true,
      progressLogs: false,
      logLevel: LOG_LEVELS[options.logLevel ?? 'warn'],
      logger: (level, message) => logger?.({ level: String(level), message }),
    });
  } catch (error) {
    if (isHarmonyAgentsError(error)) throw error;
    throw new BackendError(`No prebuilt llama.cpp CPU binary could be loaded: ${String(error)}`, {
      kind: 'unsupported',
      cause: error,
    });
  }
}

/** The Harmony special tokens must sit at their o200k_harmony ids, with `<|call|>` and `<|return|>` as stops. */
function assertHarmonyVocabulary(model: LlamaModel, path: string): void {
  const expected: readonly [number, string][] = [
    [200002, '<|return|>'],
    [200005, '<|channel|>'],
    [200006, '<|start|>'],
    [200007, '<|end|>'],
    [200008, '<|message|>'],
    [200012, '<|call|>'],
  ];
  for (const [token, text] of expected) {
    if (model.detokenize([toLlamaToken(token)], true) !== text) {
      throw new BackendError(
        `${path} does not use the o200k_harmony vocabulary: token ${token} is not ${text}`,
        {
          kind: 'model_not_gpt_oss',
        },
      );
    }
  }
  if (!model.isEogToken(toLlamaToken(200012)) || !model.isEogToken(toLlamaToken(200002))) {
    throw new BackendError(`${path}: <|call|> and <|return|> are not end-of-generation tokens`, {
      kind: 'model_not_gpt_oss',
    });
  }
}
