/**
 * Tokenizer throughput on a megabyte (the `http_fetch` limit) of prose, of one letter, of spaces and
 * of punctuation. A run of one character class is one pre-tokenized piece, so its cost is the
 * byte-pair merge alone: 0.1's merge was quadratic (64 kB of one letter took 6 s, a megabyte about
 * 20 minutes). Target: a megabyte of one letter within a few times the cost of a megabyte of prose.
 *
 * Run: `node --conditions=@harmony-agents/source --import tsx bench/tokenizer.bench.ts`
 */
import { pathToFileURL } from 'node:url';
import { loadO200kHarmonyTokenizer } from '@harmony-agents/core/harmony';

const MEGABYTE = 1 << 20;

/** One input's measurement: the median time of a megabyte and its throughput. */
export interface TokenizerThroughput {
  readonly input: string;
  readonly bytes: number;
  readonly tokens: number;
  readonly ms: number;
  readonly megabytesPerSecond: number;
}

const PROSE =
  'The weather forecast for tomorrow shows rain in Seoul, sunshine in San Francisco and snow near Zürich; ' +
  'please check the order status, refund policy, shipping address and invoice number 48213 before replying. ';

/** The inputs, each a megabyte. */
export function benchmarkInputs(): Record<string, string> {
  return {
    prose: PROSE.repeat(Math.ceil(MEGABYTE / PROSE.length)).slice(0, MEGABYTE),
    'one letter (a)': 'a'.repeat(MEGABYTE),
    spaces: ' '.repeat(MEGABYTE),
    'punctuation (!)': '!'.repeat(MEGABYTE),
  };
}

/** Encodes each input `runs` times (after one unmeasured run) and returns the medians. */
export function runTokenizerBenchmark(runs = 5): TokenizerThroughput[] {
  const tokenizer = loadO200kHarmonyTokenizer();
  const results: TokenizerThroughput[] = [];
  for (const [input, text] of Object.entries(benchmarkInputs())) {
    const bytes = Buffer.byteLength(text);
    let tokens = tokenizer.encodeOrdinary(text).length;
    const samples: number[] = [];
    for (let run = 0; run < runs; run++) {
      const started = performance.now();
      tokens = tokenizer.encodeOrdinary(text).length;
      samples.push(performance.now() - started);
    }
    const ms = [...samples].sort((a, b) => a - b)[Math.floor(runs / 2)]!;
    results.push({ input, bytes, tokens, ms, megabytesPerSecond: bytes / MEGABYTE / (ms / 1000) });
  }
  return results;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const results = runTokenizerBenchmark();
  const prose = results[0]!;
  console.log('Tokenizer benchmark: encodeOrdinary of 1 MB, median of 5 runs');
  console.table(
    Object.fromEntries(
      results.map((result) => [
        result.input,
        {
          tokens: result.tokens,
          ms: result.ms.toFixed(0),
          'MB/s': result.megabytesPerSecond.toFixed(2),
          'time / prose': (result.ms / prose.ms).toFixed(2),
        },
      ]),
    ),
  );
}
