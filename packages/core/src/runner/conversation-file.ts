/**
 * Saving and loading conversation files: an atomic write (temporary file in the same folder, fsync,
 * rename) so a crash never leaves a truncated file in place of the previous one.
 */

import { randomUUID } from 'node:crypto';
import { open, readFile, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { ConversationFileError } from '../errors.js';
import { describeThrown } from './run-error.js';

/** Writes `text` to `path` so that `path` always holds either its previous content or all of `text`. */
export async function writeFileAtomically(path: string, text: string): Promise<void> {
  const target = resolve(path);
  const folder = dirname(target);
  const temporary = join(folder, `.${basename(target)}.${randomUUID()}.tmp`);
  let written = false;
  try {
    const handle = await open(temporary, 'wx');
    try {
      await handle.writeFile(text, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, target);
    written = true;
  } catch (error) {
    throw new ConversationFileError(`Could not save the conversation to ${path}: ${describeThrown(error)}`, {
      path,
      operation: 'save',
      cause: error,
    });
  } finally {
    if (!written) await unlink(temporary).catch(() => undefined);
  }
  await syncFolder(folder);
}

/** Makes the rename durable. Some systems cannot open a folder for syncing (Windows): then skip it. */
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

/** Reads and parses a JSON file. */
export async function readJSONFile(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new ConversationFileError(
      `Could not read the conversation file ${path}: ${describeThrown(error)}`,
      {
        path,
        operation: 'load',
        cause: error,
      },
    );
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ConversationFileError(`The conversation file ${path} is not JSON: ${describeThrown(error)}`, {
      path,
      operation: 'load',
      cause: error,
    });
  }
}
