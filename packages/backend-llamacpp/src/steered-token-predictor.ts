/**
 * Prompt-lookup speculative decoding for a backend's sequence: node-llama-cpp's input-lookup predictor,
 * restricted to predictions that keep the output token-exact under the backend's sampling steering.
 */

import { InputLookupTokenPredictor, type Token, TokenPredictor } from 'node-llama-cpp';
import type { SamplingSteering } from './sampling-steering.js';

/**
 * Predicts the next tokens by finding the last generated tokens in the prompt (tool arguments and answers often
 * copy user ids, locations and tool results), so that llama.cpp verifies several tokens in one batch instead of
 * decoding them one by one. A prediction is only a guess: every predicted position is sampled as usual and
 * the first mismatch discards the rest, so under greedy sampling the output equals plain decoding.
 *
 * The wrapped predictor knows nothing of grammars or token biases; {@link SamplingSteering.lookahead} cuts a
 * prediction where plain decoding would switch grammar, and replays the per-position bias.
 */
export class SteeredTokenPredictor extends TokenPredictor {
  readonly #inner: InputLookupTokenPredictor;
  #steering: SamplingSteering | undefined;

  /** @param maxPredictedTokens - the most tokens predicted (and verified) in one batch. */
  constructor(maxPredictedTokens: number) {
    super();
    this.#inner = new InputLookupTokenPredictor({ predictionLength: { max: maxPredictedTokens } });
  }

  /** Starts a generation: the prompt to look predictions up in, and the steering of the generation. */
  startGeneration(prompt: readonly number[], steering: SamplingSteering): void {
    this.#steering = steering;
    this.#inner.updateInputTokens(prompt as Token[]);
  }

  /** Ends the generation: no predictions until the next one starts. */
  endGeneration(): void {
    this.#steering = undefined;
  }

  override reset(parameters: Parameters<TokenPredictor['reset']>[0]): void {
    this.#inner.reset(parameters);
  }

  override pushTokens(tokens: Token[]): void {
    this.#inner.pushTokens(tokens);
  }

  override predictTokens(): Token[] {
    const steering = this.#steering;
    if (steering === undefined) return [];
    return steering.lookahead(this.#inner.predictTokens()) as Token[];
  }

  override updateInputTokens(tokens: Token[]): void {
    this.#inner.updateInputTokens(tokens);
  }

  override dispose(): void {
    this.#steering = undefined;
    this.#inner.dispose();
  }
}
