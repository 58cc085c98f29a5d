/**
 * The JavaScript half of the sandbox: the source of the Node process that hosts Pyodide.
 *
 * It runs with `node -e` under Node's permission model (see `python-process.ts`: no child processes,
 * no worker threads, no file writes, file reads only inside the Pyodide package), so the same code
 * works from the TypeScript sources, from `dist` and from bundles, and the process never loads a file
 * of this package. It talks to the host over the IPC channel; the messages are typed in
 * `python-session.ts`. The host trusts none of them: it checks each one and enforces every cap itself.
 *
 * What the process does, in order:
 * 1. before anything else, replaces what reaches other processes or the network with functions that
 *    refuse: every `child_process` function (`spawnSync`, which Emscripten's `system()` calls, returns
 *    a failed status), `net`/`tls`/`dgram`/`http`/`https`/`http2`/`dns` connections, `inspector`,
 *    `process.kill`, `process.dlopen`; `process.binding` answers only `constants` (Pyodide reads it);
 * 2. waits for the `start` message, caps WebAssembly memory growth (`memoryLimitBytes`);
 * 3. loads Pyodide from the package folder (no network), with an empty, null-prototype `js` module and
 *    an empty stdin; from a memory snapshot of a fresh interpreter when the host sent one, otherwise from
 *    scratch, then optionally takes such a snapshot before any other code runs;
 * 4. copies the granted mounts into the in-memory file system (read-only ones become mode 0444/0555);
 * 5. runs the Python runtime (`python-runtime-source.ts`);
 * 6. removes what would let Python reach JavaScript: the `js`/`pyodide_js` modules, every file system
 *    type but MEMFS, socket creation, the package loader and host-file readers, the global
 *    `require`/`process`/`fetch`/`WebSocket`/`eval`, and the `constructor` of every function prototype;
 * 7. runs cells on request and streams their output back.
 */
