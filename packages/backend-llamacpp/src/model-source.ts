/**
 * Where a model URI is fetched from: the URLs node-llama-cpp's downloader contacts first for `hf:` URIs and
 * `http(s)://` URLs, so they can be checked with a bounded request before the download starts.
 */

import { ConfigurationError } from '@harmony-agents/core';

/** The Hugging Face endpoint used when neither the option nor an environment variable sets one. */
export const DEFAULT_HUGGING_FACE_ENDPOINT = 'https://huggingface.co/';

/**
 * What a model URI points at:
 * - `file`: one file URL (`hf:<owner>/<repo>/<path>.gguf[#<branch>]`, or an `http(s)://` URL);
 * - `tag`: a Hugging Face repository and quantization tag (`hf:<owner>/<repo>[:<tag>]`), resolved to a file
 *   through the repository's manifest;
 * - `other`: a form node-llama-cpp resolves without a network request of its own (nothing to check).
 */
export type ModelSource =
  | { readonly type: 'file'; readonly uri: string; readonly url: string }
  | {
      readonly type: 'tag';
      readonly uri: string;
      readonly manifestUrl: string;
      /** Builds the download URL of a file of the repository named by the manifest. */
      readonly fileUrl: (fileName: string) => string;
    }
  | { readonly type: 'other'; readonly uri: string };

const HUGGING_FACE_PREFIXES = ['hf://', 'huggingface://', 'hf:', 'huggingface:'] as const;

function isHttpUrl(text: string): boolean {
  if (!/^https?:\/\//iu.test(text)) return false;
  return URL.canParse(text);
}

function withTrailingSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}

/**
 * The Hugging Face endpoint, as node-llama-cpp chooses it: the option, else `MODEL_ENDPOINT`, else
 * `HF_ENDPOINT` (each only when it is an `http(s)://` URL), else `https://huggingface.co/`.
 * @throws {@link ConfigurationError} when `option` is given and is not an `http(s)://` URL.
 */
export function resolveHuggingFaceEndpoint(
  option: string | undefined,
  environment: Readonly<Record<string, string | undefined>> = process.env,
): string {
  if (option !== undefined) {
    if (!isHttpUrl(option)) {
      throw new ConfigurationError(`huggingFaceEndpoint must be an http:// or https:// URL, got ${option}`);
    }
    return withTrailingSlash(option);
  }
  for (const value of [environment.MODEL_ENDPOINT, environment.HF_ENDPOINT]) {
    if (value !== undefined && isHttpUrl(value)) return withTrailingSlash(value);
  }
  return DEFAULT_HUGGING_FACE_ENDPOINT;
}

function encodePath(path: string): string {
  return path
    .split('/')
    .map((part) => encodeURIComponent(part))
    .join('/');
}

/** Reads a model URI the way node-llama-cpp's `parseModelUri` does, for the forms it downloads. */
export function parseModelSource(uri: string, huggingFaceEndpoint: string): ModelSource {
  if (isHttpUrl(uri)) return { type: 'file', uri, url: uri };
  const prefix = HUGGING_FACE_PREFIXES.find((candidate) => uri.toLowerCase().startsWith(candidate));
  if (prefix === undefined) return { type: 'other', uri };
  const [owner = '', repository = '', ...rest] = uri.slice(prefix.length).split('/');
  if (owner === '' || repository === '') return { type: 'other', uri };
  const repositoryUrl = `${huggingFaceEndpoint}${encodeURIComponent(owner)}/`;
  const filePath = rest.join('/');
  if (filePath === '' || repository.includes(':')) {
    const [name = '', ...tagParts] = repository.split(':');
    const tag = tagParts.join(':').trim() || 'latest';
    const base = `${repositoryUrl}${encodeURIComponent(name)}`;
    return {
      type: 'tag',
      uri,
      manifestUrl: `${huggingFaceEndpoint}v2/${encodeURIComponent(owner)}/${encodeURIComponent(name)}/manifests/${encodeURIComponent(tag)}`,
      fileUrl: (fileName) => `${base}/resolve/main/${encodePath(fileName)}?download=true`,
    };
  }
  const hash = filePath.indexOf('#');
  const path = hash < 0 ? filePath : filePath.slice(0, hash);
  const branch = (hash < 0 ? '' : filePath.slice(hash + 1)) || 'main';
  return {
    type: 'file',
    uri,
    url: `${repositoryUrl}${encodeURIComponent(repository)}/resolve/${encodeURIComponent(branch)}/${encodePath(path)}?download=true`,
  };
}
