/**
 * The resumable download against a Hugging Face endpoint on 127.0.0.1: a dropped connection keeps the
 * partial file and the next attempt asks for the rest with `Range`; a server that stops sending times out; a
 * server that ignores `Range` starts over; too little disk is refused before a byte is written; and without
 * network the CLI says which file to fetch, where to put it and which flag to pass.
 */

import { createHash } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { PassThrough } from 'node:stream';
import { getTinyGptOssModel } from '@harmony-agents/backend-llamacpp/test-models';
import { ConfigurationError, ModelDownloadError } from '@harmony-agents/core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  type LoopbackModelHost,
  refusingEndpoint,
  serveFile,
  startLoopbackModelHost,
} from '../../backend-llamacpp/test/loopback-model-host.js';
import { downloadModelFile, partialBytes, partialPath } from '../src/model-download.js';
import { runCli } from '../src/run-cli.js';
import { SYSTEM_RESOURCES, type SystemResources } from '../src/system-resources.js';

const folder = mkdtempSync(join(tmpdir(), 'cli-download-'));
let source: string;
let sourceHash: string;
let host: LoopbackModelHost | undefined;
let counter = 0;
const target = () => join(folder, `run-${counter++}`, 'model.gguf');
const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

beforeAll(async () => {
  source = (await getTinyGptOssModel()).path;
  sourceHash = sha256(source);
});
afterEach(async () => {
  await host?.close();
  host = undefined;
});
afterAll(() => rmSync(folder, { recursive: true, force: true }));

async function downloadError(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (error: unknown) => error,
  );
}

describe('downloadModelFile', () => {
  it('keeps what arrived when the connection drops, then resumes with a Range request', async () => {
    const cut = 5_000_000;
    const ranges: (string | undefined)[] = [];
    host = await startLoopbackModelHost((request, response) => {
      ranges.push(request.headers.range);
      if (ranges.length === 1) {
        // The connection ends after `cut` bytes: the client gets them, then the end of a short body.
        serveFile(response, request, source, { stallAfterBytes: cut, onStall: () => response.socket?.end() });
      } else {
        serveFile(response, request, source);
      }
    });
    const path = target();
    const url = `${host.endpoint}model.gguf`;
    const first = await downloadError(
      downloadModelFile({ uri: 'hf:o/r/model.gguf', url, path, resources: SYSTEM_RESOURCES }),
    );
    expect(first).toBeInstanceOf(ModelDownloadError);
    expect((first as ModelDownloadError).reason).toBe('network');
    expect((first as ModelDownloadError).message).toMatch(
      /the connection (broke|ended) at [\d.]+ MB of [\d.]+ MB/u,
    );
    expect(existsSync(path)).toBe(false);
    const kept = partialBytes(path);
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThanOrEqual(cut);

    const progress: number[] = [];
    const result = await downloadModelFile({
      uri: 'hf:o/r/model.gguf',
      url,
      path,
      resources: SYSTEM_RESOURCES,
      onProgress: (downloaded) => progress.push(downloaded),
    });
    expect(ranges).toEqual([undefined, `bytes=${kept}-`]);
    expect(result).toEqual({ path, bytes: statSync(source).size, resumedFrom: kept });
    expect(progress[0]).toBe(kept);
    expect(sha256(path)).toBe(sourceHash);
    expect(existsSync(partialPath(path))).toBe(false);
  });

  it('times out when the server stops sending, keeping the partial file', async () => {
    host = await startLoopbackModelHost((request, response) =>
      serveFile(response, request, source, { stallAfterBytes: 1_000_000 }),
    );
    const path = target();
    const error = await downloadError(
      downloadModelFile({
        uri: 'hf:o/r/model.gguf',
        url: `${host.endpoint}m.gguf`,
        path,
        resources: SYSTEM_RESOURCES,
        timeoutMs: 500,
      }),
    );
    expect(error).toBeInstanceOf(ModelDownloadError);
    expect((error as ModelDownloadError).reason).toBe('timeout');
    expect(partialBytes(path)).toBe(1_000_000);
  });

  it('starts over when the server ignores Range', async () => {
    host = await startLoopbackModelHost((request, response) => {
      delete request.headers.range;
      serveFile(response, request, source);
    });
    const path = target();
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(partialPath(path), 'stale bytes of another attempt');
    const result = await downloadModelFile({
      uri: 'u',
      url: `${host.endpoint}m.gguf`,
      path,
      resources: SYSTEM_RESOURCES,
    });
    expect(result.resumedFrom).toBe(0);
    expect(sha256(path)).toBe(sourceHash);
  });

  it('refuses a download the disk has no room for, before writing anything', async () => {
    host = await startLoopbackModelHost((request, response) => serveFile(response, request, source));
    const path = target();
    const resources: SystemResources = { ...SYSTEM_RESOURCES, freeDiskBytes: async () => 1_000_000 };
    const error = await downloadError(
      downloadModelFile({ uri: 'u', url: `${host.endpoint}m.gguf`, path, resources }),
    );
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toMatch(
      /^Not enough free disk space in .*: the download needs \d+\.\d MB more, 1\.0 MB are free/u,
    );
    expect(existsSync(partialPath(path))).toBe(false);
  });

  it('stops when aborted (Ctrl-C), keeping what arrived for the next attempt', async () => {
    host = await startLoopbackModelHost((request, response) =>
      serveFile(response, request, source, { stallAfterBytes: 2_000_000 }),
    );
    const path = target();
    const controller = new AbortController();
    const error = await downloadError(
      downloadModelFile({
        uri: 'u',
        url: `${host.endpoint}m.gguf`,
        path,
        resources: SYSTEM_RESOURCES,
        signal: controller.signal,
        onProgress: (downloaded) => {
          if (downloaded >= 2_000_000) controller.abort();
        },
      }),
    );
    expect(error).toBe(controller.signal.reason);
    expect(partialBytes(path)).toBe(2_000_000);
    expect(existsSync(path)).toBe(false);
  });

  it('names the HTTP status', async () => {
    host = await startLoopbackModelHost((_request, response) => response.writeHead(404).end());
    const error = await downloadError(
      downloadModelFile({
        uri: 'u',
        url: `${host.endpoint}m.gguf`,
        path: target(),
        resources: SYSTEM_RESOURCES,
      }),
    );
    expect(error).toMatchObject({ reason: 'http_status', status: 404 });
  });
});

