import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigurationError, type ToolContext, ToolExecutionError } from '@harmony-agents/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPythonTool, type PythonTool, pythonToolDescription } from './python-tool.js';

const VECTORS_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../../test-vectors/harmony');

let callNumber = 0;
function context(signal: AbortSignal = new AbortController().signal): ToolContext {
  callNumber += 1;
  return {
    signal,
    callId: `call_${callNumber}`,
    step: 1,
    recipient: 'python',
    channel: 'analysis',
    context: undefined,
  };
}

function run(tool: PythonTool, code: string, signal?: AbortSignal): Promise<string> {
  return Promise.resolve(
    tool.execute({ recipient: 'python', input: code, contentType: undefined }, context(signal)),
  );
}

describe('python namespace', () => {
  it('equals openai-harmony python namespace with default options', () => {
    const cases = JSON.parse(readFileSync(join(VECTORS_DIR, 'cases.json'), 'utf8')) as {
      cases: { id: string; input: { messages: { content: { tools: Record<string, unknown> }[] }[] } }[];
    };
    const vector = cases.cases.find((c) => c.id === 'render/browser_and_python_tool');
    const expected = vector?.input.messages[0]?.content[0]?.tools.python;
    expect(expected).toBeDefined();
    const tool = createPythonTool();
    expect(tool.kind).toBe('builtin');
    expect(tool.namespace).toEqual(expected);
  });

  it('states a custom timeout and a stateless variant in the description', () => {
    expect(pythonToolDescription({ timeoutMs: 30_000 })).toContain('time out after 30.0 seconds');
    expect(pythonToolDescription({ timeoutMs: 2_500 })).toContain('time out after 2.5 seconds');
    const stateless = pythonToolDescription({ stateful: false });
    expect(stateless).not.toContain('stateful');
    expect(stateless).toContain('do not carry over');
    expect(createPythonTool({ description: 'custom' }).namespace.description).toBe('custom');
  });

  it('gives the runner a timeout longer than its own', () => {
    const tool = createPythonTool({ timeoutMs: 10_000, startupTimeoutMs: 20_000 });
    expect(tool.timeoutMs).toBeGreaterThan(30_000);
  });

  it('rejects invalid options', () => {
    expect(() => createPythonTool({ timeoutMs: 0 })).toThrow(ConfigurationError);
    expect(() => createPythonTool({ memoryLimitMb: 8192 })).toThrow(ConfigurationError);
    expect(() => createPythonTool({ mounts: [{ hostPath: '/tmp', path: 'relative' }] })).toThrow(
      ConfigurationError,
    );
    expect(() => createPythonTool({ mounts: [{ hostPath: '/tmp', path: '/lib/x' }] })).toThrow(
      ConfigurationError,
    );
    expect(() =>
      createPythonTool({
        mounts: [
          { hostPath: '/tmp', path: '/mnt/a' },
          { hostPath: '/tmp', path: '/mnt/a/b' },
        ],
      }),
    ).toThrow(ConfigurationError);
  });
});

