/**
 * The memory snapshot of a freshly loaded Pyodide interpreter, kept on disk so that a new process's
 * first `python` call restores it (about a quarter of a full load) instead of loading Pyodide from
 * scratch. Only the host reads and writes the file; the sandbox process receives the bytes over IPC,
 * exactly like the in-memory snapshot, and gets no access to the cache folder.
 *
 * A file is used only when everything that makes a snapshot valid matches the key in its header (the
 * Pyodide version and the identity of its main files, the Node version and ABI, the sandbox bootstrap)
 * and the SHA-256 of its bytes matches the header: anything else (missing, truncated, corrupt, another
 * key) is ignored, and the tool replaces it with a fresh snapshot. Writes are atomic (temporary file,
 * fsync, rename), so concurrent first starts of several processes leave one complete file.
 */

import { createHash, randomUUID } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, stat, unlink } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { ConfigurationError } from '@harmony-agents/core';
import { PYTHON_PROCESS_SOURCE } from './python-process-source.js';

/**
 * Version of the way the sandbox loads Pyodide before the snapshot is taken (the `loadPyodide` options
 * in `python-process-source.ts`). Bump it when that changes; the source's hash is part of the key too.
 */
export const PYTHON_SNAPSHOT_BOOTSTRAP_VERSION = 1;

/** The header's format name; a file starting with anything else is ignored. */
const FORMAT = 'harmony-agents-python-snapshot/1';
/** Longest header accepted (the key is a few hundred bytes). */
const MAX_HEADER_BYTES = 16 * 1024;
/** Largest snapshot accepted (Pyodide's is about 30 MiB). */
const MAX_SNAPSHOT_BYTES = 1024 * 1024 * 1024;
/** Temporary files older than this are left over by a killed process and removed on the next write. */
const STALE_TEMPORARY_MS = 10 * 60 * 1000;
/** The Pyodide files whose identity (size and modification time) is part of the key. */
const PYODIDE_FILES = ['pyodide.asm.wasm', 'pyodide.asm.mjs', 'python_stdlib.zip', 'pyodide.mjs'] as const;

/** Everything a snapshot's validity depends on; a file written under another key is never used. */
export interface PythonSnapshotKey {
  /** The `pyodide` package's version. */
  readonly pyodideVersion: string;
  /** SHA-256 of the names, sizes and modification times of Pyodide's main files. */
  readonly pyodideFiles: string;
  /** `process.version`. */
  readonly node: string;
  /** `process.versions.modules` (the Node ABI). */
  readonly abi: string;
  /** `process.platform`. */
  readonly platform: string;
  /** `process.arch`. */
  readonly arch: string;
  /** {@link PYTHON_SNAPSHOT_BOOTSTRAP_VERSION}, unless a test asks for another. */
  readonly bootstrap: number;
  /** SHA-256 of the sandbox process's source. */
  readonly bootstrapSource: string;
}

const sha256 = (data: string | Uint8Array): string => createHash('sha256').update(data).digest('hex');

/**
 * The default cache folder: `$HARMONY_AGENTS_CACHE_DIR/python-snapshots`, else
 * `$XDG_CACHE_HOME/harmony-agents/python-snapshots`, else `~/.cache/harmony-agents/python-snapshots`.
 */
export function defaultPythonSnapshotDirectory(
  environment: Readonly<Record<string, string | undefined>> = process.env,
): string {
  const own = environment.HARMONY_AGENTS_CACHE_DIR;
  if (own !== undefined && own !== '') return join(own, 'python-snapshots');
  const cache = environment.XDG_CACHE_HOME;
  const root = cache !== undefined && cache !== '' ? cache : join(homedir(), '.cache');
  return join(root, 'harmony-agents', 'python-snapshots');
}

/** The `snapshotCache` option as a folder, or undefined for `false` (memory only). */
export function resolvePythonSnapshotDirectory(option: string | false | undefined): string | undefined {
  if (option === false) return undefined;
  if (option === undefined) return defaultPythonSnapshotDirectory();
  if (typeof option !== 'string' || option === '') {
    throw new ConfigurationError('createPythonTool: snapshotCache must be a folder path or false');
  }
  return resolve(option);
}

/** Computes the key of snapshots made from the Pyodide package in `pyodideDirectory` by this process. */
export async function pythonSnapshotKey(
  pyodideDirectory: string,
  bootstrap: number = PYTHON_SNAPSHOT_BOOTSTRAP_VERSION,
): Promise<PythonSnapshotKey> {
  const manifest = JSON.parse(await readFile(join(pyodideDirectory, 'package.json'), 'utf8')) as {
    version?: unknown;
  };
  const identities = await Promise.all(
    PYODIDE_FILES.map(async (name) => {
      const info = await stat(join(pyodideDirectory, name));
      return `${name}:${info.size}:${info.mtimeMs}`;
    }),
  );
  return {
    pyodideVersion: String(manifest.version),
    pyodideFiles: sha256(identities.join('\n')),
    node: process.version,
    abi: process.versions.modules,
    platform: process.platform,
    arch: process.arch,
    bootstrap,
    bootstrapSource: sha256(PYTHON_PROCESS_SOURCE),
  };
}

