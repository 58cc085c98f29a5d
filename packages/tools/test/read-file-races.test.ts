/**
 * `read_file` against a concurrent attacker: another process swaps a folder inside the root for a
 * symbolic link to an outside folder between the tool's check and its open; and hard links to outside
 * files. Nothing outside the root may ever be returned.
 */
import { spawn } from 'node:child_process';
import { link, lstat, mkdir, mkdtemp, rename, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PageFetchError, type ToolContext, ToolInputRejectedError } from '@harmony-agents/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalDocumentsProvider } from '../src/browser/local-documents-provider.js';
import { createReadFileTool } from '../src/file-tools.js';

const context: ToolContext = {
  signal: new AbortController().signal,
  callId: 'call_1',
  step: 1,
  recipient: 'functions.read_file',
  channel: 'commentary',
  context: undefined,
};

/** Swaps `root/folder` for a symbolic link to `outside/folder` and back, as fast as it can. */
const SWAPPER = `
const fs = require('node:fs');
const [root, outside] = process.argv.slice(1);
const folder = root + '/folder';
const parked = root + '/parked';
process.send('ready');
for (;;) {
  try {
    fs.renameSync(folder, parked);
    fs.symlinkSync(outside + '/folder', folder);
    fs.unlinkSync(folder);
    fs.renameSync(parked, folder);
  } catch {}
}
`;

let base: string;
let root: string;
let outside: string;

beforeAll(async () => {
  base = await mkdtemp(join(tmpdir(), 'harmony-read-race-'));
  root = join(base, 'root');
  outside = join(base, 'outside');
  await mkdir(join(root, 'folder'), { recursive: true });
  await mkdir(join(outside, 'folder'), { recursive: true });
  await writeFile(join(root, 'folder', 'file.txt'), 'inside');
  await writeFile(join(outside, 'folder', 'file.txt'), 'OUTSIDE SECRET');
  await writeFile(join(root, 'folder', 'page.md'), '# Inside\ninside page\n');
  await writeFile(join(outside, 'folder', 'page.md'), '# Secret\nOUTSIDE SECRET\n');
  await writeFile(join(outside, 'linked-secret.txt'), 'HARD LINKED SECRET');
  await link(join(outside, 'linked-secret.txt'), join(root, 'hard-link.txt'));
});

afterAll(async () => {
  await rm(base, { recursive: true, force: true });
});

/** Runs `read` 4,000 times while another process swaps `root/folder`; counts what came back. */
async function underSwaps(
  read: () => Promise<string>,
): Promise<{ inside: number; outside: number; refused: number }> {
  const swapper = spawn(process.execPath, ['-e', SWAPPER, root, outside], {
    stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
  });
  try {
    await new Promise((resolve) => swapper.once('message', resolve));
    const outcomes = { inside: 0, outside: 0, refused: 0 };
    for (let attempt = 0; attempt < 4_000; attempt++) {
      try {
        const text = await read();
        if (text.includes('OUTSIDE')) outcomes.outside += 1;
        else outcomes.inside += 1;
      } catch (error) {
        if (!(error instanceof ToolInputRejectedError) && !(error instanceof PageFetchError)) throw error;
        outcomes.refused += 1;
      }
    }
    return outcomes;
  } finally {
    swapper.kill('SIGKILL');
    await new Promise((resolve) => (swapper.exitCode === null ? swapper.once('exit', resolve) : resolve(0)));
    // Killed at any point of its loop: put the real folder back.
    const folder = join(root, 'folder');
    if ((await lstat(folder).catch(() => undefined))?.isSymbolicLink()) await unlink(folder);
    if (await lstat(join(root, 'parked')).catch(() => undefined)) await rename(join(root, 'parked'), folder);
  }
}

describe('read_file races and links', () => {
  it('never returns outside content while a folder is swapped for a symbolic link', async () => {
    const tool = createReadFileTool({ root });
    const outcomes = await underSwaps(async () => tool.execute({ path: 'folder/file.txt' }, context));
    expect(outcomes.outside, JSON.stringify(outcomes)).toBe(0);
    expect(outcomes.inside).toBeGreaterThan(0);
  });

  it('the local documents provider never returns outside content under the same swaps', async () => {
    const documents = createLocalDocumentsProvider({ root });
    const options = { signal: new AbortController().signal, viewSource: true };
    expect((await documents.fetch('folder/page.md', options)).text).toContain('inside page');
    const outcomes = await underSwaps(async () => (await documents.fetch('folder/page.md', options)).text);
    expect(outcomes.outside, JSON.stringify(outcomes)).toBe(0);
    expect(outcomes.inside).toBeGreaterThan(0);
  });

  it('refuses a hard link to an outside file unless hard links are allowed', async () => {
    const error = await Promise.resolve(
      createReadFileTool({ root }).execute({ path: 'hard-link.txt' }, context),
    ).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(ToolInputRejectedError);
    expect((error as ToolInputRejectedError).reason).toBe('hard_link');
    const allowed = createReadFileTool({ root, allowHardLinks: true });
    expect(await allowed.execute({ path: 'hard-link.txt' }, context)).toBe('HARD LINKED SECRET');
  });
});
