/**
 * gpt-oss's built-in `python` tool, run in CPython compiled to WebAssembly (Pyodide) inside a separate
 * Node process under Node's permission model (no child processes, no file writes, file reads only of
 * the Pyodide package), with a wall-clock timeout that kills runaway code, output capped on the host
 * side, memory limits, no host file system and no network. See docs/security.md for the exact guarantees.
 */

import { realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  type BuiltinTool,
  type BuiltinToolCall,
  ConfigurationError,
  type ToolContext,
  ToolExecutionError,
  type ToolNamespaceConfig,
} from '@harmony-agents/core';
import { type PythonMount, readPythonMounts, validatePythonMounts } from './python-mounts.js';
import { PYTHON_BLOCKED_MODULES, PYTHON_RUNTIME_SOURCE } from './python-runtime-source.js';
import { type PythonCellOutput, PythonSession, type PythonSessionSettings } from './python-session.js';
import { resolvePythonSnapshotDirectory } from './python-snapshot-cache.js';
import { PythonSnapshotStore } from './python-snapshot-store.js';

export type { PythonMount } from './python-mounts.js';

/** Options of {@link createPythonTool}. */
export interface PythonToolOptions {
  /**
   * Keep variables, imports and files between calls, like a notebook. When false, every call starts
   * from an empty namespace and the description tells the model to send complete code each time.
   * Changes the description.
   * @defaultValue true
   */
  readonly stateful?: boolean;
  /**
   * Wall-clock limit of one call in milliseconds, stated in the description (`time out after 120.0
   * seconds`). Code still running then is stopped by killing the sandbox process; the session restarts.
   * @defaultValue 120000
   */
  readonly timeoutMs?: number;
  /**
   * How long loading Pyodide (a few seconds, on the first call and after each restart) may take.
   * @defaultValue 60000
   */
  readonly startupTimeoutMs?: number;
  /**
   * Most characters of `stdout` and `stderr` returned per call; the rest is dropped and counted.
   * @defaultValue 20000
   */
  readonly maxOutputCharacters?: number;
  /**
   * Most characters of an exception traceback returned (its end is kept).
   * @defaultValue 4000
   */
  readonly maxTracebackCharacters?: number;
  /**
   * Limit of Python's WebAssembly memory in MiB (at most 4096); allocations beyond it raise `MemoryError`.
   * @defaultValue 512
   */
  readonly memoryLimitMb?: number;
  /**
   * Limit of the sandbox process's JavaScript heap in MiB (`--max-old-space-size`).
   * @defaultValue 256
   */
  readonly heapLimitMb?: number;
  /**
   * Host folders copied into the sandbox when a session starts. Read-only by default.
   * @defaultValue []
   */
  readonly mounts?: readonly PythonMount[];
  /**
   * Most bytes copied from all mounts together.
   * @defaultValue 67108864 (64 MiB)
   */
  readonly maxMountBytes?: number;
  /**
   * Replaces the description rendered in the system message. By default it is openai-harmony's text
   * (the one gpt-oss was trained with) for a stateful session, or a stateless variant.
   * @defaultValue the text from {@link pythonToolDescription}
   */
  readonly description?: string;
  /**
   * Folder of the `pyodide` npm package (holding `pyodide.mjs`, `pyodide.asm.wasm`, `python_stdlib.zip`).
   * @defaultValue resolved from this package's dependencies
   */
  readonly pyodidePath?: string;
  /**
   * Folder where the memory snapshot of a freshly loaded interpreter is kept between processes, so a
   * new process's first call restores it (about a quarter of a full load) instead of loading Pyodide
   * from scratch; `false` keeps it in memory only. The file is used only when its key (Pyodide version
   * and files, Node version, sandbox bootstrap) and its SHA-256 match; anything else is ignored and
   * replaced. Only your process reads the folder: the sandbox receives the bytes over IPC.
   *
   * Security: a snapshot is interpreter memory, so whoever can write this folder can change what runs
   * inside the sandbox (the same trust as `node_modules`); the sandbox's process, permission and Python
   * layers still apply. Keep it in a folder only you can write.
   * @defaultValue `$HARMONY_AGENTS_CACHE_DIR/python-snapshots`, else `~/.cache/harmony-agents/python-snapshots` (`$XDG_CACHE_HOME` is honoured)
   */
  readonly snapshotCache?: string | false;
}

