/**
 * Where a python tool's sessions get their starting snapshot: memory snapshots of a freshly loaded
 * interpreter, shared by the tools of this process per Pyodide folder, backed by the snapshot file of
 * the tool's cache folder (see `python-snapshot-cache.ts`) so a new process starts from it too.
 */

import { PythonSnapshotCache, pythonSnapshotKey } from './python-snapshot-cache.js';

/**
 * Memory snapshots of a freshly loaded interpreter, by Pyodide folder. Starting from one takes about a
 * quarter of the time of a full load; they are taken before any sandbox code runs, so they hold no state.
 */
const snapshots = new Map<string, Uint8Array>();

/** The snapshots of one tool: the process's in memory, else its cache file's. */
export class PythonSnapshotStore {
  readonly #pyodideDirectory: string;
  readonly #cacheDirectory: string | undefined;
  #file: Promise<PythonSnapshotCache | undefined> | undefined;
  /** Set when the file's snapshot did not restore: load from scratch, then replace the file. */
  #fileRejected = false;
  /** Whether this tool has made sure its file exists (a memory snapshot may come from another tool). */
  #fileChecked = false;

  /** `cacheDirectory` undefined: memory only. */
  constructor(pyodideDirectory: string, cacheDirectory: string | undefined) {
    this.#pyodideDirectory = pyodideDirectory;
    this.#cacheDirectory = cacheDirectory;
  }

  #cacheFile(): Promise<PythonSnapshotCache | undefined> {
    const directory = this.#cacheDirectory;
    if (directory === undefined) return Promise.resolve(undefined);
    this.#file ??= pythonSnapshotKey(this.#pyodideDirectory).then(
      (key) => new PythonSnapshotCache(directory, key),
      () => undefined,
    );
    return this.#file;
  }

  /** The snapshot to start from: the one in memory, else the cache file's (verified), else none. */
  async snapshot(): Promise<Uint8Array | undefined> {
    const inMemory = snapshots.get(this.#pyodideDirectory);
    if (inMemory !== undefined && !this.#fileChecked && !this.#fileRejected) {
      // Taken by a tool of this process with another or no cache folder: write this tool's file too.
      this.#fileChecked = true;
      void this.#cacheFile().then(async (file) => {
        if (file !== undefined && (await file.read()) === undefined) await file.write(inMemory);
      });
    }
    if (inMemory !== undefined || this.#fileRejected) return inMemory;
    this.#fileChecked = true;
    const fromFile = await (await this.#cacheFile())?.read();
    // Another tool of this process may have taken one meanwhile: keep the first.
    if (fromFile !== undefined && !snapshots.has(this.#pyodideDirectory)) {
      snapshots.set(this.#pyodideDirectory, fromFile);
    }
    return snapshots.get(this.#pyodideDirectory);
  }

  /** Keeps a snapshot taken right after a load, in memory and (in the background) in the cache file. */
  keep(snapshot: Uint8Array): void {
    snapshots.set(this.#pyodideDirectory, snapshot);
    this.#fileChecked = true;
    void this.#cacheFile().then((file) => file?.write(snapshot));
  }

  /** Drops a snapshot that did not restore; the next start loads from scratch and takes a new one. */
  reject(): void {
    snapshots.delete(this.#pyodideDirectory);
    this.#fileRejected = true;
  }
}
