/**
 * The gpt-oss GGUFs the picker offers, where they come from and where they go, and what they need.
 */

import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/** A model the picker offers. */
export interface RecommendedModel {
  /** Shown in the picker. */
  readonly label: string;
  /** One line on why to choose it. */
  readonly note: string;
  /** The Hugging Face repository owner. */
  readonly owner: string;
  /** The Hugging Face repository. */
  readonly repository: string;
  /** The file in the repository. */
  readonly file: string;
  /** The download size as published (the server's `Content-Length` decides the real checks). */
  readonly approximateBytes: number;
}

/** The recommended gpt-oss GGUFs, the first being the default. */
export const RECOMMENDED_MODELS: readonly RecommendedModel[] = [
  {
    label: 'gpt-oss-20b MXFP4 (ggml-org)',
    note: "OpenAI's own MXFP4 weights, converted by llama.cpp's authors: the smallest and fastest",
    owner: 'ggml-org',
    repository: 'gpt-oss-20b-GGUF',
    file: 'gpt-oss-20b-mxfp4.gguf',
    approximateBytes: 12.1e9,
  },
  {
    label: 'gpt-oss-20b F16 (unsloth)',
    note: "the seed tutorial's file: MXFP4 experts, 16-bit attention and embeddings",
    owner: 'unsloth',
    repository: 'gpt-oss-20b-GGUF',
    file: 'gpt-oss-20b-F16.gguf',
    approximateBytes: 13.8e9,
  },
];

/** The KV cache of gpt-oss-20b per context token with a full sliding-window cache (48 KiB). */
const KV_BYTES_PER_TOKEN = 48 * 1024;
/** llama.cpp's compute buffers, the vocabulary and the process itself, roughly. */
const OVERHEAD_BYTES = 1.0e9;

/** Memory needed to chat with a model file of `fileBytes` at `contextSize` tokens, roughly. */
export function memoryNeeded(fileBytes: number, contextSize: number): number {
  return fileBytes + contextSize * KV_BYTES_PER_TOKEN + OVERHEAD_BYTES;
}

/** `12.1 GB` (decimal units, as download sizes are published). */
export function formatBytes(bytes: number): string {
  if (bytes >= 1e9) return `${(bytes / 1e9).toFixed(1)} GB`;
  if (bytes >= 1e6) return `${(bytes / 1e6).toFixed(1)} MB`;
  if (bytes >= 1e3) return `${(bytes / 1e3).toFixed(0)} kB`;
  return `${bytes} B`;
}

/** The folder models are downloaded to: `--models-dir`, `HARMONY_AGENTS_MODELS_DIR`, or the user's cache. */
export function modelsDirectory(
  option: string | undefined,
  environment: Readonly<Record<string, string | undefined>>,
  cwd: string,
): string {
  if (option !== undefined) return resolve(cwd, option);
  const variable = environment.HARMONY_AGENTS_MODELS_DIR;
  if (variable !== undefined && variable !== '') return resolve(cwd, variable);
  const cache = environment.XDG_CACHE_HOME;
  return join(
    cache !== undefined && cache !== '' ? cache : join(homedir(), '.cache'),
    'harmony-agents',
    'models',
  );
}

/** The Hugging Face endpoint: `HF_ENDPOINT` (a mirror) or huggingface.co, ending with `/`. */
export function huggingFaceEndpoint(environment: Readonly<Record<string, string | undefined>>): string {
  const value = environment.HF_ENDPOINT ?? environment.MODEL_ENDPOINT;
  const endpoint = value !== undefined && /^https?:\/\//u.test(value) ? value : 'https://huggingface.co/';
  return endpoint.endsWith('/') ? endpoint : `${endpoint}/`;
}

/** A file of a Hugging Face repository: where it is downloaded from and kept. */
export interface HuggingFaceFile {
  readonly owner: string;
  readonly repository: string;
  readonly file: string;
}

/** Reads `hf:<owner>/<repo>/<file>.gguf` (the one-file form); undefined for anything else. */
export function parseHuggingFaceFileUri(uri: string): HuggingFaceFile | undefined {
  const match = /^(?:hf|huggingface):(?:\/\/)?([^/\s]+)\/([^/\s:]+)\/([^#\s]+\.gguf)$/iu.exec(uri);
  if (match === null) return undefined;
  const [, owner = '', repository = '', file = ''] = match;
  return { owner, repository, file };
}

/** The download URL of a repository file. */
export function fileUrl(endpoint: string, source: HuggingFaceFile): string {
  const path = source.file.split('/').map(encodeURIComponent).join('/');
  return `${endpoint}${encodeURIComponent(source.owner)}/${encodeURIComponent(source.repository)}/resolve/main/${path}?download=true`;
}

/** Where a repository file is kept in the models folder. */
export function filePath(directory: string, source: HuggingFaceFile): string {
  return join(directory, source.owner, source.repository, ...source.file.split('/'));
}
