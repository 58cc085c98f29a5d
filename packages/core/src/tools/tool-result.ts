/**
 * The text the model sees after a tool call: the tool's result, or a short error it can act on.
 */

import { ToolArgumentsError, ToolExecutionError } from '../errors.js';
import { isRecord } from './json-values.js';

/** Longer error texts are cut: the model needs the gist, not a dump. */
const MAX_ERROR_LENGTH = 1000;

/**
 * Converts what a tool returned into the text of the tool message.
 *
 * - a string is sent as is;
 * - `undefined` (a tool that returns nothing) becomes `""`: return a confirmation string if the
 *   model should see one;
 * - anything else is compact JSON (`JSON.stringify`, so `toJSON` and dates work; `null` → `null`),
 *   with `Map` written as an object, `Set` as an array, `bigint` as a string and an `Error` as
 *   `{ "name", "message" }` (never its stack);
 * - a value JSON cannot hold (a cycle, a top-level function) gives an `Error: ...` text instead.
 *
 * Never throws.
 */
export function formatToolResult(value: unknown): string {
  if (typeof value === 'string') {
    return value;
  }
  if (value === undefined) {
    return '';
  }
  try {
    return JSON.stringify(value, jsonReplacer) ?? '';
  } catch (error) {
    return `Error: the tool returned a value that cannot be converted to JSON (${errorText(error)})`;
  }
}

function jsonReplacer(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') {
    return value.toString();
  }
  if (value instanceof Map) {
    return Object.fromEntries(value);
  }
  if (value instanceof Set) {
    return [...value];
  }
  if (value instanceof Error) {
    return { name: value.name, message: value.message };
  }
  return value;
}

/**
 * The text the model sees when a tool call fails: one short `Error: ...` paragraph that says what to
 * do next, without stack traces.
 *
 * - {@link ToolArgumentsError} with issues: `Error: invalid arguments for get_current_location:
 *   userid: Invalid input: expected string, received number. Fix the arguments and call the tool again.`
 * - {@link ToolArgumentsError} without issues (not JSON): its message, then `Write the arguments as
 *   one JSON object and call the tool again.`
 * - {@link ToolExecutionError}: its message (the runner writes `<tool> failed: <reason>`), or the
 *   cause's message when it has none.
 * - any other error (unknown tool, timeout, repeated call, an `Error` thrown by a tool): its message;
 *   a thrown string is used as the message; anything else gives `Error: the tool failed.`
 *
 * Lines that look like stack frames are removed and the text is cut at 1,000 characters.
 */
export function formatToolError(error: unknown): string {
  if (error instanceof ToolArgumentsError) {
    if (error.issues.length > 0) {
      const toolName = error.recipient.replace(/^functions\./, '');
      return `Error: invalid arguments for ${toolName}: ${sentence(error.issues.join('; '))} Fix the arguments and call the tool again.`;
    }
    return `Error: ${sentence(errorText(error))} Write the arguments as one JSON object and call the tool again.`;
  }
  let text = errorText(error);
  if (error instanceof ToolExecutionError && text === '') {
    text = errorText(error.cause);
  }
  return `Error: ${sentence(text === '' ? 'the tool failed' : text)}`;
}

function errorText(error: unknown): string {
  const raw =
    error instanceof Error
      ? error.message
      : typeof error === 'string'
        ? error
        : isRecord(error) && typeof error.message === 'string'
          ? error.message
          : '';
  const text = raw
    .split('\n')
    .filter((line) => !/^\s*at .+/.test(line))
    .join('\n')
    .trim()
    .replace(/^Error:\s*/, '');
  return text.length > MAX_ERROR_LENGTH ? `${text.slice(0, MAX_ERROR_LENGTH)}…` : text;
}

/** Ends a text with one period unless it already ends with punctuation. */
function sentence(text: string): string {
  return /[.!?…]$/.test(text) ? text : `${text}.`;
}
