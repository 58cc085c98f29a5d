/**
 * Runner benchmark: the host-side cost of the agent loop (parser, events, bookkeeping, the prompt) on a
 * replay backend that only reads the prompt's length, so that what is measured is the runner's work.
 *
 * 1. Host time per generated token: a long final answer streamed one token per chunk.
 * 2. Host time of one tool round (from a model step's start to the next one's) as history grows from ~1k
 *    to ~32k tokens. Target: flat (<= 1.1x).
 * 3. Host time of a new turn (one run answering at once) as history grows from ~1k to ~32k tokens. Target:
 *    flat (<= 1.1x).
 * 4. A 1,000-turn conversation (a tool call every 10th turn, as the reliability soak): host time per turn,
 *    the last 50 turns against the first 50 (medians). Target: <= 1.2x.
 *
 * Where the time went (0.2 before this benchmark's targets were met; `node --cpu-prof`, 32k-token
 * history, scripted backend): a new turn took ~1.2 ms at 32k against ~0.35 ms at 1k, and ~0.75 ms of it
 * was building the prompt array again (each history message's cached tokens pushed one message at a time:
 * `appendTokens` in `RunPrompt`'s constructor), ~0.2 ms copying it again for the step (`forStep`'s
 * `concat`), the rest garbage collection of those arrays and the scripted backend comparing the prompt
 * with the previous one. A tool round at 32k spent ~0.25 ms in `forStep`'s copy and ~0.1 ms in the
 * scripted backend's comparison per model step; at 1k neither shows. The 1,000-turn soak grew from 0.40
 * to 1.07 ms per turn for the same reason (its history reaches ~20k tokens in ~3,000 messages).
 *
 * Now: a run's prompt is one array that only grows (no copy per step; the backend contract lets a backend
 * read it during the call), and a conversation keeps its rendered prompt, shared with the conversations
 * that extend it (`packages/core/src/runner/prompt-memo.ts`), so a new turn writes only what the turn
 * adds. What is left per run in the history's length is copying the conversation's entry array (pointers,
 * `Conversation.concat`) and scanning for the last user message. A backend's own work on the prompt
 * (llama.cpp validates and copies it, a server serialises it) is the backend's, and not measured here.
 * A profile of 2,000 new turns on the 32k-token history after the change shows no frame that grows with the
 * history; the largest of the prompt's is the memo key (the header's tokens joined, ~20 µs a run).
 * The small history's runs come out slightly slower than the large one's in both measuring orders; the
 * ratios below 1 are that, not a cost that falls with the history.
 *
 * Run: `node --conditions=@harmony-agents/source --import tsx bench/runner.bench.ts`
 */
import { pathToFileURL } from 'node:url';
import { Conversation, createAgent, defineTool, type Message } from '@harmony-agents/core';
import { BACKEND_SPECIFICATION_VERSION, type Backend, type BackendChunk } from '@harmony-agents/core/backend';
import { loadHarmonyEncoding } from '@harmony-agents/core/harmony';
import { scriptFinal, scriptToolCall } from '@harmony-agents/core/testing';
import { z } from 'zod';

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

const encoding = loadHarmonyEncoding();

/**
 * A backend that replays completions (Harmony text) one token per chunk, reads only the prompt's length
 * and stops at a stop token: its own cost does not depend on the prompt.
 */
function createReplayBackend(completions: readonly string[]): Backend & { readonly promptLengths: number[] } {
  const queue = completions.map((text) => encoding.encode(text, { allowedSpecial: 'all' }));
  const promptLengths: number[] = [];
  return {
    specificationVersion: BACKEND_SPECIFICATION_VERSION,
    backendId: 'replay',
    promptLengths,
    async *doGenerate({ promptTokens, stopTokens }): AsyncGenerator<BackendChunk> {
      promptLengths.push(promptTokens.length);
      const tokens = queue.shift() ?? [];
      let generated = 0;
      for (const token of tokens) {
        generated++;
        yield { type: 'tokens', tokens: [token] };
        if (stopTokens.includes(token)) break;
      }
      yield {
        type: 'finish',
        reason: 'stop',
        usage: { promptTokens: promptTokens.length, generatedTokens: generated },
      };
    },
  };
}

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
    const backend = createReplayBackend([scriptFinal(answer, { analysis: answer })]);
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

/**
 * Host times of tool rounds with a given history, in milliseconds: the time from one model step's start
 * to the next one's (the call decoded, the tool run, its result appended, the next prompt), for each round
 * of several runs.
 */
