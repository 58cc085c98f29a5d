/**
 * Compact JSON text exactly as Rust's `serde_json` displays a `Value` (`format!("{value}")`), which
 * openai-harmony uses for non-string defaults in tool schemas (`// default: 10`).
 *
 * Numbers: JavaScript cannot tell the JSON literals `10` and `10.0` apart after `JSON.parse`, so an
 * integral number whose magnitude is below 1e16 is written as an integer (serde_json would write a
 * `10.0` literal as `10.0`). Every other number is written the way serde_json writes an `f64` (Ryu):
 * shortest round-trip digits, `.0` after integral values, and exponent form without `+` when the
 * decimal exponent is at least 16 or below -5 (`1e16`, `1.5e20`, `1e-6`); the other deviation is that a
 * JSON integer literal of 1e16 or more (up to 2^64, which serde_json keeps as an integer) is written in
 * that exponent form too. `-0` is written `-0.0`
 * (serde_json parses a `-0` literal as a float). Non-finite numbers are written `null`.
 * Object keys keep JavaScript's enumeration order (integer-like keys first; serde keeps source order).
 */

import { HarmonyRenderError } from '../errors.js';

/** Largest magnitude written as a plain integer; from here on Ryu switches to exponent form. */
const INTEGER_DISPLAY_LIMIT = 1e16;

/**
 * Formats a number as serde_json displays it (see the module notes for the integer rule).
 * @example `displayJsonNumber(10) === '10'`, `displayJsonNumber(1e-6) === '1e-6'`, `displayJsonNumber(0.5) === '0.5'`
 */
export function displayJsonNumber(value: number): string {
  if (!Number.isFinite(value)) return 'null';
  if (Object.is(value, -0)) return '-0.0';
  if (Number.isInteger(value) && Math.abs(value) < INTEGER_DISPLAY_LIMIT) return String(value);
  return displayFloat(value);
}

/** Ryu's `format64`: shortest digits placed in fixed or exponent notation. */
function displayFloat(value: number): string {
  if (value === 0) return '0.0';
  const sign = value < 0 ? '-' : '';
  // toExponential() without a precision gives the shortest round-trip digits, like Ryu.
  const [mantissa = '', exponentText = '0'] = Math.abs(value).toExponential().split('e');
  const digits = mantissa.replace('.', '');
  const length = digits.length;
  // value = 0.digits × 10^integerDigits
  const integerDigits = Number(exponentText) + 1;
  if (integerDigits >= length && integerDigits <= 16) {
    return `${sign}${digits}${'0'.repeat(integerDigits - length)}.0`;
  }
  if (integerDigits > 0 && integerDigits <= 16) {
    return `${sign}${digits.slice(0, integerDigits)}.${digits.slice(integerDigits)}`;
  }
  if (integerDigits > -5 && integerDigits <= 0) {
    return `${sign}0.${'0'.repeat(-integerDigits)}${digits}`;
  }
  const fraction = length === 1 ? '' : `.${digits.slice(1)}`;
  return `${sign}${digits[0]}${fraction}e${integerDigits - 1}`;
}

/**
 * Formats a JSON value as serde_json's compact display: no spaces, strings escaped like
 * `JSON.stringify` (which matches serde_json's escaping), numbers as {@link displayJsonNumber}.
 * `undefined` members of objects are skipped and `undefined` array items are written `null`, like
 * `JSON.stringify`.
 * @throws {@link HarmonyRenderError} for a JavaScript object graph that contains itself (not JSON).
 */
export function displayJsonValue(value: unknown, ancestors: readonly object[] = []): string {
  if (value === null || value === undefined) return 'null';
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      return displayJsonNumber(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object': {
      if (ancestors.includes(value))
        throw new HarmonyRenderError('cannot display a value that contains itself');
      const path = [...ancestors, value];
      if (Array.isArray(value)) return `[${value.map((item) => displayJsonValue(item, path)).join(',')}]`;
      const members: string[] = [];
      for (const [key, member] of Object.entries(value)) {
        if (member !== undefined) members.push(`${JSON.stringify(key)}:${displayJsonValue(member, path)}`);
      }
      return `{${members.join(',')}}`;
    }
    default:
      return 'null';
  }
}
