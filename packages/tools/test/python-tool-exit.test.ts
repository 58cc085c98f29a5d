/**
 * A process that used the python tool and never called `dispose()` must still exit on its own: the
 * sandbox holds no referenced handle while it is idle.
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

const PACKAGE_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const REPOSITORY_DIR = resolve(PACKAGE_DIR, '../..');

describe('python tool and process exit', () => {
  it('lets Node exit after calls, a reset and a timeout, without dispose()', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'harmony-python-exit-'));
    try {
      const script = join(folder, 'no-dispose.mts');
      const toolUrl = pathToFileURL(join(PACKAGE_DIR, 'src/python-tool.ts')).href;
      await writeFile(
        script,
        `import { createPythonTool } from ${JSON.stringify(toolUrl)};
const tool = createPythonTool({ timeoutMs: 2_000 });
const context = { signal: new AbortController().signal, callId: 'c', step: 1, recipient: 'python', channel: 'analysis' };
const call = (input: string) => tool.execute({ recipient: 'python', input, contentType: undefined }, context);
process.stdout.write(await call('6 * 7'));
await tool.reset();
process.stdout.write(await call('print("after reset")'));
process.stdout.write((await call('while True:\\n    pass')).split('\\n')[0] + '\\n');
process.stdout.write(await call('print("after timeout")'));
`,
      );
      const result = spawnSync(
        process.execPath,
        ['--conditions=@harmony-agents/source', '--import', 'tsx', script],
        { cwd: REPOSITORY_DIR, encoding: 'utf8', timeout: 180_000, killSignal: 'SIGKILL' },
      );
      expect(result.signal, `killed: the process did not exit on its own\n${result.stderr}`).toBeNull();
      expect(result.stderr).toBe('');
      expect(result.stdout).toBe(
        '42\nafter reset\n[ERROR] Execution timed out after 2.0 seconds and was stopped. The Python session was restarted: variables, imports and files from earlier calls are gone.\nafter timeout\n',
      );
      expect(result.status).toBe(0);
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });
});
