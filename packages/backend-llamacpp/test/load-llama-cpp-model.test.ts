/**
 * Loading models: paths, URIs through an injected resolver, and typed errors for bad files.
 */

import { copyFileSync, mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { BackendError } from '@harmony-agents/core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type LlamaCppModel, loadLlamaCppModel, type ModelFileResolverOptions } from '../src/index.js';
import { encodeTensor, GgufWriter, getTinyGptOssModel } from '../src/test-models/index.js';

const directory = mkdtempSync(join(tmpdir(), 'load-model-'));
let modelPath: string;
let model: LlamaCppModel;

beforeAll(async () => {
  modelPath = (await getTinyGptOssModel()).path;
  const onLoadProgress = vi.fn();
  const resolver = vi.fn(async (_uri: string, _options: ModelFileResolverOptions) => modelPath);
  model = await loadLlamaCppModel({
    model: 'hf:example/tiny-gpt-oss-GGUF/tiny.gguf',
    modelsDirectory: join(directory, 'models'),
    resolveModelFile: resolver,
    onLoadProgress,
  });
  expect(resolver).toHaveBeenCalledWith('hf:example/tiny-gpt-oss-GGUF/tiny.gguf', {
    directory: join(directory, 'models'),
    showProgressBar: false,
    onProgress: undefined,
    signal: undefined,
    huggingFaceEndpoint: 'https://huggingface.co/',
    networkTimeoutMs: 10_000,
  });
  // node-llama-cpp delivers load progress from the loading thread asynchronously: it may arrive after the load.
  await vi.waitFor(() => expect(onLoadProgress).toHaveBeenCalled(), { timeout: 10_000 });
});
afterAll(async () => {
  await model?.dispose();
  rmSync(directory, { recursive: true, force: true });
});

async function loadError(path: string): Promise<BackendError> {
  const error = await loadLlamaCppModel({ model: path, llama: model.llama }).then(
    async (loaded) => {
      await loaded.dispose();
      return undefined;
    },
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(BackendError);
  return error as BackendError;
}

describe('loadLlamaCppModel', () => {
  it('loads a model URI through the resolver, on the CPU', () => {
    expect(model.path).toBe(modelPath);
    expect(model.llama.gpu).toBe(false);
    expect(model.fileInfo.architecture).toBe('gpt-oss');
  });

  it('reports a missing file as model_not_found', async () => {
    expect((await loadError(join(directory, 'missing.gguf'))).kind).toBe('model_not_found');
  });

  it('reports a file that is not GGUF as model_invalid', async () => {
    const path = join(directory, 'text.gguf');
    writeFileSync(path, 'definitely not a model');
    expect((await loadError(path)).kind).toBe('model_invalid');
  });

  it('reports another architecture as model_not_gpt_oss, before loading', async () => {
    const path = join(directory, 'llama.gguf');
    const writer = new GgufWriter().setMetadata('general.architecture', { type: 'string', value: 'llama' });
    writer.addTensor({
      name: 'token_embd.weight',
      shape: [1, 1],
      type: 'f32',
      data: encodeTensor('f32', new Float32Array(1)),
    });
    writer.write(path);
    const error = await loadError(path);
    expect(error.kind).toBe('model_not_gpt_oss');
    expect(error.message).toMatch(/llama model, not gpt-oss/);
  });

  it('reports a truncated gpt-oss file as model_invalid, before loading', async () => {
    const path = join(directory, 'truncated.gguf');
    copyFileSync(modelPath, path);
    truncateSync(path, 20 * 1024 * 1024);
    const error = await loadError(path);
    expect(error.kind).toBe('model_invalid');
    expect(error.message).toMatch(/truncated\.gguf is truncated/);
  });

  it('reports a gpt-oss file llama.cpp cannot load as model_invalid, without crashing', async () => {
    const path = join(directory, 'incomplete.gguf');
    const writer = new GgufWriter().setMetadata('general.architecture', { type: 'string', value: 'gpt-oss' });
    writer.addTensor({
      name: 'token_embd.weight',
      shape: [1, 1],
      type: 'f32',
      data: encodeTensor('f32', new Float32Array(1)),
    });
    writer.write(path);
    // A separate engine instance: a failed native load leaves node-llama-cpp's instance impossible to dispose.
    const error = await loadLlamaCppModel({ model: path }).catch((reason: unknown) => reason);
    expect(error).toBeInstanceOf(BackendError);
    expect((error as BackendError).kind).toBe('model_invalid');
    expect((error as BackendError).message).toContain('llama.cpp could not load');
  });

  it("rethrows an aborted signal's reason instead of reporting a model error", async () => {
    const reason = new Error('loading cancelled');
    await expect(
      loadLlamaCppModel({ model: modelPath, llama: model.llama, signal: AbortSignal.abort(reason) }),
    ).rejects.toBe(reason);
  });

  it('disposes the model and its backends (loading with a progress bar)', async () => {
    const written: string[] = [];
    const write = vi.spyOn(process.stderr, 'write').mockImplementation((text) => {
      written.push(String(text));
      return true;
    });
    const bar = () => written.filter((text) => text.includes(`Loading ${basename(modelPath)} [`));
    const second = await loadLlamaCppModel({
      model: modelPath,
      llama: model.llama,
      showLoadProgressBar: true,
    })
      // Progress arrives asynchronously from the loading thread, possibly after the load resolved.
      .then(async (loaded) => {
        await vi.waitFor(() => expect(bar().at(-1)).toMatch(/100%\n$/u), { timeout: 10_000 });
        return loaded;
      })
      .finally(() => write.mockRestore());
    const backend = second.createBackend({ contextSize: 256, batchSize: 32, threads: 1 });
    await backend.initialize();
    await second.dispose();
    expect(second.disposed).toBe(true);
    expect(() => second.createBackend()).toThrow(BackendError);
    expect(model.llama.disposed).toBe(false);
  });
});
