/**
 * llama.cpp backend benchmark on the tiny generated gpt-oss model (CPU, one thread), as ratios from one run:
 *
 * 1. KV-cache reuse: prompt tokens evaluated per tool round / tokens that round added (target 1.00), for the
 *    weather workflow run by the agent runner, counted by node-llama-cpp's token meter.
 * 2. Decode speed: tokens/s through our backend / a bare node-llama-cpp `sequence.evaluate` loop on the same
 *    model and settings (target >= 0.95), greedy; plus the default sampling (temperature 1, top-p 1, no top-k)
 *    against node-llama-cpp given `topK: 0`, which sorts the whole vocabulary every token.
 * 3. The same three-turn conversation through node-llama-cpp's `LlamaChatSession` + `HarmonyChatWrapper`:
 *    prompt tokens evaluated and time per turn, next to our backend driven by the runner.
 *
 * Run: `node --conditions=@harmony-agents/source --import tsx bench/llamacpp.bench.ts`
 */
import { pathToFileURL } from 'node:url';
import { type LlamaCppModel, loadLlamaCppModel } from '@harmony-agents/backend-llamacpp';
import {
  createScriptedLlamaCppBackend,
  getTinyGptOssModel,
  tokenScriptGrammar,
} from '@harmony-agents/backend-llamacpp/test-models';
import { type Backend, createAgent, defineTool, type RunOptions } from '@harmony-agents/core';
import type { BackendUsage } from '@harmony-agents/core/backend';
import { loadO200kHarmonyTokenizer } from '@harmony-agents/core/harmony';
import { scriptFinal, scriptToolCall } from '@harmony-agents/core/testing';
import {
  HarmonyChatWrapper,
  type Llama,
  LlamaChatSession,
  type LlamaModel,
  type Token,
  TokenBias,
} from 'node-llama-cpp';
import { z } from 'zod';

const CONTEXT = { contextSize: 2048, batchSize: 128, threads: 1 } as const;
const tokenizer = loadO200kHarmonyTokenizer();
const encode = (text: string) => tokenizer.encode(text, { allowedSpecial: 'all' });

function weatherTools() {
  return [
    defineTool({
      name: 'get_current_location',
      description: 'Gets the current location of a user.',
      parameters: z.object({ userid: z.string() }),
      execute: ({ userid }) => (userid === 'john123' ? 'San Francisco, CA' : 'Seoul, South Korea'),
    }),
    defineTool({
      name: 'get_current_temperature',
      description: 'Gets the current temperature at a location.',
      parameters: z.object({ location: z.string(), format: z.enum(['celsius', 'fahrenheit']) }),
      execute: ({ format }) => ({ temperature: format === 'fahrenheit' ? 64 : 18, format }),
    }),
  ];
}

