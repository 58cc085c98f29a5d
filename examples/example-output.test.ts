/**
 * The examples as a user runs them, in real child processes: output piped into a file or a log is plain
 * text (no ANSI escape), `NO_COLOR` wins even over `FORCE_COLOR` and over a terminal, and a real terminal
 * (a pseudo-terminal from util-linux `script`) does get colour, so the checks can fail.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { shouldUseColor } from './terminal-style.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const ESC = '\u001b';
const NODE_ARGUMENTS = ['--conditions=@harmony-agents/source', '--import', 'tsx'];

/** The environment of a user's shell without colour settings or a real model. */
function environment(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const name of ['NO_COLOR', 'FORCE_COLOR', 'HARMONY_AGENTS_GPT_OSS_GGUF', 'CI']) delete env[name];
  return { ...env, TERM: 'xterm-256color', ...extra };
}

function runPiped(example: string, extra: Record<string, string> = {}): { stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [...NODE_ARGUMENTS, `examples/${example}`], {
    cwd: root,
    env: environment(extra),
    encoding: 'utf8',
    timeout: 120_000,
  });
  expect(result.status, result.stderr).toBe(0);
  return { stdout: result.stdout, stderr: result.stderr };
}

const hasScript = spawnSync('script', ['--version'], { encoding: 'utf8' }).status === 0;

/** Runs an example on a pseudo-terminal (stdout.isTTY is true in the child); returns what the terminal showed. */
function runOnTerminal(example: string, extra: Record<string, string> = {}): string {
  const command = [process.execPath, ...NODE_ARGUMENTS, `examples/${example}`].join(' ');
  return execFileSync('script', ['-qec', command, '/dev/null'], {
    cwd: root,
    env: environment(extra),
    encoding: 'utf8',
    timeout: 120_000,
  });
}

describe('example output', () => {
  it('weather.ts writes plain text into a pipe, and with NO_COLOR even when FORCE_COLOR is set', () => {
    const piped = runPiped('weather.ts');
    expect(piped.stdout).toContain('[thinking]');
    expect(piped.stdout).toContain('[tool result] San Francisco, CA');
    expect(piped.stdout).not.toContain(ESC);
    expect(piped.stderr).not.toContain(ESC);
    const noColor = runPiped('weather.ts', { NO_COLOR: '1', FORCE_COLOR: '1' });
    expect(noColor.stdout).toContain('[thinking]');
    expect(noColor.stdout + noColor.stderr).not.toContain(ESC);
  });

  it.skipIf(!hasScript)('weather.ts colours a terminal, but not with NO_COLOR=1', () => {
    const colored = runOnTerminal('weather.ts');
    expect(colored).toContain(`${ESC}[2m  [thinking]`);
    const plain = runOnTerminal('weather.ts', { NO_COLOR: '1' });
    expect(plain).toContain('[thinking]');
    expect(plain).not.toContain(ESC);
  });

  it.each([
    'abort-and-limits.ts',
    'context-window.ts',
    'custom-backend.ts',
    'events.ts',
    'harmony-low-level.ts',
    'history.ts',
    'structured-output.ts',
    'tools.ts',
    'tracing.ts',
  ])('%s writes plain text into a pipe', (example) => {
    const { stdout, stderr } = runPiped(example);
    expect(stdout.length).toBeGreaterThan(0);
    expect(stdout + stderr).not.toContain(ESC);
  });
});

describe('shouldUseColor', () => {
  const tty = { isTTY: true };
  const pipe = { isTTY: false };
  it('colours a terminal only, unless NO_COLOR is non-empty, FORCE_COLOR decides or TERM is dumb', () => {
    expect(shouldUseColor(tty, {})).toBe(true);
    expect(shouldUseColor(pipe, {})).toBe(false);
    expect(shouldUseColor(tty, { NO_COLOR: '1' })).toBe(false);
    expect(shouldUseColor(tty, { NO_COLOR: '' })).toBe(true);
    expect(shouldUseColor(pipe, { FORCE_COLOR: '1' })).toBe(true);
    expect(shouldUseColor(pipe, { FORCE_COLOR: '' })).toBe(true);
    expect(shouldUseColor(tty, { FORCE_COLOR: '0' })).toBe(false);
    expect(shouldUseColor(tty, { FORCE_COLOR: 'false' })).toBe(false);
    expect(shouldUseColor(pipe, { FORCE_COLOR: '1', NO_COLOR: 'yes' })).toBe(false);
    expect(shouldUseColor(tty, { TERM: 'dumb' })).toBe(false);
  });
});
