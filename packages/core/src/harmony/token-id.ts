/**
 * The one rule every tokenizer, parser and decoder API applies to the ids it is given.
 *
 * - A **token id** is an integer from 0 to 4,294,967,295 (openai-harmony's `u32`). Anything else
 *   (`NaN`, `±Infinity`, a fraction, a negative number, a larger number, a value that is not a number)
 *   is not an id: every API throws `TokenizerError` `Invalid token id: <value> (expected an integer
 *   from 0 to 4294967295)` before it changes any state, so a parser or decoder can go on.
 * - An id outside the vocabulary (201,089 and above) is an id the model cannot have sampled but the
 *   format can carry: `decode`, `decodeUtf8` and `tokenBytes` throw `TokenizerError`
 *   `Invalid token for decoding: <id>`; in message content the parsers follow openai-harmony (the
 *   id and the rest of the content become one U+FFFD), in a header it cannot be decoded
 *   (`could not decode header`); the stream decoder reports a `parse-error` and the message is not
 *   `complete`.
 */

import { TokenizerError } from '../errors.js';
import { describeValue } from './message-validation.js';

/** The largest token id (`u32::MAX`). */
export const MAX_TOKEN_ID = 4_294_967_295;

/** Whether `value` is a token id: an integer from 0 to {@link MAX_TOKEN_ID}. */
export function isTokenId(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= MAX_TOKEN_ID;
}

/**
 * Throws unless `value` is a token id.
 * @throws {@link TokenizerError} `Invalid token id: <value> (expected an integer from 0 to 4294967295)`.
 */
export function assertTokenId(value: unknown): asserts value is number {
  if (!isTokenId(value)) {
    throw new TokenizerError(
      `Invalid token id: ${describeValue(value)} (expected an integer from 0 to ${MAX_TOKEN_ID})`,
      typeof value === 'number' ? { token: value } : {},
    );
  }
}
