#!/usr/bin/env node
// Consumer test: packs every publishable package of packages/ (the release command), checks the tarballs
// (files, entry points, bins, the dependencies their files import), installs them with npm into a fresh app
// outside the workspace, compiles a strict TypeScript app against them (nodenext, no skipLibCheck) and runs
// it with node: every package through its public entry points, offline (an in-process fetch for the server
// backend, the app's own stdio MCP server, the OpenTelemetry SDK's in-memory exporter), and the CLI's binary.
// npm reaches only the registry (zod, typescript, @types/node, the SDKs and the packages' own dependencies);
// its cache is kept under node_modules/.cache.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
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

/** The publishable packages: every folder of packages/ whose manifest is not private. */
const packageDirs = readdirSync(join(root, 'packages')).filter((dir) => {
  try {
    return JSON.parse(readFileSync(join(root, 'packages', dir, 'package.json'), 'utf8')).private !== true;
  } catch {
    return false;
  }
});
const workspaceManifest = (dir) =>
  JSON.parse(readFileSync(join(root, 'packages', dir, 'package.json'), 'utf8'));

/** The version the workspace uses (the root's or a package's dependency). */
function installed(name) {
  for (const folder of ['.', ...packageDirs.map((dir) => `packages/${dir}`)]) {
    try {
      return JSON.parse(readFileSync(join(root, folder, 'node_modules', name, 'package.json'), 'utf8'))
        .version;
    } catch {}
  }
  return fail(`${name} is not installed in the workspace`);
}

/** The packages a published file imports by bare specifier (static, side-effect, dynamic and type imports). */
function bareImports(text) {
  const found = new Set();
  const patterns = [
    /^\s*(?:import|export)\b[^;'"]*?\bfrom\s*['"]([^'"]+)['"]/gm,
    /^\s*import\s*['"]([^'"]+)['"]/gm,
    /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g,
  ];
  for (const match of patterns.flatMap((pattern) => [...text.matchAll(pattern)])) {
    const specifier = match[1];
    if (specifier.startsWith('.') || specifier.startsWith('node:')) continue;
    if (builtinModules.includes(specifier.split('/')[0])) continue;
    const parts = specifier.split('/');
    found.add(specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]);
  }
  return found;
}

