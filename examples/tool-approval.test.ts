/**
 * The approval example as a user runs it: three real Node.js processes, the history saved to a file
 * between them. The first stops before the call, the second loads the file and approves it (the file is
 * really deleted) and stops before the next one, the third denies that one and the model answers.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));

describe('examples/tool-approval', () => {
  it('pauses, saves, exits; a new process loads, approves one call; another denies the next; the run finishes', () => {
    const env = { ...process.env };
    delete env.HARMONY_AGENTS_GPT_OSS_GGUF;
    const result = spawnSync(
      process.execPath,
      ['--conditions=@harmony-agents/source', '--import', 'tsx', 'examples/tool-approval.ts'],
      { cwd: root, env, encoding: 'utf8', timeout: 120_000 },
    );
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout.trimEnd().split('\n')).toEqual([
      '[process start]',
      '  waiting for approval: delete_file {"name":"draft-1.txt"}',
      '  saved; exiting',
      '[process approve]',
      '  approved: delete_file {"name":"draft-1.txt"}',
      '    result: deleted draft-1.txt',
      '  waiting for approval: delete_file {"name":"draft-2.txt"}',
      '  saved; exiting',
      '[process deny]',
      '  denied: delete_file {"name":"draft-2.txt"}',
      '    error (tool_call_denied): Error: the user denied this call of delete_file; it was not run. Reason: I still need draft-2.txt for the report',
      '  Assistant: I deleted draft-1.txt. draft-2.txt was kept: you still need it for the report.',
      'files left: draft-2.txt',
    ]);
  });
});