/** The `python` built-in tool, with control over its session. */
export interface PythonTool extends BuiltinTool {
  /** Starts the session now (loading Pyodide) instead of on the first call. */
  warmUp(): Promise<void>;
  /**
   * Discards the session: variables, imports and files are gone. A fresh one starts in the background
   * at once (from the snapshot), so the next call finds it ready or nearly.
   */
  reset(): Promise<void>;
  /** Stops the sandbox process for good; later calls fail. */
  dispose(): Promise<void>;
}

/** The default wall-clock limit of one call (the 120 seconds of the training prompt). */
export const PYTHON_DEFAULT_TIMEOUT_MS = 120_000;

const DEFAULTS = {
  stateful: true,
  timeoutMs: PYTHON_DEFAULT_TIMEOUT_MS,
  startupTimeoutMs: 60_000,
  maxOutputCharacters: 20_000,
  maxTracebackCharacters: 4_000,
  memoryLimitMb: 512,
  heapLimitMb: 256,
  maxMountBytes: 64 * 1024 * 1024,
} as const;

/** Extra time the runner waits beyond the code timeout, so the tool reports its own timeout first. */
const RUNNER_GRACE_MS = 5_000;

const INTRODUCTION =
  'Use this tool to execute Python code in your chain of thought. The code will not be shown to the user. This tool should be used for internal reasoning, but not for code that is intended to be visible to the user (e.g. when creating plots, tables, or files).';

/** Formats milliseconds as seconds the way Python prints a float (`120.0`, `2.5`). */
function formatSeconds(milliseconds: number): string {
  const seconds = milliseconds / 1000;
  return Number.isInteger(seconds) ? seconds.toFixed(1) : String(seconds);
}

/**
 * The description of the `python` namespace. With the defaults (stateful, 120 s) it is exactly
 * openai-harmony's text; `timeoutMs` changes the stated timeout; `stateful: false` gives a variant that
 * tells the model nothing carries over between calls.
 */
export function pythonToolDescription(
  options: { readonly stateful?: boolean; readonly timeoutMs?: number } = {},
): string {
  const seconds = formatSeconds(options.timeoutMs ?? DEFAULTS.timeoutMs);
  if (options.stateful ?? DEFAULTS.stateful) {
    return `${INTRODUCTION}\n\nWhen you send a message containing Python code to python, it will be executed in a stateful Jupyter notebook environment. python will respond with the output of the execution or time out after ${seconds} seconds. The drive at '/mnt/data' can be used to save and persist user files. Internet access for this session is UNKNOWN. Depends on the cluster.`;
  }
  return `${INTRODUCTION}\n\nWhen you send a message containing Python code to python, it will be executed in a fresh Python environment: variables and imports do not carry over from earlier calls, so send the complete program every time and print() what you need to see. python will respond with the output of the execution or time out after ${seconds} seconds. Internet access for this session is disabled.`;
}

interface ResolvedPythonToolOptions {
  readonly stateful: boolean;
  readonly timeoutMs: number;
  readonly startupTimeoutMs: number;
  readonly maxOutputCharacters: number;
  readonly maxTracebackCharacters: number;
  readonly memoryLimitMb: number;
  readonly heapLimitMb: number;
  readonly mounts: readonly PythonMount[];
  readonly maxMountBytes: number;
  readonly description: string;
  readonly pyodidePath: string;
  readonly snapshotCache: string | undefined;
}

function checkInteger(
  name: string,
  value: number,
  minimum: number,
  maximum = Number.MAX_SAFE_INTEGER,
): number {
  if (!Number.isInteger(value) || value < minimum || value > maximum) {
    throw new ConfigurationError(
      `createPythonTool: ${name} must be an integer from ${minimum} to ${maximum}, got ${value}`,
    );
  }
  return value;
}

function resolvePyodidePath(): string {
  try {
    return realpathSync(dirname(createRequire(import.meta.url).resolve('pyodide/package.json')));
  } catch (error) {
    throw new ConfigurationError('createPythonTool: the pyodide package is not installed', { cause: error });
  }
}

