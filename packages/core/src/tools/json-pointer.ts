/**
 * Local JSON Schema references (`#`, `#/$defs/name`, any JSON pointer into the document).
 */

import { ToolDefinitionError } from '../errors.js';
import { isRecord, type UnknownRecord } from './json-values.js';

/**
 * Resolves a local `$ref` against the root document: `#` is the root, `#/a/b` a JSON pointer
 * (`~1` is `/`, `~0` is `~`, percent-encoding allowed).
 *
 * @throws {@link ToolDefinitionError} for remote references, anchors and pointers to nothing.
 */
export function resolveJsonPointer(root: unknown, reference: string, location: string): unknown {
  const fail = (why: string): never => {
    throw new ToolDefinitionError(`Cannot resolve $ref "${reference}" at ${location}: ${why}`);
  };
  if (!reference.startsWith('#')) {
    return fail('only local references ("#/...") are supported');
  }
  let pointer = '';
  try {
    pointer = decodeURIComponent(reference.slice(1));
  } catch {
    fail('invalid percent-encoding');
  }
  if (pointer === '') {
    return root;
  }
  if (!pointer.startsWith('/')) {
    return fail('anchors are not supported, use a JSON pointer');
  }
  let current = root;
  for (const token of pointer.slice(1).split('/')) {
    const key = token.replaceAll('~1', '/').replaceAll('~0', '~');
    if ((Array.isArray(current) || isRecord(current)) && Object.hasOwn(current, key)) {
      current = (current as UnknownRecord)[key];
    } else {
      fail('no such location');
    }
  }
  return current;
}
