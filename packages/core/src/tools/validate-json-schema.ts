/**
 * A small JSON Schema validator for the subset that {@link normalizeJsonSchemaForHarmony} produces.
 * It validates the arguments of tools defined with a raw JSON Schema instead of zod.
 */

import type { JsonValue } from '../harmony/types.js';
import { isRecord, jsonEqual, jsonTypeOf } from './json-values.js';
import type { ValidationResult } from './types.js';

type Path = readonly PropertyKey[];

/**
 * Validates a parsed JSON value against a normalized JSON Schema and fills in defaults.
 *
 * Supported: `type` (also arrays of types; `integer`), `nullable`, `enum`, `const`, `properties`,
 * `required`, `additionalProperties` (`false` or a schema), `patternProperties`, `items`,
 * `prefixItems`, `minItems` / `maxItems`, `uniqueItems`, `oneOf` / `anyOf` (at least one variant must
 * match: normalization turns `anyOf` into `oneOf`, so both are checked the same way), `not`,
 * `minimum` / `maximum` / `exclusiveMinimum` / `exclusiveMaximum` / `multipleOf`,
 * `minLength` / `maxLength` (in code points), `pattern` (as a `u` regular expression) and
 * `minProperties` / `maxProperties`. `format` is not checked.
 *
 * Unknown keys are kept unless `additionalProperties` is `false`. A missing property whose schema
 * has a `default` gets that default (a copy); the input is never modified.
 *
 * @returns the value with defaults applied, or `path: message` issues in the style of zod.
 */
export function validateJsonSchema(schema: JsonValue, value: unknown): ValidationResult<unknown> {
  const issues: string[] = [];
  const result = check(schema, value, [], issues);
  return issues.length === 0 ? { success: true, value: result } : { success: false, issues };
}

/** Formats an issue path the way code reads it: `rows[0].id`, `["odd key"]`. */
export function formatIssuePath(path: Path): string {
  let text = '';
  for (const segment of path) {
    if (typeof segment === 'number') {
      text += `[${segment}]`;
    } else if (typeof segment === 'string' && /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(segment)) {
      text += text === '' ? segment : `.${segment}`;
    } else {
      text += `[${JSON.stringify(String(segment))}]`;
    }
  }
  return text;
}

/** The type name of a received value, as zod words it (`number`, `array`, `null`, `undefined`...). */
export function describeReceived(value: unknown): string {
  if (value === undefined) {
    return 'undefined';
  }
  if (typeof value === 'number' && Number.isNaN(value)) {
    return 'NaN';
  }
  const type = jsonTypeOf(value);
  return type === 'integer' ? 'number' : type;
}

function check(schema: JsonValue, value: unknown, path: Path, issues: string[]): unknown {
  const report = (message: string, at: Path = path): void => {
    const where = formatIssuePath(at);
    issues.push(where === '' ? message : `${where}: ${message}`);
  };
  if (schema === false) {
    report('Invalid input: no value is allowed here');
    return value;
  }
  if (!isRecord(schema) || (value === null && schema.nullable === true)) {
    return value;
  }
  if (schema.not !== undefined && matches(schema.not, value)) {
    report('Invalid input: this value is not allowed');
  }
  for (const key of ['oneOf', 'anyOf'] as const) {
    const variants = schema[key];
    if (!Array.isArray(variants)) {
      continue;
    }
    const match = variants.find((variant) => matches(variant, value));
    if (match === undefined) {
      report(
        `Invalid input: expected ${variants.map(describeExpected).join(' | ')}, received ${describeReceived(value)}`,
      );
      return value;
    }
    value = check(match, value, path, issues);
  }
  const types =
    typeof schema.type === 'string' ? [schema.type] : Array.isArray(schema.type) ? schema.type : undefined;
  if (types !== undefined && !types.some((type) => typeof type === 'string' && hasType(type, value))) {
    report(`Invalid input: expected ${describeExpected(schema)}, received ${describeReceived(value)}`);
    return value;
  }
  const allowed =
    schema.const !== undefined ? [schema.const] : Array.isArray(schema.enum) ? schema.enum : undefined;
  if (allowed !== undefined && !allowed.some((option) => jsonEqual(option, value))) {
    report(`Invalid option: expected one of ${allowed.map((option) => JSON.stringify(option)).join('|')}`);
    return value;
  }
  if (typeof value === 'string') {
    checkString(schema, value, report);
  } else if (typeof value === 'number') {
    checkNumber(schema, value, report);
  } else if (Array.isArray(value)) {
    return checkArray(schema, value, path, issues, report);
  } else if (isRecord(value)) {
    return checkObject(schema, value, path, issues, report);
  }
  return value;
}

function matches(schema: JsonValue, value: unknown): boolean {
  const issues: string[] = [];
  check(schema, value, [], issues);
  return issues.length === 0;
}

function hasType(type: string, value: unknown): boolean {
  switch (type) {
    case 'integer':
      return Number.isInteger(value);
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    default:
      return jsonTypeOf(value) === type;
  }
}

function describeExpected(schema: JsonValue): string {
  if (!isRecord(schema)) {
    return 'any';
  }
  const nullable = schema.nullable === true ? ' | null' : '';
  if (Array.isArray(schema.enum)) {
    return schema.enum.map((option) => JSON.stringify(option)).join(' | ') + nullable;
  }
  if (typeof schema.type === 'string') {
    return schema.type + nullable;
  }
  if (Array.isArray(schema.type)) {
    return schema.type.join(' | ') + nullable;
  }
  return Array.isArray(schema.oneOf) ? schema.oneOf.map(describeExpected).join(' | ') : 'any';
}

type Report = (message: string, at?: Path) => void;

