/**
 * Rewrites a JSON Schema into the forms openai-harmony's renderer turns into meaningful TypeScript.
 *
 * The renderer (SPEC §7) reads only `type`, `properties`, `required`, `items`, `enum` (of strings),
 * `oneOf`, `nullable`, `description`, `title`, `examples` and `default`: everything else, including
 * the `anyOf`, `$ref`, `allOf` and `const` that `z.toJSONSchema()` emits for unions, `.nullable()`,
 * reused schemas and literals, renders as `any`.
 */

import { ToolDefinitionError } from '../errors.js';
import type { JsonValue } from '../harmony/types.js';
import { resolveJsonPointer } from './json-pointer.js';
import {
  isJsonValue,
  isRecord,
  type JsonSchemaObject,
  jsonEqual,
  type UnknownRecord,
} from './json-values.js';
import { mergeSchemas } from './merge-schemas.js';
import {
  ANNOTATION_KEYWORDS,
  ARRAY_KEYWORDS,
  type MutableSchema,
  NUMBER_KEYWORDS,
  OBJECT_KEYWORDS,
  orderKeys,
  STRING_KEYWORDS,
} from './schema-keywords.js';

/** Inlining references can multiply a schema; past this many sub-schemas we give up. */
const MAX_SCHEMA_NODES = 10_000;

interface NormalizeState {
  readonly root: unknown;
  /** References being inlined on the current path; meeting one again means recursion. */
  readonly expanding: string[];
  nodes: number;
}

/**
 * Converts a JSON Schema (for example `z.toJSONSchema(schema, { io: 'input' })` output, or a schema
 * written by hand) into an equivalent schema that openai-harmony renders meaningfully:
 *
 * - `anyOf: [X, {type: 'null'}]` becomes X with `nullable: true` (rendered `X | null`); other
 *   `anyOf` / `oneOf` unions become `oneOf` (rendered as a union), with a `{type: ['null']}` variant
 *   when null is allowed; unions of literals become one `enum`, unions of bare types a `type` array;
 * - `const: v` becomes `enum: [v]` with the matching `type` (`"v"` for strings); enums mixing types
 *   become a `oneOf` of one enum per type; `type: 'null'` becomes `type: ['null']` (rendered `null`);
 * - `$ref` (local `#/...` pointers into `$defs`, `definitions` or anywhere) is inlined; a recursive
 *   reference becomes `{}` (rendered `any`) keeping its description;
 * - `allOf` is merged into one schema (properties, required, types, bounds);
 * - tuples (`prefixItems`, or draft-07 `items: [...]`) get an `items` the renderer can show: the
 *   element schema when all elements agree, else `{}` (rendered `any[]`); `prefixItems` is kept;
 * - `$schema`, `$id`, `$defs`, `$comment`, unknown keys (zod metadata, OpenAPI `example`...),
 *   `readOnly`, `writeOnly`, `deprecated`, conditionals (`if`/`then`/`else`), an always-true
 *   `additionalProperties` / `propertyNames`, and zod's implicit ±2^53-1 bounds on integers are removed.
 *
 * Kept as given: property order, `required`, descriptions, titles, examples, defaults, enums,
 * `additionalProperties: false` and the validation keywords (bounds, lengths, `pattern`, `format`).
 * An `anyOf` beside a `type` only constrains that type; it is kept as `anyOf`, which the renderer ignores.
 * A schema without `type` gets `object` when it has `properties` and `array` when it has `items`.
 *
 * @param schema - A JSON Schema object (or boolean).
 * @returns A new schema; the input is not modified.
 * @throws {@link ToolDefinitionError} if the schema is not an object, has a non-local or dangling `$ref`,
 * an `allOf` whose parts cannot all hold, or grows past 10,000 sub-schemas when references are inlined.
 *
 * @example
 * ```ts
 * normalizeJsonSchemaForHarmony({ anyOf: [{ type: 'string', const: 'a' }, { type: 'null' }] });
 * // → { type: 'string', enum: ['a'], nullable: true }, rendered `"a" | null`
 * ```
 */
export function normalizeJsonSchemaForHarmony(schema: unknown): JsonSchemaObject {
  return normalizeNode(schema, { root: schema, expanding: ['#'], nodes: 0 }, '#');
}

