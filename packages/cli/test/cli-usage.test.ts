/**
 * Usage errors, in process (nothing is loaded): exit code 2 and a message naming the option and what it
 * accepts; `--help` and `--version`.
 */

import { EventEmitter } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../src/run-cli.js';

const folder = mkdtempSync(join(tmpdir(), 'cli-usage-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

async function run(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: string[] = [];
  const err: string[] = [];
  stdout.on('data', (chunk: Buffer) => out.push(chunk.toString()));
  stderr.on('data', (chunk: Buffer) => err.push(chunk.toString()));
  const code = await runCli(argv, {
    stdin: new PassThrough(),
    stdout,
    stderr,
    env: {},
    cwd: folder,
    signals: new EventEmitter(),
  });
  return { code, stdout: out.join(''), stderr: err.join('') };
}

describe('harmony-agents usage', () => {
  it('names the bad option and the accepted values, with exit code 2', async () => {
    expect(await run(['chat', '--effort', 'max'])).toEqual({
      code: 2,
      stdout: '',
      stderr: 'harmony-agents: --effort must be low, medium or high, got max\n',
    });
    expect((await run(['chat', '--tools', 'weather,web'])).stderr).toBe(
      'harmony-agents: --tools: unknown tool "web"; choose from weather, python, browser, time, calculator, files (or none)\n',
    );
    expect((await run(['chat', '--context-size', '0'])).stderr).toBe(
      'harmony-agents: --context-size must be a positive whole number, got 0\n',
    );
    expect((await run(['chat', '--smoke', '--model', 'x.gguf'])).code).toBe(2);
    expect((await run(['talk'])).stderr).toBe(
      'harmony-agents: Unknown command "talk": the command is chat (see harmony-agents --help)\n',
    );
    expect((await run(['chat', '--frobnicate'])).stderr).toMatch(
      /^harmony-agents: .*--frobnicate.*\(see harmony-agents --help\)\n$/u,
    );
  });

  it('refuses an MCP configuration it cannot read, before loading anything', async () => {
    const config = join(folder, 'mcp.json');
    writeFileSync(config, JSON.stringify({ servers: {} }));
    const result = await run(['chat', '--smoke', '--mcp', config]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      `harmony-agents: --mcp ${config}: expected { "mcpServers": { "<name>": { "command": ... } or { "url": ... } } }\n`,
    );
  });

  it('prints the help and the version', async () => {
    const help = await run(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('harmony-agents chat -p "question"');
    expect((await run(['--version'])).stdout).toBe('0.1.0\n');
  });
});