/** One snapshot file: `<directory>/pyodide-<version>-<hash of the key>.snapshot`. */
export class PythonSnapshotCache {
  /** The file's path. */
  readonly path: string;
  readonly #directory: string;
  readonly #key: string;

  /** The file of snapshots made under `key`, in `directory` (created on the first write). */
  constructor(directory: string, key: PythonSnapshotKey) {
    this.#directory = directory;
    this.#key = JSON.stringify(key);
    const safeVersion = key.pyodideVersion.replace(/[^\w.-]/gu, '_');
    this.path = join(directory, `pyodide-${safeVersion}-${sha256(this.#key).slice(0, 16)}.snapshot`);
  }

  /**
   * The snapshot, when the file exists, is complete, was written under this key and its bytes match
   * their SHA-256; otherwise undefined. Never throws.
   */
  async read(): Promise<Uint8Array | undefined> {
    let handle: Awaited<ReturnType<typeof open>> | undefined;
    try {
      handle = await open(this.path, 'r');
      const { size } = await handle.stat();
      const head = new Uint8Array(Math.min(size, MAX_HEADER_BYTES));
      const { bytesRead } = await handle.read(head, 0, head.length, 0);
      const end = head.subarray(0, bytesRead).indexOf(0x0a);
      if (end < 0) return undefined;
      const header = JSON.parse(new TextDecoder().decode(head.subarray(0, end))) as Record<string, unknown>;
      const bytes = header.bytes;
      if (header.format !== FORMAT || JSON.stringify(header.key) !== this.#key) return undefined;
      if (typeof bytes !== 'number' || !Number.isSafeInteger(bytes) || bytes <= 0) return undefined;
      if (bytes > MAX_SNAPSHOT_BYTES || size !== end + 1 + bytes) return undefined;
      const data = new Uint8Array(bytes);
      let offset = 0;
      while (offset < bytes) {
        const chunk = await handle.read(data, offset, bytes - offset, end + 1 + offset);
        if (chunk.bytesRead === 0) return undefined;
        offset += chunk.bytesRead;
      }
      return sha256(data) === header.sha256 ? data : undefined;
    } catch {
      return undefined;
    } finally {
      await handle?.close().catch(() => undefined);
    }
  }

  /**
   * Writes the snapshot atomically: the file always holds either its previous content or all of this
   * one. Failures (read-only folder, full disk) are ignored: the cache only saves time. Never throws.
   */
  async write(data: Uint8Array): Promise<void> {
    const name = this.path.slice(this.#directory.length + 1);
    const temporary = join(this.#directory, `.${name}.${randomUUID()}.tmp`);
    const header = `${JSON.stringify({
      format: FORMAT,
      key: JSON.parse(this.#key),
      bytes: data.byteLength,
      sha256: sha256(data),
    })}\n`;
    let renamed = false;
    try {
      // Whoever can write a snapshot changes what runs in the sandbox: folders this creates, and the file, are
      // the user's alone (an existing folder keeps its mode).
      await mkdir(this.#directory, { recursive: true, mode: 0o700 });
      await this.#removeStaleTemporaries();
      const handle = await open(temporary, 'wx', 0o600);
      try {
        await handle.writeFile(header, 'utf8');
        await handle.writeFile(data);
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(temporary, this.path);
      renamed = true;
      await syncFolder(this.#directory);
    } catch {
      // Nothing is lost: the next process loads Pyodide from scratch and tries again.
    } finally {
      if (!renamed) await unlink(temporary).catch(() => undefined);
    }
  }

  /** Removes temporary files that a process killed while writing left behind. */
  async #removeStaleTemporaries(): Promise<void> {
    const names = await readdir(this.#directory).catch(() => [] as string[]);
    const now = Date.now();
    for (const name of names) {
      if (!name.startsWith('.pyodide-') || !name.endsWith('.tmp')) continue;
      const path = join(this.#directory, name);
      const info = await stat(path).catch(() => undefined);
      if (info !== undefined && now - info.mtimeMs > STALE_TEMPORARY_MS) {
        await unlink(path).catch(() => undefined);
      }
    }
  }
}

/** Makes the rename durable; some systems cannot open a folder for syncing (Windows): then skip it. */
async function syncFolder(folder: string): Promise<void> {
  try {
    const handle = await open(folder, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // The file is complete and renamed; only its durability across a power loss is not guaranteed.
  }
}