/** 1. Prompt tokens evaluated per tool round / tokens the round added, from node-llama-cpp's token meter. */
async function kvReuse(model: LlamaCppModel) {
  const completions = [
    scriptToolCall('get_current_location', { userid: 'john123' }, { analysis: 'Location first.' }),
    scriptToolCall('get_current_temperature', { location: 'San Francisco, CA', format: 'fahrenheit' }),
    scriptFinal('It is 64°F in San Francisco, CA.', { analysis: 'Answer.' }),
    scriptToolCall('get_current_location', { userid: 'jay_lee' }, { analysis: 'Same for jay_lee.' }),
    scriptToolCall('get_current_temperature', { location: 'Seoul, South Korea', format: 'fahrenheit' }),
    scriptFinal('It is 41°F in Seoul, South Korea.', { analysis: 'Answer.' }),
  ];
  // Without speculative decoding: its verified guesses are evaluated tokens too, measured apart in (5).
  const scripted = createScriptedLlamaCppBackend({
    model,
    completions,
    ...CONTEXT,
    speculativeDecoding: false,
  });
  const calls: { prompt: readonly number[]; generated: number[]; meterBefore: number }[] = [];
  const backend: Backend = {
    specificationVersion: scripted.specificationVersion,
    backendId: scripted.backendId,
    capabilities: scripted.backend.capabilities,
    async *doGenerate(request) {
      const call = {
        // A copy: the runner appends to the prompt array for its next step (the backend contract).
        prompt: [...request.promptTokens],
        generated: [] as number[],
        meterBefore: scripted.backend.evaluatedTokenCount,
      };
      calls.push(call);
      for await (const chunk of scripted.doGenerate(request)) {
        if (chunk.type === 'tokens') call.generated.push(...chunk.tokens);
        yield chunk;
      }
    },
  };
  const agent = createAgent({ backend, tools: weatherTools(), currentDate: null });
  const first = await agent.run('What is the temperature in Fahrenheit where user john123 is?');
  await agent.run('and for jay_lee?', { history: first.history });
  const meterAtEnd = scripted.backend.evaluatedTokenCount;
  await scripted.dispose();
  const rounds = calls.slice(1).map((call, index) => {
    const previous = calls[index]!;
    // What the engine already processed: the previous prompt and generation, less the unevaluated stop token.
    const processed = [...previous.prompt, ...previous.generated.slice(0, -1)];
    let shared = 0;
    while (
      shared < processed.length &&
      shared < call.prompt.length - 1 &&
      processed[shared] === call.prompt[shared]
    ) {
      shared++;
    }
    const meterAfter = calls[index + 2]?.meterBefore ?? meterAtEnd;
    const evaluated = meterAfter - call.meterBefore - (call.generated.length - 1);
    return { added: call.prompt.length - shared, evaluated, promptTokens: call.prompt.length };
  });
  const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);
  return {
    rounds,
    evaluatedPerAdded: sum(rounds.map((round) => round.evaluated)) / sum(rounds.map((round) => round.added)),
  };
}

/** Runs one generation without stop tokens and returns its usage. */
async function generationUsage(
  backend: Backend,
  prompt: readonly number[],
  maxTokens: number,
  sampling = { temperature: 0, seed: 1 },
): Promise<BackendUsage> {
  let usage: BackendUsage | undefined;
  for await (const chunk of backend.doGenerate({
    promptTokens: prompt,
    stopTokens: [],
    maxTokens,
    sampling,
    signal: undefined,
    constrainedTools: [],
  })) {
    if (chunk.type === 'finish') usage = chunk.usage;
  }
  if (usage === undefined) throw new Error('the generation ended without a finish chunk');
  return usage;
}

/** Decoded tokens per second of a generation (the first token is prefill's). */
const decodeRate = (usage: BackendUsage) => (usage.generatedTokens - 1) / (usage.decodeMs! / 1000);

