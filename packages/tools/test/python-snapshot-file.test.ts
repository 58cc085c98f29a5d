/**
 * The python tool's snapshot file, across processes: a new process starts from the snapshot another
 * process wrote; a corrupt, truncated or foreign file is ignored and replaced; `snapshotCache: false`
 * writes nothing; two processes starting cold at once leave one complete file. Real Pyodide, real files,
 * temporary folders only.
 */
import { spawn } from 'node:child_process';
import { realpathSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { PythonSnapshotCache, pythonSnapshotKey } from '../src/python-snapshot-cache.js';
import { createPythonTool } from '../src/python-tool.js';

const PACKAGE_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const REPOSITORY_DIR = resolve(PACKAGE_DIR, '../..');
const pyodide = realpathSync(dirname(createRequire(import.meta.url).resolve('pyodide/package.json')));

let folder: string;
let script: string;

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'harmony-python-snapshot-file-'));
  script = join(folder, 'first-call.mts');
  const toolUrl = pathToFileURL(join(PACKAGE_DIR, 'src/python-tool.ts')).href;
  await writeFile(
    script,
    `import { createPythonTool } from ${JSON.stringify(toolUrl)};
const cache = process.argv[2];
const tool = createPythonTool(cache === 'default' ? {} : { snapshotCache: cache === 'false' ? false : cache });
const context = { signal: new AbortController().signal, callId: 'c', step: 1, recipient: 'python', channel: 'analysis' };
process.stdout.write(await tool.execute({ recipient: 'python', input: '6 * 7', contentType: undefined }, context));
await tool.dispose();
`,
  );
});

afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

/** Runs one first call in a new Node process; `cache` is a folder, `false` or `default`. */
function firstCallInNewProcess(cache: string, environment: Record<string, string> = {}): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(
      process.execPath,
      ['--conditions=@harmony-agents/source', '--import', 'tsx', script, cache],
      { cwd: REPOSITORY_DIR, env: { ...process.env, ...environment }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.once('error', reject);
    child.once('exit', (code) => {
      clearTimeout(timer);
      if (code === 0 && stderr === '') resolvePromise(stdout);
      else reject(new Error(`exit ${code}: ${stderr}`));
    });
  });
}

/** The file's identity: a rewrite renames a new file over it, so the inode changes. */
async function identity(path: string): Promise<string> {
  const info = await stat(path);
  return `${info.ino}:${info.mtimeMs}:${info.size}`;
}

describe('python snapshot file across processes', () => {
  it('writes nothing with snapshotCache: false; a tool with a folder writes one from memory', async () => {
    const cacheRoot = join(folder, 'unused-root');
    await mkdir(cacheRoot);
    const previous = process.env.HARMONY_AGENTS_CACHE_DIR;
    process.env.HARMONY_AGENTS_CACHE_DIR = cacheRoot;
    // In this test's own process: nothing has taken a snapshot here yet, so this call takes one.
    const tool = createPythonTool({ snapshotCache: false });
    try {
      const context = {
        signal: new AbortController().signal,
        callId: 'c',
        step: 1,
        recipient: 'python',
        channel: 'analysis' as const,
        context: undefined,
      };
      const call = { recipient: 'python', input: '6 * 7', contentType: undefined };
      expect(await tool.execute(call, context)).toBe('42\n');
      await tool.reset();
      expect(await tool.execute(call, context)).toBe('42\n');
    } finally {
      await tool.dispose();
      if (previous === undefined) delete process.env.HARMONY_AGENTS_CACHE_DIR;
      else process.env.HARMONY_AGENTS_CACHE_DIR = previous;
    }
    expect(await readdir(cacheRoot)).toEqual([]);

    // A tool with a cache folder that finds the snapshot already in memory still writes its file.
    const directory = join(folder, 'from-memory');
    const withCache = createPythonTool({ snapshotCache: directory });
    try {
      const context = {
        signal: new AbortController().signal,
        callId: 'c',
        step: 1,
        recipient: 'python',
        channel: 'analysis' as const,
        context: undefined,
      };
      const call = { recipient: 'python', input: '6 * 7', contentType: undefined };
      expect(await withCache.execute(call, context)).toBe('42\n');
    } finally {
      await withCache.dispose();
    }
    const cache = new PythonSnapshotCache(directory, await pythonSnapshotKey(pyodide));
    await vi.waitFor(async () => expect((await cache.read())?.byteLength).toBeGreaterThan(1_000_000), {
      timeout: 30_000,
      interval: 200,
    });
  });

  it('starts a new process from the file that others wrote, and replaces a bad file', async () => {
    const cacheRoot = join(folder, 'root');
    const directory = join(cacheRoot, 'python-snapshots');
    const key = await pythonSnapshotKey(pyodide);
    const cache = new PythonSnapshotCache(directory, key);

    // Two cold processes at once, one through the option, one through the environment variable.
    const outputs = await Promise.all([
      firstCallInNewProcess(directory),
      firstCallInNewProcess('default', { HARMONY_AGENTS_CACHE_DIR: cacheRoot }),
    ]);
    expect(outputs).toEqual(['42\n', '42\n']);
    expect(await readdir(directory)).toEqual([cache.path.slice(directory.length + 1)]);
    const snapshot = await cache.read();
    expect(snapshot?.byteLength).toBeGreaterThan(1_000_000);

    // Warm: the process restores the file's snapshot and so takes and writes none.
    const written = await identity(cache.path);
    expect(await firstCallInNewProcess(directory)).toBe('42\n');
    expect(await identity(cache.path)).toBe(written);

    // Truncated: ignored (never loaded), and replaced by a complete one.
    await truncate(cache.path, (await stat(cache.path)).size - 4096);
    const truncated = await identity(cache.path);
    expect(await firstCallInNewProcess(directory)).toBe('42\n');
    expect(await identity(cache.path)).not.toBe(truncated);
    expect((await cache.read())?.byteLength).toBe(snapshot?.byteLength);

    // Corrupt bytes with an intact header: the checksum fails, the file is replaced.
    const bytes = await readFile(cache.path);
    bytes[bytes.byteLength - 1_000_000] = (bytes[bytes.byteLength - 1_000_000]! + 1) % 256;
    await writeFile(cache.path, bytes);
    const corrupt = await identity(cache.path);
    expect(await cache.read()).toBeUndefined();
    expect(await firstCallInNewProcess(directory)).toBe('42\n');
    expect(await identity(cache.path)).not.toBe(corrupt);
    expect(await cache.read()).toBeDefined();

    // A valid file of another bootstrap version under this key's name: not used, replaced.
    const foreign = new PythonSnapshotCache(join(folder, 'foreign'), {
      ...key,
      bootstrap: key.bootstrap + 1,
    });
    await foreign.write(snapshot as Uint8Array);
    await writeFile(cache.path, await readFile(foreign.path));
    const mismatched = await identity(cache.path);
    expect(await firstCallInNewProcess(directory)).toBe('42\n');
    expect(await identity(cache.path)).not.toBe(mismatched);
    expect(await cache.read()).toBeDefined();

    // Valid key and checksum but not a snapshot Pyodide can restore: dropped, loaded from scratch, replaced.
    await cache.write(new Uint8Array(2_000_000).fill(7));
    expect((await cache.read())?.byteLength).toBe(2_000_000);
    expect(await firstCallInNewProcess(directory)).toBe('42\n');
    expect((await cache.read())?.byteLength).toBe(snapshot?.byteLength);
    expect(await readdir(directory)).toEqual([cache.path.slice(directory.length + 1)]);
  }, 600_000);
});
