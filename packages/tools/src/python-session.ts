/**
 * One Python session: a `worker_threads` Worker running Pyodide, started lazily, that runs cells one
 * at a time with a wall-clock timeout. A timeout, a crash or an abort terminates the worker; the owner
 * starts a fresh session for the next call.
 */

import { Worker } from 'node:worker_threads';
import type { PythonMountData } from './python-mounts.js';
import { PYTHON_WORKER_SOURCE } from './python-worker-source.js';

/** Options of the Python runtime inside the worker (see `python-runtime-source.ts`). */
export interface PythonRuntimeOptions {
  /** Keep the namespace between cells. */
  readonly stateful: boolean;
  /** Cap on `stdout` + `stderr` characters per cell. */
  readonly max_output_characters: number;
  /** Cap on a traceback's characters (its end is kept). */
  readonly max_traceback_characters: number;
  /** Top-level module names the cell may not import. */
  readonly blocked_modules: readonly string[];
}

/** Everything a session needs to start, resolved from the tool's options. */
export interface PythonSessionSettings {
  /** `file:` URL of `pyodide.mjs`. */
  readonly pyodideModuleUrl: string;
  /** Directory holding `pyodide.asm.wasm` and `python_stdlib.zip`, with a trailing separator. */
  readonly indexPath: string;
  /** Cap on WebAssembly memory growth, in bytes. */
  readonly memoryLimitBytes: number;
  /** The worker's `resourceLimits.maxOldGenerationSizeMb`. */
  readonly heapLimitMb: number;
  /** How long loading Pyodide may take. */
  readonly startupTimeoutMs: number;
  /** The Python runtime (`PYTHON_RUNTIME_SOURCE`). */
  readonly runtimeSource: string;
  /** Options passed to the runtime's `create_runtime`. */
  readonly runtimeOptions: PythonRuntimeOptions;
  /** Host folders, already read, to copy into the in-memory file system. */
  readonly mounts: readonly PythonMountData[];
  /** A memory snapshot of a freshly loaded interpreter to start from, if one was taken. */
  readonly snapshot: Uint8Array | undefined;
  /** Take a snapshot right after loading (before any of our code runs) and hand it to `onSnapshot`. */
  readonly makeSnapshot: boolean;
  readonly onSnapshot: (snapshot: Uint8Array) => void;
}

/** The text a cell produced, split by stream. */
export interface PythonCellOutput {
  /** What the cell printed, and the value of its last expression. */
  readonly stdout: string;
  /** What the cell wrote to `sys.stderr`. */
  readonly stderr: string;
  /** The traceback of an uncaught exception, if any. */
  readonly traceback: string;
  /** Characters dropped because the output cap was reached. */
  readonly droppedCharacters: number;
}

/** How a cell ended: normally (exceptions included), at the timeout, in a crash of the worker, or aborted. */
export type PythonCellOutcome =
  | ({ readonly type: 'completed' } & PythonCellOutput)
  | ({ readonly type: 'timeout'; readonly timeoutMs: number } & PythonCellOutput)
  | ({ readonly type: 'crashed'; readonly reason: string } & PythonCellOutput)
  | ({ readonly type: 'aborted'; readonly reason: unknown } & PythonCellOutput);

/** Why a session could not start. */
export type PythonStartFailure = {
  readonly type: 'failed';
  /** What went wrong, e.g. `Pyodide did not start within 60000 ms`. */
  readonly message: string;
};

/** Messages the worker posts (see `python-worker-source.ts`). */
type WorkerMessage =
  | { readonly type: 'ready' }
  | { readonly type: 'snapshot'; readonly data: Uint8Array }
  | { readonly type: 'output'; readonly stream: 'stdout' | 'stderr' | 'traceback'; readonly text: string }
  | { readonly type: 'done'; readonly id: number; readonly droppedCharacters: number }
  | { readonly type: 'failed'; readonly id?: number; readonly message: string };

interface ActiveCell {
  readonly id: number;
  readonly maxCharacters: number;
  stdout: string;
  stderr: string;
  traceback: string;
  droppedCharacters: number;
  finish(outcome: PythonCellOutcome): void;
}

/** A Pyodide worker and the cell it is running. */
export class PythonSession {
  readonly #settings: PythonSessionSettings;
  #worker: Worker | undefined;
  #ready: Promise<PythonStartFailure | undefined> | undefined;
  #cell: ActiveCell | undefined;
  #nextId = 1;
  #exited = false;

  constructor(settings: PythonSessionSettings) {
    this.#settings = settings;
  }

  /** Whether the worker has stopped (terminated, crashed or exited); such a session cannot run cells. */
  get exited(): boolean {
    return this.#exited;
  }

  /** Starts the worker and loads Pyodide, once. Resolves to a failure description instead of throwing. */
  start(): Promise<PythonStartFailure | undefined> {
    this.#ready ??= this.#start();
    return this.#ready;
  }

