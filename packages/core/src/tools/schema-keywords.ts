/**
 * JSON Schema keyword groups and the key order of normalized schemas.
 */

import type { JsonValue } from '../harmony/types.js';

/** A schema being built by normalization. */
export type MutableSchema = { [key: string]: JsonValue };

/** Keywords that only apply to strings. */
export const STRING_KEYWORDS = [
  'minLength',
  'maxLength',
  'pattern',
  'format',
  'contentEncoding',
  'contentMediaType',
];
/** Keywords that only apply to numbers. */
export const NUMBER_KEYWORDS = ['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf'];
/** Keywords that only apply to objects. */
export const OBJECT_KEYWORDS = [
  'properties',
  'required',
  'additionalProperties',
  'propertyNames',
  'patternProperties',
  'minProperties',
  'maxProperties',
];
/** Keywords that only apply to arrays. */
export const ARRAY_KEYWORDS = ['items', 'prefixItems', 'minItems', 'maxItems', 'uniqueItems', 'contains'];
/** Keywords that describe a value without constraining it and that the renderer prints. */
export const ANNOTATION_KEYWORDS = new Set(['title', 'description', 'default', 'examples']);

/** Key order of normalized schemas (annotations that are rendered first come first). */
const KEY_ORDER = [
  'title',
  'description',
  'type',
  'enum',
  'nullable',
  'oneOf',
  ...OBJECT_KEYWORDS,
  ...ARRAY_KEYWORDS,
  ...STRING_KEYWORDS,
  ...NUMBER_KEYWORDS,
  'anyOf',
  'not',
  'default',
  'examples',
];

/** Returns a copy of `schema` with its keys in {@link KEY_ORDER} (unknown keys last, in their order). */
export function orderKeys(schema: MutableSchema): MutableSchema {
  const rank = (key: string): number => {
    const index = KEY_ORDER.indexOf(key);
    return index === -1 ? KEY_ORDER.length : index;
  };
  return Object.fromEntries(Object.entries(schema).sort(([left], [right]) => rank(left) - rank(right)));
}
