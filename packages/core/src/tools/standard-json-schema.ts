/**
 * Converts a Harmony-normalized schema back to plain JSON Schema for tools that do not know
 * OpenAPI's `nullable` (grammar generators such as node-llama-cpp's, standard validators).
 */

import type { JsonValue } from '../harmony/types.js';
import { isRecord } from './json-values.js';

const SCHEMA_KEYS = new Set(['items', 'additionalProperties', 'not', 'contains', 'propertyNames']);
const SCHEMA_LIST_KEYS = new Set(['oneOf', 'anyOf', 'prefixItems']);
const SCHEMA_MAP_KEYS = new Set(['properties', 'patternProperties']);
const ANNOTATION_KEYS = new Set(['title', 'description', 'default', 'examples']);

/**
 * Rewrites `nullable: true` everywhere in a normalized schema: `{type: 'string', nullable: true}`
 * becomes `{type: ['string', 'null']}`, an enum gets `null` added to its values and its type, any
 * other schema X becomes `{oneOf: [X, {type: 'null'}]}` (annotations stay outside). `type: ['null']`
 * becomes `type: 'null'`. Everything else is copied.
 *
 * @param schema - A schema returned by {@link normalizeJsonSchemaForHarmony}.
 * @returns A new schema; the input is not modified.
 */
export function toStandardJsonSchema(schema: JsonValue): JsonValue {
  if (!isRecord(schema)) {
    return schema;
  }
  const result: { [key: string]: JsonValue } = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'nullable') {
      continue;
    }
    if (SCHEMA_KEYS.has(key)) {
      result[key] = toStandardJsonSchema(value);
    } else if (SCHEMA_LIST_KEYS.has(key) && Array.isArray(value)) {
      result[key] = value.map(toStandardJsonSchema);
    } else if (SCHEMA_MAP_KEYS.has(key) && isRecord(value)) {
      result[key] = Object.fromEntries(
        Object.entries(value).map(([name, item]) => [name, toStandardJsonSchema(item)]),
      );
    } else if (key === 'type' && Array.isArray(value) && value.length === 1) {
      result[key] = value[0] ?? null;
    } else {
      result[key] = value;
    }
  }
  if (schema.nullable !== true) {
    return result;
  }
  if (typeof result.type === 'string' && Array.isArray(result.enum)) {
    return { ...result, type: [result.type, 'null'], enum: [...result.enum, null] };
  }
  if (typeof result.type === 'string' && result.type !== 'object' && result.type !== 'array') {
    return { ...result, type: [result.type, 'null'] };
  }
  const annotations = Object.entries(result).filter(([key]) => ANNOTATION_KEYS.has(key));
  const rest = Object.entries(result).filter(([key]) => !ANNOTATION_KEYS.has(key));
  return { ...Object.fromEntries(annotations), oneOf: [Object.fromEntries(rest), { type: 'null' }] };
}
