import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Conversation, ConversationFileError, HarmonyJSONError } from '../src/index.js';

let folder: string;
beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'harmony-agents-conversation-'));
});
afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

const conversation = Conversation.fromMessages([
  { role: 'user', content: [{ type: 'text', text: 'Hi' }] },
  { role: 'assistant', channel: 'final', content: [{ type: 'text', text: 'Hello!' }] },
]);

describe('Conversation.save and Conversation.load', () => {
  it('round-trip through a file and leave no temporary file behind', async () => {
    const path = join(folder, 'round-trip.json');
    await conversation.save(path);
    await conversation
      .concat([{ message: { role: 'user', content: [{ type: 'text', text: 'More' }] } }])
      .save(path);
    const loaded = await Conversation.load(path);
    expect(loaded.messages.map((message) => message.content[0])).toEqual([
      { type: 'text', text: 'Hi' },
      { type: 'text', text: 'Hello!' },
      { type: 'text', text: 'More' },
    ]);
    expect(JSON.parse(await readFile(path, 'utf8')).version).toBe(2);
    expect(await readdir(folder)).toEqual(['round-trip.json']);
  });

  it('a failed save throws ConversationFileError and keeps what was there', async () => {
    const path = join(folder, 'occupied');
    await mkdir(path);
    await writeFile(join(path, 'inside.txt'), 'kept');
    const error = await conversation.save(path).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConversationFileError);
    expect(error).toMatchObject({ code: 'conversation_file_error', operation: 'save', path });
    expect(await readFile(join(path, 'inside.txt'), 'utf8')).toBe('kept');
    expect((await readdir(folder)).filter((name) => name.endsWith('.tmp'))).toEqual([]);
    await expect(conversation.save(join(folder, 'missing', 'x.json'))).rejects.toBeInstanceOf(
      ConversationFileError,
    );
  });

  it('load reports a missing file, a file that is not JSON and an invalid conversation with typed errors', async () => {
    await expect(Conversation.load(join(folder, 'nothing.json'))).rejects.toMatchObject({
      code: 'conversation_file_error',
      operation: 'load',
    });
    const notJSON = join(folder, 'not.json');
    await writeFile(notJSON, '{"format": "harmony-agents.conver');
    await expect(Conversation.load(notJSON)).rejects.toThrow(/is not JSON/);
    const invalid = join(folder, 'invalid.json');
    await writeFile(
      invalid,
      JSON.stringify({
        format: 'harmony-agents.conversation',
        version: 2,
        messages: [{ role: 'tool', content: 'x' }],
      }),
    );
    await expect(Conversation.load(invalid)).rejects.toBeInstanceOf(HarmonyJSONError);
  });

  it('never leaves a partial file when the process dies mid-save', async () => {
    const path = join(folder, 'crash.json');
    // A save takes tens of milliseconds; kills spread over that time land in every stage of it.
    for (let attempt = 0; attempt < 6; attempt++) {
      const child = spawn(
        process.execPath,
        [
          '--conditions=@harmony-agents/source',
          '--import',
          'tsx',
          join(import.meta.dirname, 'fixtures', 'save-forever.ts'),
          path,
        ],
        { stdio: ['ignore', 'pipe', 'ignore'] },
      );
      child.stdout.once('data', () => setTimeout(() => child.kill('SIGKILL'), attempt * 10));
      await new Promise((resolve) => child.once('exit', resolve));
      const loaded = await Conversation.load(path);
      expect(loaded.length).toBe(2_000);
    }
  }, 60_000);
});
