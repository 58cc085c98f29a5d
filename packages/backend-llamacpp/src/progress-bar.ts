/**
 * A plain-text progress bar for downloading and loading a model (gpt-oss-20b takes from seconds to minutes).
 * It never writes colour codes or spinner frames.
 */

/** Where a progress bar is written: `process.stderr`, or anything with `write` and an optional `isTTY`. */
export interface ProgressBarStream {
  /** Writes text as is. */
  write(text: string): unknown;
  /** When true, the bar is redrawn in place with `\r`; otherwise one line is written per 10%. */
  readonly isTTY?: boolean;
}

const BAR_WIDTH = 30;

/**
 * Returns a progress callback (progress from 0 to 1) that draws `label [#####-----]  42%` on `stream`.
 * A terminal gets one line redrawn at each new percent; other streams get a line at each new 10%. The bar ends
 * with a line break at 100%.
 */
export function createProgressBar(label: string, stream: ProgressBarStream): (progress: number) => void {
  const interactive = stream.isTTY === true;
  let shown = -1;
  let finished = false;
  return (progress) => {
    if (finished || !Number.isFinite(progress)) return;
    const percent = Math.floor(Math.min(1, Math.max(0, progress)) * 100);
    const step = interactive ? percent : percent - (percent % 10);
    if (step <= shown) return;
    shown = step;
    const filled = Math.round((step / 100) * BAR_WIDTH);
    const line = `${label} [${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}] ${String(step).padStart(3)}%`;
    finished = step === 100;
    stream.write(interactive ? `\r${line}${finished ? '\n' : ''}` : `${line}\n`);
  };
}
