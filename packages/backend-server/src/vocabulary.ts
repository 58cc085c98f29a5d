/**
 * The o200k_harmony vocabulary on the client side: id checks, decoding for the header tracker, the probe that
 * checks a server's model uses the same vocabulary, and recovering ids a server streamed only as text.
 */

import { BackendError } from '@harmony-agents/core';
import { loadO200kHarmonyTokenizer, type O200kHarmonyTokenizer } from '@harmony-agents/core/harmony';

let tokenizer: O200kHarmonyTokenizer | undefined;

/** The shared o200k_harmony tokenizer (loaded on first use). */
export function harmonyTokenizer(): O200kHarmonyTokenizer {
  tokenizer ??= loadO200kHarmonyTokenizer();
  return tokenizer;
}

/** Whether `token` is an o200k_harmony id. */
export function isHarmonyToken(token: number): boolean {
  return harmonyTokenizer().isValidToken(token);
}

/** Decodes ordinary tokens to text (invalid UTF-8 becomes U+FFFD). */
export function decodeTokens(tokens: readonly number[]): string {
  return harmonyTokenizer().decode(tokens);
}

/**
 * The probe text of the vocabulary check: Harmony special tokens around ordinary text in several scripts, all
 * without combining marks (llama.cpp's pre-tokenizer splits those differently from tiktoken, see
 * docs/servers.md).
 */
export const VOCABULARY_PROBE_TEXT =
  '<|start|>assistant<|channel|>commentary to=functions.get_weather <|constrain|>json<|message|>' +
  '{"city":"Seoul 서울","note":"Grüße, привет, 東京 42.5°C"}<|call|>';

/** The ids of {@link VOCABULARY_PROBE_TEXT} in o200k_harmony. */
export function vocabularyProbeTokens(): number[] {
  return harmonyTokenizer().encode(VOCABULARY_PROBE_TEXT, { allowedSpecial: 'all' });
}

/**
 * Compares a server's tokenization of {@link VOCABULARY_PROBE_TEXT} with o200k_harmony's.
 * @throws {@link BackendError} `model_not_gpt_oss` naming the first difference; `protocol_error` when the
 * answer holds no id list.
 */
export function assertHarmonyVocabulary(serverTokens: unknown, server: string): void {
  if (!Array.isArray(serverTokens) || !serverTokens.every((token) => typeof token === 'number')) {
    throw new BackendError(`${server}: the tokenize answer holds no list of token ids`, {
      kind: 'protocol_error',
    });
  }
  const expected = vocabularyProbeTokens();
  const index = expected.findIndex((token, position) => serverTokens[position] !== token);
  if (index === -1 && serverTokens.length === expected.length) return;
  const at = index === -1 ? expected.length : index;
  throw new BackendError(
    `${server}: the server's model does not use the o200k_harmony vocabulary of gpt-oss: its tokenization of a probe differs at position ${at} (expected ${expected[at] ?? 'the end'}, got ${serverTokens[at] ?? 'the end'})`,
    { kind: 'model_not_gpt_oss' },
  );
}

let idsByBytes: Map<string, number> | undefined;

/** The ordinary token whose bytes are exactly `bytes`, if any. */
export function tokenWithBytes(bytes: Uint8Array): number | undefined {
  if (idsByBytes === undefined) {
    const vocabulary = harmonyTokenizer();
    idsByBytes = new Map();
    for (let token = 0; vocabulary.isValidToken(token) && !vocabulary.isSpecialToken(token); token++) {
      idsByBytes.set(Buffer.from(vocabulary.tokenBytes(token)).toString('latin1'), token);
    }
  }
  return idsByBytes.get(Buffer.from(bytes).toString('latin1'));
}
