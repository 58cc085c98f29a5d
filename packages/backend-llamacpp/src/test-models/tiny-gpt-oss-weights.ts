/**
 * The tensors of a tiny gpt-oss model: seeded random weights, plus two optional kinds of shaping that make
 * the random model's behaviour predictable where tests need it.
 *
 * Stop-token shaping: embedding dimension 0 is +S for every token whose text ends with `}` (ignoring
 * trailing whitespace) and -S for every other token; dimension 1 is +S for every token. The output rows of
 * the end-of-generation tokens read only those two dimensions:
 * `<|call|>` = (+C, -D), `<|return|>` = (-C, -D), `<|endoftext|>` = (0, -D - E). So the three compete only
 * through the last token: after `}` the model ends with `<|call|>`, after anything else with `<|return|>`,
 * and `<|endoftext|>` never wins. The shared -D keeps every end-of-generation token far below ordinary
 * tokens, so unconstrained generation never stops by itself; it stops when a grammar is complete, since
 * llama.cpp then allows only end-of-generation tokens.
 *
 * Bigram scripts: the attention and expert outputs are scaled by 0.02 so the last hidden state is close to
 * the last token's embedding, and the output row of each script token is set to a multiple of its
 * predecessor's (unit) embedding. After the first token of a script, the model then writes the rest.
 */

import { ConfigurationError } from '@harmony-agents/core';
import type { GgufTensor } from './gguf-writer.js';
import { GPT_OSS_VOCABULARY_SIZE } from './o200k-harmony-vocabulary.js';
import { SeededRandom } from './seeded-random.js';
import { encodeTensor, type GgmlTypeName } from './tensor-encoding.js';

/** The shape and weights of a tiny model, fully resolved (see `TinyGptOssModelOptions` for each field). */
export interface TinyGptOssArchitecture {
  /** Seed of the random weights. */
  readonly seed: number;
  /** Type of the large matrices. */
  readonly weightType: GgmlTypeName;
  /** Transformer blocks. */
  readonly layers: number;
  /** Hidden size. */
  readonly embeddingLength: number;
  /** Query heads. */
  readonly headCount: number;
  /** Key/value heads. */
  readonly headCountKv: number;
  /** Head dimension. */
  readonly headDimension: number;
  /** Experts per layer. */
  readonly expertCount: number;
  /** Experts used per token. */
  readonly expertUsedCount: number;
  /** Hidden size of each expert. */
  readonly expertFeedForwardLength: number;
  /** Whether the end-of-generation rows are shaped. */
  readonly stopTokenShaping: boolean;
  /** Pairs (token, successor) of the bigram scripts. */
  readonly bigrams: ReadonlyMap<number, number>;
}

/** Token ids used by the shaping. */
const END_OF_TEXT = 199999;
const RETURN = 200002;
const CALL = 200012;

const FEATURE_SCALE = 12;
const CALL_RETURN_WEIGHT = 4;
const END_OF_GENERATION_PENALTY = 10;
const END_OF_TEXT_EXTRA_PENALTY = 2;
const BIGRAM_WEIGHT = 8;
const SCRIPTED_OUTPUT_SCALE = 0.02;

/**
 * Generates every tensor of the model, in the order llama.cpp's gpt-oss loader lists them.
 * @param endsWithBrace - whether token `id`'s text ends with `}` (used by the stop-token shaping).
 */