function normalizeNode(node: unknown, state: NormalizeState, location: string): MutableSchema {
  state.nodes += 1;
  if (state.nodes > MAX_SCHEMA_NODES) {
    throw new ToolDefinitionError(
      `JSON Schema is too large: more than ${MAX_SCHEMA_NODES} sub-schemas once references are inlined`,
    );
  }
  if (node === true) {
    return {};
  }
  if (node === false) {
    return { not: {} };
  }
  if (!isRecord(node)) {
    throw new ToolDefinitionError(`Invalid JSON Schema at ${location}: expected an object or a boolean`);
  }
  if (typeof node.$ref === 'string') {
    return normalizeReference(node, node.$ref, state, location);
  }
  if (Array.isArray(node.allOf)) {
    const parts = node.allOf.map((part, index) => normalizeNode(part, state, `${location}/allOf/${index}`));
    parts.push(normalizeNode(omit(node, ['allOf']), state, location));
    return mergeSchemas(parts, location);
  }
  if (Array.isArray(node.anyOf) || Array.isArray(node.oneOf)) {
    return normalizeUnion(node, state, location);
  }
  return normalizeSingle(node, state, location);
}

function normalizeReference(
  node: UnknownRecord,
  reference: string,
  state: NormalizeState,
  location: string,
): MutableSchema {
  const target = resolveJsonPointer(state.root, reference, location);
  if (state.expanding.includes(reference)) {
    const description = node.description ?? (isRecord(target) ? target.description : undefined);
    return typeof description === 'string' ? { description } : {};
  }
  state.expanding.push(reference);
  let resolved: MutableSchema;
  try {
    resolved = normalizeNode(target, state, reference);
  } finally {
    state.expanding.pop();
  }
  const siblings = normalizeNode(omit(node, ['$ref']), state, location);
  return Object.keys(siblings).length === 0 ? resolved : mergeSchemas([resolved, siblings], location);
}

function normalizeUnion(node: UnknownRecord, state: NormalizeState, location: string): MutableSchema {
  const unionKey = Array.isArray(node.anyOf) ? 'anyOf' : 'oneOf';
  const variants = (node[unionKey] as readonly unknown[]).map((variant, index) =>
    normalizeNode(variant, state, `${location}/${unionKey}/${index}`),
  );
  const rest = normalizeNode(omit(node, [unionKey]), state, location);
  if (Object.keys(rest).some((key) => !ANNOTATION_KEYWORDS.has(key))) {
    // The union only narrows a schema that has a type of its own: render that type.
    return orderKeys({ ...rest, anyOf: variants });
  }
  const annotations = rest;
  let allowsNull = node.nullable === true;
  const members: MutableSchema[] = [];
  const addMember = (member: MutableSchema): void => {
    if (isNullSchema(member)) {
      allowsNull = true;
    } else if (!members.some((existing) => jsonEqual(existing, member))) {
      members.push(member);
    }
  };
  for (const variant of variants) {
    if (
      Array.isArray(variant.oneOf) &&
      Object.keys(variant).every((key) => key === 'oneOf' || key === 'nullable')
    ) {
      allowsNull ||= variant.nullable === true;
      for (const inner of variant.oneOf) {
        addMember(inner as MutableSchema);
      }
    } else {
      addMember(variant);
    }
  }
  if (members.some((member) => Object.keys(member).length === 0)) {
    return orderKeys(annotations);
  }
  if (members.length === 0) {
    return orderKeys({ ...annotations, type: ['null'] });
  }
  if (members.every(isLiteralSchema)) {
    const values = members.flatMap((member) => member.enum as JsonValue[]);
    return normalizeSingle(
      { ...annotations, enum: allowsNull ? [...values, null] : values },
      state,
      location,
    );
  }
  if (members.every((member) => Object.keys(member).length === 1 && member.type !== undefined)) {
    const listed = new Set(members.flatMap((member) => member.type as string | string[]));
    // `integer | number` is just `number`.
    const types = [...listed].filter((type) => type !== 'integer' || !listed.has('number'));
    return normalizeSingle(
      { ...annotations, type: allowsNull ? [...types, 'null'] : types },
      state,
      location,
    );
  }
  if (members.length === 1) {
    const only: MutableSchema = { ...members[0], ...annotations };
    if (allowsNull) {
      if (Array.isArray(only.type)) {
        only.type = [...only.type, 'null'];
      } else if (Array.isArray(only.oneOf)) {
        only.oneOf = [...only.oneOf, { type: ['null'] }];
      } else {
        only.nullable = true;
      }
    }
    return orderKeys(only);
  }
  return orderKeys({ ...annotations, oneOf: allowsNull ? [...members, { type: ['null'] }] : members });
}

function isNullSchema(schema: MutableSchema): boolean {
  return (
    jsonEqual(schema.type, ['null']) &&
    Object.keys(schema).every((key) => key === 'type' || key === 'title' || key === 'description')
  );
}

