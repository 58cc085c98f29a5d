/**
 * Python tool benchmark: what the Pyodide sandbox costs per call, and where a start-up's time goes.
 *
 * Public API (`createPythonTool`):
 * 1. First call of the process: process start, full Pyodide load (~9.6 MB wasm, stdlib zip), a memory
 *    snapshot of the fresh interpreter sent to the host, sandbox setup, then the cell.
 * 2. First call right after `reset()`: a new process restored from that snapshot.
 * 3. First call after `reset()` and an idle second (the time a model takes to write its next call):
 *    `reset()` starts the next process at once, so the call finds it ready or nearly.
 * 4. Warm calls on a live session: `1 + 1`, and a small computation.
 * 5. The first call of a new Node process (timed inside it), three times each: cold (an empty
 *    `snapshotCache` folder: full load, snapshot taken and written) and warm (the next process, which
 *    finds that file, checks its key and SHA-256 and restores it).
 *
 * Breakdown (the internal `PythonSession`, one process each), phases reported by the process itself:
 * a bare Node process under the same permission flags (spawn to first IPC message), then a full load
 * without a snapshot, a full load taking one, and a restore from it: process start and config
 * (including the snapshot sent over IPC), `import('pyodide.mjs')`, the interpreter load, the snapshot,
 * the runtime and lockdown, the first cell.
 *
 * Where the time goes (one run, 2026-12-05, a 2-core machine shared by eight jobs, load average ~20,
 * so absolute times are about 4x an idle machine's; compare ratios): a bare Node process with the
 * sandbox flags answers over IPC in 84 ms; a full load is 11.2 s, of which 10.7 s is Pyodide's own
 * `loadPyodide` (WebAssembly instantiation and CPython's start) and 0.14 s our runtime and lockdown;
 * taking the snapshot adds 0.4 s; a restore from it is 3.3 s (0.23 of a first load): 0.47 s process
 * start and config (the 30 MiB snapshot crosses IPC), 1.7 s restore, 0.96 s runtime and lockdown (its
 * first Python after a restore runs in cold WebAssembly code; importing its modules before the snapshot
 * did not change it, measured). `--wasm-lazy-compilation` and `--no-wasm-tier-up` did not change the
 * load either. Side by side in one run, the 0.1 worker thread against this process: first call 10.1 s
 * vs 16.1 s, restarts 2.5–3.0 s vs 3.1–3.8 s: the process boundary costs a few hundred milliseconds
 * per start on an idle machine, the price of the isolation.
 *
 * What was cut: (1) a restart no longer waits for a whole start when the model takes a moment to call
 * again: `reset()` starts the next process at once, as a timeout or crash already did (1.3–2.3 s
 * after 1 s idle vs 2.4–3.3 s right away, in the run above); (2) the snapshot received over IPC
 * could start at an unaligned offset, Pyodide refused it and every restart silently loaded from scratch
 * (a full load instead of a restore); it is copied now. What cannot be cut here: Pyodide's load itself
 * (only stdlib, no packages to make lazy) and the process start.
 *
 * The snapshot file (2026-12-06, the same 2-core machine shared with another job): a new process's
 * first call took 2.85–3.13 s cold and 0.78–1.00 s warm, warm / cold 0.28 (medians); before the file,
 * every new process paid the cold figure. Reading and checking the 30 MiB file is part of the warm one.
 *
 * Run: `pnpm bench python` (or `node --conditions=@harmony-agents/source --import tsx bench/python-tool.bench.ts`)
 */
import { spawn } from 'node:child_process';
import { realpathSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, sep } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { ToolContext } from '@harmony-agents/core';
import { createPythonTool, type PythonTool } from '@harmony-agents/tools';
import {
  PYTHON_BLOCKED_MODULES,
  PYTHON_RUNTIME_SOURCE,
} from '../packages/tools/src/python-runtime-source.js';
import {
  PythonSession,
  type PythonSessionSettings,
  type PythonStartupPhases,
  pythonSandboxNodeFlags,
} from '../packages/tools/src/python-session.js';

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

function context(): ToolContext {
  return {
    signal: new AbortController().signal,
    callId: 'bench',
    step: 1,
    recipient: 'python',
    channel: 'analysis',
    context: undefined,
  };
}

async function timed(tool: PythonTool, code: string): Promise<number> {
  const started = performance.now();
  const output = await tool.execute({ recipient: 'python', input: code, contentType: undefined }, context());
  const elapsed = performance.now() - started;
  if (output.includes('Traceback') || output.includes('[ERROR]'))
    throw new RangeError(`benchmark cell failed: ${output}`);
  return elapsed;
}

/** One start-up of a sandbox process, split in phases (milliseconds). */
export interface PythonStartupBreakdown {
  /** From spawn to the start message arriving (Node's start, flags, config and snapshot over IPC). */
  readonly processAndConfigMs: number;
  readonly importMs: number;
  readonly loadMs: number;
  readonly snapshotMs: number;
  readonly runtimeMs: number;
  /** From spawn to ready, measured by the host. */
  readonly totalMs: number;
  /** The first cell (`1 + 1`) after ready. */
  readonly firstCellMs: number;
}

