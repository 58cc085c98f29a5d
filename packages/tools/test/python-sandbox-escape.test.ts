/**
 * Escape probes of the python tool: every known route from Python to a host process, the output caps
 * against a cell that calls the sandbox's own `emit`, and the permission model of the sandbox process
 * on its own (an unhardened Pyodide under the same flags, standing for a route nobody thought of).
 * Each probe asks the host shell to create a marker file; the marker must never appear.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, realpathSync } from 'node:fs';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ToolContext } from '@harmony-agents/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pythonSandboxNodeFlags } from '../src/python-session.js';
import { createPythonTool, type PythonTool } from '../src/python-tool.js';

function context(): ToolContext {
  return {
    signal: new AbortController().signal,
    callId: 'probe',
    step: 1,
    recipient: 'python',
    channel: 'analysis',
    context: undefined,
  };
}

function run(tool: PythonTool, code: string): Promise<string> {
  return Promise.resolve(
    tool.execute({ recipient: 'python', input: code, contentType: undefined }, context()),
  );
}

/** Python probes; `CMD` is a shell command creating the marker, `ARGV` the same as an argument list. */
const PROBES: Record<string, string> = {
  'os.system': 'import os\nos.system(CMD)',
  'os.popen': 'import os\nos.popen(CMD).read()',
  'subprocess.run(shell=True)': 'import subprocess\nsubprocess.run(CMD, shell=True)',
  'subprocess.Popen': 'import subprocess\nsubprocess.Popen(ARGV).wait()',
  'subprocess.check_output': 'import subprocess\nsubprocess.check_output(ARGV)',
  'os.posix_spawn': 'import os\nos.posix_spawn("/bin/sh", ARGV, {})',
  'os.posix_spawnp': 'import os\nos.posix_spawnp("sh", ARGV, {})',
  'os.execv': 'import os\nos.execv("/bin/sh", ARGV)',
  'os.execvp': 'import os\nos.execvp("sh", ARGV)',
  'os.execl': 'import os\nos.execl("/bin/sh", *ARGV)',
  'os.spawnv': 'import os\nos.spawnv(os.P_WAIT, "/bin/sh", ARGV)',
  'os.fork': 'import os\nif os.fork() == 0:\n    os.system(CMD)',
  'posix.system': 'import posix\nposix.system(CMD)',
  'importlib.reload(os)': 'import importlib, os\nimportlib.reload(os).system(CMD)',
  'a fresh posix module (_imp.create_builtin)':
    'import _imp, importlib.machinery\nspec = importlib.machinery.ModuleSpec("posix", importlib.machinery.BuiltinImporter, origin="built-in")\n_imp.create_builtin(spec).system(CMD)',
  '_posixsubprocess.fork_exec': 'import sys\nsys.modules["_posixsubprocess"].fork_exec',
  'subprocess internals': 'import subprocess\nsubprocess._fork_exec',
  ctypes: 'import ctypes\nctypes.CDLL(None).system(CMD.encode())',
  '_ctypes from sys.modules': 'import sys\nsys.modules["_ctypes"]',
  '_ctypes through importlib.util':
    'import importlib.util\nspec = importlib.util.find_spec("_ctypes")\nimportlib.util.module_from_spec(spec)',
  'run_js (the Emscripten module and require)':
    'import sys\nsys.modules["pyodide.code"].run_js(f"require(\'child_process\').execSync({CMD!r})")',
  'the emit closure, to the Function constructor':
    'import sys\nemit = type(sys.stdout).flush.__closure__[0].cell_contents\nemit.constructor(f"return process.mainModule.require(\'child_process\').execSync({CMD!r})")()',
  'the emit closure, call.constructor':
    'import sys\nemit = type(sys.stdout).flush.__closure__[0].cell_contents\nemit.call.constructor("return globalThis")()',
  'pyodide.ffi to a JavaScript object':
    'import sys\nsys.modules["pyodide.ffi"].to_js({}).constructor.constructor("return 1")()',
};

