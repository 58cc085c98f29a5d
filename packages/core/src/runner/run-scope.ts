/**
 * Run scopes: the parts of a run (the whole run, each model step, each tool's execution) that wrappers
 * registered with `AgentRun.wrap` run inside, so an instrumentation can make its span the active one (an
 * OpenTelemetry context, an AsyncLocalStorage store) while the run's own code, a backend's or a tool's runs.
 */

import { RunScopeError } from '../errors.js';

/** Fields every scope carries. */
interface ScopeBase {
  /** The run's id. */
  readonly runId: string;
}

/** The whole run: from just after `run-start` to just before its last events (`error`/`abort`, `run-end`). */
export interface WholeRunScope extends ScopeBase {
  /** Discriminant: `run`. */
  readonly type: 'run';
}

/** One model step: the backend's generation, from just after `step-start` to just before `step-end`. */
export interface ModelStepScope extends ScopeBase {
  /** Discriminant: `step`. */
  readonly type: 'step';
  /** 1-based index of the model step within the run, as in `step-start`. */
  readonly step: number;
}

/**
 * One tool's execution: its `execute` function, from just after `tool-call` to just before `tool-result` or
 * `tool-error`. Calls that fail before they run (unknown tool, invalid arguments, repeated, denied) have none.
 */
export interface ToolCallScope extends ScopeBase {
  /** Discriminant: `tool`. */
  readonly type: 'tool';
  /** 1-based index of the model step that made the call. */
  readonly step: number;
  /** The call's id, as in `tool-call`. */
  readonly callId: string;
  /** The tool's name (`get_weather`; `browser.search` for a built-in tool). */
  readonly toolName: string;
  /** The recipient the model addressed, e.g. `functions.get_weather`. */
  readonly recipient: string;
}

/** A part of a run that {@link RunScopeWrapper}s run inside: the whole run, a model step or a tool call. */
export type RunScope = WholeRunScope | ModelStepScope | ToolCallScope;

/**
 * Runs one part of a run inside a scope the wrapper controls: it must call `execute` exactly once (typically
 * `return context.with(ctx, execute)`) and may await it. `execute` resolves when the part is done and rejects
 * with what it threw; the wrapper cannot change that outcome (its resolved value is ignored), and whatever the
 * part throws keeps its usual meaning (a tool's error goes back to the model). A wrapper that never calls
 * `execute`, calls it twice or throws on its own fails the run with a {@link RunScopeError}.
 *
 * @example
 * ```ts
 * run.wrap((scope, execute) => (scope.type === 'tool' ? storage.run(scope.callId, execute) : execute()));
 * ```
 */
export type RunScopeWrapper = (scope: RunScope, execute: () => Promise<void>) => unknown;

/** Runs `work` inside every wrapper, the first registered outermost. */
export function runInScope<T>(
  wrappers: readonly RunScopeWrapper[],
  scope: RunScope,
  work: () => Promise<T>,
): Promise<T> {
  // The first registered wrapper is the outermost: wrap from the last one outwards.
  let inner = work;
  for (let index = wrappers.length - 1; index >= 0; index--) {
    const wrapper = wrappers[index]!;
    const next = inner;
    inner = () => runInWrapper(wrapper, scope, next);
  }
  return inner();
}

/** Marks `promise` handled: a wrapper may never look at what `execute` returned. */
function handled<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => undefined);
  return promise;
}

async function runInWrapper<T>(
  wrapper: RunScopeWrapper,
  scope: RunScope,
  work: () => Promise<T>,
): Promise<T> {
  let calls = 0;
  let returned = false;
  let outcome: Promise<T> | undefined;
  const misuse = (
    reason: 'not_called' | 'called_twice' | 'wrapper_failed',
    message: string,
    cause?: unknown,
  ) =>
    new RunScopeError(`A run scope wrapper ${message} (${describeScope(scope)})`, {
      reason,
      scope,
      ...(cause === undefined ? {} : { cause }),
    });
  const execute = (): Promise<void> => {
    calls++;
    if (returned) return handled(Promise.reject(misuse('not_called', 'called execute after it returned')));
    if (calls > 1) return handled(Promise.reject(misuse('called_twice', 'called execute more than once')));
    // Started synchronously, so the part runs in the scope the wrapper set up around this call.
    try {
      outcome = work();
    } catch (error) {
      outcome = Promise.reject(error);
    }
    return handled(outcome.then(() => undefined));
  };
  let failed: { readonly error: unknown } | undefined;
  try {
    await wrapper(scope, execute);
  } catch (error) {
    failed = { error };
  }
  returned = true;
  if (outcome === undefined) {
    throw failed === undefined
      ? misuse('not_called', 'returned without calling execute')
      : misuse('wrapper_failed', 'threw before calling execute', failed.error);
  }
  // The part's own outcome decides, whatever the wrapper resolved to (it may not even have awaited it);
  // a misused scope still waits for the part, so nothing of the run goes on behind the error.
  const settled = await outcome.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );
  if (calls > 1) throw misuse('called_twice', 'called execute more than once');
  if (!settled.ok) throw settled.error;
  if (failed !== undefined) throw misuse('wrapper_failed', 'threw after execute succeeded', failed.error);
  return settled.value;
}

function describeScope(scope: RunScope): string {
  switch (scope.type) {
    case 'run':
      return `run ${scope.runId}`;
    case 'step':
      return `run ${scope.runId}, model step ${scope.step}`;
    case 'tool':
      return `run ${scope.runId}, tool call ${scope.callId} to ${scope.toolName}`;
  }
}
