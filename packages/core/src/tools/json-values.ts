/**
 * Small helpers over JSON values shared by schema normalization and validation.
 */

import type { JsonValue } from '../harmony/types.js';

/** A JSON object whose values may still need checking (parsed JSON, a JSON Schema given by the application). */
export type UnknownRecord = { readonly [key: string]: unknown };

/** A JSON Schema object, such as a function tool's parameters after normalization for Harmony. */
export type JsonSchemaObject = { readonly [key: string]: JsonValue };

/** Returns true if `value` is a plain object (not null, not an array). */
export function isRecord(value: unknown): value is UnknownRecord {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Structural equality of two JSON values (object key order is ignored). */
export function jsonEqual(left: unknown, right: unknown): boolean {
  if (left === right) {
    return true;
  }
  if (Array.isArray(left) || Array.isArray(right)) {
    return (
      Array.isArray(left) &&
      Array.isArray(right) &&
      left.length === right.length &&
      left.every((item, index) => jsonEqual(item, right[index]))
    );
  }
  if (isRecord(left) && isRecord(right)) {
    const leftKeys = Object.keys(left);
    return (
      leftKeys.length === Object.keys(right).length &&
      leftKeys.every((key) => Object.hasOwn(right, key) && jsonEqual(left[key], right[key]))
    );
  }
  return false;
}

/** The JSON Schema type name of a JSON value: `null`, `boolean`, `integer`, `number`, `string`, `array` or `object`. */
export function jsonTypeOf(value: unknown): string {
  if (value === null) {
    return 'null';
  }
  if (Array.isArray(value)) {
    return 'array';
  }
  if (typeof value === 'number') {
    return Number.isInteger(value) ? 'integer' : 'number';
  }
  return typeof value;
}

/** Returns true if `value` can be written as JSON without loss (no undefined, functions, NaN, cycles...). */
export function isJsonValue(value: unknown, seen: Set<unknown> = new Set()): value is JsonValue {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') {
    return true;
  }
  if (typeof value === 'number') {
    return Number.isFinite(value);
  }
  if (typeof value !== 'object' || seen.has(value)) {
    return false;
  }
  seen.add(value);
  const items = Array.isArray(value) ? value : isRecord(value) ? Object.values(value) : undefined;
  const result = items?.every((item) => isJsonValue(item, seen)) ?? false;
  seen.delete(value);
  return result;
}
