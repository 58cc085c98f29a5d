/**
 * Turning anything a backend, a tool or a listener throws into a typed error. JavaScript can throw any
 * value: `null`, an object without a prototype, one whose `toString` throws, a revoked Proxy. None of
 * them may break the runner's own error handling.
 */

import { BackendError, type HarmonyAgentsError, isHarmonyAgentsError } from '../errors.js';

/** `value instanceof type`, false instead of a throw (a Proxy's `getPrototypeOf` trap may throw). */
export function isInstance<T>(value: unknown, type: abstract new (...args: never[]) => T): value is T {
  try {
    return value instanceof type;
  } catch {
    return false;
  }
}

/** A message for any thrown value: an error's message, else its string form; never throws. */
export function describeThrown(value: unknown): string {
  try {
    if (value instanceof Error && typeof value.message === 'string') return value.message;
  } catch {
    // A Proxy or a getter that throws: try the string forms below.
  }
  try {
    return String(value);
  } catch {
    // An object without a prototype (no toString), or one whose toString throws.
  }
  try {
    return Object.prototype.toString.call(value);
  } catch {
    return 'a value that cannot be described';
  }
}

/** The error a run fails with: a harmony-agents error as is, anything else as a `BackendError`. */
export function toRunError(caught: unknown): HarmonyAgentsError {
  let typed = false;
  try {
    typed = isHarmonyAgentsError(caught);
  } catch {
    typed = false;
  }
  if (typed) return caught as HarmonyAgentsError;
  return new BackendError(`The backend failed: ${describeThrown(caught)}`, {
    kind: 'generation_failed',
    cause: caught,
  });
}
