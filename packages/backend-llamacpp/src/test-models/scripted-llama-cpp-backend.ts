/**
 * A real llama.cpp backend whose completions are scripted: each generation is sampled under a grammar made of
 * the script's token ids, so prompt evaluation, the KV cache, sampling, grammars and stopping all run in the
 * real engine, on a tiny random-weight model, and still produce a chosen Harmony completion.
 */

import { type Backend, ConfigurationError } from '@harmony-agents/core';
import type { BackendCapabilities, BackendChunk, BackendGenerateRequest } from '@harmony-agents/core/backend';
import { HARMONY_TOKENS, loadO200kHarmonyTokenizer } from '@harmony-agents/core/harmony';
import type { LlamaCppBackend } from '../llama-cpp-backend.js';
import type { LlamaCppBackendOptions, RequestGrammar } from '../llama-cpp-backend-options.js';
import type { LlamaCppModel } from '../llama-cpp-model.js';

/**
 * A GBNF grammar that accepts exactly `tokens`, as token-id elements. Special tokens such as `<|end|>` and
 * `<|start|>` are fine; end-of-generation tokens are not (llama.cpp only samples them once a grammar is complete).
 */
export function tokenScriptGrammar(tokens: readonly number[]): string {
  if (tokens.length === 0) throw new ConfigurationError('A token script needs at least one token');
  return `root ::= ${tokens.map((token) => `<[${token}]>`).join(' ')}`;
}

/** A parsed scripted completion: the tokens to force and the stop token that must follow. */
export interface ScriptedCompletion {
  /** The Harmony text of the completion, as given. */
  readonly text: string;
  /** The tokens forced by the grammar (the completion without its stop token). */
  readonly tokens: readonly number[];
  /** `<|call|>` or `<|return|>`: what a test model with stop-token shaping samples after the last token. */
  readonly stopToken: number;
}

/**
 * Parses a scripted completion such as
 * `<|channel|>commentary to=functions.get_weather <|constrain|>json<|message|>{"city":"Seoul"}<|call|>`.
 * @throws {@link ConfigurationError} when it does not end with `<|call|>` or `<|return|>`, or when the stop
 * does not match the test model's rule (`<|call|>` exactly when the last token before it ends with `}`).
 */
export function parseScriptedCompletion(text: string): ScriptedCompletion {
  const tokenizer = loadO200kHarmonyTokenizer();
  const all = tokenizer.encode(text, { allowedSpecial: 'all' });
  const stopToken = all.at(-1);
  if (stopToken !== HARMONY_TOKENS.call && stopToken !== HARMONY_TOKENS.return) {
    throw new ConfigurationError(`A scripted completion must end with <|call|> or <|return|>: ${text}`);
  }
  const tokens = all.slice(0, -1);
  const last = tokens.at(-1);
  const endsWithBrace =
    last !== undefined && !tokenizer.isSpecialToken(last) && /\}\s*$/u.test(tokenizer.decode([last]));
  if (endsWithBrace !== (stopToken === HARMONY_TOKENS.call)) {
    throw new ConfigurationError(
      `Test models end with <|call|> after a token ending in "}" and with <|return|> otherwise; this script would need the other stop: ${text}`,
    );
  }
  return { text, tokens, stopToken };
}

/** Options of {@link createScriptedLlamaCppBackend}. */
export interface ScriptedLlamaCppBackendOptions extends Omit<LlamaCppBackendOptions, 'grammarForRequest'> {
  /** A loaded test model (generated with stop-token shaping, the default). */
  readonly model: LlamaCppModel;
  /**
   * One Harmony completion per generation, in order, each ending with `<|call|>` or `<|return|>`; `null` lets
   * the model sample that generation freely (no script grammar; the backend's own grammars still apply).
   */
  readonly completions: readonly (string | null)[];
}

/** A {@link Backend} that plays scripted completions through the real engine. */
export interface ScriptedLlamaCppBackend extends Backend {
  /** The real backend underneath (its `cachedTokens`, `contextSize`, ...). */
  readonly backend: LlamaCppBackend;
  /** Every request received, in order (each with a copy of its prompt, as it was at the call). */
  readonly requests: readonly BackendGenerateRequest[];
  /** Completions not played yet. */
  readonly remaining: number;
  /** @throws {@link ConfigurationError} when some completions were never requested. */
  assertComplete(): void;
  /** Disposes the real backend (not the model). */
  dispose(): Promise<void>;
}

/**
 * Creates a backend that answers the n-th generation with the n-th scripted completion, sampled through the
 * real engine under a token grammar. A generation beyond the script throws a `ConfigurationError`.
 *
 * @example
 * ```ts
 * const backend = createScriptedLlamaCppBackend({
 *   model,
 *   completions: ['<|channel|>final<|message|>Hello.<|return|>'],
 *   threads: 1,
 * });
 * ```
 * @throws {@link ConfigurationError} for an invalid completion (see {@link parseScriptedCompletion}).
 */
export function createScriptedLlamaCppBackend(
  options: ScriptedLlamaCppBackendOptions,
): ScriptedLlamaCppBackend {
  const { model, completions, ...backendOptions } = options;
  const scripts = completions.map((completion) =>
    completion === null ? null : parseScriptedCompletion(completion),
  );
  const requests: BackendGenerateRequest[] = [];
  const grammars = new Map<BackendGenerateRequest, RequestGrammar>();
  const backend = model.createBackend({
    ...backendOptions,
    grammarForRequest: (request) => grammars.get(request),
  });
  const capabilities: BackendCapabilities = { ...backend.capabilities };
  return {
    specificationVersion: backend.specificationVersion,
    backendId: backend.backendId,
    capabilities,
    backend,
    requests,
    get remaining() {
      return Math.max(0, scripts.length - requests.length);
    },
    assertComplete() {
      if (requests.length < scripts.length) {
        throw new ConfigurationError(
          `${scripts.length - requests.length} scripted completion(s) were never requested; next: ${scripts[requests.length]?.text ?? '(free)'}`,
        );
      }
    },
    dispose: () => backend.dispose(),
    doGenerate(request) {
      const script = scripts[requests.length];
      // The runner reuses the prompt's array for later requests: record a copy.
      requests.push({ ...request, promptTokens: request.promptTokens.slice() });
      if (script !== undefined && script !== null) {
        grammars.set(request, { gbnf: tokenScriptGrammar(script.tokens), expectedTokens: script.tokens });
      }
      return playScript(backend, request, script === undefined ? requests.length : undefined, () =>
        grammars.delete(request),
      );
    },
  };
}

async function* playScript(
  backend: LlamaCppBackend,
  request: BackendGenerateRequest,
  unexpectedGeneration: number | undefined,
  done: () => void,
): AsyncGenerator<BackendChunk> {
  try {
    if (unexpectedGeneration !== undefined) {
      throw new ConfigurationError(
        `Unexpected generation #${unexpectedGeneration}: the script has no more completions`,
      );
    }
    yield* backend.doGenerate(request);
  } finally {
    done();
  }
}
