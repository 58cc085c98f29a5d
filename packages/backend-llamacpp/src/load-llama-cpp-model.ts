/**
 * Loading a gpt-oss GGUF into llama.cpp on the CPU, from a path or a model URI.
 */

import { basename } from 'node:path';
import { BackendError, ConfigurationError, isHarmonyAgentsError } from '@harmony-agents/core';
import { getLlama, type Llama, LlamaLogLevel, type LlamaModel } from 'node-llama-cpp';
import { LlamaCppModel } from './llama-cpp-model.js';
import type { LlamaEngine } from './llama-engine.js';
import {
  inspectGptOssModelFile,
  locateModelFile,
  type ModelDownloadProgress,
  type ModelFileResolver,
  type ModelFileResolverOptions,
  resolveModelFileWithNodeLlamaCpp,
} from './model-file.js';
import { resolveHuggingFaceEndpoint } from './model-source.js';
import { DEFAULT_NETWORK_TIMEOUT_MS } from './model-source-check.js';
import { createProgressBar } from './progress-bar.js';
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
   * Write a plain-text progress bar on standard error while downloading: redrawn in place on a terminal, one
   * line per 10% otherwise (a log file gets at most 11 lines). node-llama-cpp's own console output is off.
   * @defaultValue false
   */
  readonly showDownloadProgressBar?: boolean;
  /**
   * The Hugging Face endpoint (or mirror) `hf:` URIs resolve against, an `http(s)://` URL.
   * @defaultValue the `MODEL_ENDPOINT` or `HF_ENDPOINT` environment variable, else `https://huggingface.co/`
   * (node-llama-cpp's choice)
   */
  readonly huggingFaceEndpoint?: string;
  /**
   * Before downloading a model URI, how long to wait for its host to answer (name lookup, connection and
   * response headers, redirects included), in milliseconds. A host that does not answer in time fails the
   * load with a {@link ModelDownloadError} `timeout`. A model already downloaded needs no network.
   * @defaultValue 10000
   */
  readonly networkTimeoutMs?: number;
  /** Called with the download progress of a model URI. @defaultValue none */
  readonly onDownloadProgress?: (progress: ModelDownloadProgress) => void;
  /** Called with the load progress, from 0 to 1. @defaultValue none */
  readonly onLoadProgress?: (progress: number) => void;
  /**
   * Draw a progress bar on standard error while the model loads (besides `onLoadProgress`).
   * @defaultValue false
   */
  readonly showLoadProgressBar?: boolean;
  /**
   * Cancels resolving, downloading and loading: the promise rejects with the signal's reason at any stage.
   * @defaultValue none
   */
  readonly signal?: AbortSignal;
  /**
   * An existing node-llama-cpp engine instance to load into (it is not disposed with the model).
   * @defaultValue a new CPU instance: `getLlama({ gpu: false, build: 'never' })` (on Apple Silicon the Metal build,
   * the only prebuilt binary there, with every layer on the CPU), prebuilt binaries only, never
   * compiling or downloading anything
   */
  readonly llama?: LlamaEngine;
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
 * @throws {@link ModelDownloadError} when a model URI's host cannot be reached or answers with an error status,
 * within seconds: `reason` names the cause (`dns`, `connection_refused`, `unreachable`, `timeout`, `tls`,
 * `http_status` with `status`, ...). {@link BackendError} `model_not_found` (no such file, or the URI cannot be
 * resolved), `model_invalid` (not a readable GGUF, or llama.cpp cannot load it), `model_not_gpt_oss` (another
 * architecture or vocabulary), `unsupported` (no prebuilt llama.cpp binary for this platform).
 * {@link ConfigurationError} for an invalid `huggingFaceEndpoint` or `networkTimeoutMs`. When `signal` aborts
 * resolving, downloading or loading, its reason is thrown instead (a `DOMException` named `AbortError` by
 * default).
 */
export async function loadLlamaCppModel(options: LoadLlamaCppModelOptions): Promise<LlamaCppModel> {
  const { signal } = options;
  const path = await locateModelFile(
    options.model,
    options.resolveModelFile ?? resolveModelFileWithNodeLlamaCpp,
    resolveResolverOptions(options),
  );
  const fileInfo = await inspectGptOssModelFile(path);
  signal?.throwIfAborted();
  // The engine is node-llama-cpp's `Llama`, which the public type only stands for.
  const llama = (options.llama as Llama | undefined) ?? (await createCpuLlama(options));
  const release = async (model?: LlamaModel) => {
    await model?.dispose();
    if (options.llama === undefined) await llama.dispose();
  };
  const onLoadProgress = loadProgressListener(options, path);
  let model: LlamaModel;
  try {
    signal?.throwIfAborted();
    model = await llama.loadModel({
      modelPath: path,
      gpuLayers: options.llama === undefined ? 0 : 'auto',
      ...(onLoadProgress === undefined ? {} : { onLoadProgress }),
      ...(signal === undefined ? {} : { loadSignal: signal }),
    });
  } catch (error) {
    await release();
    if (signal?.aborted === true) throw signal.reason;
    throw new BackendError(`llama.cpp could not load ${path}: ${String(error)}`, {
      kind: 'model_invalid',
      cause: error,
    });
  }
  try {
    // An abort that came too late to stop llama.cpp still cancels the call.
    signal?.throwIfAborted();
    assertHarmonyVocabulary(model, path);
  } catch (error) {
    await release(model);
    throw error;
  }
  return new LlamaCppModel({ llama, model, path, fileInfo, ownsLlama: options.llama === undefined });
}

/** The largest delay Node's timers accept. */
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

function resolveResolverOptions(options: LoadLlamaCppModelOptions): ModelFileResolverOptions {
  const networkTimeoutMs = options.networkTimeoutMs ?? DEFAULT_NETWORK_TIMEOUT_MS;
  if (!Number.isInteger(networkTimeoutMs) || networkTimeoutMs <= 0 || networkTimeoutMs > MAX_TIMEOUT_MS) {
    throw new ConfigurationError(
      `networkTimeoutMs must be a whole number of milliseconds from 1 to ${MAX_TIMEOUT_MS}, got ${networkTimeoutMs}`,
    );
  }
  return {
    directory: options.modelsDirectory,
    showProgressBar: options.showDownloadProgressBar ?? false,
    onProgress: options.onDownloadProgress,
    signal: options.signal,
    huggingFaceEndpoint: resolveHuggingFaceEndpoint(options.huggingFaceEndpoint),
    networkTimeoutMs,
  };
}

/** `onLoadProgress`, plus the progress bar when `showLoadProgressBar` is set. */
function loadProgressListener(
  options: LoadLlamaCppModelOptions,
  path: string,
): ((progress: number) => void) | undefined {
  const listener = options.onLoadProgress;
  if (options.showLoadProgressBar !== true) return listener;
  const bar = createProgressBar(`Loading ${basename(path)}`, process.stderr);
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
