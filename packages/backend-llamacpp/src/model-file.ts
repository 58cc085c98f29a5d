/**
 * Finding a model file (a path, or a URI that node-llama-cpp downloads) and checking its GGUF header before
 * anything is loaded.
 */

import { statSync } from 'node:fs';
import { resolve as resolvePath } from 'node:path';
import { BackendError, isHarmonyAgentsError, ModelDownloadError } from '@harmony-agents/core';
import { type GgufFileInfo, readGgufFileInfo, resolveModelFile } from 'node-llama-cpp';
import { parseModelSource } from './model-source.js';
import { checkModelSource, type ModelSourceCheck, networkFailureReason } from './model-source-check.js';
import { createProgressBar } from './progress-bar.js';

/** Download progress of a model file. */
export interface ModelDownloadProgress {
  /** Bytes downloaded so far. */
  readonly downloadedBytes: number;
  /** Total bytes to download. */
  readonly totalBytes: number;
}

/** What a {@link ModelFileResolver} receives besides the URI. */
export interface ModelFileResolverOptions {
  /** Where downloads go and where already downloaded files are found. */
  readonly directory: string | undefined;
  /** Write a plain-text download progress bar on standard error. */
  readonly showProgressBar: boolean;
  /** Called as bytes arrive. */
  readonly onProgress: ((progress: ModelDownloadProgress) => void) | undefined;
  /** Cancels resolving and downloading. */
  readonly signal: AbortSignal | undefined;
  /** The Hugging Face endpoint `hf:` URIs resolve against, ending with `/`. */
  readonly huggingFaceEndpoint: string;
  /** How long to wait for the model's host to answer before a download, in milliseconds. */
  readonly networkTimeoutMs: number;
}

/** Resolves a model URI to a local file path, downloading it if needed. Injectable for tests. */
export type ModelFileResolver = (uri: string, options: ModelFileResolverOptions) => Promise<string>;

/** Settles like `promise`, or rejects with the signal's reason as soon as it aborts. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return promise;
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    if (signal.aborted) {
      onAbort();
    } else {
      signal.addEventListener('abort', onAbort, { once: true });
    }
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

function downloadProgressListener(
  uri: string,
  options: ModelFileResolverOptions,
): ((status: { totalSize: number; downloadedSize: number }) => void) | undefined {
  const listener = options.onProgress;
  const bar = options.showProgressBar ? createProgressBar(`Downloading ${uri}`, process.stderr) : undefined;
  if (listener === undefined && bar === undefined) return undefined;
  return ({ downloadedSize, totalSize }) => {
    if (totalSize > 0) bar?.(downloadedSize / totalSize);
    listener?.({ downloadedBytes: downloadedSize, totalBytes: totalSize });
  };
}

/** A failure of node-llama-cpp's downloader, typed. */
function downloadFailure(uri: string, error: unknown, check: ModelSourceCheck): Error {
  const reason = networkFailureReason(error);
  const message = error instanceof Error ? error.message : String(error);
  if (reason === 'http_status') {
    const { statusCode, url } = error as { statusCode: number; url?: unknown };
    // No `cause`: the downloader's error carries the request headers, an access token among them.
    return new ModelDownloadError(
      `Could not download the model ${uri}: ${typeof url === 'string' ? url : 'the server'} answered HTTP ${statusCode}`,
      { uri, reason, status: statusCode, ...(typeof url === 'string' ? { url } : {}) },
    );
  }
  if (reason !== undefined) {
    return new ModelDownloadError(`Could not download the model ${uri}: ${message}`, {
      uri,
      reason,
      cause: error,
    });
  }
  if (check.needsCredentials !== undefined) {
    const { url, status } = check.needsCredentials;
    return new ModelDownloadError(
      `Could not download the model ${uri}: ${url} answered HTTP ${status} (a gated or private repository? Set HF_TOKEN)`,
      { uri, reason: 'http_status', status, url, cause: error },
    );
  }
  return new BackendError(`Could not resolve the model ${uri}: ${message}`, {
    kind: 'model_not_found',
    cause: error,
  });
}

