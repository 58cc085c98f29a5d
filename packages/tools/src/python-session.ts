/**
 * One Python session: a Node process running Pyodide under Node's permission model, started lazily,
 * that runs cells one at a time with a wall-clock timeout. A timeout, a crash or an abort kills the
 * process; the owner starts a fresh session for the next call. Nothing the process sends is trusted:
 * every message is checked and every output cap is enforced here, on the host side.
 */

import { type ChildProcess, spawn } from 'node:child_process';
import type { PythonMountData } from './python-mounts.js';
import { PYTHON_PROCESS_SOURCE } from './python-process-source.js';

/** Options of the Python runtime inside the sandbox process (see `python-runtime-source.ts`). */
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
  /** The Pyodide package folder, a real path: the only place the process may read. */
  readonly pyodideDirectory: string;
  /** `file:` URL of `pyodide.mjs`. */
  readonly pyodideModuleUrl: string;
  /** Directory holding `pyodide.asm.wasm` and `python_stdlib.zip`, with a trailing separator. */
  readonly indexPath: string;
  /** Cap on WebAssembly memory growth, in bytes. */
  readonly memoryLimitBytes: number;
  /** The process's `--max-old-space-size`, in MiB. */
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

/** The caps of one cell's output, enforced on the host side. */
export interface PythonCellLimits {
  /** Most characters of `stdout` + `stderr` kept (the start is kept). */
  readonly maxOutputCharacters: number;
  /** Most characters of the traceback kept (the end is kept). */
  readonly maxTracebackCharacters: number;
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

/** How a cell ended: normally (exceptions included), at the timeout, in a crash of the process, or aborted. */
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

/**
 * The Node flags of the sandbox process: the permission model with file reads only inside the Pyodide
 * folder, and no child processes, worker threads, file writes or native addons (none is granted);
 * code generation from strings off; a heap limit. Exported for the escape tests, which run their own
 * probes under exactly these flags.
 */
export function pythonSandboxNodeFlags(pyodideDirectory: string, heapLimitMb: number): string[] {
  const permission = process.allowedNodeEnvironmentFlags.has('--permission')
    ? '--permission'
    : '--experimental-permission';
  return [
    permission,
    `--allow-fs-read=${pyodideDirectory}`,
    '--disallow-code-generation-from-strings',
    `--max-old-space-size=${heapLimitMb}`,
    '--no-warnings',
  ];
}

/** How much of the process's standard error is kept to explain a crash. */
const STDERR_TAIL_CHARACTERS = 4_096;
/** Longest crash reason shown to the model. */
const MAX_REASON_CHARACTERS = 300;

/** Messages the process sends (see `python-process-source.ts`); checked by {@link parseMessage}. */
type ProcessMessage =
  | { readonly type: 'ready'; readonly phases: PythonStartupPhases | undefined }
  | { readonly type: 'snapshot'; readonly data: Uint8Array }
  | { readonly type: 'output'; readonly stream: 'stdout' | 'stderr' | 'traceback'; readonly text: string }
  | { readonly type: 'done'; readonly id: number; readonly droppedCharacters: number }
  | { readonly type: 'failed'; readonly id: number | undefined; readonly message: string };

const STREAMS: ReadonlySet<unknown> = new Set(['stdout', 'stderr', 'traceback']);

/**
 * Where a session's start-up time went, in milliseconds since the process's own clock origin (its
 * start): `started` (the start message arrived), `imported` (pyodide.mjs), `loaded` (the interpreter,
 * from scratch or a snapshot), `snapshot` (one taken, if asked), `ready` (runtime and lockdown done).
 * Reported by the sandbox process itself, so only informative (the benchmark prints it).
 */
export interface PythonStartupPhases {
  readonly started: number;
  readonly imported: number;
  readonly loaded: number;
  readonly snapshot: number;
  readonly ready: number;
}

function parsePhases(value: unknown): PythonStartupPhases | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const phases = value as Record<string, unknown>;
  const names = ['started', 'imported', 'loaded', 'snapshot', 'ready'] as const;
  if (!names.every((name) => typeof phases[name] === 'number')) return undefined;
  return phases as unknown as PythonStartupPhases;
}

