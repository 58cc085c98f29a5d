/**
 * `--server`: the chat on a real llama.cpp `llama-server` (built from node-llama-cpp's llama.cpp source, once per
 * machine) serving the tiny generated model, with the smoke answers forced there by grammars; and a server that
 * is not there, refused before the chat starts.
 */

import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { getTinyGptOssModel } from '@harmony-agents/backend-llamacpp/test-models';
import {
  ensureLlamaServer,
  type LlamaServerProcess,
  startLlamaServer,
} from '@harmony-agents/backend-server/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refusingEndpoint } from '../../backend-llamacpp/test/loopback-model-host.js';
import { CliProcess } from './cli-process.js';

let server: LlamaServerProcess;

beforeAll(async () => {
  const model = await getTinyGptOssModel();
  // The llama.cpp source node-llama-cpp ships (the CLI depends on node-llama-cpp itself).
  const entry = createRequire(import.meta.url).resolve('node-llama-cpp');
  const binary = await ensureLlamaServer({
    bundle: join(dirname(entry), '..', 'llama', 'gitRelease.bundle'),
  });
  server = await startLlamaServer({
    model: model.path,
    binary,
    contextSize: 4096,
    threads: 1,
    extraArguments: ['--swa-full'],
  });
}, 900_000);
afterAll(() => server?.close());

describe('harmony-agents chat --server', () => {
  it('chats through llama-server: reasoning, tool calls, results and answers over two turns', async () => {
    const cli = new CliProcess(['chat', '--smoke', '--server', server.baseUrl], { pty: false });
    cli.type('What is the weather in Paris?\nAnd in London?\n');
    cli.endInput();
    expect(await cli.exited).toBe(0);
    expect(cli.output).toContain(`harmony-agents chat · llama-server at ${server.baseUrl}`);
    expect(cli.output).toContain('  [tool call] get_current_weather {"city":"Paris","unit":"celsius"}\n');
    expect(cli.output).toContain('assistant> In Paris it is 18 °C and sunny');
    expect(cli.output).toContain('assistant> In London it is 14 °C and light rain');
    expect(cli.output).not.toContain('[malformed output');
    expect(cli.output.match(/\(2 model steps · \d+ prompt tokens/gu)).toHaveLength(2);
  }, 120_000);

  it('says when the server cannot be reached, before the chat starts', async () => {
    const cli = new CliProcess(['chat', '--server', await refusingEndpoint()], { pty: false });
    cli.endInput();
    expect(await cli.exited).toBe(1);
    expect(cli.errors).toMatch(/^harmony-agents: .*(refused|ECONNREFUSED)/u);
    expect(cli.output).not.toContain('you> ');
  }, 120_000);
});
