import { mkdtempSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BackendError } from '@harmony-agents/core';
import { afterAll, describe, expect, it, vi } from 'vitest';
import {
  inspectGptOssModelFile,
  isModelUri,
  locateModelFile,
  type ModelFileResolverOptions,
} from './model-file.js';
import { GgufWriter } from './test-models/gguf-writer.js';
import { encodeTensor } from './test-models/tensor-encoding.js';

const directory = mkdtempSync(join(tmpdir(), 'model-file-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

const resolverOptions: ModelFileResolverOptions = {
  directory: '/models',
  showProgressBar: false,
  onProgress: undefined,
  signal: undefined,
  huggingFaceEndpoint: 'https://huggingface.co/',
  networkTimeoutMs: 10_000,
};

function writeHeaderOnlyModel(name: string, architecture: string): string {
  const path = join(directory, name);
  const writer = new GgufWriter()
    .setMetadata('general.architecture', { type: 'string', value: architecture })
    .setMetadata('general.name', { type: 'string', value: 'Header Only' })
    .setMetadata(`${architecture}.context_length`, { type: 'uint32', value: 4096 });
  writer.addTensor({
    name: 'token_embd.weight',
    shape: [2, 5],
    type: 'f32',
    data: encodeTensor('f32', new Float32Array(10)),
  });
  writer.write(path);
  return path;
}

async function rejection(promise: Promise<unknown>): Promise<BackendError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(BackendError);
  return error as BackendError;
}

describe('isModelUri', () => {
  it('tells URIs from paths', () => {
    expect(isModelUri('hf:ggml-org/gpt-oss-20b-GGUF/gpt-oss-20b-mxfp4.gguf')).toBe(true);
    expect(isModelUri('https://example.com/model.gguf')).toBe(true);
    expect(isModelUri('./models/model.gguf')).toBe(false);
    expect(isModelUri('/abs/model.gguf')).toBe(false);
    expect(isModelUri('C:\\models\\model.gguf')).toBe(false);
  });
});

describe('locateModelFile', () => {
  it('passes URIs to the resolver with the directory, progress callback and signal', async () => {
    const path = writeHeaderOnlyModel('resolved.gguf', 'gpt-oss');
    const onProgress = vi.fn();
    const resolver = vi.fn(async (_uri: string, options: ModelFileResolverOptions) => {
      options.onProgress?.({ downloadedBytes: 5, totalBytes: 10 });
      return path;
    });
    const signal = new AbortController().signal;
    const options = { ...resolverOptions, onProgress, signal };
    await expect(locateModelFile('hf:owner/repo/file.gguf', resolver, options)).resolves.toBe(path);
    expect(resolver).toHaveBeenCalledWith('hf:owner/repo/file.gguf', options);
    expect(onProgress).toHaveBeenCalledWith({ downloadedBytes: 5, totalBytes: 10 });
  });

  it('reports a failing resolver and a missing file as model_not_found', async () => {
    const failing = async () => {
      throw new TypeError('network down');
    };
    expect((await rejection(locateModelFile('hf:owner/repo/x.gguf', failing, resolverOptions))).kind).toBe(
      'model_not_found',
    );
    const unused = vi.fn();
    const missing = await rejection(locateModelFile(join(directory, 'nope.gguf'), unused, resolverOptions));
    expect(missing.kind).toBe('model_not_found');
    expect(missing.message).toContain('nope.gguf');
    expect(unused).not.toHaveBeenCalled();
    expect((await rejection(locateModelFile(directory, unused, resolverOptions))).kind).toBe(
      'model_not_found',
    );
  });
});

describe('locateModelFile when the download is cancelled', () => {
  it("rethrows the signal's reason, not model_not_found", async () => {
    const controller = new AbortController();
    const resolver = async (_uri: string, options: ModelFileResolverOptions) => {
      controller.abort(new Error('user cancelled'));
      throw options.signal?.reason;
    };
    const options = { ...resolverOptions, signal: controller.signal };
    await expect(locateModelFile('hf:owner/repo/file.gguf', resolver, options)).rejects.toThrow(
      'user cancelled',
    );
  });
});

describe('inspectGptOssModelFile', () => {
  it('reads architecture, name, trained context and vocabulary size', async () => {
    await expect(inspectGptOssModelFile(writeHeaderOnlyModel('ok.gguf', 'gpt-oss'))).resolves.toEqual({
      architecture: 'gpt-oss',
      name: 'Header Only',
      trainContextLength: 4096,
      vocabularySize: 5,
    });
  });

  it('rejects another architecture as model_not_gpt_oss', async () => {
    const error = await rejection(inspectGptOssModelFile(writeHeaderOnlyModel('llama.gguf', 'llama')));
    expect(error.kind).toBe('model_not_gpt_oss');
    expect(error.message).toContain('llama model, not gpt-oss');
  });

  it('rejects a file shorter than its tensors as model_invalid', async () => {
    const path = writeHeaderOnlyModel('short.gguf', 'gpt-oss');
    truncateSync(path, statSync(path).size - 32); // 24 bytes of final padding, then 8 of tensor data
    const error = await rejection(inspectGptOssModelFile(path));
    expect(error.kind).toBe('model_invalid');
    expect(error.message).toMatch(/truncated: its tensors need \d+ bytes but the file has \d+/);
  });

  it('rejects a file that is not GGUF as model_invalid', async () => {
    const path = join(directory, 'corrupt.gguf');
    writeFileSync(path, Buffer.from('this is not a gguf file at all, just text'));
    expect((await rejection(inspectGptOssModelFile(path))).kind).toBe('model_invalid');
  });
});
