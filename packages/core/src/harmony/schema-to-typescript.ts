/**
 * openai-harmony's JSON Schema → TypeScript-like declaration (`json_schema_to_typescript`, SPEC §7),
 * reproduced byte for byte, including its quirks (descriptions inserted verbatim, nested closing braces
 * at the member indent, a nested object's description printed twice, substring `null` checks).
 */

import { HarmonyRenderError } from '../errors.js';
import { displayJsonValue } from './json-display.js';

/** The schema objects being rendered (the current recursion path), to reject cyclic JavaScript objects. */
const schemasInProgress = new Set<object>();

/** A schema member looked up the way serde_json's `Value::get` does: only on objects, own keys only. */
function member(schema: unknown, key: string): unknown {
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) return undefined;
  return Object.hasOwn(schema, key) ? (schema as Record<string, unknown>)[key] : undefined;
}

function stringMember(schema: unknown, key: string): string | undefined {
  const value = member(schema, key);
  return typeof value === 'string' ? value : undefined;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A schema with a non-empty `enum` array. */
function isEnum(schema: unknown): boolean {
  const values = member(schema, 'enum');
  return Array.isArray(values) && values.length > 0;
}

/** Only the boolean `nullable: true` counts (OpenAPI style). */
function isNullable(schema: unknown): boolean {
  return member(schema, 'nullable') === true;
}

/** Appends ` | null` to a nullable schema's type unless the text already contains `null`. */
function withNullable(schema: unknown, typeText: string): string {
  return isNullable(schema) && !typeText.includes('null') ? `${typeText} | null` : typeText;
}

/** The three-way default rule used for object properties and property-level `oneOf` variants. */
function defaultComment(schema: unknown, value: unknown): string {
  if (typeof value === 'string') return isEnum(schema) ? `default: ${value}` : `default: "${value}"`;
  return `default: ${displayJsonValue(value)}`;
}

/** The two-way default rule used for top-level `oneOf` variants: enum string defaults are JSON-quoted. */
function variantDefaultComment(schema: unknown, value: unknown): string {
  if (typeof value === 'string' && !isEnum(schema)) return `default: "${value}"`;
  return `default: ${displayJsonValue(value)}`;
}

/**
 * Renders a JSON Schema as the TypeScript-like type openai-harmony writes into the `# Tools` section
 * (`type f = (_: <here>) => any;`). Only `oneOf`, `type`, `enum`, `items`, `properties`, `required`,
 * `description`, `title`, `examples`, `default` and `nullable` are read; everything else (`anyOf`,
 * `$ref`, `const`, ...) renders as `any`. Any JSON value is accepted.
 *
 * Number defaults follow serde_json's display (see `json-display.ts`): a JSON `10.0` literal renders
 * as `10` because JavaScript cannot distinguish it from `10` after `JSON.parse`.
 *
 * @param schema - the JSON Schema (a tool's `parameters`).
 * @param indent - the indentation of the enclosing members; `''` for a tool's parameters.
 * @throws {@link HarmonyRenderError} only for a JavaScript object graph that contains itself (not JSON).
 * @example
 * ```ts
 * jsonSchemaToTypeScript({ type: 'object', properties: { city: { type: 'string' } }, required: ['city'] }, '');
 * // '{\ncity: string,\n}'
 * ```
 */
export function jsonSchemaToTypeScript(schema: unknown, indent = ''): string {
  if (typeof schema !== 'object' || schema === null) return renderSchema(schema, indent);
  if (schemasInProgress.has(schema)) {
    throw new HarmonyRenderError('cannot render a JSON Schema that contains itself (a cyclic object)');
  }
  schemasInProgress.add(schema);
  try {
    return renderSchema(schema, indent);
  } finally {
    schemasInProgress.delete(schema);
  }
}

function renderSchema(schema: unknown, indent: string): string {
  const oneOf = member(schema, 'oneOf');
  if (Array.isArray(oneOf)) return renderTopLevelOneOf(oneOf, indent);

  const type = member(schema, 'type');
  if (Array.isArray(type)) {
    const names = type
      .filter((name): name is string => typeof name === 'string')
      .map((name) => (name === 'integer' ? 'number' : name));
    if (names.length > 0) return names.join(' | ');
  }
  if (typeof type !== 'string') return 'any';
  switch (type) {
    case 'object':
      return renderObject(schema, indent);
    case 'string':
      return renderString(schema);
    case 'number':
    case 'integer':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'array': {
      const items = member(schema, 'items');
      return items === undefined ? 'Array<any>' : `${jsonSchemaToTypeScript(items, indent)}[]`;
    }
    default:
      return 'any';
  }
}

function renderString(schema: unknown): string {
  const values = member(schema, 'enum');
  if (Array.isArray(values)) {
    const literals = values.filter((value): value is string => typeof value === 'string');
    if (literals.length > 0) return literals.map((value) => `"${value}"`).join(' | ');
  }
  return 'string';
}

function renderTopLevelOneOf(variants: readonly unknown[], indent: string): string {
  let out = '';
  for (const variant of variants) {
    out += `\n${indent} | ${withNullable(variant, jsonSchemaToTypeScript(variant, `${indent}   `))}`;
    const comments: string[] = [];
    const description = stringMember(variant, 'description');
    if (description !== undefined) comments.push(description);
    const defaultValue = member(variant, 'default');
    if (defaultValue !== undefined) comments.push(variantDefaultComment(variant, defaultValue));
    if (comments.length > 0) out += ` // ${comments.join(' ')}`;
  }
  return out;
}

function renderObject(schema: unknown, indent: string): string {
  let out = '';
  const description = stringMember(schema, 'description');
  if (description !== undefined) out += `${indent}// ${description}\n`;
  out += '{\n';
  const properties = member(schema, 'properties');
  if (isPlainObject(properties)) {
    const required = new Set<string>();
    const requiredList = member(schema, 'required');
    if (Array.isArray(requiredList)) {
      for (const name of requiredList) if (typeof name === 'string') required.add(name);
    }
    for (const [key, value] of Object.entries(properties)) {
      if (value === undefined) continue;
      out += renderProperty(key, value, required.has(key) ? '' : '?', indent);
    }
  }
  return `${out}${indent}}`;
}

function renderProperty(key: string, value: unknown, optionalMark: string, indent: string): string {
  let out = '';
  const title = stringMember(value, 'title');
  if (title !== undefined) out += `${indent}// ${title}\n${indent}//\n`;
  const oneOf = member(value, 'oneOf');
  const description = stringMember(value, 'description');
  if (oneOf === undefined && description !== undefined) out += `${indent}// ${description}\n`;
  const examples = member(value, 'examples');
  if (Array.isArray(examples) && examples.length > 0) {
    out += `${indent}// Examples:\n`;
    for (const example of examples) {
      if (typeof example === 'string') out += `${indent}// - "${example}"\n`;
    }
  }
  if (Array.isArray(oneOf)) {
    return out + renderPropertyOneOf(key, value, oneOf, description, optionalMark, indent);
  }
  const typeText = withNullable(value, jsonSchemaToTypeScript(value, `${indent}    `));
  out += `${indent}${key}${optionalMark}: ${typeText},`;
  const defaultValue = member(value, 'default');
  if (oneOf === undefined && defaultValue !== undefined) out += ` // ${defaultComment(value, defaultValue)}`;
  return `${out}\n`;
}

/** The property-level `oneOf` form: comments above the key, one ` | variant` line per variant. */
function renderPropertyOneOf(
  key: string,
  value: unknown,
  variants: readonly unknown[],
  propertyDescription: string | undefined,
  optionalMark: string,
  indent: string,
): string {
  let out = '';
  const firstVariantDescription = stringMember(variants[0], 'description');
  const descriptionAbove =
    propertyDescription !== undefined && propertyDescription !== firstVariantDescription;
  if (descriptionAbove) out += `${indent}// ${propertyDescription}\n`;
  const defaultValue = member(value, 'default');
  if (defaultValue !== undefined) out += `${indent}// ${defaultComment(value, defaultValue)}\n`;
  out += `${indent}${key}${optionalMark}:\n`;
  variants.forEach((variant, index) => {
    out += `${indent} | ${withNullable(variant, jsonSchemaToTypeScript(variant, `${indent}   `))}`;
    const comments: string[] = [];
    const variantDescription = stringMember(variant, 'description');
    if (
      !(index === 0 && descriptionAbove) &&
      variantDescription !== undefined &&
      variantDescription !== propertyDescription
    ) {
      comments.push(variantDescription);
    }
    const variantDefault = member(variant, 'default');
    if (variantDefault !== undefined) comments.push(defaultComment(variant, variantDefault));
    if (comments.length > 0) out += ` // ${comments.join(' ')}`;
    out += '\n';
  });
  return `${out}${indent},\n`;
}