/**
 * The default resolver: node-llama-cpp's `resolveModelFile`, made to fail fast and to stop when aborted.
 *
 * 1. A file already in the models directory is used without any network request.
 * 2. Otherwise one bounded request (`networkTimeoutMs`) checks the first URL the download needs.
 * 3. Then node-llama-cpp downloads, without its own console output; the promise rejects as soon as `signal`
 *    aborts, whatever stage the downloader is in.
 *
 * @throws {@link ModelDownloadError} when the host cannot be reached or answers with an error status;
 * {@link BackendError} `model_not_found` for other resolution failures; the signal's reason when aborted.
 */
export const resolveModelFileWithNodeLlamaCpp: ModelFileResolver = async (uri, options) => {
  const base = {
    ...(options.directory === undefined ? {} : { directory: options.directory }),
    endpoints: { huggingFace: options.huggingFaceEndpoint },
    cli: false,
  };
  options.signal?.throwIfAborted();
  const cached = await resolveModelFile(uri, { ...base, download: false }).catch(() => undefined);
  options.signal?.throwIfAborted();
  if (cached !== undefined) return cached;
  const check = await checkModelSource(parseModelSource(uri, options.huggingFaceEndpoint), {
    timeoutMs: options.networkTimeoutMs,
    signal: options.signal,
  });
  const onProgress = downloadProgressListener(uri, options);
  try {
    return await untilAborted(
      resolveModelFile(uri, {
        ...base,
        ...(onProgress === undefined ? {} : { onProgress }),
        ...(options.signal === undefined ? {} : { signal: options.signal }),
      }),
      options.signal,
    );
  } catch (error) {
    if (options.signal?.aborted === true) throw options.signal.reason;
    throw downloadFailure(uri, error, check);
  }
};

/** Whether `model` is a URI (`hf:...`, `https://...`) rather than a file path. */
export function isModelUri(model: string): boolean {
  return /^[a-z][a-z0-9+.-]+:/iu.test(model) && !/^[a-z]:[\\/]/iu.test(model);
}

/**
 * Turns a path or URI into an existing local file path.
 * @throws {@link ModelDownloadError} when the URI's host cannot be reached or answers with an error status;
 * {@link BackendError} `model_not_found` when the file does not exist or the URI cannot be resolved;
 * the reason of `options.signal` when it aborted resolving or downloading.
 */
export async function locateModelFile(
  model: string,
  resolver: ModelFileResolver,
  options: ModelFileResolverOptions,
): Promise<string> {
  let path: string;
  if (isModelUri(model)) {
    try {
      path = await resolver(model, options);
    } catch (error) {
      // A cancelled download is the caller's doing, not a missing model: rethrow the signal's reason.
      if (options.signal?.aborted === true) throw options.signal.reason;
      if (isHarmonyAgentsError(error)) throw error;
      throw new BackendError(`Could not resolve the model ${model}: ${String(error)}`, {
        kind: 'model_not_found',
        cause: error,
      });
    }
  } else {
    path = resolvePath(model);
  }
  let isFile = false;
  try {
    isFile = statSync(path).isFile();
  } catch (error) {
    throw new BackendError(`Model file not found: ${path}`, { kind: 'model_not_found', cause: error });
  }
  if (!isFile) throw new BackendError(`Model path is not a file: ${path}`, { kind: 'model_not_found' });
  return path;
}

/** Bytes per block and elements per block of the ggml types gpt-oss GGUFs use (`ggml.c` type traits). */
const GGML_TYPE_LAYOUTS: ReadonlyMap<number, readonly [bytes: number, elements: number]> = new Map([
  [0, [4, 1]], // F32
  [1, [2, 1]], // F16
  [30, [2, 1]], // BF16
  [2, [18, 32]], // Q4_0
  [3, [20, 32]], // Q4_1
  [6, [22, 32]], // Q5_0
  [7, [24, 32]], // Q5_1
  [8, [34, 32]], // Q8_0
  [10, [84, 256]], // Q2_K
  [11, [110, 256]], // Q3_K
  [12, [144, 256]], // Q4_K
  [13, [176, 256]], // Q5_K
  [14, [210, 256]], // Q6_K
  [20, [18, 32]], // IQ4_NL
  [23, [136, 256]], // IQ4_XS
  [39, [17, 32]], // MXFP4
]);