/** 2. Decode tokens/s: our backend vs a bare node-llama-cpp loop, same model and context settings. */
async function decodeSpeed(model: LlamaCppModel) {
  const prompt = encode('<|start|>user<|message|>Write a long story.<|end|><|start|>assistant');
  const tokens = 300;
  const plainBackend = model.createBackend({ ...CONTEXT, speculativeDecoding: false });
  const speculativeBackend = model.createBackend(CONTEXT);
  await plainBackend.initialize();
  await speculativeBackend.initialize();
  const context = await (model.model as LlamaModel).createContext({ ...CONTEXT, swaFullCache: true });
  const sequence = context.getSequence();
  const ours = async (sampling: { temperature: number; seed: number }, backend = plainBackend) =>
    decodeRate(await generationUsage(backend, prompt, tokens, sampling));
  const bare = async (options: Record<string, unknown>) => {
    await sequence.clearHistory();
    let count = 0;
    let started = 0;
    for await (const _token of sequence.evaluate(prompt as Token[], { ...options, yieldEogToken: true })) {
      if (count === 0) started = performance.now();
      if (++count >= tokens) break;
    }
    return (count - 1) / ((performance.now() - started) / 1000);
  };
  const greedyOurs: number[] = [];
  const greedySpeculative: number[] = [];
  const greedyBare: number[] = [];
  const sampledOurs: number[] = [];
  const sampledTopKZero: number[] = [];
  // Interleaved runs, best of each: on a machine shared with other jobs, the fastest run is the least disturbed.
  for (let run = 0; run < 8; run++) {
    greedyOurs.push(await ours({ temperature: 0, seed: run }));
    greedySpeculative.push(await ours({ temperature: 0, seed: run }, speculativeBackend));
    greedyBare.push(await bare({ temperature: 0 }));
    sampledOurs.push(await ours({ temperature: 1, seed: run }));
    sampledTopKZero.push(await bare({ temperature: 1, topP: 1, topK: 0, seed: run }));
  }
  await plainBackend.dispose();
  await speculativeBackend.dispose();
  await context.dispose();
  const best = (values: number[]) => Math.max(...values);
  return {
    greedyTokensPerSecond: {
      ours: best(greedyOurs),
      oursSpeculative: best(greedySpeculative),
      bare: best(greedyBare),
    },
    greedyRatio: best(greedyOurs) / best(greedyBare),
    greedySpeculativeRatio: best(greedySpeculative) / best(greedyBare),
    defaultSamplingTokensPerSecond: { ours: best(sampledOurs), nodeLlamaCppTopKZero: best(sampledTopKZero) },
    defaultSamplingRatio: best(sampledOurs) / best(sampledTopKZero),
  };
}

const QUESTIONS = ['What is the weather in Seoul?', 'And tomorrow?', 'Thanks! Anything else?'];
const ANSWERS = ['It is clear and 5°C.', 'Rain is expected tomorrow.', 'Take an umbrella.'];

/**
 * 3. Three turns through LlamaChatSession + HarmonyChatWrapper, and through the runner and our backend, each
 * answer forced the same way on both sides: a token grammar plus a bias that favours the next expected token
 * (so the sampler's first pick satisfies the grammar and llama.cpp skips its pass over the whole vocabulary,
 * as the scripted tests do). Both contexts exist before the first turn is timed.
 *
 * What made ours look slower in 0.1 was the bench, not the agent: both sides keep the full SWA cache (no
 * checkpoints) and the runner's host cost is below a millisecond a turn (runner.bench.ts). 0.1 forced the
 * answers by grammar alone, so every sampled token paid llama.cpp's grammar pass over the whole vocabulary,
 * and our side sampled three more such tokens (`<|channel|>final<|message|>`, which the chat wrapper writes
 * without sampling) and created its context inside the first timed turn. Measured in one run (2026-12-05,
 * machine loaded): grammar alone, ours 1071/491/399 ms against 885/604/288 ms; grammar plus the favoured-token
 * bias on both sides, ours 126/126/111 ms against 180/199/232 ms. On a quiet machine (2026-12-06) the forced
 * turns take 70/53/50 ms against 58/47/55 ms.
 *
 * The remaining gap, traced (2026-12-06): the two sides do not sample the same number of tokens. Given a
 * grammar, HarmonyChatWrapper injects `<|channel|>final<|message|>` into the context unsampled (its
 * `noPrefixTrigger`: the model is not allowed to choose a channel, so it cannot reason first), then samples the
 * answer and the stop token: 9, 6 and 5 decode steps for the three turns (node-llama-cpp's token meter). Our
 * runner lets the model write the header, as Harmony expects of gpt-oss: 12, 9 and 8 steps, three more each
 * turn, the same three tokens. On the tiny model one decode step costs 4-6 ms (the 201,088-row output
 * projection), so three steps are the 6-12 ms; per sampled token ours is the cheaper one (printed below as
 * ms per decode step). Closing the gap would mean not sampling a header the model must choose (on a real
 * model the first turn of a reasoning model starts with `<|channel|>analysis`, which both sides sample).
 */
