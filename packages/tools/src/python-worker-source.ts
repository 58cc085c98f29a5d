/**
 * The JavaScript half of the sandbox: the source of the `worker_threads` Worker that hosts Pyodide.
 *
 * It is a string run with `new Worker(source, { eval: true })`, so the same code works from the
 * TypeScript sources, from `dist` and from bundles, and the worker never loads a file of this package.
 * The messages it exchanges with the host are typed in `python-session.ts`.
 *
 * What the worker does, in order:
 * 1. caps WebAssembly memory growth (`memoryLimitBytes`), which the Worker's V8 `resourceLimits` do not cover;
 * 2. loads Pyodide from the package directory (no network), with an empty, null-prototype `js` module and an
 *    empty stdin; from a memory snapshot of a fresh interpreter when the host has one (about four times
 *    faster), otherwise from scratch, then optionally takes such a snapshot before any other code runs;
 * 3. copies the granted mounts into the in-memory file system (read-only ones become mode 0444/0555);
 * 4. runs the Python runtime (`python-runtime-source.ts`);
 * 5. removes what would let Python reach the host: the `js`/`pyodide_js` modules, every file system type but
 *    MEMFS (NODEFS would mount host folders), socket creation, the package loader and host-file readers,
 *    the global `require`/`process`/`fetch`/`WebSocket`/`eval`, and the `constructor` of every function
 *    prototype (so no JavaScript object handed to Python leads to the `Function` constructor);
 * 6. runs cells on request and streams their output back.
 */
export const PYTHON_WORKER_SOURCE = String.raw`
'use strict';
const { parentPort, workerData } = require('node:worker_threads');

const config = workerData;
const post = (message, transfer) => parentPort.postMessage(message, transfer);

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
  for (const name of ['require', 'process', 'fetch', 'WebSocket', 'XMLHttpRequest', 'EventSource', 'Request',
    'Response', 'Headers', 'eval', 'navigator', 'importScripts']) {
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

async function start() {
  capWasmMemory(config.memoryLimitBytes);
  const { loadPyodide } = await import(config.pyodideModuleUrl);
  const emit = (stream, text) => post({ type: 'output', stream, text });
  const pyodide = await loadPyodide({
    indexURL: config.indexPath,
    jsglobals: Object.create(null),
    env: { HOME: '/home/pyodide' },
    stdin: () => null,
    stdout: (line) => emit('stdout', line + '\n'),
    stderr: (line) => emit('stderr', line + '\n'),
    ...(config.snapshot === undefined ? {} : { _loadSnapshot: config.snapshot }),
    ...(config.makeSnapshot ? { _makeSnapshot: true } : {}),
  });
  if (config.makeSnapshot) {
    const snapshot = new Uint8Array(pyodide.makeMemorySnapshot());
    post({ type: 'snapshot', data: snapshot }, [snapshot.buffer]);
  }
  copyMounts(pyodide.FS, config.mounts);
  const createRuntime = pyodide.runPython(config.runtimeSource);
  const options = pyodide.toPy(config.runtimeOptions);
  const runCell = createRuntime(emit, options);
  options.destroy();
  createRuntime.destroy();
  removeHostAccess(pyodide);
  parentPort.on('message', (message) => {
    if (message.type !== 'run') return;
    try {
      const droppedCharacters = runCell(message.code);
      post({ type: 'done', id: message.id, droppedCharacters });
    } catch (error) {
      post({ type: 'failed', id: message.id, message: String((error && error.message) || error) });
    }
  });
  post({ type: 'ready' });
}

start().catch((error) => {
  post({ type: 'failed', message: String((error && error.stack) || error) });
});
`;