  #start(): Promise<PythonStartFailure | undefined> {
    const settings = this.#settings;
    const worker = new Worker(PYTHON_WORKER_SOURCE, {
      eval: true,
      env: {},
      execArgv: [],
      stdout: true,
      stderr: true,
      resourceLimits: { maxOldGenerationSizeMb: settings.heapLimitMb },
      workerData: {
        pyodideModuleUrl: settings.pyodideModuleUrl,
        indexPath: settings.indexPath,
        memoryLimitBytes: settings.memoryLimitBytes,
        runtimeSource: settings.runtimeSource,
        runtimeOptions: settings.runtimeOptions,
        mounts: settings.mounts,
        snapshot: settings.snapshot,
        makeSnapshot: settings.makeSnapshot,
      },
    });
    this.#worker = worker;
    worker.unref();
    // Pyodide writes through our callbacks; anything else the worker prints is drained, not shown.
    worker.stdout.resume();
    worker.stderr.resume();

    return new Promise((resolve) => {
      let started = false;
      const timer = setTimeout(() => {
        settle({ type: 'failed', message: `Pyodide did not start within ${settings.startupTimeoutMs} ms` });
        void this.terminate();
      }, settings.startupTimeoutMs);
      const settle = (failure: PythonStartFailure | undefined): void => {
        if (started) return;
        started = true;
        clearTimeout(timer);
        resolve(failure);
      };
      worker.on('message', (message: WorkerMessage) => {
        if (message.type === 'ready') settle(undefined);
        else if (message.type === 'snapshot') settings.onSnapshot(message.data);
        else if (message.type === 'failed' && message.id === undefined) {
          settle({ type: 'failed', message: message.message });
          void this.terminate();
        } else this.#onCellMessage(message);
      });
      worker.on('error', (error: Error) => {
        const reason = this.#describeError(error);
        settle({ type: 'failed', message: reason });
        this.#crash(reason);
      });
      worker.on('exit', (code: number) => {
        this.#exited = true;
        const reason = `the Python worker exited with code ${code}`;
        settle({ type: 'failed', message: reason });
        this.#crash(reason);
      });
    });
  }

  #describeError(error: Error): string {
    const code = (error as { code?: unknown }).code;
    if (code === 'ERR_WORKER_OUT_OF_MEMORY') return 'the Python worker ran out of JavaScript heap memory';
    return error.message;
  }

  #onCellMessage(message: WorkerMessage): void {
    const cell = this.#cell;
    if (cell === undefined) return;
    switch (message.type) {
      case 'output': {
        const used = cell.stdout.length + cell.stderr.length;
        const room = Math.max(0, cell.maxCharacters - used);
        if (message.stream === 'traceback') {
          cell.traceback += message.text;
          return;
        }
        const kept = message.text.slice(0, room);
        cell.droppedCharacters += message.text.length - kept.length;
        if (message.stream === 'stdout') cell.stdout += kept;
        else cell.stderr += kept;
        return;
      }
      case 'done':
        if (message.id === cell.id) {
          cell.droppedCharacters += message.droppedCharacters;
          cell.finish({ type: 'completed', ...snapshot(cell) });
        }
        return;
      case 'failed':
        if (message.id === cell.id) this.#crash(message.message);
        return;
      case 'ready':
      case 'snapshot':
        return;
    }
  }

  /** Ends the running cell as crashed; only the first line of the reason is kept (no host details). */
  #crash(reason: string): void {
    const cell = this.#cell;
    if (cell === undefined) return;
    const firstLine = reason.split('\n', 1)[0]?.trim() || 'unknown error';
    cell.finish({ type: 'crashed', reason: firstLine, ...snapshot(cell) });
  }

  /**
   * Runs one cell. Never throws: every ending is an outcome. A timeout or an abort terminates the worker.
   * The session must have started successfully.
   */
  run(
    code: string,
    timeoutMs: number,
    maxCharacters: number,
    signal: AbortSignal,
  ): Promise<PythonCellOutcome> {
    const worker = this.#worker;
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const onAbort = (): void => {
        cell.finish({ type: 'aborted', reason: signal.reason, ...snapshot(cell) });
        void this.terminate();
      };
      const cell: ActiveCell = {
        id: this.#nextId++,
        maxCharacters,
        stdout: '',
        stderr: '',
        traceback: '',
        droppedCharacters: 0,
        finish: (outcome) => {
          if (this.#cell !== cell) return;
          this.#cell = undefined;
          clearTimeout(timer);
          signal.removeEventListener('abort', onAbort);
          resolve(outcome);
        },
      };
      this.#cell = cell;
      if (worker === undefined || this.#exited) {
        this.#crash('the Python worker is not running');
        return;
      }
      if (signal.aborted) {
        onAbort();
        return;
      }
      signal.addEventListener('abort', onAbort, { once: true });
      timer = setTimeout(() => {
        cell.finish({ type: 'timeout', timeoutMs, ...snapshot(cell) });
        void this.terminate();
      }, timeoutMs);
      worker.postMessage({ type: 'run', id: cell.id, code });
    });
  }

  /** Stops the worker (and whatever it runs) right away. */
  async terminate(): Promise<void> {
    this.#exited = true;
    const worker = this.#worker;
    if (worker === undefined) return;
    await worker.terminate();
  }
}

function snapshot(cell: ActiveCell): PythonCellOutput {
  return {
    stdout: cell.stdout,
    stderr: cell.stderr,
    traceback: cell.traceback,
    droppedCharacters: cell.droppedCharacters,
  };
}
