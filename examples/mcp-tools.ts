/**
 * MCP tools: the tools of an MCP server (here the official filesystem server from npm, over stdio) in
 * an agent.
 *
 * - `connectMcpServer` starts the server, lists its tools and returns them as function tools;
 * - names are mapped to identifiers gpt-oss can call, here behind the server's name (`notes_read_text_file`);
 * - `filter` keeps the read-only tools (the server marks them with `readOnlyHint`);
 * - what the server answers (its `structuredContent`, or its content as text) is the tool's result;
 * - `close()` ends the server's process.
 *
 * Run: `node --conditions=@harmony-agents/source --import tsx examples/mcp-tools.ts`
 * (set `HARMONY_AGENTS_GPT_OSS_GGUF` to a gpt-oss GGUF to use a real model instead of scripted model steps).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type Backend, createAgent, type RunResult } from '@harmony-agents/core';
import { scriptFinal, scriptToolCall } from '@harmony-agents/core/testing';
import { connectMcpServer, type McpServerConnection } from '@harmony-agents/mcp';
import { createExampleBackend } from './example-backend.js';

/** The question of the example. */
export const QUESTION = 'When is the team meeting, according to my notes?';

/**
 * Starts the filesystem server on `root`, read-only. The server is the one installed in node_modules,
 * run with this Node.js; an app can also run `npx -y @modelcontextprotocol/server-filesystem <root>`.
 */
export async function connectNotesServer(root: string): Promise<McpServerConnection> {
  const require = createRequire(import.meta.url);
  const entry = require.resolve('@modelcontextprotocol/server-filesystem/dist/index.js');
  return connectMcpServer({
    command: process.execPath,
    args: [entry, root],
    name: 'notes',
    prefixToolNames: true,
    filter: (tool) => tool.annotations?.readOnlyHint === true && tool.name !== 'read_file',
    timeoutMs: 10_000,
  });
}

/** What the scripted model writes: it lists the folder, reads the note, answers. */
export function scriptedMcpCompletions(root: string): readonly string[] {
  return [
    scriptToolCall('notes_list_directory', { path: root }),
    scriptToolCall('notes_read_text_file', { path: join(root, 'meeting.txt') }),
    scriptFinal('The team meeting is on Thursday at 10:00, in room 4.'),
  ];
}

/** Writes two notes into `root` (a new temporary folder by default), gives the server's tools to an agent and asks about them. */
export async function main(
  backend?: Backend,
  write: (line: string) => void = (line) => console.log(line),
  root: string = mkdtempSync(join(tmpdir(), 'harmony-agents-notes-')),
): Promise<RunResult> {
  writeFileSync(join(root, 'meeting.txt'), 'Team meeting: Thursday 10:00, room 4.\n');
  writeFileSync(join(root, 'shopping.txt'), 'Milk, bread.\n');
  const example =
    backend === undefined ? await createExampleBackend(scriptedMcpCompletions(root)) : undefined;
  const server = await connectNotesServer(root);
  try {
    write(`tools from "${server.name}": ${server.tools.map((tool) => tool.name).join(', ')}`);
    const agent = createAgent({
      backend: backend ?? example!.backend,
      tools: server.tools,
      instructions: `The user's notes are the files in ${root}.`,
    });
    const run = agent.run(QUESTION);
    run.on('tool-call', (event) => write(`call ${event.toolName} ${event.rawArguments}`));
    run.on('tool-result', (event) => write(`  result: ${event.output}`));
    run.on('tool-error', (event) => write(`  error (${event.error.code}): ${event.output}`));
    const result = await run;
    write(`Assistant: ${result.finalText}`);
    return result;
  } finally {
    await server.close();
    await example?.dispose();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const root = mkdtempSync(join(tmpdir(), 'harmony-agents-notes-'));
  try {
    await main(undefined, undefined, root);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
