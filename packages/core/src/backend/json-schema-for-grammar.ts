/**
 * Rewrites a tool's or an answer's JSON Schema into the subset llama.cpp-style grammar builders turn into a
 * grammar (node-llama-cpp's `GbnfJsonSchema`, llama.cpp's `json_schema_to_grammar`, which llama-server runs on
 * its `json_schema` field), so that both builders accept the same JSON.
 *
 * node-llama-cpp ignores keywords it does not know and reads a schema without `type` as `null`, which
 * would turn `anyOf` (zod's nullable and union output) or `{}` into "only null". So every schema is
 * rewritten explicitly:
 * - `anyOf` / `oneOf` become `oneOf`; a one-item `allOf` is unwrapped; `nullable: true` adds `null`;
 * - `$ref` to `#/$defs/x` or `#/definitions/x` becomes `#/$defs/x` with the definitions hoisted;
 * - `{}`, `true`, an unknown `$ref`, a multi-item `allOf` and `not` become "any JSON value";
 * - strings keep `minLength`/`maxLength` and the formats node-llama-cpp knows (`date`, `time`, `date-time`);
 * - objects list only declared properties unless `additionalProperties` allows more. node-llama-cpp makes
 *   every listed property required, so an object with 1 to {@link MAX_OPTIONAL_PROPERTIES} optional
 *   properties becomes a `oneOf` of every subset of them (in declared order); with more, all are required.
 *   Each object lists its properties in `required` as well, for llama.cpp, which reads the others as optional.
 * Numeric bounds, `pattern`, and array uniqueness are not enforced by the grammar (the runner validates).
 */

import type { JsonValue } from '../harmony/types.js';
import type { JsonSchemaObject } from '../tools/json-values.js';

/** Above this many optional properties, an object's optional properties are all required by the grammar. */
export const MAX_OPTIONAL_PROPERTIES = 5;

const STRING_FORMATS = new Set(['date', 'time', 'date-time']);
const SCALAR_TYPES = new Set(['string', 'number', 'integer', 'boolean', 'null']);

type SchemaObject = { readonly [key: string]: JsonValue };
type MutableGbnfSchema = Record<string, unknown>;

/** "Any JSON value" in node-llama-cpp's schema subset. */
function anyValue(): MutableGbnfSchema {
  return {
    oneOf: [
      { type: 'string' },
      { type: 'number' },
      { type: 'boolean' },
      { type: 'null' },
      { type: 'array' },
      { type: 'object', additionalProperties: true },
    ],
  };
}

function isObject(value: JsonValue | undefined): value is SchemaObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function numberOrUndefined(value: JsonValue | undefined): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/**
 * Converts the arguments schema of a function tool into node-llama-cpp's schema subset. The root is always an
 * object schema: a missing or non-object schema allows any JSON object.
 */
export function toGrammarJsonSchema(parameters: JsonValue | undefined): JsonSchemaObject {
  const definitions: Record<string, MutableGbnfSchema> = {};
  const root = isObject(parameters) ? parameters : {};
  const rawDefinitions = {
    ...(isObject(root.definitions) ? root.definitions : {}),
    ...(isObject(root.$defs) ? root.$defs : {}),
  };
  const converter = new SchemaConverter(rawDefinitions, definitions);
  for (const name of Object.keys(rawDefinitions)) converter.convertDefinition(name);
  let converted = converter.convert(root);
  if (!isObjectSchema(converted)) converted = { type: 'object', additionalProperties: true };
  if (Object.keys(definitions).length > 0) converted.$defs = definitions;
  return converted as JsonSchemaObject;
}

class SchemaConverter {
  readonly #raw: SchemaObject;
  readonly #converted: Record<string, MutableGbnfSchema>;
  readonly #inProgress = new Set<string>();

  constructor(raw: SchemaObject, converted: Record<string, MutableGbnfSchema>) {
    this.#raw = raw;
    this.#converted = converted;
  }

