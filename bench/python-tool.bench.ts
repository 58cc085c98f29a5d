/**
 * Python tool benchmark: what the Pyodide sandbox costs per call.
 *
 * 1. First call of the process: worker start, full Pyodide load (~9.6 MB wasm, stdlib zip), a memory
 *    snapshot of the fresh interpreter, sandbox setup, then the cell.
 * 2. First call after `reset()`: a new worker restored from that snapshot.
 * 3. Warm calls on a live session: `1 + 1`, and a small computation.
 *
 * Run: `node --conditions=@harmony-agents/source --import tsx bench/python-tool.bench.ts`
 */
import { pathToFileURL } from 'node:url';
import type { ToolContext } from '@harmony-agents/core';
import { createPythonTool, type PythonTool } from '@harmony-agents/tools';

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

function context(): ToolContext {
  return {
    signal: new AbortController().signal,
    callId: 'bench',
    step: 1,
    recipient: 'python',
    channel: 'analysis',
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

/** Latencies of the python tool, in milliseconds. */
export interface PythonToolBenchmarkResult {
  readonly firstCallMs: number;
  readonly restartFromSnapshotMs: readonly number[];
  readonly warmTrivialMedianMs: number;
  readonly warmComputeMedianMs: number;
}

/** Measures first-call, restart and warm-call latency of {@link createPythonTool}. */
export async function runPythonToolBenchmark(): Promise<PythonToolBenchmarkResult> {
  const tool = createPythonTool();
  try {
    const firstCallMs = await timed(tool, '1 + 1');
    const restartFromSnapshotMs: number[] = [];
    for (let index = 0; index < 3; index++) {
      await tool.reset();
      restartFromSnapshotMs.push(await timed(tool, '1 + 1'));
    }
    const trivial: number[] = [];
    for (let index = 0; index < 50; index++) trivial.push(await timed(tool, '1 + 1'));
    const compute: number[] = [];
    for (let index = 0; index < 10; index++) {
      compute.push(await timed(tool, 'sum(i * i for i in range(100_000))'));
    }
    return {
      firstCallMs,
      restartFromSnapshotMs,
      warmTrivialMedianMs: median(trivial),
      warmComputeMedianMs: median(compute),
    };
  } finally {
    await tool.dispose();
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const result = await runPythonToolBenchmark();
  const ms = (value: number) => `${value.toFixed(1)} ms`;
  console.log('Python tool benchmark (Pyodide in a separate Node process)');
  console.table({
    'first call (full load + snapshot)': { latency: ms(result.firstCallMs) },
    'first call after reset (snapshot)': {
      latency: result.restartFromSnapshotMs.map(ms).join(', '),
    },
    'warm call: 1 + 1 (median of 50)': { latency: ms(result.warmTrivialMedianMs) },
    'warm call: sum of 100k squares (median of 10)': { latency: ms(result.warmComputeMedianMs) },
  });
}