/** Checks a message from the untrusted process; anything malformed is undefined (and ignored). */
function parseMessage(value: unknown): ProcessMessage | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const message = value as Record<string, unknown>;
  const { id } = message;
  switch (message.type) {
    case 'ready':
      return { type: 'ready', phases: parsePhases(message.phases) };
    case 'snapshot':
      return message.data instanceof Uint8Array ? { type: 'snapshot', data: message.data } : undefined;
    case 'output':
      return STREAMS.has(message.stream) && typeof message.text === 'string'
        ? { type: 'output', stream: message.stream as 'stdout', text: message.text }
        : undefined;
    case 'done': {
      if (typeof id !== 'number') return undefined;
      const dropped = message.droppedCharacters;
      const droppedCharacters =
        Number.isSafeInteger(dropped) && (dropped as number) > 0 ? (dropped as number) : 0;
      return { type: 'done', id, droppedCharacters };
    }
    case 'failed':
      return {
        type: 'failed',
        id: typeof id === 'number' ? id : undefined,
        message: typeof message.message === 'string' ? message.message : 'unknown error',
      };
    default:
      return undefined;
  }
}

interface ActiveCell {
  readonly id: number;
  readonly limits: PythonCellLimits;
  stdout: string;
  stderr: string;
  traceback: string;
  tracebackTruncated: boolean;
  droppedCharacters: number;
  finish(outcome: PythonCellOutcome): void;
}

/** A Pyodide process and the cell it is running. */
export class PythonSession {
  readonly #settings: PythonSessionSettings;
  #process: ChildProcess | undefined;
  #exit: Promise<void> | undefined;
  #ready: Promise<PythonStartFailure | undefined> | undefined;
  #cell: ActiveCell | undefined;
  #nextId = 1;
  #exited = false;
  #stderrTail = '';
  #phases: PythonStartupPhases | undefined;
  #startupTimer: NodeJS.Timeout | undefined;

  constructor(settings: PythonSessionSettings) {
    this.#settings = settings;
  }

  /** Whether the process has stopped (killed, crashed or exited); such a session cannot run cells. */
  get exited(): boolean {
    return this.#exited;
  }

  /** Where the start-up time went, once the session is ready (see {@link PythonStartupPhases}). */
  get startupPhases(): PythonStartupPhases | undefined {
    return this.#phases;
  }

  /** Starts the process and loads Pyodide, once. Resolves to a failure description instead of throwing. */
  start(): Promise<PythonStartFailure | undefined> {
    this.#ready ??= this.#start();
    // Someone waits for this start: keep Node running until it ends.
    this.#startupTimer?.ref();
    return this.#ready;
  }

