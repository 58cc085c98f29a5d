/**
 * `maxToolResultTokens`: a tool result longer than the limit is cut, and a marker tells the model so.
 */

import type { O200kHarmonyTokenizer } from '../harmony/tokenizer.js';

/** The marker appended to a cut tool result; the model reads it as part of the result. */
export function truncationMarker(shownTokens: number, totalTokens: number): string {
  return `\n[truncated: the result has ${totalTokens} tokens; only the first ${shownTokens} are shown]`;
}

/**
 * Cuts `output` to at most `maxTokens` tokens, marker included, at a character boundary. Output within the
 * limit is returned unchanged.
 */
export function truncateToolOutput(
  output: string,
  maxTokens: number,
  tokenizer: O200kHarmonyTokenizer,
): string {
  const tokens = tokenizer.encodeOrdinary(output);
  if (tokens.length <= maxTokens) return output;
  const markerTokens = tokenizer.encodeOrdinary(truncationMarker(tokens.length, tokens.length)).length;
  let shown = Math.max(0, maxTokens - markerTokens);
  let text = tokenizer.decode(tokens.slice(0, shown));
  // A cut inside a multi-byte character decodes to U+FFFD: leave the partial character out.
  while (shown > 0 && text.endsWith('\uFFFD') && !output.startsWith(text)) {
    shown--;
    text = tokenizer.decode(tokens.slice(0, shown));
  }
  return `${text}${truncationMarker(shown, tokens.length)}`;
}
