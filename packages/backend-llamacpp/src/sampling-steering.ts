/**
 * Which grammar and token bias the sampler uses at each step of one generation: a request grammar (with its
 * expected tokens), a tool's argument grammar once a constrained tool-call header is complete, or the answer's
 * grammar once a `final` header is complete and the request has an `outputSchema`.
 */

import { type BackendGenerateRequest, HarmonyHeaderTracker } from '@harmony-agents/core/backend';
import { HARMONY_TOKENS } from '@harmony-agents/core/harmony';
import { LlamaGrammarEvaluationState, type TokenBias } from 'node-llama-cpp';
import type { ResolvedLlamaCppBackendOptions } from './llama-cpp-backend-options.js';
import type { LlamaCppModelResources } from './llama-cpp-model-resources.js';

/** The steering state of one generation. Read `grammarState` and `tokenBias` before each sampling step. */
export class SamplingSteering {
  readonly #resources: LlamaCppModelResources;
  readonly #request: BackendGenerateRequest;
  readonly #tracker: HarmonyHeaderTracker;
  readonly #expectedTokens: readonly number[];
  readonly #constrainTools: boolean;
  readonly #constrainOutput: boolean;
  #followsExpected: boolean;
  #generated = 0;
  #answerConstrained = false;
  /** The grammar the next token is sampled under, if any. */
  grammarState: LlamaGrammarEvaluationState | undefined;
  /** The token bias of the next sampling step. */
  tokenBias: TokenBias;
  /**
   * Biases of the positions of a speculative batch, in order: the position of the last accepted token first,
   * then one per predicted token (the bias after accepting the prediction up to it). Empty outside such a batch.
   */
  #lookaheadBiases: TokenBias[] = [];
  #lookaheadPosition = 0;

