/**
 * Parsing of the model's `browser.*` call arguments into commands. Errors are the texts the model
 * sees: openai-harmony's reference answers unparsable arguments and unknown functions with a JSON
 * object `{"error": "..."}` and argument misuse with a plain sentence; we do the same.
 */

import { ToolInputRejectedError } from '@harmony-agents/core';

/** A parsed `browser.*` call. */
export type BrowserCommand =
  | {
      readonly type: 'search';
      readonly query: string;
      /** The model's `topn`, if given. */
      readonly topN: number | undefined;
    }
  | {
      readonly type: 'open';
      /** A link id on the page at `cursor` (`-1`: stay on that page), or a URL. */
      readonly id: number | string;
      readonly cursor: number;
      /** First line to show; negative means unset. */
      readonly loc: number;
      /** Lines to show; zero or negative means as many as the view allows. */
      readonly numLines: number;
      readonly viewSource: boolean;
    }
  | {
      readonly type: 'find';
      readonly pattern: string;
      readonly cursor: number;
    };

/** The outcome of {@link parseBrowserCall}. */
export type ParsedBrowserCall =
  | { readonly success: true; readonly command: BrowserCommand }
  | { readonly success: false; readonly error: string };

/** The JSON error body the reference tool answers with, e.g. `{"error": "Invalid function arguments"}`. */
export function jsonError(message: string): string {
  return `{"error": ${JSON.stringify(message)}}`;
}

function argumentError(message: string): never {
  throw new ToolInputRejectedError(message, { reason: 'invalid_arguments' });
}

function jsonTypeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

type Arguments = Readonly<Record<string, unknown>>;

function optionalInteger(args: Arguments, key: string, fallback: number): number {
  const value = args[key];
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    argumentError(`\`${key}\` should be an integer, not \`${jsonTypeName(value)}\``);
  }
  return value;
}

function requiredString(args: Arguments, key: string): string {
  const value = args[key];
  if (value === undefined || value === null) argumentError(`Missing required argument \`${key}\`.`);
  if (typeof value !== 'string') {
    argumentError(`\`${key}\` should be a string, not \`${jsonTypeName(value)}\``);
  }
  return value;
}

function parseCommand(name: 'search' | 'open' | 'find', args: Arguments): BrowserCommand {
  switch (name) {
    case 'search': {
      const query = requiredString(args, 'query');
      const topN = optionalInteger(args, 'topn', optionalInteger(args, 'top_n', -1));
      return { type: 'search', query, topN: topN > 0 ? topN : undefined };
    }
    case 'open': {
      const id = args.id ?? -1;
      if (typeof id !== 'string' && (typeof id !== 'number' || !Number.isInteger(id))) {
        argumentError(`\`id\` should be an integer or a URL string, not \`${jsonTypeName(id)}\``);
      }
      const viewSource = args.view_source ?? false;
      if (typeof viewSource !== 'boolean') {
        argumentError(`\`view_source\` should be a boolean, not \`${jsonTypeName(viewSource)}\``);
      }
      return {
        type: 'open',
        id,
        cursor: optionalInteger(args, 'cursor', -1),
        loc: optionalInteger(args, 'loc', -1),
        numLines: optionalInteger(args, 'num_lines', -1),
        viewSource,
      };
    }
    case 'find':
      return {
        type: 'find',
        pattern: requiredString(args, 'pattern'),
        cursor: optionalInteger(args, 'cursor', -1),
      };
  }
}

const FUNCTIONS = new Set(['search', 'open', 'find']);

/**
 * Parses one call: `recipient` is e.g. `browser.open`, `input` the raw JSON the model wrote (empty
 * means no arguments). Unknown keys are ignored; `source` is accepted and unused, as in the reference.
 */
export function parseBrowserCall(recipient: string, input: string): ParsedBrowserCall {
  const dot = recipient.indexOf('.');
  const name = dot === -1 ? '' : recipient.slice(dot + 1);
  let args: unknown = {};
  if (input.trim() !== '') {
    try {
      args = JSON.parse(input);
    } catch {
      return { success: false, error: jsonError('Invalid function arguments') };
    }
  }
  if (typeof args !== 'object' || args === null || Array.isArray(args)) {
    return { success: false, error: jsonError('Invalid function arguments') };
  }
  if (!FUNCTIONS.has(name)) return { success: false, error: jsonError(`Unknown function: ${name}`) };
  try {
    return { success: true, command: parseCommand(name as 'search' | 'open' | 'find', args as Arguments) };
  } catch (error) {
    if (error instanceof ToolInputRejectedError) return { success: false, error: error.message };
    throw error;
  }
}
