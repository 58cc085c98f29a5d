/**
 * Helpers that write scripted completions in the form the Harmony renderer uses, so that a
 * conversation re-rendered from parsed messages equals what the scripted model "sampled".
 */

/** Options shared by the script helpers. */
export interface ScriptOptions {
  /** Chain of thought written before the action, as an `analysis` message. */
  readonly analysis?: string;
  /** A preamble written before the action, as a `commentary` message without recipient. */
  readonly preamble?: string;
}

function prelude(options: ScriptOptions): string {
  let text = '';
  if (options.analysis !== undefined)
    text += `<|channel|>analysis<|message|>${options.analysis}<|end|><|start|>assistant`;
  if (options.preamble !== undefined)
    text += `<|channel|>commentary<|message|>${options.preamble}<|end|><|start|>assistant`;
  return text;
}

/**
 * A completion that calls a function tool: `[analysis] to=functions.<name><|channel|>commentary <|constrain|>json<|message|><args><|call|>`.
 * `args` is JSON-encoded unless it is a string (write malformed arguments as a string).
 */
export function scriptToolCall(name: string, args: unknown, options: ScriptOptions = {}): string {
  const text = typeof args === 'string' ? args : JSON.stringify(args);
  return `${prelude(options)} to=functions.${name}<|channel|>commentary <|constrain|>json<|message|>${text}<|call|>`;
}

/** A completion that calls a built-in tool (e.g. `browser.search`, `python`) on the `analysis` channel. */
export function scriptBuiltinCall(
  recipient: string,
  input: string,
  options: ScriptOptions & { contentType?: string } = {},
): string {
  const type = options.contentType === undefined ? '' : ` ${options.contentType}`;
  return `${prelude(options)} to=${recipient}<|channel|>analysis${type}<|message|>${input}<|call|>`;
}

/** A completion that answers: `[analysis]<|channel|>final<|message|><text><|return|>`. */
export function scriptFinal(text: string, options: ScriptOptions = {}): string {
  return `${prelude(options)}<|channel|>final<|message|>${text}<|return|>`;
}
