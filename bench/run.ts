/**
 * Runs every benchmark, one process each (so one cannot warm up or slow down another), and prints
 * their reports. Each benchmark reports ratios measured within its own run: these machines are
 * noisy, so compare ratios, not absolute times. `pnpm bench [render|tokenizer|parser|runner|llamacpp|python|server]`.
 */
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const BENCHMARKS = ['render', 'tokenizer', 'parser', 'runner', 'llamacpp', 'python', 'server'] as const;
const directory = dirname(fileURLToPath(import.meta.url));

const requested = process.argv.slice(2);
const unknown = requested.filter((name) => !(BENCHMARKS as readonly string[]).includes(name));
if (unknown.length > 0) {
  console.error(`Unknown benchmark(s): ${unknown.join(', ')}. Choose from: ${BENCHMARKS.join(', ')}`);
  process.exit(2);
}
let failed = false;
for (const name of requested.length > 0 ? requested : BENCHMARKS) {
  console.log(`\n## ${name}`);
  const started = performance.now();
  const result = spawnSync(
    process.execPath,
    [
      '--conditions=@harmony-agents/source',
      '--import',
      'tsx',
      join(directory, `${name === 'python' ? 'python-tool' : name}.bench.ts`),
    ],
    { stdio: 'inherit' },
  );
  console.log(`(${((performance.now() - started) / 1000).toFixed(1)} s)`);
  if (result.status !== 0) failed = true;
}
process.exitCode = failed ? 1 : 0;
