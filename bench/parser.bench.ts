/**
 * Parser throughput: tokens per second of `StreamableParser` and `HarmonyStreamDecoder` over realistic
 * gpt-oss completions (analysis, a tool call, analysis, a final answer), about 100k tokens per run.
 *
 * Run: `node --conditions=@harmony-agents/source --import tsx bench/parser.bench.ts`
 */

import { pathToFileURL } from 'node:url';
import {
  HarmonyStreamDecoder,
  loadO200kHarmonyTokenizer,
  StreamableParser,
} from '@harmony-agents/core/harmony';

/** What {@link runParserBenchmark} measured. */
export interface ParserBenchmarkResult {
  /** Tokens fed per run. */
  readonly tokensPerRun: number;
  /** Measured runs (after warm-up). */
  readonly runs: number;
  /** Median tokens per second of `StreamableParser` (process + lastContentDelta per token). */
  readonly parserTokensPerSecond: number;
  /** Median tokens per second of `HarmonyStreamDecoder` (push per token, events consumed). */
  readonly decoderTokensPerSecond: number;
}

/** Options of {@link runParserBenchmark}. */
export interface ParserBenchmarkOptions {
  /**
   * Measured runs; the median is reported.
   * @defaultValue 7
   */
  readonly runs?: number;
  /**
   * Approximate tokens per run.
   * @defaultValue 100_000
   */
  readonly targetTokens?: number;
}

const REASONING =
  'The user asks for the weather in Paris and whether they need an umbrella. We should call get_weather with ' +
  'the city. Temperatures are in °C; the forecast API returns JSON like {"temp": 18, "rain": 0.4}. Consider ' +
  'edge cases: ambiguous city names (Paris, Texas vs Paris, France — naïve matching fails), units, and the ' +
  'time zone (UTC+1). Let me think step by step… First, confirm the location. Second, fetch the forecast. ' +
  'Third, translate the rain probability into advice: above 30 % suggest an umbrella ☂️. ';

function completions(tokenizer: ReturnType<typeof loadO200kHarmonyTokenizer>): number[][] {
  const encode = (text: string) => tokenizer.encode(text, { allowedSpecial: 'all' });
  const toolTurn = encode(
    `<|channel|>analysis<|message|>${REASONING.repeat(4)}<|end|>` +
      '<|start|>assistant<|channel|>commentary to=functions.get_weather <|constrain|>json<|message|>' +
      '{"city": "Paris", "country": "FR", "units": "metric"}<|call|>',
  );
  const finalTurn = encode(
    `<|channel|>analysis<|message|>${REASONING.repeat(2)}<|end|>` +
      `<|start|>assistant<|channel|>final<|message|>${'It will be 18 °C in Paris with a 40 % chance of rain, so take an umbrella. '.repeat(6)}<|return|>`,
  );
  return [toolTurn, finalTurn];
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/**
 * Measures parser and stream-decoder throughput (one parser / decoder per generation, as the runner
 * uses them).
 */
export function runParserBenchmark(options: ParserBenchmarkOptions = {}): ParserBenchmarkResult {
  const runs = options.runs ?? 7;
  const tokenizer = loadO200kHarmonyTokenizer();
  const encoding = { tokenizer };
  const turns = completions(tokenizer);
  const perRepetition = turns.reduce((sum, turn) => sum + turn.length, 0);
  const repetitions = Math.max(1, Math.round((options.targetTokens ?? 100_000) / perRepetition));
  const tokensPerRun = perRepetition * repetitions;
  let sink = 0;

  const parseOnce = (): number => {
    const started = performance.now();
    for (let repetition = 0; repetition < repetitions; repetition++) {
      for (const turn of turns) {
        const parser = new StreamableParser(encoding, 'assistant');
        for (const token of turn) {
          parser.process(token);
          if (parser.lastContentDelta !== null) sink += parser.lastContentDelta.length;
        }
        parser.processEos();
        sink += parser.messages.length;
      }
    }
    return tokensPerRun / ((performance.now() - started) / 1000);
  };

  const decodeOnce = (): number => {
    const started = performance.now();
    for (let repetition = 0; repetition < repetitions; repetition++) {
      for (const turn of turns) {
        const decoder = new HarmonyStreamDecoder(encoding, { role: 'assistant' });
        for (const token of turn) {
          for (const event of decoder.push(token))
            if (event.type === 'content-delta') sink += event.delta.length;
        }
        sink += decoder.end().length;
      }
    }
    return tokensPerRun / ((performance.now() - started) / 1000);
  };

  for (let warmUp = 0; warmUp < 3; warmUp++) {
    parseOnce();
    decodeOnce();
  }
  const parserRates: number[] = [];
  const decoderRates: number[] = [];
  for (let run = 0; run < runs; run++) {
    parserRates.push(parseOnce());
    decoderRates.push(decodeOnce());
  }
  if (sink < 0) throw new RangeError('unreachable');
  return {
    tokensPerRun,
    runs,
    parserTokensPerSecond: median(parserRates),
    decoderTokensPerSecond: median(decoderRates),
  };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const result = runParserBenchmark();
  const format = (rate: number) => `${(rate / 1e6).toFixed(2)} M tokens/s`;
  console.log(`Parser benchmark: ${result.tokensPerRun} tokens per run, median of ${result.runs} runs`);
  console.table({
    StreamableParser: { throughput: format(result.parserTokensPerSecond) },
    HarmonyStreamDecoder: { throughput: format(result.decoderTokensPerSecond) },
  });
}