try {
  // 1. The release command: builds every package (prepack), then packs it with pnpm.
  run('pnpm', ['run', 'release:pack', '--pack-destination', tarballs], root);
  const files = readdirSync(tarballs).filter((file) => file.endsWith('.tgz'));
  const tarball = (dir) => {
    const { name, version } = workspaceManifest(dir);
    const file = `${name.replace(/^@/, '').replace('/', '-')}-${version}.tgz`;
    return files.includes(file)
      ? join(tarballs, file)
      : fail(`no ${dir} tarball ${file} (packed: ${files.join(', ')})`);
  };
  if (files.length !== packageDirs.length)
    fail(`packed ${files.join(', ')} for the packages ${packageDirs.join(', ')}`);

  // 2. What each tarball holds.
  for (const dir of packageDirs) {
    const entries = run('tar', ['-tzf', tarball(dir)], work)
      .trim()
      .split('\n');
    const unpacked = join(work, 'unpacked', dir);
    mkdirSync(unpacked, { recursive: true });
    run('tar', ['-xzf', tarball(dir), '-C', unpacked], work);
    const manifestText = readFileSync(join(unpacked, 'package/package.json'), 'utf8');
    const manifest = JSON.parse(manifestText);
    const workspace = workspaceManifest(dir);
    for (const required of ['package/LICENSE', 'package/README.md', 'package/package.json'])
      if (!entries.includes(required)) fail(`${dir}: ${required} is missing`);
    const unwanted = entries.filter(
      (entry) =>
        entry.startsWith('package/src/') ||
        entry.startsWith('package/test/') ||
        /\.test(-d)?\.(js|d\.ts|ts)$/.test(entry) ||
        entry.endsWith('.map') ||
        entry.endsWith('.tsbuildinfo'),
    );
    if (unwanted.length > 0) fail(`${dir}: unwanted files ${unwanted.join(', ')}`);
    if (manifestText.includes('@harmony-agents/source') || /"source"\s*:/.test(manifestText))
      fail(`${dir}: the published exports keep a source condition`);
    if (manifestText.includes('workspace:')) fail(`${dir}: the manifest keeps a workspace: range`);
    if (manifest.name !== workspace.name || manifest.version !== workspace.version)
      fail(`${dir}: packed as ${manifest.name}@${manifest.version}`);
    // Every entry point: the same ones as in the workspace, each with its declarations and module packed.
    const published = Object.keys(manifest.exports ?? {});
    if (published.join(', ') !== Object.keys(workspace.exports).join(', '))
      fail(
        `${dir}: publishConfig.exports (${published.join(', ')}) must list the same entry points as exports`,
      );
    for (const [entry, conditions] of Object.entries(manifest.exports)) {
      if (typeof conditions !== 'object' || Object.keys(conditions).join(', ') !== 'types, default')
        fail(`${dir}: exports["${entry}"] must hold exactly "types" then "default"`);
      const source = workspace.exports[entry];
      for (const condition of ['types', 'default']) {
        const target = conditions[condition];
        if (target !== source[condition])
          fail(
            `${dir}: exports["${entry}"].${condition} is ${target} when packed, ${source[condition]} in the workspace`,
          );
        if (!entries.includes(`package/${target.replace(/^\.\//, '')}`))
          fail(`${dir}: exports["${entry}"].${condition} ${target} is not in the tarball`);
      }
    }
    for (const [command, target] of Object.entries(manifest.bin ?? {})) {
      const text = readFileSync(join(unpacked, 'package', target), 'utf8');
      if (!text.startsWith('#!/usr/bin/env node\n'))
        fail(`${dir}: the ${command} binary ${target} does not start with a node shebang`);
    }
    if (dir === 'cli' && manifest.bin?.['harmony-agents'] !== './dist/bin.js')
      fail('cli: the harmony-agents binary is not dist/bin.js');
    if (dir === 'core')
      for (const entry of ['.', './harmony', './backend', './testing'])
        if (manifest.exports[entry] === undefined) fail(`core: the ${entry} entry point is missing`);
    if (dir === 'backend-server' && manifest.exports['./testing'] === undefined)
      fail('backend-server: the ./testing entry point is missing');
    // Every package a published file imports is a dependency or a peer dependency of the package.
    const declared = new Set([
      manifest.name,
      ...Object.keys(manifest.dependencies ?? {}),
      ...Object.keys(manifest.peerDependencies ?? {}),
    ]);
    for (const entry of entries.filter((entry) => /\.(js|d\.ts)$/.test(entry))) {
      for (const imported of bareImports(readFileSync(join(unpacked, entry), 'utf8')))
        if (!declared.has(imported))
          fail(
            `${dir}: ${entry.slice('package/'.length)} imports ${imported}, which the package does not depend on`,
          );
    }
  }

  // 3. A fresh app outside the workspace, installed with npm.
  mkdirSync(join(app, 'src'), { recursive: true });
  cpSync(join(root, 'test/consumer/src'), join(app, 'src'), { recursive: true });
  cpSync(join(root, 'test/consumer/tsconfig.json'), join(app, 'tsconfig.json'));
  // Every package from its tarball; overrides make the packages' dependencies on each other use them too.
  const local = Object.fromEntries(
    packageDirs.map((dir) => [workspaceManifest(dir).name, `file:${tarball(dir)}`]),
  );
  writeFileSync(
    join(app, 'package.json'),
    `${JSON.stringify(
      {
        name: 'consumer-app',
        private: true,
        type: 'module',
        dependencies: {
          ...local,
          // Peers at the workspace's versions; the MCP SDK and the OpenTelemetry SDK for the app's own server and tracer.
          'node-llama-cpp': installed('node-llama-cpp'),
          zod: installed('zod'),
          '@modelcontextprotocol/sdk': installed('@modelcontextprotocol/sdk'),
          // The newest API the OpenTelemetry SDK accepts (sdk-trace-base 2.12.1: >=1.3.0 <1.10.0; the workspace has 1.10.0).
          '@opentelemetry/api': '~1.9.0',
          '@opentelemetry/sdk-trace-base': installed('@opentelemetry/sdk-trace-base'),
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
  let output = ['main', 'server-backend', 'mcp', 'opentelemetry', 'entry-points']
    .map((file) => run(process.execPath, [`dist/${file}.js`], app, { NO_COLOR: '1' }))
    .join('');
  const expected = [
    'first: It is 21 °C in Paris.',
    'second: That is 69.8 °F.',
    'events: tool-call get_weather, tool-result functions.get_weather, run-end, tool-call to_fahrenheit',
    'entry points: harmony-agents-backend-v1, 7 prompt tokens, type/properties/required',
    'backend-server: llama-server http://127.0.0.1:8080 harmony-agents-backend-v1, constrainedOutput/constrainedToolArguments/promptCacheStatistics/seededSampling, vllm/sglang, retries 2',
    'backend-server: POST /tokenize -> backend_error model_not_gpt_oss',
    'backend-server/testing: 2 slots, bundle found, cache set',
    'mcp: units (Converts units.), tools units_km_to_miles, tool message 26.1 miles, final 42 km is 26.1 miles.',
    'mcp errors: configuration_error, mcp_server_error connect_failed',
    'opentelemetry untraced: It is 21 °C in Paris.',
    'opentelemetry: invoke_agent weather > chat gpt-oss-20b, chat gpt-oss-20b, execute_tool get_weather (4 spans); scope @harmony-agents/opentelemetry; It is 21 °C in Paris.',
    `test-models: 201088 tokens, 0 options; cli runCli: exit 0, ${workspaceManifest('cli').version}`,
    `cli: ${workspaceManifest('cli').version}`,
  ];
  // The CLI's binary, linked by npm, loads every package it depends on.
  output += `cli: ${run(join(app, 'node_modules/.bin/harmony-agents'), ['--version'], app).trim()}\n`;
  const llama = run(process.execPath, ['dist/llama.js'], app);
  if (llama !== '') fail(`importing the llama backend printed ${llama}`);
  for (const line of expected)
    if (!output.split('\n').includes(line)) fail(`missing output line "${line}" in:\n${output}`);
  process.stdout.write(`${output}consumer test: 1 passed, 0 failed\n`);
} finally {
  if (keep) process.stdout.write(`kept ${work}\n`);
  else rmSync(work, { recursive: true, force: true });
}