describe('python tool (real Pyodide)', () => {
  let tool: PythonTool;
  let mountFolder: string;
  let outsideFolder: string;
  let server: Server;
  let port = 0;
  let connections = 0;

  beforeAll(async () => {
    mountFolder = await mkdtemp(join(tmpdir(), 'harmony-python-mount-'));
    outsideFolder = await mkdtemp(join(tmpdir(), 'harmony-python-outside-'));
    await writeFile(join(mountFolder, 'numbers.csv'), 'a,b\n1,2\n3,4\n');
    await mkdir(join(mountFolder, 'nested'));
    await writeFile(join(mountFolder, 'nested', 'note.txt'), 'nested note');
    await writeFile(join(outsideFolder, 'secret.txt'), 'outside secret');
    await symlink(join(outsideFolder, 'secret.txt'), join(mountFolder, 'link-to-secret.txt'));
    process.env.HARMONY_PYTHON_TEST_SECRET = 'host-secret-value';
    server = createServer((socket) => {
      connections += 1;
      socket.end();
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    const address = server.address();
    port = typeof address === 'object' && address !== null ? address.port : 0;
    tool = createPythonTool({
      timeoutMs: 30_000,
      maxOutputCharacters: 2_000,
      memoryLimitMb: 256,
      mounts: [{ hostPath: mountFolder, path: '/mnt/input' }],
    });
    await tool.warmUp();
  });

  afterAll(async () => {
    await tool?.dispose();
    delete process.env.HARMONY_PYTHON_TEST_SECRET;
    await new Promise<void>((done) => server.close(() => done()));
    await rm(mountFolder, { recursive: true, force: true });
    await rm(outsideFolder, { recursive: true, force: true });
  });

  it('prints stdout and shows the value of a last expression', async () => {
    expect(await run(tool, 'print("hello")\n6 * 7')).toBe('hello\n42\n');
  });

  it('says so when there is no output', async () => {
    expect(await run(tool, 'unused = 1')).toMatch(/^\[no output\]/);
  });

  it('runs concurrent calls one at a time, in order', async () => {
    const [first, second] = await Promise.all([
      run(tool, 'import time\ntime.sleep(0.2)\norder = ["first"]'),
      run(tool, 'order.append("second")\norder'),
    ]);
    expect(first).toMatch(/^\[no output\]/);
    expect(second).toBe("['first', 'second']\n");
  });

  it('keeps state between calls', async () => {
    await run(tool, 'counter = 40\ndef bump():\n    global counter\n    counter += 1\n    return counter');
    await run(tool, 'bump()');
    expect(await run(tool, 'bump()')).toBe('42\n');
  });

  it('returns stdout, then stderr and a traceback limited to the code', async () => {
    const output = await run(tool, 'import sys\nprint("before")\nprint("warn", file=sys.stderr)\n1 / 0');
    expect(output).toMatch(
      /^before\nwarn\nTraceback \(most recent call last\):\n {2}File "<cell \d+>", line 4/,
    );
    expect(output).toContain('ZeroDivisionError: division by zero');
    expect(output).not.toContain('<exec>');
  });

  it('reports syntax errors', async () => {
    const output = await run(tool, 'def broken(:\n  pass');
    expect(output).toContain('SyntaxError');
  });

  it('turns sys.exit and os._exit into SystemExit text and keeps the session', async () => {
    await run(tool, 'kept = "yes"');
    expect(await run(tool, 'import sys\nsys.exit(3)')).toContain('SystemExit: 3');
    expect(await run(tool, 'import os\nos._exit(4)')).toContain('SystemExit: 4');
    expect(await run(tool, 'kept')).toBe("'yes'\n");
  });

  it('truncates an output flood', async () => {
    const output = await run(tool, 'for i in range(200000):\n    print("line", i)');
    expect(output).toMatch(/\[output truncated: \d+ more characters were not shown\]\n$/);
    expect(output.length).toBeLessThan(2_200);
    expect(output.startsWith('line 0\nline 1\n')).toBe(true);
  });

  it('has no host files: /etc/passwd does not exist and writes stay in memory', async () => {
    const passwd = await run(tool, 'open("/etc/passwd").read()');
    expect(passwd).toContain('FileNotFoundError');
    const probe = join(tmpdir(), `harmony-python-probe-${process.pid}`);
    expect(await run(tool, `open(${JSON.stringify(probe)}, "w").write("x")`)).toBe('1\n');
    expect(existsSync(probe)).toBe(false);
    expect(await run(tool, 'import os\nsorted(os.listdir("/"))')).toBe(
      "['dev', 'home', 'lib', 'mnt', 'proc', 'tmp']\n",
    );
  });

  it('does not see the host environment', async () => {
    expect(await run(tool, 'import os\n"HARMONY_PYTHON_TEST_SECRET" in os.environ')).toBe('False\n');
  });

  it('refuses sockets without connecting anywhere', async () => {
    const connect = await run(
      tool,
      `import socket\nsocket.create_connection(("127.0.0.1", ${port}), timeout=1)`,
    );
    expect(connect).toContain('PermissionError');
    expect(connect).toContain('network access is disabled');
    const raw = await run(tool, `import _socket\ns = _socket.socket()\ns.connect(("127.0.0.1", ${port}))`);
    expect(raw).toContain('PermissionError');
    const urllib = await run(
      tool,
      `import urllib.request\nurllib.request.urlopen("http://127.0.0.1:${port}/")`,
    );
    expect(urllib).toMatch(/PermissionError|URLError/);
    expect(connections).toBe(0);
  });

  it('blocks the JavaScript bridge: import js, js.process, js.require, pyodide.http.pyfetch', async () => {
    expect(await run(tool, 'import js\njs.process')).toContain("ImportError: import of 'js' is disabled");
    expect(await run(tool, 'from js import require')).toContain("import of 'js' is disabled");
    expect(await run(tool, 'from pyodide.http import pyfetch')).toContain(
      "import of 'pyodide.http' is disabled",
    );
    expect(await run(tool, 'import importlib\nimportlib.import_module("js")')).toContain('disabled');
    expect(await run(tool, 'import importlib\nimportlib.import_module("pyodide_js")')).toContain('disabled');
    expect(await run(tool, 'import ctypes')).toContain('disabled');
  });

  it('leaves no way from a JavaScript object to the Function constructor or the host', async () => {
    const viaFfi = await run(
      tool,
      'import sys\nffi = sys.modules["pyodide.ffi"]\nffi.to_js({}).constructor.constructor("return process")()',
    );
    expect(viaFfi).toContain('code generation is disabled');
    const viaRunJs = await run(tool, 'import sys\nsys.modules["pyodide.code"].run_js("1 + 1")');
    expect(viaRunJs).toContain('disabled');
    const viaModules = await run(
      tool,
      'import gc\n[m.__name__ for m in gc.get_objects() if type(m).__name__ == "module" and m.__name__ in ("js", "pyodide_js")]',
    );
    expect(viaModules).toBe('[]\n');
  });

  it('stops a memory bomb with MemoryError and keeps working', async () => {
    const output = await run(tool, 'hoard = []\nwhile True:\n    hoard.append(bytearray(32 * 1024 * 1024))');
    expect(output).toContain('MemoryError');
    expect(await run(tool, 'del hoard\n1 + 1')).toBe('2\n');
  });

  it('reads a granted read-only mount, refuses writes to it, and skips symlinks', async () => {
    expect(await run(tool, 'open("/mnt/input/numbers.csv").read()')).toBe("'a,b\\n1,2\\n3,4\\n'\n");
    expect(await run(tool, 'open("/mnt/input/nested/note.txt").read()')).toBe("'nested note'\n");
    expect(await run(tool, 'import os\nsorted(os.listdir("/mnt/input"))')).toBe(
      "['nested', 'numbers.csv']\n",
    );
    const write = await run(tool, 'open("/mnt/input/new.txt", "w").write("x")');
    expect(write).toContain('PermissionError');
    expect((await readdir(mountFolder)).sort()).toEqual(['link-to-secret.txt', 'nested', 'numbers.csv']);
  });

  it('reports a fatal interpreter error as text and restarts the session', async () => {
    await run(tool, 'doomed = 1');
    const output = await run(tool, 'import faulthandler\nfaulthandler._sigsegv()');
    expect(output).toMatch(
      /\[ERROR\] The Python process stopped after a fatal error \(.+\)\. The session was restarted/,
    );
    expect(await run(tool, '"doomed" in globals()')).toBe('False\n');
  });

  it('saves files under /mnt/data within the session', async () => {
    await run(tool, 'open("/mnt/data/result.txt", "w").write("saved")');
    expect(await run(tool, 'open("/mnt/data/result.txt").read()')).toBe("'saved'\n");
  });

  it('stops an infinite loop at the timeout, then starts a fresh session', async () => {
    const short = createPythonTool({ timeoutMs: 1_500 });
    try {
      await run(short, 'before_timeout = 1');
      const output = await run(short, 'print("started", flush=True)\nwhile True:\n    pass');
      expect(output).toMatch(/^started\n\[ERROR\] Execution timed out after 1\.5 seconds/);
      expect(await run(short, '"before_timeout" in globals()')).toBe('False\n');
      expect(await run(short, 'print("alive")')).toBe('alive\n');
    } finally {
      await short.dispose();
    }
  });

  it('resets the session on request', async () => {
    await run(tool, 'value = 5');
    await tool.reset();
    expect(await run(tool, 'value')).toContain("NameError: name 'value' is not defined");
  });

  it('cancels a running call when the signal aborts', async () => {
    const controller = new AbortController();
    const pending = run(tool, 'while True:\n    pass', controller.signal);
    setTimeout(() => controller.abort(new Error('stop')), 200);
    await expect(pending).rejects.toBeInstanceOf(ToolExecutionError);
    expect(await run(tool, '"still works"')).toBe("'still works'\n");
  });
});

describe('python tool, stateless', () => {
  it('forgets variables between calls', async () => {
    const tool = createPythonTool({ stateful: false });
    try {
      expect(await run(tool, 'x = 1\nx')).toBe('1\n');
      expect(await run(tool, 'x')).toContain('NameError');
    } finally {
      await tool.dispose();
    }
    await expect(run(tool, '1')).rejects.toBeInstanceOf(ToolExecutionError);
  });
});
