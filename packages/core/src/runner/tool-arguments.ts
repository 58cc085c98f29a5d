/**
 * Parsing of the argument text a model writes in a tool call, tolerant of the wrappers gpt-oss and
 * servers are known to add (see the peers' notes): Markdown code fences, a `[...]` array around one
 * object, a stray trailing `]` or `}`.
 */

/** The outcome of parsing tool-call arguments. */
export type ParsedToolArguments =
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly message: string };

const FENCE = /^```[a-zA-Z]*\s*([\s\S]*?)\s*```$/;

function tryParse(text: string): { ok: true; value: unknown } | { ok: false; message: string } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    return { ok: false, message: error instanceof Error ? error.message : String(error) };
  }
}

/**
 * Parses tool-call arguments. Empty text means `{}` (a call of a tool without parameters).
 * When the text is not JSON, a few known wrappers are removed.
 */
export function parseToolArguments(raw: string): ParsedToolArguments {
  const text = raw.trim();
  if (text.length === 0) return { ok: true, value: {} };
  const direct = tryParse(text);
  if (direct.ok) {
    const value = direct.value;
    if (Array.isArray(value) && value.length === 1 && isPlainObject(value[0])) {
      return { ok: true, value: value[0] };
    }
    return { ok: true, value };
  }
  const candidates: string[] = [];
  const fenced = FENCE.exec(text);
  if (fenced?.[1] !== undefined) candidates.push(fenced[1]);
  if (text.endsWith(']') || text.endsWith('}')) candidates.push(text.slice(0, -1).trimEnd());
  for (const candidate of candidates) {
    const parsed = tryParse(candidate);
    if (parsed.ok && isPlainObject(parsed.value)) return { ok: true, value: parsed.value };
  }
  return { ok: false, message: direct.message };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A canonical JSON text of a value (object keys sorted), to detect identical calls. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (isPlainObject(value)) {
    const keys = Object.keys(value).sort();
    return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalJson(value[key])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** A repaired argument value and how it was repaired. */
export interface RepairedToolArguments {
  readonly value: unknown;
  readonly repair: 'arguments-envelope' | 'arguments-encoded-twice';
}

/**
 * Candidate readings of parsed arguments that failed validation, for the wrappers models add:
 * a call envelope `{"name": ..., "parameters" | "arguments": {...}}` (its inner value may itself be
 * a JSON string) whose `name` is the called tool's, and JSON encoded twice (a JSON string holding an
 * object). The caller keeps a candidate only if it validates.
 */
export function argumentRepairCandidates(value: unknown, toolName: string): RepairedToolArguments[] {
  const candidates: RepairedToolArguments[] = [];
  if (typeof value === 'string') {
    const inner = tryParse(value.trim());
    if (inner.ok && isPlainObject(inner.value)) {
      candidates.push({ value: inner.value, repair: 'arguments-encoded-twice' });
    }
  }
  if (isPlainObject(value) && (value.name === toolName || value.name === `functions.${toolName}`)) {
    const keys = Object.keys(value).filter((key) => key !== 'name');
    if (keys.length === 1 && (keys[0] === 'parameters' || keys[0] === 'arguments')) {
      const inner = value[keys[0]];
      const parsed = typeof inner === 'string' ? tryParse(inner.trim()) : { ok: true as const, value: inner };
      if (parsed.ok && isPlainObject(parsed.value)) {
        candidates.push({ value: parsed.value, repair: 'arguments-envelope' });
      }
    }
  }
  return candidates;
}
