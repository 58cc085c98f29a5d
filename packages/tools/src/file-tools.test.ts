import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigurationError, type ToolContext, ToolInputRejectedError } from '@harmony-agents/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createListDirectoryTool, createReadFileTool } from './file-tools.js';

const context: ToolContext = {
  signal: new AbortController().signal,
  callId: 'call_1',
  step: 1,
  recipient: 'functions.read_file',
  channel: 'commentary',
  context: undefined,
};

let base: string;
let root: string;

beforeAll(async () => {
  base = await mkdtemp(join(tmpdir(), 'harmony-file-tools-'));
  root = join(base, 'root');
  await mkdir(join(root, 'docs', 'deep'), { recursive: true });
  await writeFile(join(root, 'hello.txt'), 'hello, wörld\n');
  await writeFile(join(root, 'docs', 'notes.md'), '# Notes\n');
  await writeFile(join(root, 'docs', 'deep', 'x.txt'), 'x');
  await writeFile(join(root, 'binary.bin'), Buffer.from([0x48, 0x00, 0x49]));
  await writeFile(join(root, 'latin1.txt'), Buffer.from([0x63, 0x61, 0x66, 0xe9]));
  await writeFile(join(root, 'big.txt'), 'a'.repeat(2048));
  await writeFile(join(base, 'secret.txt'), 'outside the root');
  await symlink(join(base, 'secret.txt'), join(root, 'escape.txt'));
  await symlink(base, join(root, 'escape-folder'));
  await symlink(join(root, 'hello.txt'), join(root, 'inside-link.txt'));
});

afterAll(async () => {
  await rm(base, { recursive: true, force: true });
});

async function rejection(promise: Promise<unknown>): Promise<ToolInputRejectedError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ToolInputRejectedError);
  return error as ToolInputRejectedError;
}

describe('createReadFileTool', () => {
  const read = (path: string, maxBytes = 1024) =>
    Promise.resolve(createReadFileTool({ root, maxBytes }).execute({ path }, context));

  it('reads UTF-8 text inside the root, with nested and ./ paths', async () => {
    expect(await read('hello.txt')).toBe('hello, wörld\n');
    expect(await read('./docs/notes.md')).toBe('# Notes\n');
    expect(await read('docs\\deep\\x.txt')).toBe('x');
    expect(await read('inside-link.txt')).toBe('hello, wörld\n');
  });

  it('rejects .. and absolute paths', async () => {
    expect((await rejection(read('../secret.txt'))).reason).toBe('parent_segment');
    expect((await rejection(read('docs/../../secret.txt'))).reason).toBe('parent_segment');
    expect((await rejection(read(join(base, 'secret.txt')))).reason).toBe('absolute_path');
    expect((await rejection(read('/etc/passwd'))).reason).toBe('absolute_path');
    expect((await rejection(read('C:\\Windows\\win.ini'))).reason).toBe('absolute_path');
    expect((await rejection(read('hello.txt\0.png'))).reason).toBe('invalid_path');
  });

  it('rejects symbolic links whose real path leaves the root', async () => {
    const error = await rejection(read('escape.txt'));
    expect(error.reason).toBe('outside_root');
    expect(error.message).toContain('leads outside the allowed folder');
    expect((await rejection(read('escape-folder/secret.txt'))).reason).toBe('outside_root');
  });

  it('rejects binary, non-UTF-8, oversized and missing files, and folders', async () => {
    expect((await rejection(read('binary.bin'))).reason).toBe('binary_file');
    expect((await rejection(read('latin1.txt'))).reason).toBe('binary_file');
    const large = await rejection(read('big.txt', 1000));
    expect(large.reason).toBe('too_large');
    expect(large.message).toBe('big.txt is too large (2048 bytes, limit 1000)');
    expect((await rejection(read('missing.txt'))).reason).toBe('not_found');
    expect((await rejection(read('docs'))).reason).toBe('not_a_file');
  });

  it('validates options', () => {
    expect(() => createReadFileTool({ root: '' })).toThrow(ConfigurationError);
    expect(() => createReadFileTool({ root, maxBytes: 0 })).toThrow(ConfigurationError);
  });
});

describe('createListDirectoryTool', () => {
  it('lists the root sorted by name, with types and sizes, without following links', async () => {
    const tool = createListDirectoryTool({ root });
    const listing = await tool.execute({}, context);
    expect(listing.path).toBe('.');
    expect(listing.omitted).toBe(0);
    expect(listing.entries).toEqual([
      { name: 'big.txt', type: 'file', size: 2048 },
      { name: 'binary.bin', type: 'file', size: 3 },
      { name: 'docs', type: 'directory' },
      { name: 'escape-folder', type: 'symlink' },
      { name: 'escape.txt', type: 'symlink' },
      { name: 'hello.txt', type: 'file', size: 14 },
      { name: 'inside-link.txt', type: 'symlink' },
      { name: 'latin1.txt', type: 'file', size: 4 },
    ]);
  });

  it('lists a sub-folder and caps the number of entries', async () => {
    const tool = createListDirectoryTool({ root, maxEntries: 1 });
    const listing = await tool.execute({ path: 'docs' }, context);
    expect(listing).toEqual({ path: 'docs', entries: [{ name: 'deep', type: 'directory' }], omitted: 1 });
  });

  it('refuses folders outside the root and files', async () => {
    const tool = createListDirectoryTool({ root });
    expect((await rejection(Promise.resolve(tool.execute({ path: '..' }, context)))).reason).toBe(
      'parent_segment',
    );
    expect((await rejection(Promise.resolve(tool.execute({ path: 'escape-folder' }, context)))).reason).toBe(
      'outside_root',
    );
    expect((await rejection(Promise.resolve(tool.execute({ path: '/' }, context)))).reason).toBe(
      'absolute_path',
    );
    expect((await rejection(Promise.resolve(tool.execute({ path: 'hello.txt' }, context)))).reason).toBe(
      'not_a_directory',
    );
  });
});
