/**
 * Stop-token rules every backend applies: which tokens end sampling, and which token to report when
 * generation ended on another end-of-generation token.
 */

import { HARMONY_TOKENS } from '../harmony/special-tokens.js';

/**
 * The token a backend reports when sampling ended on `token`. Harmony stops (`<|call|>`, `<|return|>`) and any
 * stop token of the request are reported as sampled. Another one, i.e. `<|endoftext|>`, ends the message in
 * progress: it is reported as `<|call|>` when that message has a recipient (a tool call) and as `<|return|>`
 * otherwise, provided the request lists that token as a stop token.
 *
 * @param token - the end-of-generation token the engine sampled.
 * @param stopTokens - the request's `stopTokens`.
 * @param recipient - the recipient of the message in progress (see `HarmonyHeaderTracker`), if any.
 */
export function reportedStopToken(
  token: number,
  stopTokens: ReadonlySet<number>,
  recipient: string | undefined,
): number {
  if (stopTokens.has(token) || token === HARMONY_TOKENS.call || token === HARMONY_TOKENS.return) return token;
  const mapped = recipient === undefined ? HARMONY_TOKENS.return : HARMONY_TOKENS.call;
  return stopTokens.has(mapped) ? mapped : token;
}
