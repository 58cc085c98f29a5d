import { realpathSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ConfigurationError } from '@harmony-agents/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  defaultPythonSnapshotDirectory,
  PYTHON_SNAPSHOT_BOOTSTRAP_VERSION,
  PythonSnapshotCache,
  pythonSnapshotKey,
  resolvePythonSnapshotDirectory,
} from './python-snapshot-cache.js';

const pyodide = realpathSync(dirname(createRequire(import.meta.url).resolve('pyodide/package.json')));
const data = Uint8Array.from({ length: 100_000 }, (_, index) => (index * 31) % 251);

let folder: string;
beforeEach(async () => {
  folder = await mkdtemp(join(tmpdir(), 'harmony-python-snapshot-'));
});
afterEach(async () => {
  await rm(folder, { recursive: true, force: true });
});

describe('python snapshot cache file', () => {
  it('reads back what it wrote, into an array of its own', async () => {
    const cache = new PythonSnapshotCache(join(folder, 'nested'), await pythonSnapshotKey(pyodide));
    expect(await cache.read()).toBeUndefined();
    await cache.write(data);
    const read = await cache.read();
    expect(read).toEqual(data);
    expect(read?.byteOffset).toBe(0);
    expect(read?.buffer.byteLength).toBe(data.byteLength);
    expect(await readdir(join(folder, 'nested'))).toEqual([cache.path.slice(folder.length + 8)]);
  });

  it.runIf(process.platform !== 'win32')('creates its folders and the file for the user alone', async () => {
    const cache = new PythonSnapshotCache(join(folder, 'a', 'b'), await pythonSnapshotKey(pyodide));
    await cache.write(data);
    expect((await stat(join(folder, 'a'))).mode & 0o777).toBe(0o700);
    expect((await stat(join(folder, 'a', 'b'))).mode & 0o777).toBe(0o700);
    expect((await stat(cache.path)).mode & 0o777).toBe(0o600);
  });

  it('ignores a truncated file, a changed byte and a file of another key', async () => {
    const key = await pythonSnapshotKey(pyodide);
    const cache = new PythonSnapshotCache(folder, key);
    await cache.write(data);
    const bytes = await readFile(cache.path);
    await truncate(cache.path, bytes.byteLength - 1);
    expect(await cache.read()).toBeUndefined();

    const changed = Buffer.from(bytes);
    changed[changed.byteLength - 10] = (changed[changed.byteLength - 10]! + 1) % 256;
    await writeFile(cache.path, changed);
    expect(await cache.read()).toBeUndefined();

    await writeFile(cache.path, 'not a snapshot');
    expect(await cache.read()).toBeUndefined();

    // The same bytes under another bootstrap version, placed where this key's file lives.
    const other = new PythonSnapshotCache(folder, { ...key, bootstrap: key.bootstrap + 1 });
    expect(other.path).not.toBe(cache.path);
    await other.write(data);
    await writeFile(cache.path, await readFile(other.path));
    expect(await cache.read()).toBeUndefined();
    expect(await other.read()).toEqual(data);
  });

  it('keys on the Pyodide files, Node and the bootstrap', async () => {
    const key = await pythonSnapshotKey(pyodide);
    expect(key).toMatchObject({
      node: process.version,
      abi: process.versions.modules,
      bootstrap: PYTHON_SNAPSHOT_BOOTSTRAP_VERSION,
    });
    expect(key.pyodideVersion).toMatch(/^\d+\.\d+/u);
    expect((await pythonSnapshotKey(pyodide, 0)).bootstrap).toBe(0);
    await expect(pythonSnapshotKey(folder)).rejects.toThrow();
  });

  it('never throws when the folder cannot be written', async () => {
    // A regular file where the folder should be (permissions would not stop root).
    await writeFile(join(folder, 'file'), '');
    const cache = new PythonSnapshotCache(join(folder, 'file', 'sub'), await pythonSnapshotKey(pyodide));
    await expect(cache.write(data)).resolves.toBeUndefined();
    expect(await cache.read()).toBeUndefined();
  });

  it('resolves the option and the default folder', () => {
    expect(resolvePythonSnapshotDirectory(false)).toBeUndefined();
    expect(resolvePythonSnapshotDirectory('relative')).toBe(join(process.cwd(), 'relative'));
    expect(() => resolvePythonSnapshotDirectory('')).toThrow(ConfigurationError);
    expect(defaultPythonSnapshotDirectory({ HARMONY_AGENTS_CACHE_DIR: '/c' })).toBe('/c/python-snapshots');
    expect(defaultPythonSnapshotDirectory({ XDG_CACHE_HOME: '/x' })).toBe(
      '/x/harmony-agents/python-snapshots',
    );
  });
});