async function toolRoundCost(
  history: Conversation,
  rounds: number,
): Promise<{ promptTokens: number; samples: number[] }> {
  const samples: number[] = [];
  let promptTokens = 0;
  for (let i = 0; i < 10; i++) {
    const backend = createReplayBackend([
      ...Array.from({ length: rounds }, (_, index) =>
        scriptToolCall('lookup', { key: `k${index}` }, { analysis: 'Look it up.' }),
      ),
      scriptFinal('Done.'),
    ]);
    const agent = createAgent({ backend, tools: [lookup], currentDate: null, maxToolRounds: rounds + 1 });
    const run = agent.run('Look things up.', { history });
    const starts: number[] = [];
    run.on('step-start', () => starts.push(performance.now()));
    await run;
    // The first run warms up the JIT.
    if (i > 0)
      for (let step = 1; step < starts.length; step++) samples.push(starts[step]! - starts[step - 1]!);
    promptTokens = backend.promptLengths[0]!;
  }
  return { promptTokens, samples };
}

/** Host times of a new turn on a given history, in milliseconds (one per run, the history reused). */
async function newTurnCost(history: Conversation): Promise<{ promptTokens: number; samples: number[] }> {
  const samples: number[] = [];
  let promptTokens = 0;
  for (let i = 0; i < 15; i++) {
    const backend = createReplayBackend([scriptFinal('Done.')]);
    const agent = createAgent({ backend, tools: [lookup], currentDate: null });
    const started = performance.now();
    await agent.run('One more question.', { history });
    // The first runs warm up the JIT (and render the history's messages once).
    if (i >= 3) samples.push(performance.now() - started);
    promptTokens = backend.promptLengths[0]!;
  }
  return { promptTokens, samples };
}

/** Turns of the soak, and how many turns at each end are compared. */
const SOAK_TURNS = 1_000;
const SOAK_WINDOW = 50;

/**
 * Host time per turn over one 1,000-turn conversation (a tool call every 10th turn; as the reliability
 * soak): the median of the first 50 turns and of the last 50, in milliseconds.
 */
async function soakCost(): Promise<{ firstMs: number; lastMs: number; lastPromptTokens: number }> {
  const completions: string[] = [];
  for (let turn = 0; turn < SOAK_TURNS; turn++) {
    if (turn % 10 === 0) completions.push(scriptToolCall('lookup', { key: `w${turn}` }));
    completions.push(scriptFinal(`Answer ${turn}.`));
  }
  const backend = createReplayBackend(completions);
  const agent = createAgent({ backend, tools: [lookup], currentDate: null });
  let history = Conversation.empty();
  const times: number[] = [];
  for (let turn = 0; turn < SOAK_TURNS; turn++) {
    const started = performance.now();
    const result = await agent.run(`Question ${turn}`, { history });
    times.push(performance.now() - started);
    history = result.history;
  }
  return {
    firstMs: median(times.slice(0, SOAK_WINDOW)),
    lastMs: median(times.slice(-SOAK_WINDOW)),
    lastPromptTokens: backend.promptLengths.at(-1)!,
  };
}

/** Runs the runner benchmark and returns its figures. */
export async function runRunnerBenchmark() {
  const token = await perTokenCost();
  const sizes = [1_000, 4_000, 16_000, 32_000];
  // Warm the JIT up on every path first, so that the first size measured is not the slowest for that.
  await toolRoundCost(historyOf(sizes[0]!), 20);
  await newTurnCost(historyOf(sizes[0]!));
  // Each size is measured twice, smallest first then largest first, so that neither end gains from the
  // order (JIT tiers, garbage collection); the figure is the median of the two passes' samples.
  const histories = sizes.map(historyOf);
  const order = [...sizes.keys(), ...[...sizes.keys()].reverse()];
  const roundSamples = sizes.map(() => [] as number[]);
  const turnSamples = sizes.map(() => [] as number[]);
  const promptTokens = sizes.map(() => 0);
  for (const index of order) {
    const round = await toolRoundCost(histories[index]!, 20);
    roundSamples[index]!.push(...round.samples);
    const turn = await newTurnCost(histories[index]!);
    turnSamples[index]!.push(...turn.samples);
    promptTokens[index] = turn.promptTokens;
  }
  const rounds = sizes.map((_, index) => ({
    historyTokens: promptTokens[index]!,
    msPerRound: median(roundSamples[index]!),
  }));
  const turns = sizes.map((_, index) => ({
    historyTokens: promptTokens[index]!,
    msPerTurn: median(turnSamples[index]!),
  }));
  const soak = await soakCost();
  return {
    soak,
    soakRatioLastToFirst: soak.lastMs / soak.firstMs,
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
  console.log('Runner host-side cost (replay backend)');
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
  const { soak } = result;
  console.log(
    `  ${SOAK_TURNS}-turn conversation (last prompt ${soak.lastPromptTokens} tokens), median per turn: first ${SOAK_WINDOW} ${soak.firstMs.toFixed(3)} ms, last ${SOAK_WINDOW} ${soak.lastMs.toFixed(3)} ms`,
  );
  console.log(
    `  ${SOAK_TURNS}-turn cost, last ${SOAK_WINDOW} / first ${SOAK_WINDOW}: ${result.soakRatioLastToFirst.toFixed(2)}x (target <= 1.20)`,
  );
}
