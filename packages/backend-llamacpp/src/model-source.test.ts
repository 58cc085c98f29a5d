import { ConfigurationError } from '@harmony-agents/core';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_HUGGING_FACE_ENDPOINT,
  parseModelSource,
  resolveHuggingFaceEndpoint,
} from './model-source.js';

const endpoint = 'http://127.0.0.1:8080/';

describe('resolveHuggingFaceEndpoint', () => {
  it('takes the option, then MODEL_ENDPOINT, then HF_ENDPOINT, then huggingface.co, as node-llama-cpp does', () => {
    const environment = { MODEL_ENDPOINT: 'http://model.test', HF_ENDPOINT: 'http://hf.test/' };
    expect(resolveHuggingFaceEndpoint('http://option.test/mirror', environment)).toBe(
      'http://option.test/mirror/',
    );
    expect(resolveHuggingFaceEndpoint(undefined, environment)).toBe('http://model.test/');
    expect(resolveHuggingFaceEndpoint(undefined, { HF_ENDPOINT: 'http://hf.test/' })).toBe('http://hf.test/');
    expect(resolveHuggingFaceEndpoint(undefined, { HF_ENDPOINT: 'not a url' })).toBe(
      DEFAULT_HUGGING_FACE_ENDPOINT,
    );
    expect(resolveHuggingFaceEndpoint(undefined, {})).toBe('https://huggingface.co/');
  });

  it('rejects an option that is not an http(s) URL', () => {
    expect(() => resolveHuggingFaceEndpoint('ftp://mirror.test/', {})).toThrow(ConfigurationError);
    expect(() => resolveHuggingFaceEndpoint('huggingface.co', {})).toThrow(/huggingFaceEndpoint/);
  });
});

describe('parseModelSource', () => {
  it('maps a file URI to its resolve URL on the endpoint, with the branch after #', () => {
    expect(parseModelSource('hf:ggml-org/gpt-oss-20b-GGUF/gpt-oss-20b-mxfp4.gguf', endpoint)).toEqual({
      type: 'file',
      uri: 'hf:ggml-org/gpt-oss-20b-GGUF/gpt-oss-20b-mxfp4.gguf',
      url: `${endpoint}ggml-org/gpt-oss-20b-GGUF/resolve/main/gpt-oss-20b-mxfp4.gguf?download=true`,
    });
    expect(parseModelSource('hf://owner/repo/sub dir/model.gguf#dev', endpoint)).toMatchObject({
      type: 'file',
      url: `${endpoint}owner/repo/resolve/dev/sub%20dir/model.gguf?download=true`,
    });
  });

  it('maps a repository with a tag to its manifest, and the manifest file to its URL', () => {
    const source = parseModelSource('hf:owner/model-GGUF:Q4_K_M', endpoint);
    expect(source.type).toBe('tag');
    if (source.type !== 'tag') return;
    expect(source.manifestUrl).toBe(`${endpoint}v2/owner/model-GGUF/manifests/Q4_K_M`);
    expect(source.fileUrl('model.Q4_K_M.gguf')).toBe(
      `${endpoint}owner/model-GGUF/resolve/main/model.Q4_K_M.gguf?download=true`,
    );
    expect(parseModelSource('huggingface:owner/model-GGUF', endpoint)).toMatchObject({
      manifestUrl: `${endpoint}v2/owner/model-GGUF/manifests/latest`,
    });
  });

  it('keeps http(s) URLs, and leaves other forms to node-llama-cpp', () => {
    expect(parseModelSource('https://example.test/m.gguf', endpoint)).toEqual({
      type: 'file',
      uri: 'https://example.test/m.gguf',
      url: 'https://example.test/m.gguf',
    });
    expect(parseModelSource('file:model.gguf', endpoint).type).toBe('other');
    expect(parseModelSource('hf:owner', endpoint).type).toBe('other');
  });
});
