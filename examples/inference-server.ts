/**
 * The weather question answered by gpt-oss behind an inference server: llama.cpp's llama-server, vLLM or
 * SGLang. The agent, its tools, events and history are the same as in-process; only the backend changes.
 *
 * - `HARMONY_AGENTS_SERVER_URL=http://host:8080` (and `HARMONY_AGENTS_SERVER=llama-server|vllm|sglang`,
 *   `HARMONY_AGENTS_SERVER_MODEL` for vLLM) sends it to your server.
 * - Without them, a llama-server built from node-llama-cpp's llama.cpp source serves a tiny generated gpt-oss
 *   model on loopback, each step scripted by a grammar, so the example runs offline.
 *
 * Run: `node --conditions=@harmony-agents/source --import tsx examples/inference-server.ts`.
 */
import {
  getTinyGptOssModel,
  parseScriptedCompletion,
  tokenScriptGrammar,
} from '@harmony-agents/backend-llamacpp/test-models';
import {
  createLlamaServerBackend,
  createServerPool,
  createSglangBackend,
  createVllmBackend,
} from '@harmony-agents/backend-server';
import { startLlamaServer } from '@harmony-agents/backend-server/testing';
import { createAgent } from '@harmony-agents/core';
import type { Backend, BackendGenerateRequest } from '@harmony-agents/core/backend';
import { SCRIPTED_WEATHER_COMPLETIONS, weatherTools } from './weather-tools.js';

/** Which server, where. */
export interface ServerChoice {
  readonly kind: 'llama-server' | 'vllm' | 'sglang';
  readonly baseUrl: string;
  /** The served model name (vLLM). */
  readonly model?: string;
}

/** The backend for a server: the one line that differs from the in-process example. */
export function createServerBackend(choice: ServerChoice): Backend {
  switch (choice.kind) {
    case 'llama-server':
      return createLlamaServerBackend({ baseUrl: choice.baseUrl });
    case 'vllm':
      return createVllmBackend({ baseUrl: choice.baseUrl, model: choice.model ?? 'openai/gpt-oss-120b' });
    case 'sglang':
      return createSglangBackend({ baseUrl: choice.baseUrl });
  }
}

/** Several agents over two llama-servers with 4 slots each: every agent keeps one slot (and its KV cache). */
export function createPooledBackends(baseUrls: readonly [string, string], agents: number): Backend[] {
  const pool = createServerPool({
    servers: baseUrls.map((baseUrl) => ({ baseUrl, slots: 4 })),
    createBackend: ({ baseUrl, slot }) => createLlamaServerBackend({ baseUrl, slot }),
  });
  return Array.from({ length: agents }, () => pool.createBackend());
}

/** A llama-server backend that plays the scripted weather steps on the tiny model (for the offline run). */
export function createScriptedWeatherBackend(baseUrl: string): Backend {
  const scripts = SCRIPTED_WEATHER_COMPLETIONS.map(parseScriptedCompletion);
  const grammars = new Map<BackendGenerateRequest, string>();
  let step = 0;
  const backend = createLlamaServerBackend({
    baseUrl,
    grammarForRequest: (request) => grammars.get(request),
  });
  return {
    specificationVersion: backend.specificationVersion,
    backendId: backend.backendId,
    capabilities: backend.capabilities,
    doGenerate(request) {
      const script = scripts[step++];
      if (script !== undefined) grammars.set(request, tokenScriptGrammar(script.tokens));
      return backend.doGenerate(request);
    },
  };
}

/** Asks the weather question on `backend` and prints the answer and each step's cache reuse. */
export async function main(backend: Backend, write: (text: string) => void): Promise<string> {
  const agent = createAgent({
    backend,
    tools: weatherTools,
    reasoningEffort: 'low',
    currentDate: '2026-11-28',
  });
  const run = agent.run('What is the temperature in Fahrenheit where user john123 is?');
  run.on('step-end', ({ step, usage }) =>
    write(
      `step ${step}: ${usage.promptTokens} prompt tokens, ${usage.cachedPromptTokens ?? '?'} from the server's cache\n`,
    ),
  );
  const { finalText } = await run;
  write(`Assistant: ${finalText}\n`);
  return finalText;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const url = process.env.HARMONY_AGENTS_SERVER_URL;
  const write = (text: string) => process.stdout.write(text);
  if (url !== undefined && url.length > 0) {
    const kind = (process.env.HARMONY_AGENTS_SERVER ?? 'llama-server') as ServerChoice['kind'];
    const model = process.env.HARMONY_AGENTS_SERVER_MODEL;
    await main(createServerBackend({ kind, baseUrl: url, ...(model === undefined ? {} : { model }) }), write);
  } else {
    const server = await startLlamaServer({ model: (await getTinyGptOssModel()).path });
    try {
      await main(createScriptedWeatherBackend(server.baseUrl), write);
    } finally {
      await server.close();
    }
  }
}
