/**
 * The model picker on a real pseudo-terminal, against a Hugging Face endpoint on 127.0.0.1 that serves a tiny
 * generated model under the recommended file's name: the picker lists the models with sizes and memory, the
 * first download breaks off (the CLI says how to resume), the picker then shows the partial download, and the
 * second run resumes it, loads the model and opens the chat.
 */

import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getTinyGptOssModel } from '@harmony-agents/backend-llamacpp/test-models';
import { afterAll, describe, expect, it } from 'vitest';
import {
  type LoopbackModelHost,
  serveFile,
  startLoopbackModelHost,
} from '../../backend-llamacpp/test/loopback-model-host.js';
import { CliProcess } from './cli-process.js';

const folder = mkdtempSync(join(tmpdir(), 'cli-picker-'));
const FILE = '/ggml-org/gpt-oss-20b-GGUF/resolve/main/gpt-oss-20b-mxfp4.gguf';
let host: LoopbackModelHost | undefined;
let cli: CliProcess | undefined;

afterAll(async () => {
  cli?.kill();
  await host?.close();
  rmSync(folder, { recursive: true, force: true });
});

describe('harmony-agents chat without --model', () => {
  it('offers the recommended models, downloads the choice, resumes a broken download and opens the chat', async () => {
    const source = (await getTinyGptOssModel()).path;
    const ranges: (string | undefined)[] = [];
    host = await startLoopbackModelHost((request, response) => {
      if (request.url?.split('?')[0] !== FILE) {
        response.writeHead(404).end();
        return;
      }
      ranges.push(request.headers.range);
      if (ranges.length === 1) {
        serveFile(response, request, source, {
          stallAfterBytes: 4_000_000,
          onStall: () => response.socket?.end(),
        });
      } else {
        serveFile(response, request, source);
      }
    });
    const models = join(folder, 'models');
    const env = { HF_ENDPOINT: host.endpoint, HARMONY_AGENTS_MODELS_DIR: models };

    cli = new CliProcess(['chat', '--tools', 'none'], { pty: true, cwd: folder, env });
    let at = await cli.waitFor(`No model given. Recommended gpt-oss models (downloaded into ${models}):`);
    at = await cli.waitFor(
      /1\) gpt-oss-20b MXFP4 \(ggml-org\): 12\.1 GB download, needs about 13\.5 GB of memory/u,
      at,
    );
    at = await cli.waitFor(
      /2\) gpt-oss-20b F16 \(unsloth\): 13\.8 GB download, needs about 15\.2 GB of memory/u,
      at,
    );
    at = await cli.waitFor(
      /This machine: [\d.]+ [kMG]?B of memory available \([\d.]+ [kMG]?B in all\), [\d.]+ [kMG]?B of free disk\./u,
      at,
    );
    at = await cli.waitFor('Choose 1-2 (Enter for 1), or q to quit: ', at);
    cli.type('1\r');
    at = await cli.waitFor(`Downloading gpt-oss-20b-mxfp4.gguf into ${models}`, at);
    at = await cli.waitFor(
      /Could not download gpt-oss-20b-mxfp4\.gguf: the connection (broke|ended) at [\d.]+ MB/u,
      at,
    );
    at = await cli.waitFor(/[\d.]+ MB are downloaded: run the same command again to resume\./u, at);
    expect(await cli.exited).toBe(1);
    const partial = join(models, 'ggml-org', 'gpt-oss-20b-GGUF', 'gpt-oss-20b-mxfp4.gguf.partial');
    const kept = statSync(partial).size;
    expect(kept).toBeGreaterThan(0);

    cli = new CliProcess(['chat', '--tools', 'none'], { pty: true, cwd: folder, env });
    at = await cli.waitFor('1) gpt-oss-20b MXFP4 (ggml-org)');
    at = await cli.waitFor(/\[[\d.]+ MB downloaded, will resume\]/u, at);
    at = await cli.waitFor('Choose 1-2 (Enter for 1), or q to quit: ', at);
    cli.type('\r');
    at = await cli.waitFor(/Resuming the download at [\d.]+ MB gpt-oss-20b-mxfp4\.gguf/u, at);
    at = await cli.waitFor(/gpt-oss-20b-mxfp4\.gguf \[#+\] 100% [\d.]+ MB of [\d.]+ MB/u, at);
    at = await cli.waitFor(`harmony-agents chat · `, at);
    at = await cli.waitFor(
      `from ${join(models, 'ggml-org', 'gpt-oss-20b-GGUF', 'gpt-oss-20b-mxfp4.gguf')}`,
      at,
    );
    at = await cli.waitFor('you> ', at);
    cli.type('/quit\r');
    expect(await cli.exited).toBe(0);
    expect(ranges).toEqual([undefined, `bytes=${kept}-`]);
    expect(existsSync(join(models, 'ggml-org', 'gpt-oss-20b-GGUF', 'gpt-oss-20b-mxfp4.gguf'))).toBe(true);
  }, 240_000);
});
