/**
 * Host folders granted to the Python sandbox. A mount is a snapshot: the host reads the folder when a
 * session starts and the worker writes the copy into Pyodide's in-memory file system. Python never
 * touches the host file system, so nothing it does reaches the host folder.
 */

import { lstat, readdir, readFile, realpath } from 'node:fs/promises';
import { join, posix, relative, sep } from 'node:path';
import { ConfigurationError, ToolInputRejectedError } from '@harmony-agents/core';

/** A host folder made visible to Python. */
export interface PythonMount {
  /** The folder on the host to copy. */
  readonly hostPath: string;
  /** Where it appears inside the sandbox: an absolute POSIX path such as `/mnt/input`. */
  readonly path: string;
  /**
   * Whether Python is refused writes to the copy (files mode 0444, folders 0555). When false, Python
   * may change the in-memory copy; the changes are lost at the next reset and never reach the host.
   * @defaultValue true
   */
  readonly readOnly?: boolean;
}

/** A mount read from the host, ready to be sent to the worker. */
export interface PythonMountData {
  /** Where the copy appears inside the sandbox. */
  readonly path: string;
  /** Whether the copy gets modes 0444/0555. */
  readonly readOnly: boolean;
  /** Folder paths relative to the mount, parents before children. */
  readonly directories: readonly string[];
  /** Files relative to the mount. */
  readonly files: readonly { readonly path: string; readonly data: Uint8Array }[];
}

const RESERVED_PATHS = ['/dev', '/proc', '/lib', '/tmp', '/home', '/mnt/data'];

/**
 * Checks mount definitions before any session starts.
 * @throws {@link ConfigurationError} for a relative, reserved, duplicate or nested mount path.
 */
export function validatePythonMounts(mounts: readonly PythonMount[]): void {
  const seen: string[] = [];
  for (const mount of mounts) {
    const path = mount.path;
    if (
      typeof path !== 'string' ||
      !path.startsWith('/') ||
      posix.normalize(path) !== path ||
      path.endsWith('/')
    ) {
      throw new ConfigurationError(
        `Python mount path must be an absolute, normalized POSIX path without a trailing slash: ${String(path)}`,
      );
    }
    const reserved =
      path === '/' || path === '/mnt' || RESERVED_PATHS.some((r) => path === r || path.startsWith(`${r}/`));
    if (reserved) {
      throw new ConfigurationError(
        `Python mount path ${path} is reserved by the sandbox; use e.g. /mnt/input`,
      );
    }
    if (
      seen.some((other) => other === path || path.startsWith(`${other}/`) || other.startsWith(`${path}/`))
    ) {
      throw new ConfigurationError(`Python mount paths may not repeat or nest: ${path}`);
    }
    if (typeof mount.hostPath !== 'string' || mount.hostPath === '') {
      throw new ConfigurationError(`Python mount ${path} needs a hostPath`);
    }
    seen.push(path);
  }
}

/**
 * Reads the granted folders. Symbolic links are skipped (a link could lead outside the folder), as are
 * sockets, devices and FIFOs.
 * @throws {@link ToolInputRejectedError} (`too_large`) when the mounts exceed `maxBytes` in total.
 * @throws The file system error when a host folder cannot be read.
 */
export async function readPythonMounts(
  mounts: readonly PythonMount[],
  maxBytes: number,
): Promise<PythonMountData[]> {
  let total = 0;
  const result: PythonMountData[] = [];
  for (const mount of mounts) {
    const root = await realpath(mount.hostPath);
    const directories: string[] = [];
    const files: { path: string; data: Uint8Array }[] = [];
    const pending = [root];
    for (let folder = pending.shift(); folder !== undefined; folder = pending.shift()) {
      const entries = await readdir(folder, { withFileTypes: true });
      entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      for (const entry of entries) {
        const hostPath = join(folder, entry.name);
        const inner = relative(root, hostPath).split(sep).join('/');
        const stats = await lstat(hostPath);
        if (stats.isDirectory()) {
          directories.push(inner);
          pending.push(hostPath);
        } else if (stats.isFile()) {
          total += stats.size;
          if (total > maxBytes) {
            throw new ToolInputRejectedError(
              `Python mounts exceed the ${maxBytes}-byte limit (at ${hostPath}); raise maxMountBytes or mount less`,
              { reason: 'too_large' },
            );
          }
          files.push({ path: inner, data: new Uint8Array(await readFile(hostPath)) });
        }
      }
    }
    result.push({ path: mount.path, readOnly: mount.readOnly ?? true, directories, files });
  }
  return result;
}