function isLiteralSchema(schema: MutableSchema): boolean {
  return Array.isArray(schema.enum) && Object.keys(schema).every((key) => key === 'type' || key === 'enum');
}

function normalizeSingle(node: UnknownRecord, state: NormalizeState, location: string): MutableSchema {
  const result: MutableSchema = {};
  for (const key of ['title', 'description']) {
    if (typeof node[key] === 'string') {
      result[key] = node[key];
    }
  }
  const declaredTypes = readTypes(node.type);
  let allowsNull = node.nullable === true || (declaredTypes?.includes('null') ?? false);
  let types = declaredTypes?.filter((type) => type !== 'null');
  if (declaredTypes === undefined && node.properties !== undefined) {
    types = ['object'];
  } else if (declaredTypes === undefined && (node.items !== undefined || node.prefixItems !== undefined)) {
    types = ['array'];
  }
  const rawEnum = node.const !== undefined ? [node.const] : Array.isArray(node.enum) ? node.enum : undefined;

  if (rawEnum !== undefined) {
    if (!rawEnum.every((value) => isJsonValue(value))) {
      throw new ToolDefinitionError(`Invalid JSON Schema at ${location}: enum and const values must be JSON`);
    }
    allowsNull ||= rawEnum.includes(null);
    const groups = groupEnumValues(
      rawEnum.filter((value) => value !== null),
      types,
    );
    if (groups.length === 0) {
      return finish(result, node, allowsNull ? { type: ['null'] } : { enum: [] });
    }
    if (groups.length > 1) {
      return finish(result, node, { oneOf: allowsNull ? [...groups, { type: ['null'] }] : groups });
    }
    return finish(result, node, { ...groups[0], ...(allowsNull ? { nullable: true } : {}) });
  }

  if (types !== undefined && types.length > 1) {
    const hasStructure = [...OBJECT_KEYWORDS, ...ARRAY_KEYWORDS].some((key) => node[key] !== undefined);
    if (hasStructure) {
      const variants = types.map((type) =>
        normalizeSingle({ type, ...pick(node, keywordsOf(type)) }, state, location),
      );
      return finish(result, node, { oneOf: allowsNull ? [...variants, { type: ['null'] }] : variants });
    }
    result.type = allowsNull ? [...types, 'null'] : types;
  } else if (types?.length === 1) {
    result.type = types[0]!;
    if (allowsNull) {
      result.nullable = true;
    }
  } else if (allowsNull && declaredTypes !== undefined) {
    result.type = ['null'];
  }
  copyObjectKeywords(node, result, state, location);
  copyArrayKeywords(node, result, state, location);
  copyScalarKeywords(node, result);
  if (node.not !== undefined) {
    result.not = normalizeNode(node.not, state, `${location}/not`);
  }
  return finish(result, node, {});
}

/** Adds `extra`, the annotations rendered after the type (`default`, `examples`), and orders the keys. */
function finish(result: MutableSchema, node: UnknownRecord, extra: MutableSchema): MutableSchema {
  Object.assign(result, extra);
  if (node.default !== undefined && isJsonValue(node.default)) {
    result.default = node.default;
  }
  if (Array.isArray(node.examples) && node.examples.length > 0 && isJsonValue(node.examples)) {
    result.examples = node.examples;
  }
  return orderKeys(result);
}

function readTypes(type: unknown): string[] | undefined {
  if (typeof type === 'string') {
    return [type];
  }
  if (Array.isArray(type)) {
    const names = type.filter((item): item is string => typeof item === 'string');
    return names.length > 0 ? [...new Set(names)] : undefined;
  }
  return undefined;
}

/** Splits enum values by JSON type, in order of first appearance, into `{ type, enum }` schemas. */
function groupEnumValues(
  values: readonly JsonValue[],
  declaredTypes: readonly string[] | undefined,
): MutableSchema[] {
  const groups = new Map<string, JsonValue[]>();
  for (const value of values) {
    const kind = Array.isArray(value) ? 'array' : typeof value === 'object' ? 'object' : typeof value;
    const group = groups.get(kind) ?? [];
    if (!group.some((existing) => jsonEqual(existing, value))) {
      group.push(value);
    }
    groups.set(kind, group);
  }
  const integerOnly = declaredTypes?.includes('integer') === true && !declaredTypes.includes('number');
  return [...groups].map(([kind, group]) => ({
    type: kind === 'number' && integerOnly ? 'integer' : kind,
    enum: group,
  }));
}

function keywordsOf(type: string): readonly string[] {
  switch (type) {
    case 'object':
      return OBJECT_KEYWORDS;
    case 'array':
      return ARRAY_KEYWORDS;
    case 'string':
      return STRING_KEYWORDS;
    case 'number':
    case 'integer':
      return NUMBER_KEYWORDS;
    default:
      return [];
  }
}

