import { describe, expect, it } from 'vitest';
import { createProgressBar } from './progress-bar.js';

function recorder(isTTY: boolean) {
  const writes: string[] = [];
  return { writes, stream: { isTTY, write: (text: string) => writes.push(text) } };
}

describe('createProgressBar', () => {
  it('redraws one terminal line at each new percent and ends it at 100%', () => {
    const { writes, stream } = recorder(true);
    const bar = createProgressBar('Loading model.gguf', stream);
    for (const progress of [0, 0.001, 0.424, 0.428, 1, 1]) bar(progress);
    expect(writes).toEqual([
      `\rLoading model.gguf [${'-'.repeat(30)}]   0%`,
      `\rLoading model.gguf [${'#'.repeat(13)}${'-'.repeat(17)}]  42%`,
      `\rLoading model.gguf [${'#'.repeat(30)}] 100%\n`,
    ]);
  });

  it('writes a line per 10% elsewhere, ignoring values that go back or are not numbers', () => {
    const { writes, stream } = recorder(false);
    const bar = createProgressBar('Loading', stream);
    for (const progress of [0.05, 0.15, 0.19, 0.1, Number.NaN, 0.35, 2]) bar(progress);
    expect(writes.map((line) => line.slice(-6))).toEqual(['   0%\n', '  10%\n', '  30%\n', ' 100%\n']);
    expect(writes.every((line) => !line.includes('\r'))).toBe(true);
  });
});