async function chatSessionComparison(model: LlamaCppModel) {
  const context = await (model.model as LlamaModel).createContext({ ...CONTEXT, swaFullCache: true });
  const sequence = context.getSequence();
  const session = new LlamaChatSession({
    contextSequence: sequence,
    chatWrapper: new HarmonyChatWrapper({ todayDate: null }),
    systemPrompt: 'Answer briefly.',
  });
  const favoured = new Map<number, TokenBias>();
  const favour = (token: number | undefined) => {
    if (token === undefined) return new TokenBias((model.model as LlamaModel).tokenizer);
    let bias = favoured.get(token);
    if (bias === undefined) {
      bias = new TokenBias((model.model as LlamaModel).tokenizer).set(token as Token, { logit: 1000 });
      favoured.set(token, bias);
    }
    return bias;
  };
  const nodeLlamaCpp: { evaluatedPromptTokens: number; sampledTokens: number; ms: number }[] = [];
  for (const [index, question] of QUESTIONS.entries()) {
    // The wrapper writes `<|channel|>final<|message|>` itself; the grammar and the bias force the answer text.
    const expected = tokenizer.encodeOrdinary(ANSWERS[index]!);
    let generated = 0;
    const before = sequence.tokenMeter.usedInputTokens + sequence.tokenMeter.usedOutputTokens;
    const sampledBefore = sequence.tokenMeter.usedOutputTokens;
    const started = performance.now();
    const grammar = await (model.llama as Llama).createGrammar({ grammar: tokenScriptGrammar(expected) });
    const answer = await session.prompt(question, {
      grammar,
      maxTokens: 64,
      temperature: 1,
      seed: 1,
      tokenBias: () => favour(expected[generated]),
      onToken: (tokens) => {
        generated += tokens.length;
      },
    });
    const ms = performance.now() - started;
    const evaluated = sequence.tokenMeter.usedInputTokens + sequence.tokenMeter.usedOutputTokens - before;
    nodeLlamaCpp.push({
      evaluatedPromptTokens: evaluated - tokenizer.encodeOrdinary(answer).length,
      sampledTokens: sequence.tokenMeter.usedOutputTokens - sampledBefore,
      ms,
    });
  }
  await context.dispose();

  let turn = 0;
  const backend = model.createBackend({
    ...CONTEXT,
    speculativeDecoding: false,
    grammarForRequest: () => {
      const expectedTokens = encode(`<|channel|>final<|message|>${ANSWERS[turn++]}`);
      return { gbnf: tokenScriptGrammar(expectedTokens), expectedTokens };
    },
  });
  await backend.initialize();
  const agent = createAgent({ backend, instructions: 'Answer briefly.', currentDate: null });
  const ours: { evaluatedPromptTokens: number; sampledTokens: number; ms: number }[] = [];
  let history: RunOptions = {};
  for (const question of QUESTIONS) {
    const started = performance.now();
    const result = await agent.run(question, history);
    ours.push({
      evaluatedPromptTokens: result.usage.evaluatedPromptTokens ?? Number.NaN,
      sampledTokens: result.usage.generatedTokens,
      ms: performance.now() - started,
    });
    history = { history: result.history };
  }
  await backend.dispose();
  return { nodeLlamaCpp, ours };
}

const AGENT_PROMPTS = [
  'What is the weather in Seoul?',
  'Where is user john123 right now?',
  'Convert 21 degrees Celsius to Fahrenheit.',
  'and for jay_lee?',
].map((question) => encode(`<|start|>user<|message|>${question}<|end|><|start|>assistant`));

async function generateAll(backend: Backend, prompt: readonly number[], maxTokens: number) {
  return (await generationUsage(backend, prompt, maxTokens)).generatedTokens;
}