function checkString(schema: { readonly [key: string]: JsonValue }, value: string, report: Report): void {
  const length = [...value].length;
  if (typeof schema.minLength === 'number' && length < schema.minLength) {
    report(`Too small: expected string to have >=${schema.minLength} characters`);
  }
  if (typeof schema.maxLength === 'number' && length > schema.maxLength) {
    report(`Too big: expected string to have <=${schema.maxLength} characters`);
  }
  if (typeof schema.pattern === 'string') {
    let pattern: RegExp | undefined;
    try {
      pattern = new RegExp(schema.pattern, 'u');
    } catch {
      // A pattern JavaScript cannot compile is not checked.
    }
    if (pattern !== undefined && !pattern.test(value)) {
      report(`Invalid string: must match pattern ${schema.pattern}`);
    }
  }
}

function checkNumber(schema: { readonly [key: string]: JsonValue }, value: number, report: Report): void {
  const { minimum, maximum, exclusiveMinimum, exclusiveMaximum, multipleOf } = schema;
  if (typeof minimum === 'number' && value < minimum) {
    report(`Too small: expected number to be >=${minimum}`);
  }
  if (typeof exclusiveMinimum === 'number' && value <= exclusiveMinimum) {
    report(`Too small: expected number to be >${exclusiveMinimum}`);
  }
  if (typeof maximum === 'number' && value > maximum) {
    report(`Too big: expected number to be <=${maximum}`);
  }
  if (typeof exclusiveMaximum === 'number' && value >= exclusiveMaximum) {
    report(`Too big: expected number to be <${exclusiveMaximum}`);
  }
  if (typeof multipleOf === 'number' && multipleOf > 0 && !Number.isInteger(value / multipleOf)) {
    report(`Invalid number: must be a multiple of ${multipleOf}`);
  }
}

function checkArray(
  schema: { readonly [key: string]: JsonValue },
  value: readonly unknown[],
  path: Path,
  issues: string[],
  report: Report,
): unknown[] {
  const { minItems, maxItems, prefixItems, items } = schema;
  if (typeof minItems === 'number' && value.length < minItems) {
    report(`Too small: expected array to have >=${minItems} items`);
  }
  if (typeof maxItems === 'number' && value.length > maxItems) {
    report(`Too big: expected array to have <=${maxItems} items`);
  }
  if (
    schema.uniqueItems === true &&
    value.some((item, index) => value.slice(0, index).some((other) => jsonEqual(item, other)))
  ) {
    report('Invalid input: array items must be unique');
  }
  const prefix = Array.isArray(prefixItems) ? prefixItems : [];
  return value.map((item, index) => {
    const itemSchema = index < prefix.length ? prefix[index] : items;
    return itemSchema === undefined ? item : check(itemSchema, item, [...path, index], issues);
  });
}

function checkObject(
  schema: { readonly [key: string]: JsonValue },
  value: { readonly [key: string]: unknown },
  path: Path,
  issues: string[],
  report: Report,
): Record<string, unknown> {
  const properties = isRecord(schema.properties) ? schema.properties : {};
  const output: Record<string, unknown> = {};
  const set = (key: string, item: unknown): void => {
    Object.defineProperty(output, key, { value: item, enumerable: true, writable: true, configurable: true });
  };
  const unknownKeys: string[] = [];
  for (const [key, item] of Object.entries(value)) {
    const propertySchema = Object.hasOwn(properties, key) ? properties[key] : undefined;
    const patternSchemas = isRecord(schema.patternProperties)
      ? Object.entries(schema.patternProperties).filter(([pattern]) => safeTest(pattern, key))
      : [];
    let result = item;
    if (propertySchema !== undefined) {
      result = check(propertySchema, item, [...path, key], issues);
    }
    for (const [, patternSchema] of patternSchemas) {
      result = check(patternSchema, result, [...path, key], issues);
    }
    if (propertySchema === undefined && patternSchemas.length === 0) {
      if (schema.additionalProperties === false) {
        unknownKeys.push(key);
      } else if (isRecord(schema.additionalProperties)) {
        result = check(schema.additionalProperties, item, [...path, key], issues);
      }
    }
    set(key, result);
  }
  if (unknownKeys.length > 0) {
    const list = unknownKeys.map((key) => JSON.stringify(key)).join(', ');
    report(unknownKeys.length === 1 ? `Unrecognized key: ${list}` : `Unrecognized keys: ${list}`);
  }
  const required = Array.isArray(schema.required) ? schema.required : [];
  for (const [key, propertySchema] of Object.entries(properties)) {
    if (Object.hasOwn(value, key)) {
      continue;
    }
    if (required.includes(key)) {
      report(`Invalid input: expected ${describeExpected(propertySchema)}, received undefined`, [
        ...path,
        key,
      ]);
    } else if (isRecord(propertySchema) && propertySchema.default !== undefined) {
      set(key, structuredClone(propertySchema.default));
    }
  }
  for (const key of required) {
    if (typeof key === 'string' && !Object.hasOwn(properties, key) && !Object.hasOwn(value, key)) {
      report('Invalid input: expected a value, received undefined', [...path, key]);
    }
  }
  const count = Object.keys(value).length;
  if (typeof schema.minProperties === 'number' && count < schema.minProperties) {
    report(`Too small: expected object to have >=${schema.minProperties} properties`);
  }
  if (typeof schema.maxProperties === 'number' && count > schema.maxProperties) {
    report(`Too big: expected object to have <=${schema.maxProperties} properties`);
  }
  return output;
}

function safeTest(pattern: string, text: string): boolean {
  try {
    return new RegExp(pattern, 'u').test(text);
  } catch {
    return false;
  }
}