export function generateTinyGptOssTensors(
  architecture: TinyGptOssArchitecture,
  endsWithBrace: (id: number) => boolean,
): GgufTensor[] {
  const random = new SeededRandom(architecture.seed);
  const {
    embeddingLength: width,
    headCount,
    headCountKv,
    headDimension,
    expertCount,
    expertFeedForwardLength: feedForward,
    weightType,
  } = architecture;
  const queryWidth = headCount * headDimension;
  const keyValueWidth = headCountKv * headDimension;
  const scripted = architecture.bigrams.size > 0;
  const outputScale = scripted ? SCRIPTED_OUTPUT_SCALE : 1;
  const tensors: GgufTensor[] = [];
  const add = (name: string, shape: number[], type: GgmlTypeName, values: Float32Array): void => {
    tensors.push({ name, shape, type, data: encodeTensor(type, values) });
  };
  const ones = (count: number): Float32Array => new Float32Array(count).fill(1);

  const embeddings = random.fill(width * GPT_OSS_VOCABULARY_SIZE, 1);
  if (architecture.stopTokenShaping) {
    for (let id = 0; id < GPT_OSS_VOCABULARY_SIZE; id++) {
      embeddings[id * width] = endsWithBrace(id) ? FEATURE_SCALE : -FEATURE_SCALE;
      embeddings[id * width + 1] = FEATURE_SCALE;
    }
  }
  add('token_embd.weight', [width, GPT_OSS_VOCABULARY_SIZE], weightType, embeddings);

  for (let layer = 0; layer < architecture.layers; layer++) {
    const prefix = `blk.${layer}.`;
    add(`${prefix}attn_norm.weight`, [width], 'f32', ones(width));
    add(
      `${prefix}attn_q.weight`,
      [width, queryWidth],
      weightType,
      random.fill(width * queryWidth, 1 / Math.sqrt(width)),
    );
    add(`${prefix}attn_q.bias`, [queryWidth], 'f32', random.fill(queryWidth, 0.02));
    add(
      `${prefix}attn_k.weight`,
      [width, keyValueWidth],
      weightType,
      random.fill(width * keyValueWidth, 1 / Math.sqrt(width)),
    );
    add(`${prefix}attn_k.bias`, [keyValueWidth], 'f32', random.fill(keyValueWidth, 0.02));
    add(
      `${prefix}attn_v.weight`,
      [width, keyValueWidth],
      weightType,
      random.fill(width * keyValueWidth, 1 / Math.sqrt(width)),
    );
    add(`${prefix}attn_v.bias`, [keyValueWidth], 'f32', random.fill(keyValueWidth, 0.02));
    add(
      `${prefix}attn_output.weight`,
      [queryWidth, width],
      weightType,
      random.fill(queryWidth * width, outputScale / Math.sqrt(queryWidth)),
    );
    add(`${prefix}attn_output.bias`, [width], 'f32', random.fill(width, 0.02 * outputScale));
    // ggml's soft_max with sinks requires F32 sinks.
    add(`${prefix}attn_sinks.weight`, [headCount], 'f32', random.fill(headCount, 0.5));
    add(`${prefix}post_attention_norm.weight`, [width], 'f32', ones(width));
    add(
      `${prefix}ffn_gate_inp.weight`,
      [width, expertCount],
      'f32',
      random.fill(width * expertCount, 1 / Math.sqrt(width)),
    );
    add(`${prefix}ffn_gate_inp.bias`, [expertCount], 'f32', random.fill(expertCount, 0.02));
    const expertShape = [width, feedForward, expertCount];
    const expertSize = width * feedForward * expertCount;
    add(
      `${prefix}ffn_gate_exps.weight`,
      expertShape,
      weightType,
      random.fill(expertSize, 1 / Math.sqrt(width)),
    );
    add(
      `${prefix}ffn_gate_exps.bias`,
      [feedForward, expertCount],
      'f32',
      random.fill(feedForward * expertCount, 0.02),
    );
    add(
      `${prefix}ffn_up_exps.weight`,
      expertShape,
      weightType,
      random.fill(expertSize, 1 / Math.sqrt(width)),
    );
    add(
      `${prefix}ffn_up_exps.bias`,
      [feedForward, expertCount],
      'f32',
      random.fill(feedForward * expertCount, 0.02),
    );
    add(
      `${prefix}ffn_down_exps.weight`,
      [feedForward, width, expertCount],
      weightType,
      random.fill(expertSize, outputScale / Math.sqrt(feedForward)),
    );
    add(
      `${prefix}ffn_down_exps.bias`,
      [width, expertCount],
      'f32',
      random.fill(width * expertCount, 0.02 * outputScale),
    );
  }
  add('output_norm.weight', [width], 'f32', ones(width));

  const output = random.fill(width * GPT_OSS_VOCABULARY_SIZE, 1 / Math.sqrt(width));
  if (architecture.stopTokenShaping) shapeStopTokenRows(output, width);
  const scriptedRows = new Set<number>();
  for (const [from, to] of architecture.bigrams) {
    if (!scriptedRows.has(to)) output.fill(0, to * width, (to + 1) * width);
    scriptedRows.add(to);
    addBigramRow(output, embeddings, width, from, to);
  }
  add('output.weight', [width, GPT_OSS_VOCABULARY_SIZE], weightType, output);
  return tensors;
}

function shapeStopTokenRows(output: Float32Array, width: number): void {
  const rows: readonly [number, number, number][] = [
    [CALL, CALL_RETURN_WEIGHT, -END_OF_GENERATION_PENALTY],
    [RETURN, -CALL_RETURN_WEIGHT, -END_OF_GENERATION_PENALTY],
    [END_OF_TEXT, 0, -END_OF_GENERATION_PENALTY - END_OF_TEXT_EXTRA_PENALTY],
  ];
  for (const [id, closesJson, always] of rows) {
    output.fill(0, id * width, (id + 1) * width);
    output[id * width] = closesJson;
    output[id * width + 1] = always;
  }
}

/** Adds token `from`'s unit embedding (without the two feature dimensions) to token `to`'s output row. */
function addBigramRow(
  output: Float32Array,
  embeddings: Float32Array,
  width: number,
  from: number,
  to: number,
): void {
  if (to === END_OF_TEXT || to === RETURN || to === CALL) {
    throw new ConfigurationError('A bigram script must not contain end-of-generation tokens');
  }
  let norm = 0;
  for (let dimension = 2; dimension < width; dimension++) norm += embeddings[from * width + dimension]! ** 2;
  norm = Math.sqrt(norm);
  for (let dimension = 2; dimension < width; dimension++) {
    const index = to * width + dimension;
    output[index] = output[index]! + (BIGRAM_WEIGHT * embeddings[from * width + dimension]!) / norm;
  }
}
