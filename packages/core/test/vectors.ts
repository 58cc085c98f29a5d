import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The Harmony golden vectors, kept in the repository under `test-vectors/harmony` (see its NOTICE.md). */
export const VECTORS_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../../test-vectors/harmony');

/** One case of `cases.json`. */
export interface VectorCase {
  id: string;
  op: string;
  [key: string]: unknown;
}

/** All cases of `cases.json`. */
export function loadCases(): VectorCase[] {
  const parsed = JSON.parse(readFileSync(join(VECTORS_DIR, 'cases.json'), 'utf8')) as { cases: VectorCase[] };
  return parsed.cases;
}

/** One case by id. */
export function loadCase(id: string): VectorCase {
  const found = loadCases().find((c) => c.id === id);
  if (found === undefined) throw new Error(`no vector case ${id}`);
  return found;
}

/** A golden file from `test-data/`, verbatim. */
export function readGolden(name: string): string {
  return readFileSync(join(VECTORS_DIR, 'test-data', name), 'utf8');
}
