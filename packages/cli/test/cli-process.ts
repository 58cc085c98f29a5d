/**
 * Runs the `harmony-agents` binary (from source) as a child process: on a real pseudo-terminal through
 * `pty-run.py`, or with plain pipes. Output is collected; `waitFor` resolves when some text has appeared.
 */

import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../src/bin.ts', import.meta.url));
const PTY_RUN = fileURLToPath(new URL('./pty-run.py', import.meta.url));
// tsx is the repository root's dev dependency: name its loader by path, so the CLI can run in any folder.
const TSX_LOADER = new URL('../../../node_modules/tsx/dist/loader.mjs', import.meta.url).href;

/** The node command line that runs the CLI from its TypeScript sources. */
export const CLI_COMMAND: readonly string[] = [
  process.execPath,
  '--conditions=@harmony-agents/source',
  '--import',
  TSX_LOADER,
  BIN,
];

/** Removes ANSI escape sequences (colours, cursor moves) and carriage returns. */
export function stripAnsi(text: string): string {
  const ESC_CHAR = String.fromCharCode(27);
  return text
    .replace(new RegExp(`${ESC_CHAR}\\[[0-9;?]*[A-Za-z]`, 'gu'), '')
    .replace(new RegExp(`${ESC_CHAR}[()][0-9A-Za-z]`, 'gu'), '')
    .replace(/\r/gu, '');
}

/** A running CLI. */
export class CliProcess {
  readonly child: ChildProcess;
  /** Everything written to stdout (the terminal, for a pseudo-terminal), raw. */
  output = '';
  /** Everything written to stderr (empty on a pseudo-terminal: it goes to the terminal). */
  errors = '';
  readonly exited: Promise<number | null>;
  #waiters: (() => void)[] = [];

  constructor(
    args: readonly string[],
    options: { pty: boolean; env?: Record<string, string>; cwd?: string },
  ) {
    const [command, ...rest] = options.pty
      ? ['python3', PTY_RUN, ...CLI_COMMAND, ...args]
      : [...CLI_COMMAND, ...args];
    const env: Record<string, string | undefined> = {
      ...process.env,
      TERM: 'xterm-256color',
      ...options.env,
    };
    delete env.FORCE_COLOR;
    if (options.env?.NO_COLOR === undefined) delete env.NO_COLOR;
    this.child = spawn(command ?? 'python3', rest, {
      env,
      cwd: options.cwd,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      this.output += chunk;
      for (const waiter of this.#waiters) waiter();
    });
    this.child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      this.errors += chunk;
    });
    this.exited = new Promise((resolve) => this.child.on('exit', (code) => resolve(code)));
  }

  /** The output without escape sequences. */
  get text(): string {
    return stripAnsi(this.output);
  }

  /** Types `text` (use `\r` for Enter on a terminal, `\x03` for Ctrl-C). */
  type(text: string): void {
    this.child.stdin?.write(text);
  }

  /** Ends the input (Ctrl-D for a pipe). */
  endInput(): void {
    this.child.stdin?.end();
  }

  /**
   * Resolves when `pattern` appears in the output after `from` (a character offset into `text`), with the offset
   * just after the match. The timeout is a guard against a hang, not an assertion about speed.
   */
  waitFor(pattern: string | RegExp, from = 0, timeoutMs = 60_000): Promise<number> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const rest = this.text.slice(from);
        const index = typeof pattern === 'string' ? rest.indexOf(pattern) : rest.search(pattern);
        if (index < 0) return false;
        const length = typeof pattern === 'string' ? pattern.length : (rest.match(pattern)?.[0].length ?? 0);
        clearTimeout(timer);
        this.#waiters = this.#waiters.filter((waiter) => waiter !== onData);
        resolve(from + index + length);
        return true;
      };
      const onData = () => void check();
      const timer = setTimeout(() => {
        this.#waiters = this.#waiters.filter((waiter) => waiter !== onData);
        reject(
          new Error(`Timed out waiting for ${String(pattern)}; output so far:\n${this.text}\n${this.errors}`),
        );
      }, timeoutMs);
      if (!check()) this.#waiters.push(onData);
    });
  }

  /** Stops the process if it still runs. */
  kill(): void {
    if (this.child.exitCode === null) this.child.kill('SIGKILL');
  }
}
