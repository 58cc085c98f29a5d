/**
 * The download progress line: redrawn in place on a terminal, one line per 10% otherwise (a log file gets at
 * most eleven lines, never spinner frames).
 */

import { formatBytes } from './model-catalog.js';
import type { OutputStream } from './terminal-style.js';

const BAR_WIDTH = 24;

/** Returns the progress callback of a download of `label`. `rich` redraws one line in place. */
export function createDownloadProgress(
  label: string,
  stream: OutputStream,
  rich: boolean,
  now: () => number = Date.now,
): (downloadedBytes: number, totalBytes: number | undefined) => void {
  let shown = -1;
  let start: { time: number; bytes: number } | undefined;
  return (downloaded, total) => {
    start ??= { time: now(), bytes: downloaded };
    if (total === undefined || total <= 0) return;
    const percent = Math.floor((Math.min(downloaded, total) / total) * 100);
    const step = rich ? percent : percent - (percent % 10);
    if (step <= shown) return;
    shown = step;
    const filled = Math.round((step / 100) * BAR_WIDTH);
    const seconds = (now() - start.time) / 1000;
    const speed = seconds > 0.5 ? ` ${formatBytes((downloaded - start.bytes) / seconds)}/s` : '';
    const line = `${label} [${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}] ${String(step).padStart(3)}% ${formatBytes(downloaded)} of ${formatBytes(total)}${speed}`;
    // In place: carriage return, the line, then erase what a longer previous line left.
    stream.write(rich ? `\r${line}\x1b[K${step === 100 ? '\n' : ''}` : `${line}\n`);
  };
}