/**
 * 4. Several agents on one model: N generations one at a time on one backend, vs N at once on a backend group
 * (one context, a sequence each, decoded in shared batches). Tokens/s of all N; memory of N separate contexts
 * vs one group context.
 *
 * Why the ratio stays below the 2.5x target here: a decode step on this 2-core machine is bound by compute,
 * not by reading the weights, so a batch of 4 costs close to 4 steps of 1. On the tiny model each token's cost
 * is the 201,088-row output projection and sampling (its two 64-wide layers cost next to nothing). To check
 * that this is not the tiny model's shape, `HARMONY_AGENTS_BENCH_WIDE=1` also runs this measurement on a
 * generated model of gpt-oss-20b's width (2,880) and vocabulary (1.25 GiB, 2 layers; generated once, about
 * 1-2 minutes): measured 2026-12-06 on a quiet machine, one at a time 29.5 tok/s and 4 batched 32.1 tok/s on
 * 1 thread (1.09x), 36.2 and 53.6 tok/s on 2 threads (1.48x). Its output projection alone is 579M
 * multiply-adds a token, ~17 G/s on one core at batch 1, which is what that core's int8 dot products give. Batching pays where a step waits on memory (many cores per memory
 * channel, or a GPU), where a batch of 4 reads the weights once instead of 4 times; and it always saves
 * memory (4 separate contexts 397 MiB, one group context 102 MiB on the tiny model).
 */
async function batchedAgents(model: LlamaCppModel, tokens = 96, threads: number = CONTEXT.threads) {
  const count = AGENT_PROMPTS.length;
  const options = { ...CONTEXT, threads, speculativeDecoding: false } as const;
  const lone = model.createBackend(options);
  await lone.initialize();
  const group = model.createBackendGroup(count, options);
  await Promise.all(group.backends.map((backend) => backend.initialize()));
  const sequential: number[] = [];
  const concurrent: number[] = [];
  for (let run = 0; run < 3; run++) {
    let started = performance.now();
    let generated = 0;
    for (const prompt of AGENT_PROMPTS) generated += await generateAll(lone, prompt, tokens);
    sequential.push(generated / ((performance.now() - started) / 1000));
    started = performance.now();
    const counts = await Promise.all(
      group.backends.map((backend, index) => generateAll(backend, AGENT_PROMPTS[index]!, tokens)),
    );
    concurrent.push(counts.reduce((sum, value) => sum + value, 0) / ((performance.now() - started) / 1000));
  }
  await lone.dispose();
  await group.dispose();

  // Memory: node-llama-cpp's estimate of N contexts of one sequence each, against one context of N sequences
  // (KV cache and compute buffers; the KV cache is the same, the compute buffers exist once in a group).
  const estimate = async (sequences: number) =>
    (
      await (model.model as LlamaModel).fileInsights.estimateContextResourceRequirementsV2({
        contextSize: CONTEXT.contextSize,
        batchSize: CONTEXT.batchSize,
        sequences,
        modelGpuLayers: 0,
        swaFullCache: true,
      })
    ).cpuRam /
    2 ** 20;
  const separateMiB = count * (await estimate(1));
  const groupMiB = await estimate(count);
  const best = (values: number[]) => Math.max(...values);
  return {
    agents: count,
    tokensPerSecond: { oneAtATime: best(sequential), batched: best(concurrent) },
    throughputRatio: best(concurrent) / best(sequential),
    memoryMiB: { separateContexts: separateMiB, group: groupMiB },
  };
}

/**
 * 5. Speculative decoding on a copy-heavy step: an answer that repeats the user's text, forced by a token
 * grammar (as the scripted tests do), with and without prompt-lookup guesses. Same tokens either way.
 */