describe('python sandbox escape probes', () => {
  let tool: PythonTool;
  let folder: string;

  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'harmony-python-escape-'));
    tool = createPythonTool({ timeoutMs: 30_000 });
    await tool.warmUp();
  });

  afterAll(async () => {
    await tool?.dispose();
    await rm(folder, { recursive: true, force: true });
  });

  it.each(Object.entries(PROBES))('%s runs nothing on the host', async (name, probe) => {
    const marker = join(folder, `${name.replace(/\W+/g, '-')}.txt`);
    const command = `id > ${marker}`;
    const code = probe
      .replaceAll('CMD', JSON.stringify(command))
      .replaceAll('ARGV', JSON.stringify(['sh', '-c', command]));
    const output = await run(tool, code);
    expect(existsSync(marker), `${name} created ${marker}; output: ${output}`).toBe(false);
    // A refusal, or (for the C `system()` of a re-created posix module) the status 127 << 8 that
    // the sandbox process's replacement of `child_process.spawnSync` answers.
    expect(output).toMatch(/Error|disabled|\[ERROR\]|^32512\n$/);
  });

  it('left nothing in the marker folder and still runs code', async () => {
    expect(await readdir(folder)).toEqual([]);
    expect(await run(tool, '6 * 7')).toBe('42\n');
  });
});

describe('python sandbox output caps (host side)', () => {
  it('caps every stream a cell sends through the sandbox emit function', async () => {
    const tool = createPythonTool({ maxOutputCharacters: 2_000, maxTracebackCharacters: 1_000 });
    try {
      const output = await run(
        tool,
        [
          'import sys',
          'emit = [c.cell_contents for c in type(sys.stdout).flush.__closure__ if callable(c.cell_contents)][0]',
          'emit("traceback", "T" * 25_000_000)',
          'emit("stdout", "O" * 5_000_000)',
          'emit("stderr", "E" * 5_000_000)',
          'emit("unknown", "U" * 1_000_000)',
          'emit("traceback", "end of the forged traceback")',
        ].join('\n'),
      );
      expect(output.length).toBeLessThan(2_000 + 1_000 + 200);
      expect(output).toContain('[traceback truncated]');
      expect(output).toContain('end of the forged traceback');
      expect(output).not.toContain('U');
      expect(output).toMatch(/\[output truncated: \d+ more characters were not shown\]/);
    } finally {
      await tool.dispose();
    }
  });
});

describe('python sandbox process, permission model alone', () => {
  it('stops an unhardened Pyodide and plain JavaScript from reaching the host', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'harmony-python-permission-'));
    const outside = join(folder, 'outside.txt');
    const marker = join(folder, 'marker.txt');
    try {
      const pyodideDirectory = realpathSync(
        dirname(createRequire(import.meta.url).resolve('pyodide/package.json')),
      );
      await writeFile(outside, 'outside secret');
      const pythonSystem = `import os\nos.system(${JSON.stringify(`id > ${marker}`)})`;
      const script = `
        const attempts = {};
        const attempt = (name, action) => {
          try { action(); attempts[name] = 'allowed'; } catch (error) { attempts[name] = error.code ?? String(error); }
        };
        attempt('child_process.execSync', () => require('node:child_process').execSync(${JSON.stringify(`id > ${marker}`)}));
        attempt('fs.writeFileSync', () => require('node:fs').writeFileSync(${JSON.stringify(marker)}, 'x'));
        attempt('fs.readFileSync outside', () => require('node:fs').readFileSync(${JSON.stringify(outside)}));
        attempt('worker_threads.Worker', () => new (require('node:worker_threads').Worker)('1', { eval: true }));
        attempt('process.binding', () => process.binding('fs'));
        attempt('eval', () => eval('1'));
        const binding = process.binding;
        process.binding = (name) => ({ fs: require('node:fs').constants });
        import(${JSON.stringify(pathToFileURL(join(pyodideDirectory, 'pyodide.mjs')).href)})
          .then(({ loadPyodide }) => loadPyodide({ indexURL: ${JSON.stringify(`${pyodideDirectory}/`)} }))
          .then((pyodide) => {
            attempt('pyodide os.system', () => pyodide.runPython(${JSON.stringify(pythonSystem)}));
            console.log(JSON.stringify(attempts));
          });
      `;
      const result = spawnSync(
        process.execPath,
        [...pythonSandboxNodeFlags(pyodideDirectory, 256), '-e', script],
        {
          env: {},
          encoding: 'utf8',
          timeout: 120_000,
        },
      );
      const line = result.stdout.trim().split('\n').at(-1) ?? '';
      expect(JSON.parse(line)).toEqual({
        'child_process.execSync': 'ERR_ACCESS_DENIED',
        'fs.writeFileSync': 'ERR_ACCESS_DENIED',
        'fs.readFileSync outside': 'ERR_ACCESS_DENIED',
        'worker_threads.Worker': 'ERR_ACCESS_DENIED',
        'process.binding': 'ERR_ACCESS_DENIED',
        eval: expect.stringContaining('EvalError'),
        'pyodide os.system': 'ERR_ACCESS_DENIED',
      });
      expect(existsSync(marker)).toBe(false);
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });
});
