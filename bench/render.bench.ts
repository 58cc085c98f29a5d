/**
 * Renderer benchmark: `renderConversationForCompletion` of a 200-message conversation with 20 function
 * tools, against plain tokenization of the same text (the decoded rendering) with
 * (a) js-tiktoken's o200k_base (`encode(text, [], [])`) and (b) our tokenizer's `encodeOrdinary`.
 * Target: rendering within 1.1x of plain tokenization (it does the same BPE work plus building the
 * header pieces, the tools section and the schema declarations).
 *
 * Where the time went (2026-12-06, `--cpu-prof` and timing the parts): rendering the 20 tools' declarations
 * (JSON Schema to TypeScript) took ~0.11 ms and tokenizing them ~0.19 ms of ~1.6-1.8 ms; the messages' headers
 * ~0.05 ms; every other piece is the same BPE work plain tokenization does. The renderer now keeps the tokens
 * of the last 16 distinct system and developer texts (by text: a changed tool is a new text), because an
 * application sends the same instructions and tools on every request; it still builds the text each time.
 * `renderNewDeveloperText` is the same conversation with a developer text never seen before (its
 * instructions end with the run's number), i.e. the first request of an application.
 *
 * Run: `node --conditions=@harmony-agents/source --import tsx bench/render.bench.ts`
 */
import { pathToFileURL } from 'node:url';
import type { Message, ToolDescription } from '@harmony-agents/core';
import {
  createDeveloperContent,
  createMessage,
  createSystemContent,
  loadHarmonyEncoding,
} from '@harmony-agents/core/harmony';
import { Tiktoken } from 'js-tiktoken/lite';
import o200kBase from 'js-tiktoken/ranks/o200k_base';

/** What {@link runRenderBenchmark} measured; times are medians in milliseconds. */
export interface RenderBenchmarkResult {
  readonly messages: number;
  readonly functionTools: number;
  readonly tokens: number;
  readonly characters: number;
  readonly runs: number;
  readonly renderMs: number;
  /** The same render with a developer text never rendered before (nothing kept from earlier runs). */
  readonly renderNewDeveloperTextMs: number;
  readonly encodeOrdinaryMs: number;
  readonly jsTiktokenMs: number;
  /** renderMs / encodeOrdinaryMs. */
  readonly renderVersusEncodeOrdinary: number;
  /** renderMs / jsTiktokenMs. */
  readonly renderVersusJsTiktoken: number;
}

/** Options of {@link runRenderBenchmark}. */
export interface RenderBenchmarkOptions {
  /** Measured runs per contender. @defaultValue 30 */
  readonly runs?: number;
  /** Unmeasured runs per contender first. @defaultValue 5 */
  readonly warmupRuns?: number;
}

const median = (values: readonly number[]): number =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** A small deterministic generator (mulberry32), so every run renders the same conversation. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = (
  'the weather forecast for tomorrow shows rain in Seoul, sunshine in San Francisco and snow near Zürich; ' +
  'please check the order status, refund policy, shipping address and invoice number 48213 before replying. ' +
  'The user wants a summary of quarterly revenue (Q3 2025: $4.2M, +12%) and a short list of risks. ' +
  'We should call the tool again with a narrower date range, then compare the results with last week.'
).split(' ');

function sentence(random: () => number, words: number): string {
  const parts: string[] = [];
  for (let index = 0; index < words; index++) parts.push(WORDS[Math.floor(random() * WORDS.length)]!);
  return `${parts.join(' ')}.`;
}

function functionTools(): ToolDescription[] {
  const tools: ToolDescription[] = [];
  for (let index = 0; index < 20; index++) {
    tools.push({
      name: `tool_${index}_lookup`,
      description: `Looks up records of kind ${index} in the company database.\nReturns at most \`limit\` rows.`,
      parameters: {
        type: 'object',
        properties: {
          query: { type: 'string', description: 'Free-text search query.' },
          limit: { type: 'integer', description: 'Maximum number of rows.', default: 20 },
          sort: { type: 'string', enum: ['relevance', 'date', 'amount'], default: 'relevance' },
          filters: {
            type: 'object',
            description: 'Optional filters.',
            properties: {
              from: { type: 'string', description: 'ISO date, inclusive.' },
              to: { type: 'string', description: 'ISO date, exclusive.' },
              tags: { type: 'array', items: { type: 'string' } },
            },
          },
          region: { oneOf: [{ type: 'string' }, { type: 'null' }], description: 'Region code or null.' },
          include_archived: { type: 'boolean', default: false, nullable: true },
        },
        required: ['query'],
      },
    });
  }
  return tools;
}

