/**
 * Brands that recognise harmony-agents errors across copies of this package. An app can end up with two
 * installed copies of `@harmony-agents/core` (one it depends on, one a backend or tool package brought);
 * `instanceof` then fails across them, so errors carry `Symbol.for` keys, which every copy shares.
 */

/** Marks every harmony-agents error (on `HarmonyAgentsError.prototype`). */
export const ERROR_BRAND: unique symbol = Symbol.for('harmony-agents.error') as never;

/** The static key under which a branded error class keeps its own brand. */
export const CLASS_BRAND: unique symbol = Symbol.for('harmony-agents.error-class') as never;

/** The brand of one error class, e.g. `harmony-agents.error.BackendError`. */
export function classBrand(name: string): symbol {
  return Symbol.for(`harmony-agents.error.${name}`);
}

/**
 * Brands error classes: each prototype gets its class brand (so instances of subclasses carry it too) and
 * each class keeps the brand as an own static property for `isInstance`. Keys are the class names.
 */
export function brandErrorClasses(
  classes: Readonly<Record<string, abstract new (...args: never[]) => Error>>,
): void {
  for (const [name, errorClass] of Object.entries(classes)) {
    const brand = classBrand(name);
    Object.defineProperty(errorClass.prototype, brand, { value: true });
    Object.defineProperty(errorClass, CLASS_BRAND, { value: brand });
  }
}

/** Whether `value` is an object carrying `brand` (own or inherited). */
export function hasBrand(value: unknown, brand: symbol): boolean {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    (value as { readonly [key: symbol]: unknown })[brand] === true
  );
}
