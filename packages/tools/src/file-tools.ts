/**
 * Read-only file tools confined to one folder: `read_file` and `list_directory`. A requested path must
 * be relative, must not contain `..`, and its real path (symbolic links resolved with `fs.realpath`)
 * must stay inside the real path of the root. Files must be UTF-8 text under a size limit.
 *
 * `read_file` checks the file it actually opened, not only the path it was asked for: a folder swapped
 * for a symbolic link between the check and the open must not leak outside content. After opening, the
 * descriptor's own path (`/proc/self/fd/N` on Linux) must be inside the root; elsewhere the path is
 * resolved again and must still lead, inside the root, to the very file opened (same device and inode).
 * A file with more than one hard link is refused unless `allowHardLinks` is set, since another of its
 * names may be outside the root.
 */

import { readdir, realpath, stat } from 'node:fs/promises';
import { isAbsolute, join, win32 } from 'node:path';
import {
  ConfigurationError,
  defineTool,
  type FunctionTool,
  ToolInputRejectedError,
} from '@harmony-agents/core';
import { z } from 'zod';
import { isInsideRealRoot, openInsideRoot, readAtMost } from './open-inside-root.js';

/** Options of {@link createReadFileTool}. */
export interface ReadFileToolOptions {
  /** The folder the model may read from; nothing outside it is reachable. */
  readonly root: string;
  /**
   * Largest file returned, in bytes; larger files are refused.
   * @defaultValue 262144 (256 KiB)
   */
  readonly maxBytes?: number;
  /**
   * Read files that have more than one hard link. Off by default: a hard link inside the root to a file
   * outside it is indistinguishable from the file itself, so such files are refused (`hard_link`).
   * @defaultValue false
   */
  readonly allowHardLinks?: boolean;
  /**
   * The tool's name, as the model calls it (`functions.<name>`).
   * @defaultValue `'read_file'`
   */
  readonly name?: string;
}

/** Options of {@link createListDirectoryTool}. */
export interface ListDirectoryToolOptions {
  /** The folder the model may list; nothing outside it is reachable. */
  readonly root: string;
  /**
   * Most entries returned per listing (sorted by name); the rest is counted.
   * @defaultValue 200
   */
  readonly maxEntries?: number;
  /**
   * The tool's name, as the model calls it (`functions.<name>`).
   * @defaultValue `'list_directory'`
   */
  readonly name?: string;
}

/** One entry of a listing. */
export interface DirectoryEntry {
  /** The entry's name inside the listed folder. */
  readonly name: string;
  /** `symlink` entries are not followed; reading through one works only if it stays inside the root. */
  readonly type: 'file' | 'directory' | 'symlink' | 'other';
  /** Size in bytes, for files. */
  readonly size?: number;
}

/** What `list_directory` returns. */
export interface DirectoryListing {
  /** The listed path relative to the root (`.` for the root). */
  readonly path: string;
  /** The entries shown, sorted by name. */
  readonly entries: readonly DirectoryEntry[];
  /** Entries left out because of `maxEntries`. */
  readonly omitted: number;
}

function reject(message: string, reason: string): ToolInputRejectedError {
  return new ToolInputRejectedError(message, { reason });
}

function checkRoot(tool: string, root: unknown): string {
  if (typeof root !== 'string' || root === '') {
    throw new ConfigurationError(`${tool}: root must be a folder path`);
  }
  return root;
}

function checkPositive(tool: string, name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) {
    throw new ConfigurationError(`${tool}: ${name} must be a positive integer, got ${value}`);
  }
  return value;
}

/** The path's segments, after refusing absolute paths, `..` and NUL bytes. `''` and `.` mean the root. */
function relativeSegments(requested: string): string[] {
  if (requested.includes('\0')) throw reject('The path contains a NUL byte', 'invalid_path');
  if (isAbsolute(requested) || win32.isAbsolute(requested) || /^[A-Za-z]:/.test(requested)) {
    throw reject(
      `Absolute paths are not allowed ("${requested}"); give a path relative to the root folder`,
      'absolute_path',
    );
  }
  const segments = requested.split(/[\\/]+/).filter((segment) => segment !== '' && segment !== '.');
  if (segments.includes('..')) {
    throw reject(`".." is not allowed in paths ("${requested}")`, 'parent_segment');
  }
  return segments;
}

/**
 * Resolves `requested` inside `root`, following symbolic links, and checks the result stays inside.
 * @returns the real path and the path relative to the root, with `/` separators.
 * @throws {@link ToolInputRejectedError} `absolute_path`, `parent_segment`, `invalid_path`, `not_found`
 * or `outside_root`.
 */
export async function resolveInsideRoot(
  root: string,
  requested: string,
): Promise<{
  /** The real path (symbolic links resolved), inside the real root. */
  real: string;
  /** The path relative to the root, with `/` separators. */
  relative: string;
}> {
  const segments = relativeSegments(requested);
  let realRoot: string;
  try {
    realRoot = await realpath(root);
  } catch (error) {
    throw new ConfigurationError(`The root folder ${root} does not exist or cannot be read`, {
      cause: error,
    });
  }
  const relative = segments.length === 0 ? '.' : segments.join('/');
  let real: string;
  try {
    real = await realpath(join(realRoot, ...segments));
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === 'ENOENT' || code === 'ENOTDIR')
      throw reject(`No such file or folder: ${relative}`, 'not_found');
    throw reject(`Cannot access ${relative} (${String(code ?? error)})`, 'not_accessible');
  }
  if (!isInsideRealRoot(real, realRoot)) {
    throw reject(`${relative} leads outside the allowed folder (through a symbolic link)`, 'outside_root');
  }
  return { real, relative };
}

