/**
 * Builds llama.cpp's `llama-server` from the exact llama.cpp source of node-llama-cpp's binary (the git
 * bundle it ships as `llama/gitRelease.bundle`), once per source: the binary is cached under the bundle's hash
 * outside any checkout, so later runs start at once.
 */

import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { copyFile, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigurationError } from '@harmony-agents/core';

/** Options of {@link ensureLlamaServer}. */
export interface EnsureLlamaServerOptions {
  /**
   * Where built binaries are cached, one directory per source hash.
   * @defaultValue `$HARMONY_AGENTS_LLAMA_SERVER_CACHE`, else `~/.cache/harmony-agents/llama-server`
   */
  readonly cacheDirectory?: string;
  /**
   * The git bundle holding the llama.cpp source.
   * @defaultValue node-llama-cpp's `llama/gitRelease.bundle`, found in `node_modules` from this package upwards
   */
  readonly bundle?: string;
  /**
   * Parallel compile jobs.
   * @defaultValue `os.availableParallelism()`
   */
  readonly jobs?: number;
  /** Receives the build's output lines (cmake, the compiler). @defaultValue ignored */
  readonly onOutput?: (line: string) => void;
}

/**
 * CPU only, Release, no curl/OpenSSL (the server needs no downloads), no tests, examples or web UI build
 * (`LLAMA_USE_PREBUILT_UI=OFF`: the prebuilt UI would be downloaded), one static binary.
 */
const CMAKE_FLAGS = [
  '-DCMAKE_BUILD_TYPE=Release',
  '-DBUILD_SHARED_LIBS=OFF',
  '-DLLAMA_BUILD_TESTS=OFF',
  '-DLLAMA_BUILD_EXAMPLES=OFF',
  '-DLLAMA_BUILD_TOOLS=ON',
  '-DLLAMA_BUILD_SERVER=ON',
  '-DLLAMA_BUILD_APP=OFF',
  '-DLLAMA_BUILD_UI=OFF',
  '-DLLAMA_USE_PREBUILT_UI=OFF',
  '-DLLAMA_OPENSSL=OFF',
  '-DLLAMA_CURL=OFF',
  '-DGGML_NATIVE=ON',
];

/** The default cache root of built binaries. */
export function llamaServerCacheDirectory(): string {
  return (
    process.env.HARMONY_AGENTS_LLAMA_SERVER_CACHE ??
    join(homedir(), '.cache', 'harmony-agents', 'llama-server')
  );
}

/**
 * node-llama-cpp's bundle of its llama.cpp source.
 * @throws {@link ConfigurationError} when node-llama-cpp is not installed.
 */
export function nodeLlamaCppSourceBundle(): string {
  // node-llama-cpp exports neither its package.json nor the bundle: look for it in node_modules upwards.
  let directory = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const bundle = join(directory, 'node_modules', 'node-llama-cpp', 'llama', 'gitRelease.bundle');
    if (existsSync(bundle)) return bundle;
    const parent = dirname(directory);
    if (parent === directory) break;
    directory = parent;
  }
  throw new ConfigurationError(
    'node-llama-cpp is not installed: it ships the llama.cpp source llama-server is built from (or set HARMONY_AGENTS_LLAMA_SERVER to a llama-server binary)',
  );
}

async function sha256(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

function run(command: string, args: readonly string[], cwd: string, onOutput?: (line: string) => void) {
  return new Promise<void>((resolve, reject) => {
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    const tail: string[] = [];
    const collect = (data: Buffer) => {
      for (const line of data.toString('utf8').split('\n')) {
        if (line.length === 0) continue;
        onOutput?.(line);
        tail.push(line);
        if (tail.length > 40) tail.shift();
      }
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.on('error', (error) =>
      reject(new ConfigurationError(`Could not run ${command}: ${error.message}`, { cause: error })),
    );
    child.on('close', (code) => {
      if (code === 0) resolve();
      else
        reject(
          new ConfigurationError(`${command} ${args.join(' ')} failed (exit ${code}):\n${tail.join('\n')}`),
        );
    });
  });
}

/**
 * Returns the path of a `llama-server` binary built from node-llama-cpp's llama.cpp source, building it first
 * if this source was never built (git, cmake and a C++ compiler needed; about 5 minutes on 2 cores). The
 * environment variable `HARMONY_AGENTS_LLAMA_SERVER` names a binary to use instead.
 * @throws {@link ConfigurationError} when node-llama-cpp is missing or the build fails (its last output quoted).
 */
export async function ensureLlamaServer(options: EnsureLlamaServerOptions = {}): Promise<string> {
  const override = process.env.HARMONY_AGENTS_LLAMA_SERVER;
  if (override !== undefined && override.length > 0) return override;
  const bundle = options.bundle ?? nodeLlamaCppSourceBundle();
  const hash = (await sha256(bundle)).slice(0, 16);
  const directory = join(options.cacheDirectory ?? llamaServerCacheDirectory(), hash);
  const binary = join(directory, 'llama-server');
  const record = join(directory, 'build.json');
  if (existsSync(binary) && existsSync(record)) return binary;

  await mkdir(directory, { recursive: true });
  // A private work directory: two processes building at once do not share half-built files.
  const work = join(directory, `work-${process.pid}`);
  await rm(work, { recursive: true, force: true });
  try {
    await run('git', ['clone', '--quiet', bundle, join(work, 'src')], directory, options.onOutput);
    await run('cmake', ['-S', 'src', '-B', 'build', ...CMAKE_FLAGS], work, options.onOutput);
    const jobs = String(options.jobs ?? availableParallelism());
    await run(
      'cmake',
      ['--build', 'build', '--target', 'llama-server', '--parallel', jobs],
      work,
      options.onOutput,
    );
    const built = join(work, 'build', 'bin', 'llama-server');
    await copyFile(built, `${binary}.tmp-${process.pid}`);
    await rename(`${binary}.tmp-${process.pid}`, binary);
    await writeFile(
      record,
      `${JSON.stringify({ bundleSha256Prefix: hash, bundle, builtAt: new Date().toISOString(), cmake: CMAKE_FLAGS }, null, 2)}\n`,
    );
  } finally {
    await rm(work, { recursive: true, force: true });
  }
  return binary;
}
