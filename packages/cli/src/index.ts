/**
 * `@harmony-agents/cli`: the `harmony-agents` command, a terminal chat with gpt-oss on the CPU. Its programmatic
 * entry point runs the command with given arguments and streams (what the binary does with the process's own).
 *
 * @example
 * ```ts
 * import { runCli } from '@harmony-agents/cli';
 *
 * process.exitCode = await runCli(['chat', '--smoke', '-p', 'What is the weather in Paris?']);
 * ```
 * @module \@harmony-agents/cli
 */

export type { InputStream } from './chat-repl.js';
export type { CliIo, ExitCode } from './run-cli.js';
export { processIo, runCli } from './run-cli.js';
export type { OutputStream } from './terminal-style.js';
