/**
 * Runner benchmark: the host-side cost of the agent loop (parser, events, bookkeeping) on the
 * scripted backend, whose own cost is negligible.
 *
 * 1. Host time per generated token: a long final answer streamed one token per chunk.
 * 2. Host time of one tool round as history grows from ~1k to ~32k tokens. Target: flat, because the
 *    runner never re-renders or re-tokenizes the history within a run.
 * 3. Host time of a new turn (one run answering at once) as history grows from ~1k to ~32k tokens. Target:
 *    flat (<= 1.1x), because a message is rendered once in its life, not once per run.
 *
 * Run: `node --conditions=@harmony-agents/source --import tsx bench/runner.bench.ts`
 */
import { pathToFileURL } from 'node:url';
import { Conversation, createAgent, defineTool, type Message } from '@harmony-agents/core';
import { createScriptedBackend, scriptFinal, scriptToolCall } from '@harmony-agents/core/testing';
import { z } from 'zod';

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

const lookup = defineTool({
  name: 'lookup',
  description: 'Looks a key up.',
  parameters: z.object({ key: z.string() }),
  execute: ({ key }) => ({ key, value: key.length }),
});

function historyOf(targetTokens: number): Conversation {
  const messages: Message[] = [];
  const paragraph =
    'The quick brown fox jumps over the lazy dog while the weather report mentions rain in Seoul and sun in San Francisco. ';
  // ~25 tokens per sentence; a user question and a final answer per turn.
  const turns = Math.max(1, Math.round(targetTokens / 205));
  for (let turn = 0; turn < turns; turn++) {
    messages.push({
      role: 'user',
      content: [{ type: 'text', text: `Question ${turn}: ${paragraph.repeat(2)}` }],
    });
    messages.push({
      role: 'assistant',
      channel: 'final',
      content: [{ type: 'text', text: `Answer ${turn}: ${paragraph.repeat(6)}` }],
    });
  }
  return Conversation.fromMessages(messages);
}

/** Host time per generated token, in microseconds. */
async function perTokenCost(): Promise<{ microsecondsPerToken: number; tokens: number }> {
  const answer = 'All work and no play makes a dull agent. '.repeat(400);
  const samples: number[] = [];
  let tokens = 0;
  for (let i = 0; i < 7; i++) {
    const backend = createScriptedBackend({
      steps: [{ completion: scriptFinal(answer, { analysis: answer }) }],
    });
    const agent = createAgent({ backend, currentDate: null });
    const run = agent.run('Say it.');
    let deltas = 0;
    run.on('final-delta', () => deltas++);
    const started = performance.now();
    const result = await run;
    // The first runs warm up the JIT.
    if (i >= 3) samples.push(performance.now() - started);
    tokens = result.usage.generatedTokens;
  }
  return { microsecondsPerToken: (median(samples) * 1000) / tokens, tokens };
}

/** Host time of one tool round with a given history, in milliseconds (median over runs). */
async function toolRoundCost(
  history: Conversation,
  rounds: number,
): Promise<{ promptTokens: number; msPerRound: number }> {
  const measure = async (toolRounds: number) => {
    const steps = [
      ...Array.from({ length: toolRounds }, (_, index) => ({
        completion: scriptToolCall('lookup', { key: `k${index}` }, { analysis: 'Look it up.' }),
      })),
      { completion: scriptFinal('Done.') },
    ];
    const backend = createScriptedBackend({ steps });
    const agent = createAgent({ backend, tools: [lookup], currentDate: null, maxToolRounds: toolRounds + 1 });
    const run = agent.run('Look things up.', { history });
    const started = performance.now();
    await run;
    return { ms: performance.now() - started, promptTokens: backend.requests[0]!.promptTokens.length };
  };
  await measure(1);
  const withRounds: number[] = [];
  const withoutRounds: number[] = [];
  let promptTokens = 0;
  for (let i = 0; i < 9; i++) {
    const many = await measure(rounds);
    const one = await measure(1);
    withRounds.push(many.ms);
    withoutRounds.push(one.ms);
    promptTokens = one.promptTokens;
  }
  return { promptTokens, msPerRound: (median(withRounds) - median(withoutRounds)) / (rounds - 1) };
}

/** Host time of a new turn on a given history, in milliseconds (median over runs, the history reused). */
async function newTurnCost(history: Conversation): Promise<{ promptTokens: number; msPerTurn: number }> {
  const samples: number[] = [];
  let promptTokens = 0;
  for (let i = 0; i < 15; i++) {
    const backend = createScriptedBackend({ steps: [{ completion: scriptFinal('Done.') }] });
    const agent = createAgent({ backend, tools: [lookup], currentDate: null });
    const started = performance.now();
    await agent.run('One more question.', { history });
    // The first runs warm up the JIT (and render the history's messages once).
    if (i >= 3) samples.push(performance.now() - started);
    promptTokens = backend.requests[0]!.promptTokens.length;
  }
  return { promptTokens, msPerTurn: median(samples) };
}

/** Runs the runner benchmark and returns its figures. */
export async function runRunnerBenchmark() {
  const token = await perTokenCost();
  const sizes = [1_000, 4_000, 16_000, 32_000];
  const rounds: { historyTokens: number; msPerRound: number }[] = [];
  for (const size of sizes) {
    const { promptTokens, msPerRound } = await toolRoundCost(historyOf(size), 11);
    rounds.push({ historyTokens: promptTokens, msPerRound });
  }
  const turns: { historyTokens: number; msPerTurn: number }[] = [];
  for (const size of sizes) {
    const { promptTokens, msPerTurn } = await newTurnCost(historyOf(size));
    turns.push({ historyTokens: promptTokens, msPerTurn });
  }
  return {
    turns,
    turnCostRatio32kTo1k: turns[turns.length - 1]!.msPerTurn / turns[0]!.msPerTurn,
    microsecondsPerToken: token.microsecondsPerToken,
    tokensPerSecond: 1e6 / token.microsecondsPerToken,
    rounds,
    roundCostRatio32kTo1k: rounds[rounds.length - 1]!.msPerRound / rounds[0]!.msPerRound,
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const result = await runRunnerBenchmark();
  console.log('Runner host-side cost (scripted backend)');
  console.log(
    `  per generated token: ${result.microsecondsPerToken.toFixed(2)} µs (${Math.round(result.tokensPerSecond).toLocaleString()} tokens/s)`,
  );
  for (const row of result.rounds) {
    console.log(`  one tool round, history ${row.historyTokens} tokens: ${row.msPerRound.toFixed(3)} ms`);
  }
  console.log(
    `  tool-round cost, 32k history / 1k history: ${result.roundCostRatio32kTo1k.toFixed(2)}x (target <= 1.10)`,
  );
  for (const row of result.turns) {
    console.log(`  a new turn, history ${row.historyTokens} tokens: ${row.msPerTurn.toFixed(3)} ms`);
  }
  console.log(
    `  new-turn cost, 32k history / 1k history: ${result.turnCostRatio32kTo1k.toFixed(2)}x (target <= 1.10)`,
  );
}
