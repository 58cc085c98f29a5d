/**
 * Opening a file whose path was checked to be inside a root folder, without the race between the
 * check and the open: a folder on the path swapped for a symbolic link in between must not lead the
 * open outside. The descriptor is checked after opening: its own path (`/proc/self/fd/N`, Linux) must
 * be inside the root; where the system does not give it, the path is resolved again and must lead,
 * inside the root, to the very file opened (same device and inode).
 */

import { constants, existsSync, type Stats } from 'node:fs';
import { type FileHandle, open, realpath, stat } from 'node:fs/promises';
import { sep } from 'node:path';

const PROC_FD = existsSync('/proc/self/fd') ? '/proc/self/fd' : undefined;

/** True if `path` is `realRoot` or below it (both real paths). */
export function isInsideRealRoot(path: string, realRoot: string): boolean {
  return path === realRoot || path.startsWith(realRoot.endsWith(sep) ? realRoot : `${realRoot}${sep}`);
}

/** What {@link openInsideRoot} found. */
export type OpenInsideRootResult =
  | { readonly type: 'opened'; readonly handle: FileHandle; readonly stats: Stats }
  | { readonly type: 'moved' }
  | { readonly type: 'failed'; readonly code: string | undefined; readonly error: unknown };

/**
 * Opens `real` (read-only, not following a final link, not blocking on a FIFO) and checks that the
 * opened file is inside `realRoot`. `resolveAgain` resolves the requested path once more (used where
 * the descriptor's path is not available). On `opened` the caller closes the handle.
 */
export async function openInsideRoot(
  real: string,
  realRoot: string,
  resolveAgain: () => Promise<string | undefined>,
): Promise<OpenInsideRootResult> {
  let handle: FileHandle;
  try {
    handle = await open(real, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0));
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === 'ELOOP') return { type: 'moved' };
    return { type: 'failed', code: typeof code === 'string' ? code : undefined, error };
  }
  try {
    const stats = await handle.stat();
    let inside: boolean;
    if (PROC_FD !== undefined) {
      const actual = await realpath(`${PROC_FD}/${handle.fd}`).catch(() => undefined);
      inside = actual !== undefined && isInsideRealRoot(actual, realRoot);
    } else {
      const again = await resolveAgain().catch(() => undefined);
      const current =
        again === undefined || !isInsideRealRoot(again, realRoot)
          ? undefined
          : await stat(again).catch(() => undefined);
      inside = current !== undefined && current.dev === stats.dev && current.ino === stats.ino;
    }
    if (inside) return { type: 'opened', handle, stats };
  } catch (error) {
    await handle.close();
    return { type: 'failed', code: undefined, error };
  }
  await handle.close();
  return { type: 'moved' };
}

/** Reads at most `maxBytes + 1` bytes, so a file that grows after its size was checked cannot flood memory. */
export async function readAtMost(handle: FileHandle, maxBytes: number): Promise<Uint8Array> {
  const buffer = new Uint8Array(maxBytes + 1);
  let length = 0;
  while (length < buffer.length) {
    const { bytesRead } = await handle.read(buffer, length, buffer.length - length, null);
    if (bytesRead === 0) break;
    length += bytesRead;
  }
  return buffer.subarray(0, length);
}
