/**
 * The CLI without a terminal: questions piped in, the chat piped out (plain text, not one escape code), and
 * one-shot mode (`-p`), which prints the answer alone; `--mcp` with a real MCP server.
 */

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CliProcess } from './cli-process.js';

const folder = mkdtempSync(join(tmpdir(), 'cli-piped-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

const ESC = String.fromCharCode(27);

describe('harmony-agents chat, piped', () => {
  it('replays the README session: questions and commands from a pipe, plain text out', async () => {
    const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
    const block =
      /<!-- smoke-transcript:start -->\n```text\n\$ pnpm chat --smoke\n([\s\S]*?)```\n<!-- smoke-transcript:end -->/u.exec(
        readme,
      );
    expect(block).not.toBeNull();
    const expected = block?.[1] ?? '';
    const inputs = expected
      .split('\n')
      .filter((line) => line.startsWith('you> '))
      .map((line) => line.slice('you> '.length));
    expect(inputs).toEqual(['What is the weather in Paris?', '/think', 'And in Tokyo?']);
    const cli = new CliProcess(['chat', '--smoke'], { pty: false });
    cli.type(inputs.map((line) => `${line}\n`).join(''));
    cli.endInput();
    expect(await cli.exited).toBe(0);
    expect(cli.output).not.toContain(ESC);
    // Only the speeds differ from run to run.
    const speeds = (text: string) => text.replace(/[\d.]+ tokens\/s/gu, 'N tokens/s');
    expect(speeds(cli.output)).toBe(speeds(expected));
  }, 120_000);

  it('-p prints the answer alone and exits', async () => {
    const cli = new CliProcess(['chat', '--smoke', '-p', 'What is the weather in Seoul?'], { pty: false });
    expect(await cli.exited).toBe(0);
    expect(cli.output).toBe('In Seoul it is 5 °C and clear (made-up figures from the demonstration tool).\n');
  }, 120_000);

  it('--mcp adds the tools of the configured MCP servers', async () => {
    const entry = createRequire(import.meta.url).resolve(
      '@modelcontextprotocol/server-filesystem/dist/index.js',
    );
    const config = join(folder, 'mcp.json');
    writeFileSync(
      config,
      JSON.stringify({ mcpServers: { files: { command: process.execPath, args: [entry, folder] } } }),
    );
    const cli = new CliProcess(['chat', '--smoke', '--mcp', config], { pty: false });
    cli.type('/tools\n');
    cli.endInput();
    expect(await cli.exited).toBe(0);
    expect(cli.output).toMatch(/tools: weather, time, calculator · mcp: files \(\d+ tools\)/u);
    expect(cli.output).toContain('  get_current_weather: ');
    expect(cli.output).toMatch(/\n {2}list_directory: /u);
    expect(cli.output).toMatch(/\n {2}read_text_file: /u);
  }, 120_000);

  it('--confirm asks before each tool call: y runs it, anything else sends the model a denial', async () => {
    const cli = new CliProcess(['chat', '--smoke', '--confirm'], { pty: false });
    cli.type('What is the weather in Paris?\ny\nAnd in Tokyo?\nn\n');
    cli.endInput();
    expect(await cli.exited).toBe(0);
    const output = cli.output;
    expect(output).toContain('Allow get_current_weather {"city":"Paris","unit":"celsius"}? [y/N] y\n');
    expect(output).toContain(
      '  [tool result] {"city":"Paris","temperature":18,"unit":"celsius","sky":"sunny"}\n',
    );
    expect(output).toContain('assistant> In Paris it is 18 °C and sunny');
    expect(output).toContain('Allow get_current_weather {"city":"Tokyo","unit":"celsius"}? [y/N] n\n');
    expect(output).toContain(
      '  [tool error] Error: the user denied this call of get_current_weather; it was not run. Reason: the user said no\n',
    );
    expect(output).not.toContain('"city":"Tokyo","temperature"');
  }, 120_000);
});