/**
 * Reads a UTF-8 text file inside `root`. The opened file itself is checked (see the module comment),
 * so a concurrent swap of a folder for a symbolic link cannot leak outside content.
 * @throws {@link ToolInputRejectedError} as {@link resolveInsideRoot}, and `not_a_file`, `hard_link`,
 * `too_large` or `binary_file` (NUL bytes or invalid UTF-8).
 */
export async function readTextFileInsideRoot(
  root: string,
  requested: string,
  maxBytes: number,
  options: { readonly allowHardLinks?: boolean } = {},
): Promise<string> {
  const { real, relative } = await resolveInsideRoot(root, requested);
  const realRoot = await realpath(root);
  const opened = await openInsideRoot(
    real,
    realRoot,
    async () => (await resolveInsideRoot(root, requested)).real,
  );
  if (opened.type === 'moved') {
    throw reject(`${relative} changed while it was being opened; it is not read`, 'outside_root');
  }
  if (opened.type === 'failed') {
    if (opened.code === 'ENOENT' || opened.code === 'ENOTDIR') {
      throw reject(`No such file or folder: ${relative}`, 'not_found');
    }
    throw reject(`Cannot access ${relative} (${String(opened.code ?? opened.error)})`, 'not_accessible');
  }
  const { handle, stats } = opened;
  try {
    if (!stats.isFile()) throw reject(`${relative} is not a regular file`, 'not_a_file');
    if (stats.nlink > 1 && options.allowHardLinks !== true) {
      throw reject(
        `${relative} has ${stats.nlink} hard links; another of its names may be outside the allowed folder, so it is not read`,
        'hard_link',
      );
    }
    if (stats.size > maxBytes) {
      throw reject(`${relative} is too large (${stats.size} bytes, limit ${maxBytes})`, 'too_large');
    }
    const bytes = await readAtMost(handle, maxBytes);
    if (bytes.length > maxBytes)
      throw reject(`${relative} is too large (limit ${maxBytes} bytes)`, 'too_large');
    if (bytes.includes(0))
      throw reject(`${relative} is a binary file (it contains NUL bytes)`, 'binary_file');
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      throw reject(`${relative} is not UTF-8 text`, 'binary_file');
    }
  } finally {
    await handle.close();
  }
}

/**
 * Creates a `read_file` function tool: returns the text of a UTF-8 file inside `root`. The file
 * opened is checked to be inside the root (no race with a folder swapped for a symbolic link), and
 * files with several hard links are refused unless `allowHardLinks` is set.
 * @throws {@link ConfigurationError} for a missing root or an invalid `maxBytes`.
 */
export function createReadFileTool(options: ReadFileToolOptions): FunctionTool<
  {
    /** The file's path, relative to the root. */
    path: string;
  },
  string
> {
  const tool = 'createReadFileTool';
  const root = checkRoot(tool, options.root);
  const maxBytes = checkPositive(tool, 'maxBytes', options.maxBytes ?? 256 * 1024);
  const readOptions = { allowHardLinks: options.allowHardLinks ?? false };
  return defineTool({
    name: options.name ?? 'read_file',
    description: `Reads a UTF-8 text file (at most ${maxBytes} bytes) from the workspace folder.`,
    parameters: z.object({
      path: z.string().max(4096).describe('Path relative to the workspace folder, e.g. "docs/notes.md"'),
    }),
    execute: ({ path }) => readTextFileInsideRoot(root, path, maxBytes, readOptions),
  });
}

/**
 * Creates a `list_directory` function tool: lists a folder inside `root` (name, type, size), sorted
 * by name, at most `maxEntries` entries.
 * @throws {@link ConfigurationError} for a missing root or an invalid `maxEntries`.
 */
export function createListDirectoryTool(options: ListDirectoryToolOptions): FunctionTool<
  {
    /** The folder's path, relative to the root; the root when absent. */
    path?: string | undefined;
  },
  DirectoryListing
> {
  const tool = 'createListDirectoryTool';
  const root = checkRoot(tool, options.root);
  const maxEntries = checkPositive(tool, 'maxEntries', options.maxEntries ?? 200);
  return defineTool({
    name: options.name ?? 'list_directory',
    description: 'Lists the files and folders of a folder in the workspace.',
    parameters: z.object({
      path: z
        .string()
        .max(4096)
        .optional()
        .describe('Folder path relative to the workspace folder; omit for the workspace folder itself'),
    }),
    execute: async ({ path }) => {
      const { real, relative } = await resolveInsideRoot(root, path ?? '.');
      if (!(await stat(real)).isDirectory()) throw reject(`${relative} is not a folder`, 'not_a_directory');
      const entries = await readdir(real, { withFileTypes: true });
      entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      const shown = entries.slice(0, maxEntries);
      const described = await Promise.all(
        shown.map(async (entry): Promise<DirectoryEntry> => {
          if (entry.isSymbolicLink()) return { name: entry.name, type: 'symlink' };
          if (entry.isDirectory()) return { name: entry.name, type: 'directory' };
          if (entry.isFile())
            return { name: entry.name, type: 'file', size: (await stat(join(real, entry.name))).size };
          return { name: entry.name, type: 'other' };
        }),
      );
      return { path: relative, entries: described, omitted: entries.length - shown.length };
    },
  });
}
