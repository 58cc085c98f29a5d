/**
 * Agents on one llama-server (built from node-llama-cpp's llama.cpp source, tiny generated gpt-oss model):
 * - throughput: N agents at once on a server with N slots, against the same work one agent at a time on the
 *   same server (the ratio is what matters: llama-server decodes the slots in one batch);
 * - prompt tokens the server evaluated per tool round, divided by the tokens the round added (1.00 = only the
 *   new tokens, the slot's KV cache kept everything before).
 * `pnpm bench server` (SERVER_BENCH_AGENTS=4 by default).
 */

import {
  getTinyGptOssModel,
  parseScriptedCompletion,
  tokenScriptGrammar,
} from '@harmony-agents/backend-llamacpp/test-models';
import { createLlamaServerBackend } from '@harmony-agents/backend-server';
import { startLlamaServer } from '@harmony-agents/backend-server/testing';
import { type AgentEvent, createAgent, defineTool } from '@harmony-agents/core';
import type { Backend, BackendGenerateRequest } from '@harmony-agents/core/backend';
import { scriptFinal, scriptToolCall } from '@harmony-agents/core/testing';
import { z } from 'zod';

const AGENTS = Number(process.env.SERVER_BENCH_AGENTS ?? 4);

const lookup = defineTool({
  name: 'lookup',
  description: 'Looks a city up.',
  parameters: z.object({ city: z.string() }),
  execute: ({ city }) => ({ city, temperature: 18 }),
});

function completions(agent: number): string[] {
  const city = `City${agent}`;
  return [
    scriptToolCall('lookup', { city }, { analysis: `Need the weather of ${city}.` }),
    scriptToolCall('lookup', { city: `${city}b` }, { analysis: 'And the second city.' }),
    scriptFinal(`Both are mild, agent ${agent}.`, { analysis: 'Answer now.' }),
  ];
}

/** One agent's scripted run: three steps (two tool rounds). Returns its step usages and prompts. */
async function runAgent(baseUrl: string, slot: number, agent: number) {
  const scripts = completions(agent).map(parseScriptedCompletion);
  const grammars = new Map<BackendGenerateRequest, string>();
  const requests: BackendGenerateRequest[] = [];
  // Copies: the runner appends to the prompt array for its next step (the backend contract).
  const prompts: number[][] = [];
  const backend = createLlamaServerBackend({
    baseUrl,
    slot,
    grammarForRequest: (request) => grammars.get(request),
  });
  const recording: Backend = {
    specificationVersion: backend.specificationVersion,
    backendId: backend.backendId,
    capabilities: backend.capabilities,
    doGenerate(request: BackendGenerateRequest) {
      grammars.set(request, tokenScriptGrammar(scripts[requests.length]!.tokens));
      requests.push(request);
      prompts.push([...request.promptTokens]);
      return backend.doGenerate(request);
    },
  };
  const run = createAgent({ backend: recording, tools: [lookup], currentDate: '2026-11-28' }).run(
    `Weather for agent ${agent}?`,
  );
  const result = await run;
  if (result.finalText !== `Both are mild, agent ${agent}.`)
    throw new Error(`agent ${agent}: ${result.finalText}`);
  const usages = run.events.flatMap((event: AgentEvent) => (event.type === 'step-end' ? [event.usage] : []));
  return { usages, prompts };
}

async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const started = performance.now();
  const value = await work();
  return { ms: performance.now() - started, value };
}

const model = await getTinyGptOssModel();
const server = await startLlamaServer({ model: model.path, parallel: AGENTS, contextSize: 2048, threads: 1 });
try {
  const slots = Array.from({ length: AGENTS }, (_, index) => index);
  // Warm-up: one agent, so that neither measured phase pays for first-use costs.
  await runAgent(server.baseUrl, 0, 99);

  const sequentialAgents = await timed(async () => {
    const results = [];
    for (const slot of slots) results.push(await runAgent(server.baseUrl, slot, slot));
    return results;
  });
  const parallelAgents = await timed(() =>
    Promise.all(slots.map((slot) => runAgent(server.baseUrl, slot, slot + AGENTS))),
  );
  // Evaluated prompt tokens per tool round / tokens the round added to the prompt.
  const ratios: number[] = [];
  for (const { usages, prompts } of [...sequentialAgents.value, ...parallelAgents.value]) {
    for (let step = 1; step < usages.length; step++) {
      const added =
        prompts[step]!.length - (prompts[step - 1]!.length + usages[step - 1]!.generatedTokens - 1);
      ratios.push((usages[step]!.evaluatedPromptTokens ?? Number.NaN) / added);
    }
  }
  const mean = ratios.reduce((sum, ratio) => sum + ratio, 0) / ratios.length;

  console.log(`llama-server, ${AGENTS} slots, tiny gpt-oss model, 1 thread`);
  console.log(
    `scripted agents (3 steps each): ${AGENTS} one at a time ${sequentialAgents.ms.toFixed(0)} ms, at once ${parallelAgents.ms.toFixed(0)} ms: throughput ×${(sequentialAgents.ms / parallelAgents.ms).toFixed(2)}`,
  );
  console.log(
    `prompt tokens evaluated per tool round / tokens added: mean ${mean.toFixed(2)} over ${ratios.length} rounds (min ${Math.min(...ratios).toFixed(2)}, max ${Math.max(...ratios).toFixed(2)})`,
  );
} finally {
  await server.close();
}