async function speculativeCopy(model: LlamaCppModel) {
  const copied =
    'The account john123 belongs to Jonathan Appleseed, who lives at 1 Infinite Loop, Cupertino, California, United States, and prefers Fahrenheit; jay_lee lives at 221B Baker Street, London.';
  const prompt = encode(
    `<|start|>user<|message|>Repeat this exactly: ${copied}<|end|><|start|>assistant<|channel|>final<|message|>`,
  );
  const forced = tokenizer.encodeOrdinary(copied);
  const grammarForRequest = () => ({ gbnf: tokenScriptGrammar(forced), expectedTokens: forced });
  const plain = model.createBackend({ ...CONTEXT, speculativeDecoding: false, grammarForRequest });
  const speculative = model.createBackend({ ...CONTEXT, grammarForRequest });
  await plain.initialize();
  await speculative.initialize();
  const rate = async (backend: Backend) =>
    decodeRate(await generationUsage(backend, prompt, forced.length + 1));
  const plainRates: number[] = [];
  const speculativeRates: number[] = [];
  for (let run = 0; run < 8; run++) {
    plainRates.push(await rate(plain));
    speculativeRates.push(await rate(speculative));
  }
  const predictions = speculative.tokenPredictions;
  await plain.dispose();
  await speculative.dispose();
  const best = (values: number[]) => Math.max(...values);
  return {
    tokens: forced.length,
    tokensPerSecond: { plain: best(plainRates), speculative: best(speculativeRates) },
    ratio: best(speculativeRates) / best(plainRates),
    guessedShare: predictions.used / (8 * forced.length),
  };
}

/** Runs the llama.cpp benchmark on the tiny model and returns its figures. */
export async function runLlamaCppBenchmark() {
  const file = await getTinyGptOssModel();
  const loadStarted = performance.now();
  const model = await loadLlamaCppModel({ model: file.path });
  const loadMs = performance.now() - loadStarted;
  try {
    return {
      model: { bytes: file.bytes, generationMs: file.generationMs, loadMs },
      kvReuse: await kvReuse(model),
      decode: await decodeSpeed(model),
      chatSession: await chatSessionComparison(model),
      batched: await batchedAgents(model),
      speculative: await speculativeCopy(model),
    };
  } finally {
    await model.dispose();
  }
}

/**
 * 4 again, on a generated model of gpt-oss-20b's hidden width (2,880), heads (64 query, 8 key/value, 64 wide)
 * and vocabulary, with 2 layers of small experts: its per-token cost is a real model's output projection.
 * On 1 and 2 threads. Opt-in (`HARMONY_AGENTS_BENCH_WIDE=1`): the file is 1.25 GiB.
 */
