/** Running a tool call under the run's abort signal and a timeout. */

import { RunAbortedError } from '../errors.js';

/** What a timed-out task's race rejects with (never seen outside the executor). */
export class TimeoutSignal {}

/**
 * Runs `task` with a signal that aborts on the run's abort or after `timeoutMs`. A task that ignores
 * its signal keeps running in the background, but the run stops waiting for it.
 */
export async function runWithTimeout<T>(
  runSignal: AbortSignal,
  timeoutMs: number,
  task: (signal: AbortSignal) => T | Promise<T>,
): Promise<T> {
  if (runSignal.aborted) throw new RunAbortedError('The run was aborted', { cause: runSignal.reason });
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  const stop = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort(new TimeoutSignal());
      reject(new TimeoutSignal());
    }, timeoutMs);
    onAbort = () => {
      controller.abort(runSignal.reason);
      reject(new RunAbortedError('The run was aborted', { cause: runSignal.reason }));
    };
    runSignal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([Promise.resolve().then(() => task(controller.signal)), stop]);
  } finally {
    clearTimeout(timer);
    if (onAbort !== undefined) runSignal.removeEventListener('abort', onAbort);
  }
}