  /** Starts in the background: like {@link start}, but Node may exit meanwhile if nothing else runs. */
  prestart(): void {
    if (this.#ready !== undefined) return;
    this.#ready = this.#start();
    this.#startupTimer?.unref();
  }

  #start(): Promise<PythonStartFailure | undefined> {
    const settings = this.#settings;
    const child = spawn(
      process.execPath,
      [
        ...pythonSandboxNodeFlags(settings.pyodideDirectory, settings.heapLimitMb),
        '-e',
        PYTHON_PROCESS_SOURCE,
      ],
      { env: {}, stdio: ['ignore', 'ignore', 'pipe', 'ipc'], serialization: 'advanced', windowsHide: true },
    );
    this.#process = child;
    this.#exit = new Promise((resolve) => {
      child.once('exit', () => resolve());
      child.once('error', () => resolve());
    });
    // An idle sandbox never keeps the host alive: only the timers of a start or a cell do.
    child.unref();
    child.channel?.unref();
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      this.#stderrTail = (this.#stderrTail + chunk).slice(-STDERR_TAIL_CHARACTERS);
    });
    (child.stderr as { unref?: () => void } | null)?.unref?.();

    return new Promise((resolve) => {
      let started = false;
      const timer = setTimeout(() => {
        settle({ type: 'failed', message: `Pyodide did not start within ${settings.startupTimeoutMs} ms` });
        void this.terminate();
      }, settings.startupTimeoutMs);
      this.#startupTimer = timer;
      const settle = (failure: PythonStartFailure | undefined): void => {
        if (started) return;
        started = true;
        clearTimeout(timer);
        resolve(failure);
      };
      child.on('message', (value: unknown) => {
        const message = parseMessage(value);
        if (message === undefined) return;
        if (message.type === 'ready') {
          this.#phases = message.phases;
          settle(undefined);
        } else if (message.type === 'snapshot') {
          // Taken before any sandbox code ran; a later one could carry state from a cell.
          // Copied: the array received over IPC may start at an unaligned offset of a larger buffer.
          if (!started && settings.makeSnapshot) settings.onSnapshot(new Uint8Array(message.data));
        } else if (message.type === 'failed' && !started) {
          settle({ type: 'failed', message: firstLine(message.message) });
          void this.terminate();
        } else this.#onCellMessage(message);
      });
      child.on('error', (error: Error) => {
        this.#exited = true;
        settle({ type: 'failed', message: error.message });
        this.#crash(error.message);
      });
      child.on('exit', (code: number | null, signal: NodeJS.Signals | null) => {
        this.#exited = true;
        const reason = this.#describeExit(code, signal);
        settle({ type: 'failed', message: reason });
        this.#crash(reason);
      });
      child.send({
        type: 'start',
        config: {
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
    });
  }

  #describeExit(code: number | null, signal: NodeJS.Signals | null): string {
    if (this.#stderrTail.includes('heap out of memory')) {
      return 'the Python process ran out of JavaScript heap memory';
    }
    return signal === null
      ? `the Python process exited with code ${code}`
      : `the Python process was stopped by ${signal}`;
  }

  #onCellMessage(message: ProcessMessage): void {
    const cell = this.#cell;
    if (cell === undefined) return;
    switch (message.type) {
      case 'output': {
        if (message.stream === 'traceback') {
          // The end of a traceback says what went wrong: keep the last characters.
          const limit = cell.limits.maxTracebackCharacters;
          cell.traceback += message.text;
          if (cell.traceback.length > limit) {
            cell.traceback = cell.traceback.slice(-limit);
            cell.tracebackTruncated = true;
          }
          return;
        }
        const used = cell.stdout.length + cell.stderr.length;
        const room = Math.max(0, cell.limits.maxOutputCharacters - used);
        const kept = message.text.slice(0, room);
        cell.droppedCharacters += message.text.length - kept.length;
        if (message.stream === 'stdout') cell.stdout += kept;
        else cell.stderr += kept;
        return;
      }
      case 'done':
        if (message.id === cell.id) {
          cell.droppedCharacters += message.droppedCharacters;
          cell.finish({ type: 'completed', ...outputOf(cell) });
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
    cell.finish({ type: 'crashed', reason: firstLine(reason), ...outputOf(cell) });
  }

  /**
   * Runs one cell. Never throws: every ending is an outcome. A timeout or an abort kills the process.
   * The session must have started successfully.
   */
  run(
    code: string,
    timeoutMs: number,
    limits: PythonCellLimits,
    signal: AbortSignal,
  ): Promise<PythonCellOutcome> {
    const child = this.#process;
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const onAbort = (): void => {
        cell.finish({ type: 'aborted', reason: signal.reason, ...outputOf(cell) });
        void this.terminate();
      };
      const cell: ActiveCell = {
        id: this.#nextId++,
        limits,
        stdout: '',
        stderr: '',
        traceback: '',
        tracebackTruncated: false,
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
      if (child === undefined || this.#exited) {
        this.#crash('the Python process is not running');
        return;
      }
      if (signal.aborted) {
        onAbort();
        return;
      }
      signal.addEventListener('abort', onAbort, { once: true });
      timer = setTimeout(() => {
        cell.finish({ type: 'timeout', timeoutMs, ...outputOf(cell) });
        void this.terminate();
      }, timeoutMs);
      child.send({ type: 'run', id: cell.id, code });
    });
  }

  /** Stops the process (and whatever it runs) right away. */
  async terminate(): Promise<void> {
    this.#exited = true;
    const child = this.#process;
    if (child === undefined) return;
    if (child.exitCode !== null || child.signalCode !== null) return;
    // Referenced until it is gone, so an awaited reset or dispose completes before the host may exit.
    child.ref();
    child.kill('SIGKILL');
    await this.#exit;
  }
}

function firstLine(reason: string): string {
  return (reason.split('\n', 1)[0]?.trim() || 'unknown error').slice(0, MAX_REASON_CHARACTERS);
}

function outputOf(cell: ActiveCell): PythonCellOutput {
  return {
    stdout: cell.stdout,
    stderr: cell.stderr,
    traceback:
      cell.tracebackTruncated && !cell.traceback.startsWith('[traceback truncated]')
        ? `[traceback truncated]\n${cell.traceback}`
        : cell.traceback,
    droppedCharacters: cell.droppedCharacters,
  };
}