/**
 * The smallest size the first file of a GGUF can have: the end of its last tensor. Tensors of types missing
 * from the table only count by their start.
 */
function minimumFileSize(tensors: GgufFileInfo['tensorInfo']): number {
  let end = 0;
  for (const tensor of tensors ?? []) {
    if (tensor.filePart !== undefined && tensor.filePart > 1) continue;
    const layout = GGML_TYPE_LAYOUTS.get(tensor.ggmlType);
    const elements = tensor.dimensions.reduce<number>((product, dimension) => product * Number(dimension), 1);
    const size = layout === undefined ? 0 : Math.ceil(elements / layout[1]) * layout[0];
    end = Math.max(end, Number(tensor.fileOffset) + size);
  }
  return end;
}

/** The facts read from a GGUF header that loading depends on. */
export interface GptOssModelFileInfo {
  /** `general.architecture`. */
  readonly architecture: string;
  /** `general.name`, when present. */
  readonly name: string | undefined;
  /** `gpt-oss.context_length`: the context the model was trained for. */
  readonly trainContextLength: number | undefined;
  /** Token ids in the vocabulary (rows of `token_embd.weight`; 201,088 for gpt-oss). */
  readonly vocabularySize: number;
}

/**
 * Reads the GGUF header (skipping the large tokenizer arrays) and checks that the model is a complete gpt-oss
 * model. Catching a truncated file here matters: a failed load inside llama.cpp leaks node-llama-cpp's
 * disposal guard, so the engine instance can no longer be disposed.
 * @throws {@link BackendError} `model_invalid` when the header cannot be read or the file is shorter than its
 * tensors, `model_not_gpt_oss` when `general.architecture` is not `gpt-oss`.
 */
export async function inspectGptOssModelFile(path: string): Promise<GptOssModelFileInfo> {
  let info: GgufFileInfo;
  try {
    info = await readGgufFileInfo(path, {
      readTensorInfo: true,
      sourceType: 'filesystem',
      logWarnings: false,
      ignoreKeys: ['tokenizer.ggml.tokens', 'tokenizer.ggml.token_type', 'tokenizer.ggml.merges'],
    });
  } catch (error) {
    throw new BackendError(`Not a readable GGUF file: ${path}: ${String(error)}`, {
      kind: 'model_invalid',
      cause: error,
    });
  }
  const general = info.metadata?.general as { architecture?: unknown; name?: unknown } | undefined;
  const architecture = typeof general?.architecture === 'string' ? general.architecture : undefined;
  if (architecture !== 'gpt-oss') {
    throw new BackendError(
      `${path} is a ${architecture ?? 'unknown'} model, not gpt-oss: harmony-agents needs a gpt-oss GGUF (general.architecture = "gpt-oss")`,
      { kind: 'model_not_gpt_oss' },
    );
  }
  const details = (info.metadata as Record<string, unknown>)['gpt-oss'] as
    | { context_length?: unknown }
    | undefined;
  const expectedSize = minimumFileSize(info.tensorInfo);
  const actualSize = statSync(path).size;
  if (actualSize < expectedSize) {
    throw new BackendError(
      `${path} is truncated: its tensors need ${expectedSize} bytes but the file has ${actualSize} (an interrupted download?)`,
      { kind: 'model_invalid' },
    );
  }
  const embedding = info.tensorInfo?.find((tensor) => tensor.name === 'token_embd.weight');
  const vocabularySize = Number(embedding?.dimensions[1] ?? 0);
  if (vocabularySize <= 0) {
    throw new BackendError(`${path} has no token_embd.weight tensor`, { kind: 'model_invalid' });
  }
  return {
    vocabularySize,
    architecture,
    name: typeof general?.name === 'string' ? general.name : undefined,
    trainContextLength: typeof details?.context_length === 'number' ? details.context_length : undefined,
  };
}
