/**
 * Free disk space and memory, checked before a download and before a model is loaded.
 */

import { existsSync, readFileSync } from 'node:fs';
import { statfs } from 'node:fs/promises';
import { freemem, totalmem } from 'node:os';
import { dirname } from 'node:path';

/** What the checks read. Tests replace it. */
export interface SystemResources {
  /** Bytes free for this user on the file system holding `path` (or its nearest existing parent). */
  freeDiskBytes(path: string): Promise<number>;
  /** Bytes of memory available to a new process without swapping. */
  availableMemoryBytes(): number;
  /** Bytes of memory in all. */
  totalMemoryBytes(): number;
}

/** `MemAvailable` from `/proc/meminfo` on Linux (free memory plus reclaimable caches), else `os.freemem()`. */
function availableMemory(): number {
  try {
    const match = /^MemAvailable:\s+(\d+) kB$/mu.exec(readFileSync('/proc/meminfo', 'utf8'));
    if (match?.[1] !== undefined) return Number(match[1]) * 1024;
  } catch {}
  return freemem();
}

/** The real machine. */
export const SYSTEM_RESOURCES: SystemResources = {
  async freeDiskBytes(path) {
    let folder = path;
    while (!existsSync(folder) && dirname(folder) !== folder) folder = dirname(folder);
    const stats = await statfs(folder);
    return stats.bavail * stats.bsize;
  },
  availableMemoryBytes: availableMemory,
  totalMemoryBytes: totalmem,
};
