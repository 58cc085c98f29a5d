import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createScriptedBackend } from '@harmony-agents/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { main, scriptedMcpCompletions } from './mcp-tools.js';

let root: string;
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('examples/mcp-tools', () => {
  it('gives the read-only tools of the filesystem server under prefixed names; the calls reach the files', async () => {
    root = mkdtempSync(join(tmpdir(), 'mcp-tools-example-'));
    const backend = createScriptedBackend({
      steps: scriptedMcpCompletions(root).map((completion) => ({ completion })),
    });
    const lines: string[] = [];
    const result = await main(backend, (line) => lines.push(line), root);
    backend.assertComplete();
    expect(lines.map((line) => line.replaceAll(root, '<root>'))).toEqual([
      'tools from "notes": notes_read_text_file, notes_read_media_file, notes_read_multiple_files, notes_list_directory, notes_list_directory_with_sizes, notes_directory_tree, notes_search_files, notes_get_file_info, notes_list_allowed_directories',
      'call notes_list_directory {"path":"<root>"}',
      '  result: {"content":"[FILE] meeting.txt\\n[FILE] shopping.txt"}',
      'call notes_read_text_file {"path":"<root>/meeting.txt"}',
      '  result: {"content":"Team meeting: Thursday 10:00, room 4.\\n"}',
      'Assistant: The team meeting is on Thursday at 10:00, in room 4.',
    ]);
    expect(result.finalText).toBe('The team meeting is on Thursday at 10:00, in room 4.');
  });
});
