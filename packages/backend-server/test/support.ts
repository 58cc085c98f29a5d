/**
 * Helpers of the server tests: a real llama-server on a tiny generated gpt-oss model, scripted completions
 * played through it under token grammars, and collecting a backend's stream.
 */

import {
  getTinyGptOssModel,
  parseScriptedCompletion,
  type TinyGptOssModelOptions,
  tokenScriptGrammar,
} from '@harmony-agents/backend-llamacpp/test-models';
import { ConfigurationError } from '@harmony-agents/core';
import {
  ASSISTANT_ACTION_STOP_TOKENS,
  type Backend,
  type BackendCapabilities,
  type BackendChunk,
  type BackendGenerateRequest,
} from '@harmony-agents/core/backend';
import { loadO200kHarmonyTokenizer } from '@harmony-agents/core/harmony';
import {
  createLlamaServerBackend,
  type LlamaServerBackendOptions,
  type ServerBackend,
} from '../src/index.js';
import { type LlamaServerProcess, startLlamaServer } from '../src/testing/index.js';

export const tokenizer = loadO200kHarmonyTokenizer();

/** Encodes Harmony text, special tokens included. */
export function encode(text: string): number[] {
  return tokenizer.encode(text, { allowedSpecial: 'all' });
}

/** Starts llama-server on the tiny generated model (one thread: the machine is shared). */
export async function startTinyLlamaServer(
  parallel = 1,
  modelOptions: TinyGptOssModelOptions = {},
): Promise<LlamaServerProcess> {
  const model = await getTinyGptOssModel(modelOptions);
  return startLlamaServer({ model: model.path, parallel, contextSize: 2048, threads: 1 });
}

/** A request with test defaults. */
export function request(
  overrides: Partial<BackendGenerateRequest> & Pick<BackendGenerateRequest, 'promptTokens'>,
): BackendGenerateRequest {
  return {
    stopTokens: ASSISTANT_ACTION_STOP_TOKENS,
    maxTokens: 16,
    sampling: { temperature: 0, seed: 1 },
    signal: undefined,
    constrainedTools: [],
    ...overrides,
  };
}

/** What a generation produced. */
export interface Collected {
  readonly tokens: number[];
  readonly chunks: number;
  readonly finish: Extract<BackendChunk, { type: 'finish' }>;
}

/** Runs one generation to its end. `onToken` may abort it. */
export async function collect(
  backend: Backend,
  generateRequest: BackendGenerateRequest,
  onToken?: (token: number, index: number) => void,
): Promise<Collected> {
  const tokens: number[] = [];
  let chunks = 0;
  let finish: Extract<BackendChunk, { type: 'finish' }> | undefined;
  for await (const chunk of backend.doGenerate(generateRequest)) {
    if (finish !== undefined) throw new Error('a chunk followed the finish chunk');
    if (chunk.type === 'finish') finish = chunk;
    else {
      chunks++;
      for (const token of chunk.tokens) {
        tokens.push(token);
        onToken?.(token, tokens.length - 1);
      }
    }
  }
  if (finish === undefined) throw new Error('the generation ended without a finish chunk');
  return { tokens, chunks, finish };
}

/** The prompt of a one-question conversation, ending with `<|start|>assistant`. */
export const QUESTION_PROMPT = encode(
  '<|start|>system<|message|>You are ChatGPT, a large language model trained by OpenAI.\nReasoning: low\n\n# Valid channels: analysis, commentary, final. Channel must be included for every message.<|end|>' +
    '<|start|>user<|message|>What is the weather in Seoul?<|end|><|start|>assistant',
);

/** A backend that records every request it receives, in order. */
export function recordRequests(backend: Backend): { backend: Backend; requests: BackendGenerateRequest[] } {
  const requests: BackendGenerateRequest[] = [];
  return {
    requests,
    backend: {
      specificationVersion: backend.specificationVersion,
      backendId: backend.backendId,
      ...(backend.capabilities === undefined ? {} : { capabilities: backend.capabilities }),
      doGenerate(generateRequest) {
        // The runner reuses the prompt's array for later requests: record a copy.
        requests.push({ ...generateRequest, promptTokens: generateRequest.promptTokens.slice() });
        return backend.doGenerate(generateRequest);
      },
    },
  };
}

/** A llama-server backend that plays scripted completions; see {@link createScriptedLlamaServerBackend}. */
export interface ScriptedLlamaServerBackend extends Backend {
  readonly capabilities: BackendCapabilities;
  readonly backend: ServerBackend;
  readonly requests: readonly BackendGenerateRequest[];
  assertComplete(): void;
}

/**
 * A llama-server backend whose n-th generation is sampled under a grammar of the n-th completion's tokens: the
 * server evaluates prompts, keeps its KV cache, samples and stops for real, on a random-weight model. A `null`
 * completion lets the model sample that generation freely (the backend's own grammars still apply).
 */
export function createScriptedLlamaServerBackend(
  options: Omit<LlamaServerBackendOptions, 'grammarForRequest'> & {
    readonly completions: readonly (string | null)[];
  },
): ScriptedLlamaServerBackend {
  const scripts = options.completions.map((completion) =>
    completion === null ? null : parseScriptedCompletion(completion),
  );
  const requests: BackendGenerateRequest[] = [];
  const grammars = new Map<BackendGenerateRequest, string>();
  const backend = createLlamaServerBackend({
    ...options,
    grammarForRequest: (request) => grammars.get(request),
  });
  return {
    specificationVersion: backend.specificationVersion,
    backendId: backend.backendId,
    capabilities: backend.capabilities,
    backend,
    requests,
    assertComplete() {
      if (requests.length < scripts.length) {
        throw new ConfigurationError(
          `${scripts.length - requests.length} scripted completion(s) were not requested`,
        );
      }
    },
    doGenerate(generateRequest) {
      const script = scripts[requests.length];
      // The runner reuses the prompt's array for later requests: record a copy.
      requests.push({ ...generateRequest, promptTokens: generateRequest.promptTokens.slice() });
      if (script === undefined) throw new ConfigurationError(`Unexpected generation #${requests.length}`);
      if (script !== null) grammars.set(generateRequest, tokenScriptGrammar(script.tokens));
      return backend.doGenerate(generateRequest);
    },
  };
}