export async function runWideBatchedBenchmark() {
  const file = await getTinyGptOssModel({
    embeddingLength: 2880,
    headCount: 64,
    headCountKv: 8,
    headDimension: 64,
    expertFeedForwardLength: 256,
  });
  const model = await loadLlamaCppModel({ model: file.path });
  try {
    return {
      bytes: file.bytes,
      oneThread: await batchedAgents(model, 24, 1),
      twoThreads: await batchedAgents(model, 24, 2),
    };
  } finally {
    await model.dispose();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const result = await runLlamaCppBenchmark();
  const fixed = (value: number, digits = 2) => value.toFixed(digits);
  console.log('llama.cpp backend, tiny gpt-oss model (CPU, 1 thread)');
  console.log(
    `  model: ${fixed(result.model.bytes / 2 ** 20, 1)} MiB, generated in ${fixed(result.model.generationMs, 0)} ms (0 = cached), loaded in ${fixed(result.model.loadMs, 0)} ms`,
  );
  for (const [index, round] of result.kvReuse.rounds.entries()) {
    console.log(
      `      model call ${index + 2}: prompt ${round.promptTokens} tokens, ${round.added} not yet processed, ${round.evaluated} evaluated`,
    );
  }
  console.log(
    `  (1) prompt tokens evaluated / tokens added, all rounds: ${fixed(result.kvReuse.evaluatedPerAdded)} (target 1.00)`,
  );
  const decode = result.decode;
  console.log(
    `  (2) greedy decode: ours ${fixed(decode.greedyTokensPerSecond.ours, 0)} tok/s, bare node-llama-cpp ${fixed(decode.greedyTokensPerSecond.bare, 0)} tok/s, ratio ${fixed(decode.greedyRatio)} (target >= 0.98)`,
  );
  console.log(
    `      with speculative decoding on (random text, guesses mostly refuted): ${fixed(decode.greedyTokensPerSecond.oursSpeculative, 0)} tok/s, ratio ${fixed(decode.greedySpeculativeRatio)}`,
  );
  console.log(
    `      default sampling: ours ${fixed(decode.defaultSamplingTokensPerSecond.ours, 0)} tok/s, node-llama-cpp topK 0 ${fixed(decode.defaultSamplingTokensPerSecond.nodeLlamaCppTopKZero, 0)} tok/s, ratio ${fixed(decode.defaultSamplingRatio)}`,
  );
  console.log(
    '  (3) same answers forced on both sides (grammar + favoured next token); the chat wrapper writes <|channel|>final<|message|> unsampled',
  );
  for (const [index, turn] of result.chatSession.nodeLlamaCpp.entries()) {
    const ours = result.chatSession.ours[index]!;
    console.log(
      `  (3) turn ${index + 1}: LlamaChatSession evaluated ${turn.evaluatedPromptTokens} prompt tokens and sampled ${turn.sampledTokens} in ${fixed(turn.ms, 0)} ms; runner + our backend ${ours.evaluatedPromptTokens} and ${ours.sampledTokens} in ${fixed(ours.ms, 0)} ms, ratio ${fixed(ours.ms / turn.ms)} (target <= 1.00)`,
    );
    console.log(
      `      ms per sampled token: LlamaChatSession ${fixed(turn.ms / turn.sampledTokens)}, ours ${fixed(ours.ms / ours.sampledTokens)}, ratio ${fixed(ours.ms / ours.sampledTokens / (turn.ms / turn.sampledTokens))} (ours samples the header <|channel|>final<|message|> the wrapper injects)`,
    );
  }
  const batched = result.batched;
  console.log(
    `  (4) ${batched.agents} agents: one at a time ${fixed(batched.tokensPerSecond.oneAtATime, 0)} tok/s, batched on one context ${fixed(batched.tokensPerSecond.batched, 0)} tok/s, ratio ${fixed(batched.throughputRatio)} (target >= 2.50)`,
  );
  console.log(
    `      memory (node-llama-cpp's estimate): ${batched.agents} separate contexts ${fixed(batched.memoryMiB.separateContexts, 1)} MiB, one group context ${fixed(batched.memoryMiB.group, 1)} MiB`,
  );
  if (process.env.HARMONY_AGENTS_BENCH_WIDE === '1') {
    const wide = await runWideBatchedBenchmark();
    for (const [label, figures] of [
      ['1 thread', wide.oneThread],
      ['2 threads', wide.twoThreads],
    ] as const) {
      console.log(
        `      on a model of gpt-oss-20b's width (${fixed(wide.bytes / 2 ** 30)} GiB), ${label}: one at a time ${fixed(figures.tokensPerSecond.oneAtATime, 1)} tok/s, batched ${fixed(figures.tokensPerSecond.batched, 1)} tok/s, ratio ${fixed(figures.throughputRatio)}`,
      );
    }
  } else {
    console.log(
      "      (HARMONY_AGENTS_BENCH_WIDE=1 also measures it on a model of gpt-oss-20b's width, 1.25 GiB)",
    );
  }
  const speculative = result.speculative;
  console.log(
    `  (5) copy-heavy step (${speculative.tokens} tokens copied): plain ${fixed(speculative.tokensPerSecond.plain, 0)} tok/s, speculative ${fixed(speculative.tokensPerSecond.speculative, 0)} tok/s, ratio ${fixed(speculative.ratio)} (target >= 1.30), ${fixed(speculative.guessedShare * 100, 0)}% of tokens were verified guesses`,
  );
}
