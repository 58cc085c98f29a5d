/**
 * `loadLlamaCppModel` with `hf:` URIs through node-llama-cpp's real downloader, against a Hugging Face
 * endpoint on 127.0.0.1: a download that works (and then works offline from the cache), hosts that refuse,
 * fail or stall, and an abort at every stage. Without network, each failure is typed and comes at once;
 * the test timeouts are only guards (before the bounded check, these tests hung for 12 minutes).
 */

import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ModelDownloadError } from '@harmony-agents/core';
import type { Llama } from 'node-llama-cpp';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadLlamaCppModel } from '../src/index.js';
import { getTinyGptOssModel } from '../src/test-models/index.js';
import {
  type LoopbackModelHost,
  refusingEndpoint,
  serveFile,
  startLoopbackModelHost,
} from './loopback-model-host.js';

const URI = 'hf:owner/tiny-gpt-oss-GGUF/tiny.gguf';
const FILE_PATH = '/owner/tiny-gpt-oss-GGUF/resolve/main/tiny.gguf';
const directory = mkdtempSync(join(tmpdir(), 'model-download-'));
let modelPath: string;
let host: LoopbackModelHost | undefined;
let counter = 0;
const modelsDirectory = () => join(directory, `models-${counter++}`);

beforeAll(async () => {
  modelPath = (await getTinyGptOssModel()).path;
});
afterEach(async () => {
  await host?.close();
  host = undefined;
});
afterAll(() => rmSync(directory, { recursive: true, force: true }));