/** A 200-message conversation: system, developer with 20 tools, then turns with analysis, tool calls, results and answers. */
export function benchmarkConversation(): Message[] {
  const random = seededRandom(42);
  const messages: Message[] = [
    createMessage(
      'system',
      createSystemContent({ conversationStartDate: '2025-06-28', reasoningEffort: 'high' }),
    ),
    createMessage(
      'developer',
      createDeveloperContent({ instructions: sentence(random, 40), functionTools: functionTools() }),
    ),
  ];
  let turn = 0;
  while (messages.length < 200) {
    const tool = `functions.tool_${turn % 20}_lookup`;
    messages.push(createMessage('user', sentence(random, 30 + Math.floor(random() * 40))));
    messages.push(createMessage('assistant', sentence(random, 60), { channel: 'analysis' }));
    messages.push(
      createMessage('assistant', JSON.stringify({ query: sentence(random, 6), limit: 10, sort: 'date' }), {
        channel: 'commentary',
        recipient: tool,
        contentType: '<|constrain|>json',
      }),
    );
    messages.push(
      createMessage(
        'tool',
        JSON.stringify({ rows: [sentence(random, 20), sentence(random, 20)], total: turn }),
        {
          name: tool,
          recipient: 'assistant',
          channel: 'commentary',
        },
      ),
    );
    messages.push(
      createMessage('assistant', sentence(random, 50 + Math.floor(random() * 50)), { channel: 'final' }),
    );
    turn++;
  }
  return messages.slice(0, 200);
}

/** Renders and tokenizes the benchmark conversation, interleaving the contenders, and returns the medians. */
export function runRenderBenchmark(options: RenderBenchmarkOptions = {}): RenderBenchmarkResult {
  const runs = options.runs ?? 30;
  const warmupRuns = options.warmupRuns ?? 5;
  const encoding = loadHarmonyEncoding();
  const tiktoken = new Tiktoken(o200kBase);
  const messages = benchmarkConversation();
  const config = { autoDropAnalysis: false };
  const rendered = encoding.renderConversationForCompletion(messages, 'assistant', config);
  const text = encoding.decodeUtf8(rendered);

  const timed = (work: () => number): { length: number; ms: number } => {
    const started = performance.now();
    const length = work();
    return { length, ms: performance.now() - started };
  };
  let variant = 0;
  const developer = messages[1]!.content[0];
  if (developer?.type !== 'developer_content') throw new TypeError('the second message holds the tools');
  const contenders = {
    render: () => timed(() => encoding.renderConversationForCompletion(messages, 'assistant', config).length),
    renderNewDeveloperText: () => {
      // Only the render is timed; the new developer message is built before.
      const fresh = [
        messages[0]!,
        createMessage('developer', {
          ...developer,
          instructions: `${developer.instructions ?? ''} (${++variant})`,
        }),
        ...messages.slice(2),
      ];
      return timed(() => encoding.renderConversationForCompletion(fresh, 'assistant', config).length);
    },
    encodeOrdinary: () => timed(() => encoding.tokenizer.encodeOrdinary(text).length),
    jsTiktoken: () => timed(() => tiktoken.encode(text, [], []).length),
  };
  const samples: Record<keyof typeof contenders, number[]> = {
    render: [],
    renderNewDeveloperText: [],
    encodeOrdinary: [],
    jsTiktoken: [],
  };
  let checksum = 0;
  const names = Object.keys(contenders) as (keyof typeof contenders)[];
  for (let run = 0; run < warmupRuns + runs; run++) {
    for (const name of names) {
      const { length, ms } = contenders[name]();
      checksum += length;
      if (run >= warmupRuns) samples[name].push(ms);
    }
  }
  if (checksum === 0) throw new RangeError('nothing was tokenized');

  const renderMs = median(samples.render);
  const renderNewDeveloperTextMs = median(samples.renderNewDeveloperText);
  const encodeOrdinaryMs = median(samples.encodeOrdinary);
  const jsTiktokenMs = median(samples.jsTiktoken);
  return {
    messages: messages.length,
    functionTools: 20,
    tokens: rendered.length,
    characters: text.length,
    runs,
    renderMs,
    renderNewDeveloperTextMs,
    encodeOrdinaryMs,
    jsTiktokenMs,
    renderVersusEncodeOrdinary: renderMs / encodeOrdinaryMs,
    renderVersusJsTiktoken: renderMs / jsTiktokenMs,
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const result = runRenderBenchmark();
  console.log(
    `Render benchmark: ${result.messages} messages, ${result.functionTools} function tools, ` +
      `${result.tokens} tokens, ${result.characters} characters, median of ${result.runs} runs`,
  );
  console.table({
    renderConversationForCompletion: { ms: result.renderMs.toFixed(2), ratio: '1.00' },
    'the same, developer text never seen before': {
      ms: result.renderNewDeveloperTextMs.toFixed(2),
      ratio: (result.renderNewDeveloperTextMs / result.renderMs).toFixed(2),
    },
    'tokenizer.encodeOrdinary(text)': {
      ms: result.encodeOrdinaryMs.toFixed(2),
      ratio: (result.encodeOrdinaryMs / result.renderMs).toFixed(2),
    },
    'js-tiktoken encode(text)': {
      ms: result.jsTiktokenMs.toFixed(2),
      ratio: (result.jsTiktokenMs / result.renderMs).toFixed(2),
    },
  });
  console.log(
    `render / encodeOrdinary = ${result.renderVersusEncodeOrdinary.toFixed(2)}x, ` +
      `render / js-tiktoken = ${result.renderVersusJsTiktoken.toFixed(2)}x (target: <= 1.1x); ` +
      `with a developer text never seen before ${(result.renderNewDeveloperTextMs / result.encodeOrdinaryMs).toFixed(2)}x`,
  );
}
