/**
 * Finding a model file (a path, or a URI that node-llama-cpp downloads) and checking its GGUF header before
 * anything is loaded.
 */

import { statSync } from 'node:fs';
import { resolve as resolvePath } from 'node:path';
import { BackendError } from '@harmony-agents/core';
import { type GgufFileInfo, readGgufFileInfo, resolveModelFile } from 'node-llama-cpp';

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
  /** Show node-llama-cpp's console progress bar while downloading. */
  readonly showProgressBar: boolean;
  /** Called as bytes arrive. */
  readonly onProgress: ((progress: ModelDownloadProgress) => void) | undefined;
  /** Cancels the download. */
  readonly signal: AbortSignal | undefined;
}

/** Resolves a model URI to a local file path, downloading it if needed. Injectable for tests. */
export type ModelFileResolver = (uri: string, options: ModelFileResolverOptions) => Promise<string>;

/** The default resolver: node-llama-cpp's `resolveModelFile`. */
export const resolveModelFileWithNodeLlamaCpp: ModelFileResolver = (uri, options) =>
  resolveModelFile(uri, {
    ...(options.directory === undefined ? {} : { directory: options.directory }),
    cli: options.showProgressBar,
    ...(options.onProgress === undefined
      ? {}
      : {
          onProgress: ({ downloadedSize, totalSize }: { downloadedSize: number; totalSize: number }) =>
            options.onProgress?.({ downloadedBytes: downloadedSize, totalBytes: totalSize }),
        }),
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  });

/** Whether `model` is a URI (`hf:...`, `https://...`) rather than a file path. */
export function isModelUri(model: string): boolean {
  return /^[a-z][a-z0-9+.-]+:/iu.test(model) && !/^[a-z]:[\\/]/iu.test(model);
}

/**
 * Turns a path or URI into an existing local file path.
 * @throws {@link BackendError} `model_not_found` when the file does not exist or the URI cannot be resolved;
 * the reason of `options.signal` when it aborted the download.
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