/** The real path of a given Pyodide folder: the sandbox process may read only below it. */
function resolveFolder(path: string | undefined): string | undefined {
  if (path === undefined) return undefined;
  try {
    return realpathSync(path);
  } catch (error) {
    throw new ConfigurationError(`createPythonTool: pyodidePath ${path} cannot be read`, { cause: error });
  }
}

function resolveOptions(options: PythonToolOptions): ResolvedPythonToolOptions {
  const stateful = options.stateful ?? DEFAULTS.stateful;
  const timeoutMs = checkInteger('timeoutMs', options.timeoutMs ?? DEFAULTS.timeoutMs, 1);
  const mounts = options.mounts ?? [];
  validatePythonMounts(mounts);
  return {
    stateful,
    timeoutMs,
    startupTimeoutMs: checkInteger(
      'startupTimeoutMs',
      options.startupTimeoutMs ?? DEFAULTS.startupTimeoutMs,
      1,
    ),
    maxOutputCharacters: checkInteger(
      'maxOutputCharacters',
      options.maxOutputCharacters ?? DEFAULTS.maxOutputCharacters,
      1,
    ),
    maxTracebackCharacters: checkInteger(
      'maxTracebackCharacters',
      options.maxTracebackCharacters ?? DEFAULTS.maxTracebackCharacters,
      1,
    ),
    memoryLimitMb: checkInteger('memoryLimitMb', options.memoryLimitMb ?? DEFAULTS.memoryLimitMb, 64, 4096),
    heapLimitMb: checkInteger('heapLimitMb', options.heapLimitMb ?? DEFAULTS.heapLimitMb, 32),
    mounts,
    maxMountBytes: checkInteger('maxMountBytes', options.maxMountBytes ?? DEFAULTS.maxMountBytes, 0),
    description: options.description ?? pythonToolDescription({ stateful, timeoutMs }),
    pyodidePath: resolveFolder(options.pyodidePath) ?? resolvePyodidePath(),
    snapshotCache: resolvePythonSnapshotDirectory(options.snapshotCache),
  };
}

/** Joins a cell's streams the way the reference tool does: stdout, then stderr and the traceback. */
function formatOutput(output: PythonCellOutput): string {
  const errors = output.stderr + output.traceback;
  let text = output.stdout;
  if (errors !== '') text = text === '' ? errors : `${text.trimEnd()}\n${errors}`;
  if (output.droppedCharacters > 0) {
    text = `${text.trimEnd()}\n[output truncated: ${output.droppedCharacters} more characters were not shown]\n`;
  }
  return text;
}

const NO_OUTPUT =
  '[no output] The code ran without printing anything. End with an expression or use print() to see values.';

/**
 * Creates gpt-oss's built-in `python` tool. With default options its namespace is exactly the one
 * openai-harmony renders. Pyodide loads lazily on the first call (a few seconds; about a quarter of
 * that from the snapshot file an earlier process left in `snapshotCache`) and is reused.
 * Python exceptions, timeouts and crashes come back to the model as output text; the session restarts
 * after a timeout or crash.
 *
 * @example
 * ```ts
 * const python = createPythonTool();
 * const agent = createAgent({ backend, tools: [python] });
 * // ... later
 * await python.dispose();
 * ```
 * @throws {@link ConfigurationError} for invalid options or a missing `pyodide` package.
 */