  convertDefinition(name: string): void {
    if (this.#converted[name] !== undefined || this.#inProgress.has(name)) return;
    this.#inProgress.add(name);
    this.#converted[name] = this.convert(this.#raw[name]);
    this.#inProgress.delete(name);
  }

  convert(schema: JsonValue | undefined): MutableGbnfSchema {
    if (!isObject(schema)) return anyValue();
    const nullable = schema.nullable === true;
    const converted = this.#convertNonNullable(schema);
    return nullable ? { oneOf: [converted, { type: 'null' }] } : converted;
  }

  #convertNonNullable(schema: SchemaObject): MutableGbnfSchema {
    if (typeof schema.$ref === 'string') return this.#convertReference(schema.$ref);
    if (schema.const !== undefined && isLiteral(schema.const)) return { const: schema.const };
    if (Array.isArray(schema.enum)) {
      const literals = schema.enum.filter(isLiteral);
      if (literals.length > 0) return { enum: literals };
    }
    const alternatives = Array.isArray(schema.anyOf)
      ? schema.anyOf
      : Array.isArray(schema.oneOf)
        ? schema.oneOf
        : undefined;
    if (alternatives !== undefined && alternatives.length > 0) {
      return { oneOf: alternatives.map((alternative) => this.convert(alternative)) };
    }
    if (Array.isArray(schema.allOf)) {
      return schema.allOf.length === 1 ? this.convert(schema.allOf[0]) : anyValue();
    }
    const types = Array.isArray(schema.type)
      ? schema.type.filter((type): type is string => typeof type === 'string')
      : typeof schema.type === 'string'
        ? [schema.type]
        : [];
    if (types.length === 0) {
      if (isObject(schema.properties)) return this.#convertObject(schema);
      if (schema.items !== undefined) return this.#convertArray(schema);
      return anyValue();
    }
    const converted = types.map((type) => this.#convertType(type, schema));
    return converted.length === 1 ? converted[0]! : { oneOf: converted };
  }

  #convertType(type: string, schema: SchemaObject): MutableGbnfSchema {
    if (type === 'object') return this.#convertObject(schema);
    if (type === 'array') return this.#convertArray(schema);
    if (type === 'string') {
      if (typeof schema.format === 'string' && STRING_FORMATS.has(schema.format)) {
        return { type: 'string', format: schema.format };
      }
      const result: MutableGbnfSchema = { type: 'string' };
      const minLength = numberOrUndefined(schema.minLength);
      const maxLength = numberOrUndefined(schema.maxLength);
      if (minLength !== undefined) result.minLength = minLength;
      if (maxLength !== undefined) result.maxLength = maxLength;
      return result;
    }
    if (SCALAR_TYPES.has(type)) return { type };
    return anyValue();
  }

  #convertReference(reference: string): MutableGbnfSchema {
    const match = /^#\/(?:\$defs|definitions)\/(.+)$/u.exec(reference);
    const name = match?.[1];
    if (name === undefined || this.#raw[name] === undefined) return anyValue();
    this.convertDefinition(name);
    return { $ref: `#/$defs/${name}` };
  }

  #convertArray(schema: SchemaObject): MutableGbnfSchema {
    const result: MutableGbnfSchema = { type: 'array' };
    if (schema.items !== undefined && !Array.isArray(schema.items) && schema.items !== true) {
      result.items = this.convert(schema.items);
    }
    if (Array.isArray(schema.prefixItems))
      result.prefixItems = schema.prefixItems.map((item) => this.convert(item));
    const minItems = numberOrUndefined(schema.minItems);
    const maxItems = numberOrUndefined(schema.maxItems);
    if (minItems !== undefined) result.minItems = minItems;
    if (maxItems !== undefined) result.maxItems = maxItems;
    return result;
  }

  #convertObject(schema: SchemaObject): MutableGbnfSchema {
    const properties = isObject(schema.properties) ? schema.properties : {};
    const names = Object.keys(properties);
    const required = new Set(
      Array.isArray(schema.required)
        ? schema.required.filter((name): name is string => typeof name === 'string')
        : [],
    );
    const convertedProperties = new Map(names.map((name) => [name, this.convert(properties[name])]));
    let additionalProperties: MutableGbnfSchema | boolean | undefined;
    if (
      schema.additionalProperties === true ||
      (schema.additionalProperties === undefined && names.length === 0)
    ) {
      additionalProperties = true;
    } else if (isObject(schema.additionalProperties)) {
      additionalProperties = this.convert(schema.additionalProperties);
    }
    const build = (included: readonly string[]): MutableGbnfSchema => {
      const result: MutableGbnfSchema = {
        type: 'object',
        properties: Object.fromEntries(included.map((name) => [name, convertedProperties.get(name)!])),
      };
      if (included.length > 0) result.required = [...included];
      if (additionalProperties !== undefined) result.additionalProperties = additionalProperties;
      return result;
    };
    const optional = names.filter((name) => !required.has(name));
    if (optional.length === 0 || optional.length > MAX_OPTIONAL_PROPERTIES) return build(names);
    const variants: MutableGbnfSchema[] = [];
    for (let mask = (1 << optional.length) - 1; mask >= 0; mask--) {
      const chosen = new Set(optional.filter((_, index) => (mask & (1 << index)) !== 0));
      variants.push(build(names.filter((name) => required.has(name) || chosen.has(name))));
    }
    return { oneOf: variants };
  }
}

/** Whether a converted schema only accepts objects (an object, or a `oneOf` of objects). */
function isObjectSchema(schema: MutableGbnfSchema): boolean {
  if (schema.type === 'object') return true;
  return (
    Array.isArray(schema.oneOf) && schema.oneOf.every((variant: MutableGbnfSchema) => isObjectSchema(variant))
  );
}

function isLiteral(value: JsonValue): value is string | number | boolean | null {
  return (
    value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
  );
}