describe('harmony-agents chat --model hf:... without network', () => {
  it('says which file to download, where to put it and which flag to pass', async () => {
    const endpoint = await refusingEndpoint();
    const models = join(folder, 'offline-models');
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    const errors: string[] = [];
    stderr.on('data', (chunk: Buffer) => errors.push(chunk.toString()));
    const code = await runCli(['chat', '--model', 'hf:ggml-org/gpt-oss-20b-GGUF/gpt-oss-20b-mxfp4.gguf'], {
      stdin: new PassThrough(),
      stdout,
      stderr,
      env: { HF_ENDPOINT: endpoint, HARMONY_AGENTS_MODELS_DIR: models },
      cwd: folder,
      signals: new EventEmitter(),
    });
    expect(code).toBe(1);
    const path = join(models, 'ggml-org', 'gpt-oss-20b-GGUF', 'gpt-oss-20b-mxfp4.gguf');
    const port = new URL(endpoint).host;
    expect(errors.join('')).toBe(
      `Downloading gpt-oss-20b-mxfp4.gguf into ${models}\n` +
        `\nCould not download gpt-oss-20b-mxfp4.gguf: ${port}: the connection was refused\n` +
        'To chat without network, download this file on a machine that has network:\n' +
        `  ${endpoint}ggml-org/gpt-oss-20b-GGUF/resolve/main/gpt-oss-20b-mxfp4.gguf\n` +
        'put it here:\n' +
        `  ${path}\n` +
        'and run:\n' +
        `  harmony-agents chat --model ${path}\n` +
        `(a model in ${models} is found by the picker too: harmony-agents chat)\n` +
        'Meanwhile, harmony-agents chat --smoke shows the whole chat offline on a tiny generated model.\n',
    );
  });
});
