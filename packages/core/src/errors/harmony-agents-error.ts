/**
 * The base of every harmony-agents error, and the check that works across two installed copies of core.
 */

import { CLASS_BRAND, ERROR_BRAND, hasBrand } from '../error-brand.js';

/** Who has to act on an error. */
export type ErrorSource = 'user' | 'model' | 'backend' | 'tool' | 'run';

/** Options accepted by every harmony-agents error constructor. */
export interface HarmonyAgentsErrorOptions {
  /** The underlying error, if any (ES2022 `cause`). */
  cause?: unknown;
}

/**
 * Base class of every error the SDK throws. Switch on {@link HarmonyAgentsError.code} to handle one kind.
 *
 * Errors are recognised by a `Symbol.for('harmony-agents.error')` brand, not by their prototype chain, so
 * an error from another installed copy of `@harmony-agents/core` (e.g. one a backend package brought) is
 * recognised too: by {@link isHarmonyAgentsError}, by each class's {@link HarmonyAgentsError.isInstance},
 * and by `instanceof`, which every error class answers through the same brands.
 */
export abstract class HarmonyAgentsError extends Error {
  /** A stable, literal identifier of the error kind. */
  abstract readonly code: string;
  /** Who has to act on this error. */
  abstract readonly source: ErrorSource;

  constructor(message: string, options?: HarmonyAgentsErrorOptions) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
  }

  /**
   * Whether `value` is an error of this class (or a subclass), from any installed copy of
   * `@harmony-agents/core`.
   *
   * @example
   * ```ts
   * if (BackendError.isInstance(error)) console.error(error.kind);
   * ```
   */
  static isInstance<TError extends HarmonyAgentsError>(
    this: abstract new (
      ...args: never[]
    ) => TError,
    value: unknown,
  ): value is TError {
    // biome-ignore lint/complexity/noThisInStatic: the class `isInstance` is called on, e.g. `BackendError`.
    return isInstanceOfErrorClass(this, value);
  }

  /** `instanceof` answers as {@link HarmonyAgentsError.isInstance}, so it works across copies too. */
  static override [Symbol.hasInstance](value: unknown): boolean {
    // biome-ignore lint/complexity/noThisInStatic: the class on the right of `instanceof`.
    return isInstanceOfErrorClass(this, value);
  }
}

Object.defineProperty(HarmonyAgentsError.prototype, ERROR_BRAND, { value: true });
Object.defineProperty(HarmonyAgentsError, CLASS_BRAND, { value: ERROR_BRAND });

function isInstanceOfErrorClass(
  errorClass: abstract new (...args: never[]) => unknown,
  value: unknown,
): boolean {
  if (!hasBrand(value, ERROR_BRAND)) return false;
  const own = Object.getOwnPropertyDescriptor(errorClass, CLASS_BRAND)?.value as symbol | undefined;
  // A subclass defined outside this module has no brand of its own: fall back to its prototype chain.
  return own === undefined
    ? Function.prototype[Symbol.hasInstance].call(errorClass, value)
    : hasBrand(value, own);
}

/**
 * Returns true if `value` is an error thrown by harmony-agents (from any installed copy of
 * `@harmony-agents/core`), and, when `code` is given, one with that {@link HarmonyAgentsError.code}.
 *
 * @example
 * ```ts
 * if (isHarmonyAgentsError(error, 'run_aborted')) return;
 * ```
 */
export function isHarmonyAgentsError<TCode extends string>(
  value: unknown,
  code?: TCode,
): value is HarmonyAgentsError & {
  /** The code asked for. */
  readonly code: TCode;
} {
  return hasBrand(value, ERROR_BRAND) && (code === undefined || (value as { code?: unknown }).code === code);
}
