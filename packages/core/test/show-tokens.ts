import type { O200kHarmonyTokenizer } from '../src/harmony/tokenizer.js';

/**
 * Decodes tokens for snapshots with special tokens printed distinctly: `<|start|>` becomes `⟨start⟩`, so a
 * special token can never be confused with the same text encoded as ordinary tokens.
 */
export function showTokens(tokenizer: O200kHarmonyTokenizer, tokens: readonly number[]): string {
  let out = '';
  let run: number[] = [];
  const flush = (): void => {
    if (run.length > 0) out += tokenizer.decode(run);
    run = [];
  };
  for (const token of tokens) {
    if (tokenizer.isSpecialToken(token)) {
      flush();
      out += `⟨${new TextDecoder().decode(tokenizer.tokenBytes(token)).slice(2, -2)}⟩`;
    } else {
      run.push(token);
    }
  }
  flush();
  return out;
}