/** Latencies of the python tool, in milliseconds. */
export interface PythonToolBenchmarkResult {
  readonly bareProcessMs: number;
  readonly fullLoad: PythonStartupBreakdown;
  readonly fullLoadWithSnapshot: PythonStartupBreakdown;
  readonly snapshotBytes: number;
  readonly fromSnapshot: PythonStartupBreakdown;
  readonly firstCallMs: number;
  readonly restartFromSnapshotMs: readonly number[];
  readonly restartAfterIdleMs: readonly number[];
  readonly warmTrivialMedianMs: number;
  readonly warmComputeMedianMs: number;
  /** First call of a new process with an empty snapshot folder (full load, snapshot written). */
  readonly newProcessColdMs: readonly number[];
  /** First call of a new process that finds the snapshot file (restored from it). */
  readonly newProcessWarmMs: readonly number[];
}

const REPOSITORY_DIR = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The first call of a new Node process, timed inside it (from `createPythonTool` to the answer). */
async function firstCallInNewProcess(script: string, cacheDirectory: string): Promise<number> {
  const child = spawn(
    process.execPath,
    ['--conditions=@harmony-agents/source', '--import', 'tsx', script, cacheDirectory],
    { cwd: REPOSITORY_DIR, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let stdout = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk));
  const code = await new Promise((resolve) => child.once('exit', resolve));
  const elapsed = Number(stdout.trim().split('\n').at(-1));
  if (code !== 0 || !Number.isFinite(elapsed)) throw new RangeError(`first-call process failed: ${stdout}`);
  return elapsed;
}

