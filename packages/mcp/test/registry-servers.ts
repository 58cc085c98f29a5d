/**
 * Launch settings of the MCP servers installed from the npm registry as dev dependencies, and of the
 * fixture server: each runs with this Node.js, no `npx`, no network.
 */

import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);

function serverEntry(packageName: string): string {
  return join(dirname(require.resolve(`${packageName}/package.json`)), 'dist/index.js');
}

/** `@modelcontextprotocol/server-everything` over stdio. */
export function everythingServer(): { command: string; args: string[] } {
  return {
    command: process.execPath,
    args: [serverEntry('@modelcontextprotocol/server-everything'), 'stdio'],
  };
}

/** `@modelcontextprotocol/server-filesystem` over stdio, allowed to read and write `root` only. */
export function filesystemServer(root: string): { command: string; args: string[] } {
  return { command: process.execPath, args: [serverEntry('@modelcontextprotocol/server-filesystem'), root] };
}

/** The fixture server (`fixtures/scripted-stdio-server.mjs`), with its mode arguments. */
export function scriptedServer(...modes: string[]): { command: string; args: string[] } {
  const script = join(dirname(fileURLToPath(import.meta.url)), 'fixtures/scripted-stdio-server.mjs');
  return { command: process.execPath, args: [script, ...modes] };
}
