/**
 * Starts a real `llama-server` on loopback for tests: a free port, a wait until `/health` says the model is
 * loaded, and a process that is killed on `close()` and when the test process exits.
 */

import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { ConfigurationError } from '@harmony-agents/core';
import { ensureLlamaServer } from './ensure-llama-server.js';

/** Options of {@link startLlamaServer}. */
export interface StartLlamaServerOptions {
  /** The GGUF model file to serve, e.g. a tiny generated gpt-oss model. */
  readonly model: string;
  /**
   * Slots (`--parallel`): requests the server decodes at once, each with its own KV cache.
   * @defaultValue 1
   */
  readonly parallel?: number;
  /**
   * Context tokens per slot (the server's `--ctx-size` is this times `parallel`).
   * @defaultValue 4096
   */
  readonly contextSize?: number;
  /**
   * Threads for decoding and prompt evaluation (`--threads`, `--threads-batch`).
   * @defaultValue 1
   */
  readonly threads?: number;
  /**
   * The `llama-server` binary.
   * @defaultValue {@link ensureLlamaServer}'s build of node-llama-cpp's llama.cpp source
   */
  readonly binary?: string;
  /**
   * The port, e.g. to restart a server where its clients expect it.
   * @defaultValue a free port
   */
  readonly port?: number;
  /** More command-line arguments. @defaultValue none */
  readonly extraArguments?: readonly string[];
  /**
   * Milliseconds to wait for the model to be loaded.
   * @defaultValue 120000
   */
  readonly startTimeoutMs?: number;
}

/** A running `llama-server`. */
export interface LlamaServerProcess {
  /** Its base URL, `http://127.0.0.1:<port>`. */
  readonly baseUrl: string;
  /** Its process id. */
  readonly pid: number;
  /** The last lines it logged (for failure messages). */
  readonly log: () => string;
  /** Kills it (SIGKILL, as a crash would) and resolves once it exited. */
  kill(): Promise<void>;
  /** Stops it (SIGTERM, then SIGKILL after 5 s) and resolves once it exited. Idempotent. */
  close(): Promise<void>;
}

const running = new Set<ChildProcess>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const child of running) child.kill('SIGKILL');
  });
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function positiveInteger(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) {
    throw new ConfigurationError(`${name} must be a positive integer, got ${value}`);
  }
  return value;
}

/**
 * Starts `llama-server` on 127.0.0.1 at a free port with `model`, and resolves once the model is loaded.
 * Started with `--swa-full` (gpt-oss's sliding-window layers keep their whole history, so any prefix is
 * reusable) and without the web UI.
 *
 * @example
 * ```ts
 * const server = await startLlamaServer({ model: (await getTinyGptOssModel()).path, parallel: 4 });
 * const backend = createLlamaServerBackend({ baseUrl: server.baseUrl });
 * // ...
 * await server.close();
 * ```
 * @throws {@link ConfigurationError} when the binary cannot be built or started, or the server does not become
 * healthy in time (its last log lines quoted).
 */
export async function startLlamaServer(options: StartLlamaServerOptions): Promise<LlamaServerProcess> {
  const parallel = positiveInteger('parallel', options.parallel ?? 1);
  const contextSize = positiveInteger('contextSize', options.contextSize ?? 4096);
  const threads = positiveInteger('threads', options.threads ?? 1);
  const binary = options.binary ?? (await ensureLlamaServer());
  const port = options.port ?? (await freePort());
  const args = [
    '--model',
    options.model,
    '--host',
    '127.0.0.1',
    '--port',
    String(port),
    '--parallel',
    String(parallel),
    '--ctx-size',
    String(contextSize * parallel),
    '--threads',
    String(threads),
    '--threads-batch',
    String(threads),
    '--batch-size',
    '256',
    '--ubatch-size',
    '256',
    '--swa-full',
    '--no-webui',
    ...(options.extraArguments ?? []),
  ];
  const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  installExitHook();
  running.add(child);
  const lines: string[] = [];
  const record = (data: Buffer) => {
    for (const line of data.toString('utf8').split('\n')) {
      if (line.length === 0) continue;
      lines.push(line);
      if (lines.length > 60) lines.shift();
    }
  };
  child.stdout?.on('data', record);
  child.stderr?.on('data', record);
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => {
      running.delete(child);
      resolve();
    });
    child.once('error', (error) => {
      lines.push(`spawn error: ${error.message}`);
      running.delete(child);
      resolve();
    });
  });
  let hasExited = false;
  void exited.then(() => {
    hasExited = true;
  });
  const log = () => lines.join('\n');
  const baseUrl = `http://127.0.0.1:${port}`;
  const stop = async (signal: NodeJS.Signals) => {
    if (!hasExited) child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  };

  const deadline = Date.now() + (options.startTimeoutMs ?? 120_000);
  for (;;) {
    if (hasExited) {
      throw new ConfigurationError(`llama-server exited before it was ready:\n${log()}`);
    }
    try {
      const response = await fetch(`${baseUrl}/health`, { signal: AbortSignal.timeout(2_000) });
      await response.body?.cancel();
      if (response.ok) break;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) {
      await stop('SIGKILL');
      throw new ConfigurationError(`llama-server was not ready within the start timeout:\n${log()}`);
    }
    await delay(100);
  }
  return {
    baseUrl,
    pid: child.pid ?? -1,
    log,
    kill: () => stop('SIGKILL'),
    close: () => stop('SIGTERM'),
  };
}
