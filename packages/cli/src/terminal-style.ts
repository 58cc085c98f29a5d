/**
 * Whether the CLI colours its output, and the few styles it uses. Colour and cursor tricks go only to a
 * terminal: output piped into a file, a pager or a CI log stays plain text, and `NO_COLOR` always wins.
 */

/** The environment variables the decision reads. */
export interface StyleEnvironment {
  /** Any non-empty value turns colour off (https://no-color.org). */
  readonly NO_COLOR?: string | undefined;
  /** `dumb` turns colour off. */
  readonly TERM?: string | undefined;
}

/** A stream the CLI writes to. */
export interface OutputStream {
  /** Writes text as is. */
  write(text: string): unknown;
  /** Whether the stream is a terminal. */
  readonly isTTY?: boolean | undefined;
}

/** Text styles for one stream: each returns its input unchanged when the output is plain. */
export interface TerminalStyle {
  /** True on a terminal without `NO_COLOR`: styles, in-place redraws and the `you>` prompt are on. */
  readonly rich: boolean;
  /** Faint text: reasoning and figures. */
  dim(text: string): string;
  /** Bold text: speaker labels. */
  bold(text: string): string;
  /** Cyan text: tool calls. */
  cyan(text: string): string;
  /** Red text: errors. */
  red(text: string): string;
}

/** Whether `stream` gets styles: a terminal, `NO_COLOR` unset or empty, and `TERM` not `dumb`. */
export function isRichOutput(stream: OutputStream, environment: StyleEnvironment): boolean {
  if (environment.NO_COLOR !== undefined && environment.NO_COLOR !== '') return false;
  return stream.isTTY === true && environment.TERM !== 'dumb';
}

/** The styles for `stream`, decided once. */
export function createTerminalStyle(stream: OutputStream, environment: StyleEnvironment): TerminalStyle {
  const rich = isRichOutput(stream, environment);
  // SGR codes with their own closing code (not a full reset), so surrounding styles survive.
  const wrap = (open: number, close: number) =>
    rich ? (text: string) => `\x1b[${open}m${text}\x1b[${close}m` : (text: string) => text;
  return { rich, dim: wrap(2, 22), bold: wrap(1, 22), cyan: wrap(36, 39), red: wrap(31, 39) };
}
