/**
 * Conversions between plain token ids and node-llama-cpp's branded `Token` type.
 */

import type { Token } from 'node-llama-cpp';

/** Token ids as node-llama-cpp tokens (a copy). */
export function toLlamaTokens(tokens: readonly number[]): Token[] {
  return tokens.slice() as Token[];
}

/** One token id as a node-llama-cpp token. */
export function toLlamaToken(token: number): Token {
  return token as Token;
}

/** Whether an optional signal is aborted. */
export function isAborted(signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true;
}