function copyObjectKeywords(
  node: UnknownRecord,
  result: MutableSchema,
  state: NormalizeState,
  location: string,
): void {
  if (isRecord(node.properties)) {
    result.properties = Object.fromEntries(
      Object.entries(node.properties).map(([key, value]) => [
        key,
        normalizeNode(value, state, `${location}/properties/${key}`),
      ]),
    );
  }
  if (Array.isArray(node.required)) {
    const required = [...new Set(node.required.filter((key): key is string => typeof key === 'string'))];
    if (required.length > 0) {
      result.required = required;
    }
  }
  if (node.additionalProperties === false) {
    result.additionalProperties = false;
  } else if (isRecord(node.additionalProperties)) {
    const additional = normalizeNode(node.additionalProperties, state, `${location}/additionalProperties`);
    if (Object.keys(additional).length > 0) {
      result.additionalProperties = additional;
    }
  }
  if (node.propertyNames !== undefined) {
    const names = normalizeNode(node.propertyNames, state, `${location}/propertyNames`);
    if (Object.keys(names).length > 0 && !jsonEqual(names, { type: 'string' })) {
      result.propertyNames = names;
    }
  }
  if (isRecord(node.patternProperties)) {
    result.patternProperties = Object.fromEntries(
      Object.entries(node.patternProperties).map(([pattern, value]) => [
        pattern,
        normalizeNode(value, state, `${location}/patternProperties/${pattern}`),
      ]),
    );
  }
}

function copyArrayKeywords(
  node: UnknownRecord,
  result: MutableSchema,
  state: NormalizeState,
  location: string,
): void {
  const tuple = Array.isArray(node.prefixItems)
    ? node.prefixItems
    : Array.isArray(node.items)
      ? node.items
      : undefined;
  if (tuple !== undefined) {
    const elements = tuple.map((item, index) =>
      normalizeNode(item, state, `${location}/prefixItems/${index}`),
    );
    const restSource = Array.isArray(node.prefixItems) ? node.items : node.additionalItems;
    const rest =
      restSource === undefined || restSource === false
        ? undefined
        : normalizeNode(restSource, state, location);
    const candidates = rest === undefined ? elements : [...elements, rest];
    const first = candidates[0];
    result.items = first !== undefined && candidates.every((item) => jsonEqual(item, first)) ? first : {};
    result.prefixItems = elements;
    if (restSource === false && typeof node.maxItems !== 'number') {
      result.maxItems = elements.length;
    }
  } else if (node.items !== undefined) {
    result.items = normalizeNode(node.items, state, `${location}/items`);
  }
  if (node.contains !== undefined) {
    result.contains = normalizeNode(node.contains, state, `${location}/contains`);
  }
}

function copyScalarKeywords(node: UnknownRecord, result: MutableSchema): void {
  for (const key of [
    'minProperties',
    'maxProperties',
    'minItems',
    'maxItems',
    'minLength',
    'maxLength',
    'multipleOf',
  ]) {
    if (typeof node[key] === 'number' && result[key] === undefined) {
      result[key] = node[key];
    }
  }
  if (typeof node.uniqueItems === 'boolean') {
    result.uniqueItems = node.uniqueItems;
  }
  for (const key of ['pattern', 'format', 'contentEncoding', 'contentMediaType']) {
    if (typeof node[key] === 'string') {
      result[key] = node[key];
    }
  }
  const isInteger = result.type === 'integer';
  for (const [bound, exclusive, implicit] of [
    ['minimum', 'exclusiveMinimum', Number.MIN_SAFE_INTEGER],
    ['maximum', 'exclusiveMaximum', Number.MAX_SAFE_INTEGER],
  ] as const) {
    const value = node[bound];
    if (typeof node[exclusive] === 'number') {
      result[exclusive] = node[exclusive];
    }
    if (typeof value !== 'number' || (isInteger && value === implicit)) {
      continue;
    }
    // Draft-04 writes an exclusive bound as `minimum` plus `exclusiveMinimum: true`.
    result[node[exclusive] === true ? exclusive : bound] = value;
  }
}

function omit(record: UnknownRecord, keys: readonly string[]): UnknownRecord {
  return Object.fromEntries(Object.entries(record).filter(([key]) => !keys.includes(key)));
}

function pick(record: UnknownRecord, keys: readonly string[]): UnknownRecord {
  return Object.fromEntries(Object.entries(record).filter(([key]) => keys.includes(key)));
}
