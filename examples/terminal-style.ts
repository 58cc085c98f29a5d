/**
 * The one place the examples decide whether to colour their output.
 *
 * Colour goes only to a terminal: output piped into a file, a pager or a CI log stays plain text.
 * `NO_COLOR` (any non-empty value, https://no-color.org) always wins; `FORCE_COLOR` (any value but
 * `0` or `false`) colours a stream that is not a terminal; `TERM=dumb` turns colour off.
 */

/** The environment variables the colour decision reads. */
export interface ColorEnvironment {
  readonly NO_COLOR?: string | undefined;
  readonly FORCE_COLOR?: string | undefined;
  readonly TERM?: string | undefined;
}

/** Whether text written to `stream` may contain ANSI colour codes. */
export function shouldUseColor(
  stream: { readonly isTTY?: boolean | undefined },
  environment: ColorEnvironment = process.env,
): boolean {
  if (environment.NO_COLOR !== undefined && environment.NO_COLOR !== '') return false;
  const force = environment.FORCE_COLOR;
  if (force !== undefined) return force !== '0' && force.toLowerCase() !== 'false';
  return stream.isTTY === true && environment.TERM !== 'dumb';
}

/** Text styles for one output stream: each returns its input unchanged when colour is off. */
export interface TerminalStyle {
  /** Whether the styles add colour codes. */
  readonly color: boolean;
  /** Faint text, for side information (reasoning, token counts). */
  dim(text: string): string;
}

/** The styles for `stream`, decided once by {@link shouldUseColor}. */
export function createTerminalStyle(
  stream: { readonly isTTY?: boolean | undefined } = process.stdout,
  environment: ColorEnvironment = process.env,
): TerminalStyle {
  const color = shouldUseColor(stream, environment);
  return {
    color,
    // SGR 2 is faint, 22 ends it (not a full reset, so surrounding styles survive).
    dim: color ? (text) => `\x1b[2m${text}\x1b[22m` : (text) => text,
  };
}
