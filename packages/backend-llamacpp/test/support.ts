/**
 * Helpers shared by the real-engine tests: one tiny generated model per test file, Harmony encoding, and
 * collecting a backend's stream.
 */

import type { Backend } from '@harmony-agents/core';
import {
  ASSISTANT_ACTION_STOP_TOKENS,
  type BackendChunk,
  type BackendGenerateRequest,
} from '@harmony-agents/core/backend';
import { loadO200kHarmonyTokenizer } from '@harmony-agents/core/harmony';
import { type LlamaCppBackendOptions, type LlamaCppModel, loadLlamaCppModel } from '../src/index.js';
import { getTinyGptOssModel, type TinyGptOssModelOptions } from '../src/test-models/index.js';

export const tokenizer = loadO200kHarmonyTokenizer();

/** Encodes Harmony text, special tokens included. */
export function encode(text: string): number[] {
  return tokenizer.encode(text, { allowedSpecial: 'all' });
}

/** Backend options for tests: a small context and batch, one thread (fastest on a shared 2-core machine). */
export const TEST_BACKEND_OPTIONS: LlamaCppBackendOptions = { contextSize: 1024, batchSize: 64, threads: 1 };

/** Loads a tiny generated model (generated once, then cached on disk). */
export async function loadTinyModel(options: TinyGptOssModelOptions = {}): Promise<LlamaCppModel> {
  const file = await getTinyGptOssModel(options);
  return loadLlamaCppModel({ model: file.path });
}

/** A request with test defaults. */
export function request(
  overrides: Partial<BackendGenerateRequest> & Pick<BackendGenerateRequest, 'promptTokens'>,
) {
  const base: BackendGenerateRequest = {
    promptTokens: overrides.promptTokens,
    stopTokens: ASSISTANT_ACTION_STOP_TOKENS,
    maxTokens: 16,
    sampling: { seed: 1 },
    signal: undefined,
    constrainedTools: [],
  };
  return { ...base, ...overrides };
}

/** What a generation produced. */
export interface Collected {
  readonly tokens: number[];
  readonly finish: Extract<BackendChunk, { type: 'finish' }>;
}

/** Runs one generation to its end. `onToken` may abort it. */
export async function collect(
  backend: Backend,
  generateRequest: BackendGenerateRequest,
  onToken?: (token: number, index: number) => void,
): Promise<Collected> {
  const tokens: number[] = [];
  let finish: Extract<BackendChunk, { type: 'finish' }> | undefined;
  for await (const chunk of backend.doGenerate(generateRequest)) {
    if (finish !== undefined) throw new Error('a chunk followed the finish chunk');
    if (chunk.type === 'finish') finish = chunk;
    else
      for (const token of chunk.tokens) {
        tokens.push(token);
        onToken?.(token, tokens.length - 1);
      }
  }
  if (finish === undefined) throw new Error('the generation ended without a finish chunk');
  return { tokens, finish };
}

/** The prompt of a one-question conversation, ending with `<|start|>assistant`. */
export const QUESTION_PROMPT = encode(
  '<|start|>system<|message|>You are ChatGPT, a large language model trained by OpenAI.\nReasoning: low\n\n# Valid channels: analysis, commentary, final. Channel must be included for every message.<|end|>' +
    '<|start|>user<|message|>What is the weather in Seoul?<|end|><|start|>assistant',
);