  private constructor(
    resources: LlamaCppModelResources,
    request: BackendGenerateRequest,
    expectedTokens: readonly number[],
    constrainTools: boolean,
    constrainOutput: boolean,
  ) {
    this.#resources = resources;
    this.#request = request;
    this.#tracker = HarmonyHeaderTracker.startingAfter(request.promptTokens, (tokens) =>
      resources.decode(tokens),
    );
    this.#expectedTokens = expectedTokens;
    this.#constrainTools = constrainTools;
    this.#constrainOutput = constrainOutput;
    this.#followsExpected = expectedTokens.length > 0;
    this.tokenBias = this.#followsExpected ? resources.favour(expectedTokens[0]!) : resources.noBias;
  }

  /**
   * Prepares the steering of a request: compiles its request grammar, or constrains the arguments right away
   * when the prompt itself ends with a constrained tool-call header.
   * @throws {@link ConfigurationError} for a request grammar that names an end-of-generation token or does not compile.
   */
  static async create(
    resources: LlamaCppModelResources,
    options: ResolvedLlamaCppBackendOptions,
    request: BackendGenerateRequest,
  ): Promise<SamplingSteering> {
    const selected = options.grammarForRequest?.(request);
    const requestGrammar = typeof selected === 'string' ? { gbnf: selected } : selected;
    const constrainTools =
      options.constrainToolArguments && requestGrammar === undefined && request.constrainedTools.length > 0;
    const constrainOutput =
      options.constrainOutput && requestGrammar === undefined && request.outputSchema !== undefined;
    const steering = new SamplingSteering(
      resources,
      request,
      requestGrammar?.expectedTokens ?? [],
      constrainTools,
      constrainOutput,
    );
    if (requestGrammar !== undefined) {
      const grammar = await resources.grammars.request(requestGrammar.gbnf);
      steering.grammarState = new LlamaGrammarEvaluationState({ model: resources.model, grammar });
    }
    await steering.#constrainAtBodyStart();
    return steering;
  }

  /** The recipient of the message being written, if it has one (a tool call). */
  get currentRecipient(): string | undefined {
    return this.#tracker.currentHeader?.recipient;
  }

  /**
   * Whether a final answer is being sampled under the output schema: once its grammar is complete, any
   * end-of-generation token ends it, and it is reported as `<|return|>`.
   */
  get answerConstrained(): boolean {
    return this.#answerConstrained;
  }

  /**
   * The bias for the sampler's next read. node-llama-cpp reads it once per sampled position, in position order,
   * and a speculative batch samples one position per predicted token: each gets the bias that the steering
   * would have after accepting the predictions before it.
   */
  nextSamplingBias(): TokenBias {
    if (this.#lookaheadBiases.length === 0) return this.tokenBias;
    const bias = this.#lookaheadBiases[Math.min(this.#lookaheadPosition, this.#lookaheadBiases.length - 1)]!;
    this.#lookaheadPosition++;
    return bias;
  }

  /**
   * Prepares a speculative batch for `predicted` (the tokens a predictor expects after the last accepted one)
   * and returns the prefix of it that is safe to verify: every position of the batch must be sampled under the
   * grammar and bias that plain decoding would use there. The bias is replayed per position; a change of
   * grammar (the `<|message|>` of a constrained tool call or of a schema-constrained answer) cannot be, so the
   * prediction stops before any `<|message|>` while no grammar is active.
   */
  lookahead(predicted: readonly number[]): number[] {
    let safe = predicted.length;
    if ((this.#constrainTools || this.#constrainOutput) && this.grammarState === undefined) {
      const message = predicted.indexOf(HARMONY_TOKENS.message);
      if (message >= 0) safe = message;
    }
    const accepted = predicted.slice(0, safe);
    this.#lookaheadBiases = [this.tokenBias];
    this.#lookaheadPosition = 0;
    let follows = this.#followsExpected;
    for (let index = 0; index < accepted.length; index++) {
      // Outside expected tokens the bias only changes at a grammar switch, which the prediction stops before.
      if (!this.#followsExpected) {
        this.#lookaheadBiases.push(this.tokenBias);
        continue;
      }
      follows &&= accepted[index] === this.#expectedTokens[this.#generated + index];
      this.#lookaheadBiases.push(this.#expectedBias(follows, this.#generated + index + 1));
    }
    return accepted;
  }

  /** Advances over a generated token that does not end the generation. */
  async accept(token: number): Promise<void> {
    this.#lookaheadBiases = [];
    this.#generated++;
    if (this.#followsExpected) {
      this.#followsExpected = token === this.#expectedTokens[this.#generated - 1];
      this.tokenBias = this.#expectedBias(this.#followsExpected, this.#generated);
    }
    this.#tracker.push(token);
    await this.#constrainAtBodyStart();
  }

  /** The bias while following expected tokens: favour the one at `index` while the output still follows them. */
  #expectedBias(follows: boolean, index: number): TokenBias {
    const next = this.#expectedTokens[index];
    return follows && next !== undefined ? this.#resources.favour(next) : this.#resources.noBias;
  }

  async #constrainAtBodyStart(): Promise<void> {
    const header = this.#tracker.currentHeader;
    if (!this.#tracker.atBodyStart || header === undefined) return;
    if (header.recipient === undefined) {
      const schema = this.#request.outputSchema;
      if (!this.#constrainOutput || header.channel !== 'final' || schema === undefined) return;
      const grammar = await this.#resources.grammars.jsonSchema(schema);
      this.grammarState = new LlamaGrammarEvaluationState({ model: this.#resources.model, grammar });
      this.tokenBias = this.#resources.specialTokenBan;
      this.#answerConstrained = true;
      return;
    }
    if (!this.#constrainTools) return;
    const tool = this.#request.constrainedTools.find((candidate) => candidate.recipient === header.recipient);
    if (tool === undefined) return;
    if (header.contentType !== undefined && !/json/iu.test(header.contentType)) return;
    const grammar = await this.#resources.grammars.jsonSchema(tool.parameters);
    this.grammarState = new LlamaGrammarEvaluationState({ model: this.#resources.model, grammar });
    this.tokenBias = this.#resources.specialTokenBan;
  }
}