/** New processes' first calls: each cold one with an empty cache folder, each warm one after it. */
async function newProcessFirstCalls(): Promise<{ cold: number[]; warm: number[] }> {
  const folder = await mkdtemp(join(tmpdir(), 'harmony-python-bench-'));
  try {
    const script = join(folder, 'first-call.mts');
    const toolUrl = pathToFileURL(join(REPOSITORY_DIR, 'packages/tools/src/python-tool.ts')).href;
    await writeFile(
      script,
      `import { createPythonTool } from ${JSON.stringify(toolUrl)};
const started = performance.now();
const tool = createPythonTool({ snapshotCache: process.argv[2] });
const context = { signal: new AbortController().signal, callId: 'b', step: 1, recipient: 'python', channel: 'analysis' };
const output = await tool.execute({ recipient: 'python', input: '1 + 1', contentType: undefined }, context);
const elapsed = performance.now() - started;
await tool.dispose();
process.stdout.write(output === '2\\n' ? \`\${elapsed}\\n\` : \`failed: \${output}\\n\`);
`,
    );
    const cold: number[] = [];
    const warm: number[] = [];
    for (let round = 0; round < 3; round++) {
      const cache = join(folder, `cache-${round}`);
      cold.push(await firstCallInNewProcess(script, cache));
      warm.push(await firstCallInNewProcess(script, cache));
    }
    return { cold, warm };
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}

function pyodideDirectory(): string {
  const require = createRequire(join(process.cwd(), 'packages/tools/package.json'));
  return realpathSync(dirname(require.resolve('pyodide/package.json')));
}

async function bareProcess(directory: string): Promise<number> {
  const started = performance.now();
  const child = spawn(
    process.execPath,
    [...pythonSandboxNodeFlags(directory, 256), '-e', "process.send('ok')"],
    {
      env: {},
      stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
    },
  );
  await new Promise((resolve) => child.once('message', resolve));
  const elapsed = performance.now() - started;
  child.kill('SIGKILL');
  return elapsed;
}

async function startup(
  directory: string,
  snapshot: Uint8Array | undefined,
  makeSnapshot: boolean,
): Promise<{ breakdown: PythonStartupBreakdown; snapshot: Uint8Array | undefined }> {
  let taken: Uint8Array | undefined;
  const settings: PythonSessionSettings = {
    pyodideDirectory: directory,
    pyodideModuleUrl: pathToFileURL(join(directory, 'pyodide.mjs')).href,
    indexPath: `${directory}${sep}`,
    memoryLimitBytes: 512 * 1024 * 1024,
    heapLimitMb: 256,
    startupTimeoutMs: 300_000,
    runtimeSource: PYTHON_RUNTIME_SOURCE,
    runtimeOptions: {
      stateful: true,
      max_output_characters: 20_000,
      max_traceback_characters: 4_000,
      blocked_modules: PYTHON_BLOCKED_MODULES,
    },
    mounts: [],
    snapshot,
    makeSnapshot,
    onSnapshot: (data) => {
      taken = data;
    },
  };
  const session = new PythonSession(settings);
  const started = performance.now();
  const failure = await session.start();
  const totalMs = performance.now() - started;
  if (failure !== undefined) throw new RangeError(`sandbox did not start: ${failure.message}`);
  const cellStarted = performance.now();
  const limits = { maxOutputCharacters: 20_000, maxTracebackCharacters: 4_000 };
  await session.run('1 + 1', 60_000, limits, new AbortController().signal);
  const firstCellMs = performance.now() - cellStarted;
  await session.terminate();
  const phases = session.startupPhases as PythonStartupPhases;
  return {
    snapshot: taken,
    breakdown: {
      processAndConfigMs: phases.started,
      importMs: phases.imported - phases.started,
      loadMs: phases.loaded - phases.imported,
      snapshotMs: phases.snapshot - phases.loaded,
      runtimeMs: phases.ready - phases.snapshot,
      totalMs,
      firstCellMs,
    },
  };
}

/** Measures start-up phases, first-call, restart and warm-call latency of {@link createPythonTool}. */
export async function runPythonToolBenchmark(): Promise<PythonToolBenchmarkResult> {
  const directory = pyodideDirectory();
  const bare: number[] = [];
  for (let index = 0; index < 5; index++) bare.push(await bareProcess(directory));
  const fullLoad = (await startup(directory, undefined, false)).breakdown;
  const withSnapshot = await startup(directory, undefined, true);
  const fromSnapshot = (await startup(directory, withSnapshot.snapshot, false)).breakdown;

  const newProcess = await newProcessFirstCalls();
  const tool = createPythonTool({ snapshotCache: false });
  try {
    const firstCallMs = await timed(tool, '1 + 1');
    const restartFromSnapshotMs: number[] = [];
    const restartAfterIdleMs: number[] = [];
    for (let index = 0; index < 3; index++) {
      await tool.reset();
      restartFromSnapshotMs.push(await timed(tool, '1 + 1'));
      await tool.reset();
      await sleep(1_000);
      restartAfterIdleMs.push(await timed(tool, '1 + 1'));
    }
    const trivial: number[] = [];
    for (let index = 0; index < 50; index++) trivial.push(await timed(tool, '1 + 1'));
    const compute: number[] = [];
    for (let index = 0; index < 10; index++) {
      compute.push(await timed(tool, 'sum(i * i for i in range(100_000))'));
    }
    return {
      bareProcessMs: median(bare),
      fullLoad,
      fullLoadWithSnapshot: withSnapshot.breakdown,
      snapshotBytes: withSnapshot.snapshot?.byteLength ?? 0,
      fromSnapshot,
      firstCallMs,
      restartFromSnapshotMs,
      restartAfterIdleMs,
      warmTrivialMedianMs: median(trivial),
      warmComputeMedianMs: median(compute),
      newProcessColdMs: newProcess.cold,
      newProcessWarmMs: newProcess.warm,
    };
  } finally {
    await tool.dispose();
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const result = await runPythonToolBenchmark();
  const ms = (value: number) => `${value.toFixed(0)} ms`;
  const row = (breakdown: PythonStartupBreakdown) => ({
    'process + config': ms(breakdown.processAndConfigMs),
    import: ms(breakdown.importMs),
    load: ms(breakdown.loadMs),
    snapshot: ms(breakdown.snapshotMs),
    'runtime + lockdown': ms(breakdown.runtimeMs),
    'total (host)': ms(breakdown.totalMs),
    'first cell': ms(breakdown.firstCellMs),
  });
  console.log('Python tool benchmark (Pyodide in a separate Node process under the permission model)');
  console.log(
    `\nWhere a start-up goes (bare Node process with the sandbox flags: ${ms(result.bareProcessMs)}, median of 5)`,
  );
  console.table({
    'full load': row(result.fullLoad),
    'full load + snapshot': row(result.fullLoadWithSnapshot),
    'from the snapshot': row(result.fromSnapshot),
  });
  console.log(`snapshot: ${(result.snapshotBytes / 1024 / 1024).toFixed(1)} MiB`);
  const ratio = result.fromSnapshot.totalMs / result.fullLoadWithSnapshot.totalMs;
  console.log(`restore / first load: ${ratio.toFixed(2)}`);
  console.log('\nThrough the tool');
  console.table({
    'first call (full load + snapshot)': { latency: ms(result.firstCallMs) },
    'first call right after reset (snapshot)': { latency: result.restartFromSnapshotMs.map(ms).join(', ') },
    'first call after reset + 1 s idle': { latency: result.restartAfterIdleMs.map(ms).join(', ') },
    'warm call: 1 + 1 (median of 50)': { latency: `${result.warmTrivialMedianMs.toFixed(1)} ms` },
    'warm call: sum of 100k squares (median of 10)': { latency: ms(result.warmComputeMedianMs) },
  });
  console.log('\nFirst call of a new process (timed inside it), snapshot file absent vs present');
  console.table({
    'cold: empty snapshot folder (full load, file written)': {
      latency: result.newProcessColdMs.map(ms).join(', '),
    },
    'warm: snapshot file of an earlier process': { latency: result.newProcessWarmMs.map(ms).join(', ') },
  });
  const warmRatio = median([...result.newProcessWarmMs]) / median([...result.newProcessColdMs]);
  console.log(`new process, warm / cold first call (medians): ${warmRatio.toFixed(2)}`);
}
