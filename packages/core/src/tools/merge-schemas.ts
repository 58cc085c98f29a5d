/**
 * Merging of normalized schemas that must all hold.
 */

import { ToolDefinitionError } from '../errors.js';
import type { JsonValue } from '../harmony/types.js';
import { jsonEqual } from './json-values.js';
import { ANNOTATION_KEYWORDS, type MutableSchema, orderKeys } from './schema-keywords.js';

/**
 * Merges already-normalized schemas that must all hold (`allOf`, a `$ref` with sibling keywords).
 * Later annotations win; properties merge recursively; bounds take the strictest value.
 *
 * @throws {@link ToolDefinitionError} when the parts disagree on `type` or `enum`.
 */
export function mergeSchemas(parts: readonly MutableSchema[], location: string): MutableSchema {
  const result: MutableSchema = {};
  for (const part of parts) {
    for (const [key, value] of Object.entries(part)) {
      const existing = result[key];
      result[key] = existing === undefined ? value : mergeKeyword(key, existing, value, location);
    }
  }
  return orderKeys(result);
}

function mergeKeyword(key: string, left: JsonValue, right: JsonValue, location: string): JsonValue {
  const conflict = (): never => {
    throw new ToolDefinitionError(`Invalid JSON Schema at ${location}: allOf parts disagree on "${key}"`);
  };
  switch (key) {
    case 'properties': {
      const merged: MutableSchema = Object.fromEntries(Object.entries(left as MutableSchema));
      for (const [name, schema] of Object.entries(right as MutableSchema)) {
        const previous = merged[name];
        merged[name] =
          previous === undefined
            ? schema
            : mergeSchemas([previous as MutableSchema, schema as MutableSchema], location);
      }
      return merged;
    }
    case 'required':
      return [...new Set([...(left as string[]), ...(right as string[])])];
    case 'type': {
      const leftTypes = typeof left === 'string' ? [left] : (left as string[]);
      const rightTypes = typeof right === 'string' ? [right] : (right as string[]);
      const common = leftTypes.flatMap((type) => {
        if (rightTypes.includes(type)) {
          return [type];
        }
        const integerMeetsNumber =
          (type === 'integer' && rightTypes.includes('number')) ||
          (type === 'number' && rightTypes.includes('integer'));
        return integerMeetsNumber ? ['integer'] : [];
      });
      return common.length === 0 ? conflict() : common.length === 1 ? common[0]! : common;
    }
    case 'enum': {
      const common = (left as JsonValue[]).filter((value) =>
        (right as JsonValue[]).some((other) => jsonEqual(value, other)),
      );
      return common.length === 0 ? conflict() : common;
    }
    case 'minimum':
    case 'exclusiveMinimum':
    case 'minLength':
    case 'minItems':
    case 'minProperties':
      return Math.max(left as number, right as number);
    case 'maximum':
    case 'exclusiveMaximum':
    case 'maxLength':
    case 'maxItems':
    case 'maxProperties':
      return Math.min(left as number, right as number);
    case 'nullable':
      return left === true && right === true;
    case 'items':
    case 'additionalProperties':
      return left === false || right === false
        ? false
        : mergeSchemas([left as MutableSchema, right as MutableSchema], location);
    default:
      return ANNOTATION_KEYWORDS.has(key) ? right : left;
  }
}
