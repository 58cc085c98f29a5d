#!/usr/bin/env node
// Consumer test: packs the publishable packages (the release command), checks the tarballs, installs
// them with npm into a fresh app outside the workspace, compiles a strict TypeScript app against them
// (nodenext, no skipLibCheck) and runs it with node. npm reaches only the registry (zod, typescript,
// @types/node and the packages' own dependencies); its cache is kept under node_modules/.cache.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const keep = process.argv.includes('--keep');
const work = mkdtempSync(join(tmpdir(), 'harmony-agents-consumer-'));
const tarballs = join(work, 'tarballs');
const app = join(work, 'app');
const npmCache = join(root, 'node_modules/.cache/consumer-npm');

function run(command, args, cwd, env = {}) {
  try {
    return execFileSync(command, args, {
      cwd,
      env: { ...process.env, ...env },
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (error) {
    process.stderr.write(`${command} ${args.join(' ')} failed in ${cwd}\n${error.stdout}\n${error.stderr}\n`);
    throw error;
  }
}

function fail(message) {
  throw new Error(`consumer test: ${message}`);
}

/** The version the workspace uses (the root's or the llama backend's dependency). */
function installed(name) {
  for (const folder of ['node_modules', 'packages/backend-llamacpp/node_modules']) {
    try {
      return JSON.parse(readFileSync(join(root, folder, name, 'package.json'), 'utf8')).version;
    } catch {}
  }
  return fail(`${name} is not installed in the workspace`);
}

try {
  // 1. The release command: builds every package (prepack), then packs it with pnpm.
  run('pnpm', ['run', 'release:pack', '--pack-destination', tarballs], root);
  const files = readdirSync(tarballs).filter((file) => file.endsWith('.tgz'));
  const tarball = (name) =>
    join(
      tarballs,
      files.find((file) => file.startsWith(`harmony-agents-${name}-`)) ?? fail(`no ${name} tarball`),
    );

  // 2. What each tarball holds.
  for (const name of ['core', 'tools', 'backend-llamacpp', 'cli']) {
    const entries = run('tar', ['-tzf', tarball(name)], work)
      .trim()
      .split('\n');
    for (const required of [
      'package/LICENSE',
      'package/README.md',
      'package/package.json',
      'package/dist/index.d.ts',
    ])
      if (!entries.includes(required)) fail(`${name}: ${required} is missing`);
    const unwanted = entries.filter(
      (entry) =>
        entry.startsWith('package/src/') ||
        entry.startsWith('package/test/') ||
        /\.test(-d)?\.(js|d\.ts|ts)$/.test(entry) ||
        entry.endsWith('.map') ||
        entry.endsWith('.tsbuildinfo'),
    );
    if (unwanted.length > 0) fail(`${name}: unwanted files ${unwanted.join(', ')}`);
    if (name === 'core')
      for (const entry of ['harmony', 'backend', 'testing'])
        if (!entries.includes(`package/dist/${entry}/index.d.ts`))
          fail(`core: dist/${entry}/index.d.ts is missing`);
    const manifest = run('tar', ['-xzOf', tarball(name), 'package/package.json'], work);
    if (manifest.includes('@harmony-agents/source') || /"source"\s*:/.test(manifest))
      fail(`${name}: the published exports keep a source condition`);
    if (manifest.includes('workspace:')) fail(`${name}: the manifest keeps a workspace: range`);
    if (name === 'cli') {
      if (
        !run('tar', ['-xzOf', tarball(name), 'package/dist/bin.js'], work).startsWith('#!/usr/bin/env node\n')
      )
        fail('cli: dist/bin.js does not start with a node shebang');
      if (JSON.parse(manifest).bin?.['harmony-agents'] !== './dist/bin.js')
        fail('cli: the harmony-agents binary is not dist/bin.js');
    }
    const workspace = JSON.parse(readFileSync(join(root, 'packages', name, 'package.json'), 'utf8'));
    const published = Object.keys(JSON.parse(manifest).exports).join(', ');
    if (published !== Object.keys(workspace.exports).join(', '))
      fail(`${name}: publishConfig.exports (${published}) must list the same entry points as exports`);
  }

  // 3. A fresh app outside the workspace, installed with npm.
  mkdirSync(join(app, 'src'), { recursive: true });
  cpSync(join(root, 'test/consumer/src'), join(app, 'src'), { recursive: true });
  cpSync(join(root, 'test/consumer/tsconfig.json'), join(app, 'tsconfig.json'));
  const local = {
    '@harmony-agents/core': `file:${tarball('core')}`,
    '@harmony-agents/tools': `file:${tarball('tools')}`,
    '@harmony-agents/backend-llamacpp': `file:${tarball('backend-llamacpp')}`,
  };
  writeFileSync(
    join(app, 'package.json'),
    `${JSON.stringify(
      {
        name: 'consumer-app',
        private: true,
        type: 'module',
        dependencies: {
          ...local,
          'node-llama-cpp': installed('node-llama-cpp'),
          zod: installed('zod'),
        },
        devDependencies: { typescript: installed('typescript'), '@types/node': installed('@types/node') },
        overrides: local,
      },
      null,
      2,
    )}\n`,
  );
  // The app only type-checks and imports the llama backend: skip node-llama-cpp's binaries and postinstall.
  run(
    'npm',
    ['install', '--no-audit', '--no-fund', '--omit=optional', '--ignore-scripts', '--cache', npmCache],
    app,
    { npm_config_userconfig: join(work, 'npmrc'), NODE_LLAMA_CPP_SKIP_DOWNLOAD: 'true' },
  );

  // 4. Compile (strict, nodenext, skipLibCheck off) and run.
  const tsc = join(app, 'node_modules/typescript/bin/tsc');
  run(process.execPath, [tsc, '-p', 'tsconfig.json'], app);
  const output = run(process.execPath, ['dist/main.js'], app, { NO_COLOR: '1' });
  const expected = [
    'first: It is 21 °C in Paris.',
    'second: That is 69.8 °F.',
    'events: tool-call get_weather, tool-result functions.get_weather, run-end, tool-call to_fahrenheit',
    'entry points: harmony-agents-backend-v1, 7 prompt tokens, type/properties/required',
  ];
  const llama = run(process.execPath, ['dist/llama.js'], app);
  if (llama !== '') fail(`importing the llama backend printed ${llama}`);
  for (const line of expected)
    if (!output.split('\n').includes(line)) fail(`missing output line "${line}" in:\n${output}`);
  process.stdout.write(`${output}consumer test: 1 passed, 0 failed\n`);
} finally {
  if (keep) process.stdout.write(`kept ${work}\n`);
  else rmSync(work, { recursive: true, force: true });
}