async function downloadError(options: Parameters<typeof loadLlamaCppModel>[0]): Promise<ModelDownloadError> {
  const error = await loadLlamaCppModel(options).then(
    async (model) => {
      await model.dispose();
      return undefined;
    },
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(ModelDownloadError);
  return error as ModelDownloadError;
}

describe('loadLlamaCppModel with an hf: URI', () => {
  it('downloads into modelsDirectory with a plain progress bar, then loads from the cache offline', async () => {
    host = await startLoopbackModelHost((request, response) => {
      if (request.url?.split('?')[0] === FILE_PATH) serveFile(response, request, modelPath);
      else response.writeHead(404).end();
    });
    const models = modelsDirectory();
    const stderr: string[] = [];
    const stdout: string[] = [];
    const writeErr = vi.spyOn(process.stderr, 'write').mockImplementation((text) => {
      stderr.push(String(text));
      return true;
    });
    const writeOut = vi.spyOn(process.stdout, 'write').mockImplementation((text) => {
      stdout.push(String(text));
      return true;
    });
    const progress: number[] = [];
    let model: Awaited<ReturnType<typeof loadLlamaCppModel>>;
    try {
      model = await loadLlamaCppModel({
        model: URI,
        modelsDirectory: models,
        huggingFaceEndpoint: host.endpoint,
        showDownloadProgressBar: true,
        onDownloadProgress: ({ downloadedBytes, totalBytes }) => progress.push(downloadedBytes / totalBytes),
      });
    } finally {
      writeErr.mockRestore();
      writeOut.mockRestore();
    }
    expect(model.path.startsWith(models)).toBe(true);
    expect(readdirSync(models)).toEqual(['hf_owner_tiny-gpt-oss-GGUF_tiny.gguf']);
    expect(progress.at(-1)).toBe(1);
    // Not a terminal (spied streams): one plain line per 10% at most, no spinner, no colour, nothing on stdout.
    const bar = stderr.join('').split('\n').filter(Boolean);
    expect(bar.length).toBeGreaterThan(0);
    expect(bar.length).toBeLessThanOrEqual(11);
    expect(bar.every((line) => line.startsWith(`Downloading ${URI} [`))).toBe(true);
    expect(stderr.join('')).not.toContain('\r');
    expect(stderr.join('')).not.toContain('\u001b');
    expect(stdout).toEqual([]);
    await model.dispose();

    await host.close();
    host = undefined;
    const cached = await loadLlamaCppModel({
      model: URI,
      modelsDirectory: models,
      huggingFaceEndpoint: await refusingEndpoint(),
    });
    expect(cached.path).toBe(model.path);
    await cached.dispose();
  });

  it('fails with connection_refused when nothing listens at the endpoint', async () => {
    const endpoint = await refusingEndpoint();
    const error = await downloadError({
      model: URI,
      modelsDirectory: modelsDirectory(),
      huggingFaceEndpoint: endpoint,
    });
    expect(error.reason).toBe('connection_refused');
    expect(error.uri).toBe(URI);
    expect(error.message).toContain('refused the connection');
  });

  it.each([404, 500])('fails with http_status %i', async (status) => {
    host = await startLoopbackModelHost((_request, response) => response.writeHead(status).end());
    const error = await downloadError({
      model: URI,
      modelsDirectory: modelsDirectory(),
      huggingFaceEndpoint: host.endpoint,
    });
    expect(error.reason).toBe('http_status');
    expect(error.status).toBe(status);
  });

  it('fails with http_status 404 for a quantization tag the repository does not have', async () => {
    host = await startLoopbackModelHost((_request, response) => response.writeHead(404).end());
    const error = await downloadError({
      model: 'hf:owner/tiny-gpt-oss-GGUF:Q2_K',
      modelsDirectory: modelsDirectory(),
      huggingFaceEndpoint: host.endpoint,
    });
    expect(error.status).toBe(404);
    expect(host.requests).toEqual(['/v2/owner/tiny-gpt-oss-GGUF/manifests/Q2_K']);
  });

  it('fails with timeout when the host never answers', async () => {
    host = await startLoopbackModelHost(() => undefined);
    const error = await downloadError({
      model: URI,
      modelsDirectory: modelsDirectory(),
      huggingFaceEndpoint: host.endpoint,
      networkTimeoutMs: 200,
    });
    expect(error.reason).toBe('timeout');
  });

  it('rejects with the abort reason when aborted while the URI is being resolved', async () => {
    const controller = new AbortController();
    const reason = new Error('cancelled while resolving');
    host = await startLoopbackModelHost(() => controller.abort(reason));
    await expect(
      loadLlamaCppModel({
        model: URI,
        modelsDirectory: modelsDirectory(),
        huggingFaceEndpoint: host.endpoint,
        networkTimeoutMs: 600_000,
        signal: controller.signal,
      }),
    ).rejects.toBe(reason);
  });

  it('rejects with the abort reason when aborted in the middle of the download', async () => {
    const controller = new AbortController();
    const reason = new Error('cancelled while downloading');
    let checked = false;
    host = await startLoopbackModelHost((request, response) => {
      // The check before the download gets its byte; the downloader's requests stall after 1 MiB.
      if (!checked) {
        checked = true;
        serveFile(response, request, modelPath);
        return;
      }
      serveFile(response, request, modelPath, {
        stallAfterBytes: 1024 * 1024,
        onStall: () => controller.abort(reason),
      });
    });
    const models = modelsDirectory();
    await expect(
      loadLlamaCppModel({
        model: URI,
        modelsDirectory: models,
        huggingFaceEndpoint: host.endpoint,
        signal: controller.signal,
      }),
    ).rejects.toBe(reason);
    expect(host.requests.length).toBeGreaterThan(1);
  });

  it('rejects with the abort reason when aborted while llama.cpp loads, and the engine stays usable', async () => {
    const first = await loadLlamaCppModel({ model: modelPath });
    const llama = first.llama as Llama;
    const controller = new AbortController();
    const reason = new Error('cancelled while loading');
    const loadModel = llama.loadModel.bind(llama);
    // Abort once llama.cpp has started loading (whether it stops early or finishes, the call must reject).
    const spy = vi.spyOn(llama, 'loadModel').mockImplementation((options) => {
      const pending = loadModel(options);
      controller.abort(reason);
      return pending;
    });
    try {
      await expect(loadLlamaCppModel({ model: modelPath, llama, signal: controller.signal })).rejects.toBe(
        reason,
      );
      expect(spy).toHaveBeenCalledOnce();
    } finally {
      spy.mockRestore();
    }
    const again = await loadLlamaCppModel({ model: modelPath, llama });
    await again.dispose();
    await first.dispose();
    expect(llama.disposed).toBe(true);
  });

  it('rejects an invalid networkTimeoutMs or huggingFaceEndpoint before any request', async () => {
    await expect(loadLlamaCppModel({ model: URI, networkTimeoutMs: 0 })).rejects.toThrow(/networkTimeoutMs/);
    await expect(loadLlamaCppModel({ model: URI, huggingFaceEndpoint: 'mirror.test' })).rejects.toThrow(
      /huggingFaceEndpoint/,
    );
  });
});