export function createPythonTool(options: PythonToolOptions = {}): PythonTool {
  const resolved = resolveOptions(options);
  const namespace: ToolNamespaceConfig = { name: 'python', description: resolved.description, tools: [] };
  let session: PythonSession | undefined;
  let disposed = false;
  let queue: Promise<unknown> = Promise.resolve();

  const enqueue = <T>(task: () => Promise<T>): Promise<T> => {
    const result = queue.then(task, task);
    queue = result.catch(() => undefined);
    return result;
  };

  const store = new PythonSnapshotStore(resolved.pyodidePath, resolved.snapshotCache);

  const sessionSettings = async (): Promise<PythonSessionSettings> => {
    const snapshot = await store.snapshot();
    return {
      pyodideDirectory: resolved.pyodidePath,
      pyodideModuleUrl: pathToFileURL(join(resolved.pyodidePath, 'pyodide.mjs')).href,
      indexPath: resolved.pyodidePath.endsWith(sep) ? resolved.pyodidePath : `${resolved.pyodidePath}${sep}`,
      memoryLimitBytes: resolved.memoryLimitMb * 1024 * 1024,
      heapLimitMb: resolved.heapLimitMb,
      startupTimeoutMs: resolved.startupTimeoutMs,
      runtimeSource: PYTHON_RUNTIME_SOURCE,
      runtimeOptions: {
        stateful: resolved.stateful,
        max_output_characters: resolved.maxOutputCharacters,
        max_traceback_characters: resolved.maxTracebackCharacters,
        blocked_modules: PYTHON_BLOCKED_MODULES,
      },
      mounts: await readPythonMounts(resolved.mounts, resolved.maxMountBytes),
      snapshot,
      makeSnapshot: snapshot === undefined,
      onSnapshot: (taken) => store.keep(taken),
    };
  };

  const discard = async (): Promise<void> => {
    const current = session;
    session = undefined;
    await current?.terminate();
  };

  /**
   * After a timeout, a crash or a reset the model nearly always calls again: start the next session
   * right away, in the background (it does not keep Node running on its own).
   */
  const replace = async (): Promise<void> => {
    await discard();
    if (disposed) return;
    try {
      const fresh = new PythonSession(await sessionSettings());
      session = fresh;
      fresh.prestart();
    } catch {
      // The next call reads the mounts again and reports the failure to the model.
    }
  };

  const startedSession = async (errorOptions: {
    recipient: string;
    callId?: string;
  }): Promise<PythonSession> => {
    if (session !== undefined && !session.exited) {
      const failure = await session.start();
      if (failure === undefined) return session;
    }
    for (;;) {
      await discard();
      const settings = await sessionSettings();
      const fresh = new PythonSession(settings);
      session = fresh;
      const failure = await fresh.start();
      if (failure === undefined) return fresh;
      await discard();
      if (settings.snapshot === undefined) {
        throw new ToolExecutionError(`The Python sandbox could not start: ${failure.message}`, errorOptions);
      }
      // A snapshot that does not restore is dropped; the next attempt loads Pyodide from scratch.
      store.reject();
    }
  };

  const run = async (code: string, context: ToolContext): Promise<string> => {
    const errorOptions = { recipient: context.recipient, callId: context.callId };
    if (disposed) throw new ToolExecutionError('The python tool was disposed', errorOptions);
    const current = await startedSession(errorOptions);
    const outcome = await current.run(code, resolved.timeoutMs, resolved, context.signal);
    const text = formatOutput(outcome);
    switch (outcome.type) {
      case 'completed':
        return text.trim() === '' ? NO_OUTPUT : text;
      case 'timeout':
        await replace();
        return `${text === '' ? '' : `${text.trimEnd()}\n`}[ERROR] Execution timed out after ${formatSeconds(outcome.timeoutMs)} seconds and was stopped. The Python session was restarted: variables, imports and files from earlier calls are gone.`;
      case 'crashed':
        await replace();
        return `${text === '' ? '' : `${text.trimEnd()}\n`}[ERROR] The Python process stopped after a fatal error (${outcome.reason}). The session was restarted: variables, imports and files from earlier calls are gone.`;
      case 'aborted':
        await discard();
        throw new ToolExecutionError('Python execution was cancelled', {
          ...errorOptions,
          cause: outcome.reason,
        });
    }
  };

  return {
    kind: 'builtin',
    namespace,
    timeoutMs: resolved.timeoutMs + resolved.startupTimeoutMs + RUNNER_GRACE_MS,
    execute(call: BuiltinToolCall, context: ToolContext): Promise<string> {
      return enqueue(() => run(call.input, context));
    },
    warmUp(): Promise<void> {
      return enqueue(async () => {
        if (disposed) throw new ToolExecutionError('The python tool was disposed', { recipient: 'python' });
        await startedSession({ recipient: 'python' });
      });
    },
    async reset(): Promise<void> {
      if (session === undefined) return;
      await replace();
    },
    async dispose(): Promise<void> {
      disposed = true;
      await discard();
    },
  };
}
