import { realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { PYTHON_BLOCKED_MODULES, PYTHON_RUNTIME_SOURCE } from './python-runtime-source.js';
import { PythonSession, type PythonSessionSettings } from './python-session.js';

const directory = realpathSync(dirname(createRequire(import.meta.url).resolve('pyodide/package.json')));
const limits = { maxOutputCharacters: 1_000, maxTracebackCharacters: 1_000 };

function settings(
  snapshot: Uint8Array | undefined,
  onSnapshot: (data: Uint8Array) => void,
): PythonSessionSettings {
  return {
    pyodideDirectory: directory,
    pyodideModuleUrl: pathToFileURL(join(directory, 'pyodide.mjs')).href,
    indexPath: `${directory}${sep}`,
    memoryLimitBytes: 256 * 1024 * 1024,
    heapLimitMb: 256,
    startupTimeoutMs: 120_000,
    runtimeSource: PYTHON_RUNTIME_SOURCE,
    runtimeOptions: {
      stateful: true,
      max_output_characters: 1_000,
      max_traceback_characters: 1_000,
      blocked_modules: PYTHON_BLOCKED_MODULES,
    },
    mounts: [],
    snapshot,
    makeSnapshot: snapshot === undefined,
    onSnapshot,
  };
}

describe('PythonSession', () => {
  it('restores every time from the snapshot the first process sent over IPC', async () => {
    let snapshot: Uint8Array | undefined;
    const first = new PythonSession(settings(undefined, (data) => (snapshot = data)));
    expect(await first.start()).toBeUndefined();
    await first.terminate();
    expect(snapshot?.byteLength).toBeGreaterThan(1_000_000);
    // The array received over IPC may start at an unaligned offset; Pyodide then refused it
    // ("start offset of Uint32Array should be a multiple of 4") and every restart loaded from scratch.
    expect(snapshot?.byteOffset).toBe(0);
    for (let attempt = 0; attempt < 2; attempt++) {
      const restored = new PythonSession(settings(snapshot, () => undefined));
      expect(await restored.start()).toBeUndefined();
      const outcome = await restored.run('6 * 7', 30_000, limits, new AbortController().signal);
      expect(outcome).toMatchObject({ type: 'completed', stdout: '42\n' });
      await restored.terminate();
    }
  });
});