export const PYTHON_PROCESS_SOURCE = String.raw`
'use strict';
const host = process;
const refusal = (what) => {
  const error = new Error(what + ' is disabled in the Python sandbox');
  error.code = 'EACCES';
  return error;
};
const refuse = (what) => function refused() { throw refusal(what); };

function replaceFunctions(target, label, names, replacement) {
  for (const name of names) {
    if (target && typeof target[name] === 'function') {
      try {
        Object.defineProperty(target, name, {
          value: replacement === undefined ? refuse(label + '.' + name) : replacement,
          writable: false,
          configurable: false,
        });
      } catch {
        target[name] = refuse(label + '.' + name);
      }
    }
  }
}

function closeHostRoutes() {
  const childProcess = require('node:child_process');
  const failedSpawn = () => ({ pid: 0, output: [null, null, null], stdout: null, stderr: null, status: 127,
    signal: null, error: refusal('child_process') });
  replaceFunctions(childProcess, 'child_process', ['spawnSync'], failedSpawn);
  replaceFunctions(childProcess, 'child_process', Object.keys(childProcess).filter((name) => name !== 'spawnSync'));
  const net = require('node:net');
  replaceFunctions(net, 'net', ['connect', 'createConnection', 'createServer']);
  replaceFunctions(net.Socket.prototype, 'net.Socket', ['connect']);
  replaceFunctions(net.Server.prototype, 'net.Server', ['listen']);
  replaceFunctions(require('node:tls'), 'tls', ['connect', 'createServer']);
  replaceFunctions(require('node:dgram'), 'dgram', ['createSocket']);
  for (const name of ['node:http', 'node:https']) {
    replaceFunctions(require(name), name, ['request', 'get', 'createServer']);
  }
  replaceFunctions(require('node:http2'), 'http2', ['connect', 'createServer', 'createSecureServer']);
  const dns = require('node:dns');
  const dnsNames = ['lookup', 'lookupService', 'resolve', 'resolve4', 'resolve6', 'resolveAny', 'reverse'];
  replaceFunctions(dns, 'dns', dnsNames);
  replaceFunctions(dns.promises, 'dns', dnsNames);
  replaceFunctions(require('node:inspector'), 'inspector', ['open', 'url', 'waitForDebugger']);
  replaceFunctions(require('node:worker_threads'), 'worker_threads', ['Worker']);
  const fs = require('node:fs');
  const os = require('node:os');
  const constants = { fs: fs.constants, os: os.constants };
  replaceFunctions(process, 'process', ['binding'], (name) => {
    if (name === 'constants') return constants;
    throw refusal('process.binding');
  });
  replaceFunctions(process, 'process', ['kill', 'dlopen', 'chdir', 'setuid', 'setgid', 'abort']);
}

closeHostRoutes();
host.on('disconnect', () => host.exit(0));
const post = (message) => {
  if (host.connected) host.send(message);
};

function capWasmMemory(limitBytes) {
  const prototype = WebAssembly.Memory.prototype;
  const grow = prototype.grow;
  Object.defineProperty(prototype, 'grow', {
    configurable: false,
    writable: false,
    value: function cappedGrow(pages) {
      if (this.buffer.byteLength + pages * 65536 > limitBytes) {
        throw new RangeError('Python sandbox memory limit reached');
      }
      return grow.call(this, pages);
    },
  });
}

function copyMounts(FS, mounts) {
  for (const mount of mounts) {
    FS.mkdirTree(mount.path);
    for (const directory of mount.directories) FS.mkdirTree(mount.path + '/' + directory);
    for (const file of mount.files) FS.writeFile(mount.path + '/' + file.path, file.data);
    if (!mount.readOnly) continue;
    for (const file of mount.files) FS.chmod(mount.path + '/' + file.path, 0o444);
    const directories = [...mount.directories].sort((a, b) => b.length - a.length);
    for (const directory of directories) FS.chmod(mount.path + '/' + directory, 0o555);
    FS.chmod(mount.path, 0o555);
  }
}

function removeHostAccess(pyodide) {
  const module = pyodide._module;
  const api = pyodide._api;
  const FS = pyodide.FS;
  pyodide.unregisterJsModule('js');
  pyodide.unregisterJsModule('pyodide_js');
  for (const name of Object.keys(FS.filesystems)) {
    if (name !== 'MEMFS') delete FS.filesystems[name];
  }
  for (const name of ['NODEFS', 'IDBFS', 'WORKERFS', 'PROXYFS', 'wget', 'asyncLoad', 'FS_createLazyFile',
    'FS_createPreloadedFile', 'FS_preloadFile', 'loadDynamicLibrary', 'loadWebAssemblyModule', 'locateFile',
    'instantiateWasm']) {
    delete module[name];
  }
  const accessDenied = module.ERRNO_CODES.EACCES;
  module.SOCKFS.createSocket = function refusedSocket() {
    throw new FS.ErrnoError(accessDenied);
  };
  for (const name of ['loadBinaryFile', 'initializeNodeSockFS', 'packageManager', 'install', 'package_loader',
    'loadDynlib', 'restoreSnapshot', 'makeSnapshot']) {
    delete api[name];
  }
  const apiClass = pyodide.constructor;
  for (const name of ['mountNodeFS', 'mountNativeFS', 'useNodeSockFS', 'loadPackage', 'loadPackagesFromImports',
    'registerJsModule', 'unregisterJsModule', 'registerComlink']) {
    if (apiClass && Object.hasOwn(apiClass, name)) delete apiClass[name];
    if (Object.hasOwn(pyodide, name)) delete pyodide[name];
  }
  for (const name of ['require', 'module', 'exports', 'process', 'fetch', 'WebSocket', 'XMLHttpRequest',
    'EventSource', 'Request', 'Response', 'Headers', 'eval', 'navigator', 'importScripts', 'Buffer']) {
    delete globalThis[name];
  }
  const refused = function refusedConstructor() {
    throw new TypeError('code generation is disabled in the Python sandbox');
  };
  const examples = [function () {}, async function () {}, function* () {}, async function* () {}];
  for (const example of examples) {
    Object.defineProperty(Object.getPrototypeOf(example), 'constructor', {
      value: refused,
      writable: false,
      configurable: false,
    });
  }
}

const phases = {};
const mark = (name) => {
  phases[name] = performance.now();
};

async function start(config) {
  mark('started');
  capWasmMemory(config.memoryLimitBytes);
  const { loadPyodide } = await import(config.pyodideModuleUrl);
  mark('imported');
  const emit = (stream, text) => post({ type: 'output', stream, text });
  const pyodide = await loadPyodide({
    indexURL: config.indexPath,
    jsglobals: Object.create(null),
    env: { HOME: '/home/pyodide' },
    stdin: () => null,
    stdout: (line) => emit('stdout', line + '\n'),
    stderr: (line) => emit('stderr', line + '\n'),
    // A copy: the array received over IPC may start at an offset Pyodide cannot read it from.
    ...(config.snapshot === undefined ? {} : { _loadSnapshot: new Uint8Array(config.snapshot) }),
    ...(config.makeSnapshot ? { _makeSnapshot: true } : {}),
  });
  mark('loaded');
  if (config.makeSnapshot) post({ type: 'snapshot', data: new Uint8Array(pyodide.makeMemorySnapshot()) });
  mark('snapshot');
  copyMounts(pyodide.FS, config.mounts);
  const createRuntime = pyodide.runPython(config.runtimeSource);
  const options = pyodide.toPy(config.runtimeOptions);
  const runCell = createRuntime(emit, options);
  options.destroy();
  createRuntime.destroy();
  removeHostAccess(pyodide);
  mark('ready');
  return runCell;
}

let runCell;
host.on('message', (message) => {
  if (message.type === 'start' && runCell === undefined) {
    runCell = null;
    start(message.config).then(
      (runner) => {
        runCell = runner;
        post({ type: 'ready', phases });
      },
      (error) => post({ type: 'failed', message: String((error && error.stack) || error) }),
    );
    return;
  }
  if (message.type !== 'run' || typeof runCell !== 'function') return;
  try {
    const droppedCharacters = runCell(message.code);
    post({ type: 'done', id: message.id, droppedCharacters });
  } catch (error) {
    post({ type: 'failed', id: message.id, message: String((error && error.message) || error) });
  }
});
`;
