import { describe, expect, it } from 'vitest';
import { loadHarmonyEncoding } from '../src/harmony/encoding.js';
import { harmonyMessageFromJSON } from '../src/harmony/json.js';
import type { Message, RenderConversationConfig, Role } from '../src/harmony/types.js';
import { loadCase, loadCases, readGolden, type VectorCase } from './vectors.js';

/** The render cases of cases.json: every `op` starting with `render`. */
const RENDER_OPS = new Set([
  'render',
  'render_conversation',
  'render_conversation_for_completion',
  'render_conversation_for_training',
]);
const EXPECTED_RENDER_CASES = 22;

interface RenderInput {
  message?: unknown;
  messages?: unknown[];
  next_turn_role?: Role;
  config?: { auto_drop_analysis: boolean } | null;
}

interface RenderExpectation {
  file?: string;
  compare?: string;
  tokens?: number[];
  text?: string;
  last_token?: number;
}

const encoding = loadHarmonyEncoding();
const renderCases = loadCases().filter((vector) => vector.op.startsWith('render'));

function messagesOf(input: RenderInput): Message[] {
  if (input.messages === undefined) throw new TypeError('case has no messages');
  return input.messages.map((message) => harmonyMessageFromJSON(message));
}

/** `config: null` is Rust's None (no dropping); otherwise the Python config. */
function configOf(input: RenderInput): RenderConversationConfig {
  return { autoDropAnalysis: input.config?.auto_drop_analysis ?? false };
}

function renderCase(vector: VectorCase): number[] {
  const input = vector.input as RenderInput;
  switch (vector.op) {
    case 'render':
      return encoding.render(harmonyMessageFromJSON(input.message));
    case 'render_conversation':
      return encoding.renderConversation(messagesOf(input), configOf(input));
    case 'render_conversation_for_completion':
      if (input.next_turn_role === undefined) throw new TypeError('case has no next_turn_role');
      return encoding.renderConversationForCompletion(
        messagesOf(input),
        input.next_turn_role,
        configOf(input),
      );
    case 'render_conversation_for_training':
      return encoding.renderConversationForTraining(messagesOf(input), configOf(input));
    default:
      throw new TypeError(`unknown render op ${vector.op}`);
  }
}

describe('render vectors (cases.json)', () => {
  it('covers every render case', () => {
    expect(renderCases.every((vector) => RENDER_OPS.has(vector.op))).toBe(true);
    expect(renderCases).toHaveLength(EXPECTED_RENDER_CASES);
  });

  it.each(renderCases.map((vector) => [vector.id, vector] as const))('%s', (_id, vector) => {
    const expected = vector.expected as RenderExpectation;
    const tokens = renderCase(vector);
    let assertions = 0;
    if (expected.file !== undefined) {
      const golden = readGolden(expected.file.replace(/^test-data\//, '')).trimEnd();
      // Both comparisons hold for every official case (INDEX.md), whichever one the case names.
      expect(encoding.decodeUtf8(tokens)).toBe(golden);
      expect(tokens).toEqual(encoding.encode(golden, { allowedSpecial: 'all' }));
      assertions += 2;
    }
    if (expected.tokens !== undefined) {
      expect(tokens).toEqual(expected.tokens);
      assertions++;
    }
    if (expected.text !== undefined) {
      expect(encoding.decodeUtf8(tokens)).toBe(expected.text);
      expect(tokens).toEqual(encoding.encode(expected.text, { allowedSpecial: 'all' }));
      assertions += 2;
    }
    if (expected.last_token !== undefined) {
      expect(tokens.at(-1)).toBe(expected.last_token);
      assertions++;
    }
    expect(assertions).toBeGreaterThan(0);
  });

  it('gives the same tokens with the Python default config where the Rust test passed None', () => {
    let compared = 0;
    for (const vector of renderCases) {
      const input = vector.input as RenderInput;
      if (input.messages === undefined || input.config !== null) continue;
      compared++;
      const messages = messagesOf(input);
      expect(encoding.renderConversation(messages), vector.id).toEqual(
        encoding.renderConversation(messages, configOf(input)),
      );
    }
    expect(compared).toBeGreaterThan(10);
  });

  it('render(message) equals renderConversation([message]) and prefixes the completion render', () => {
    const vector = loadCase('render/render_vs_render_conversation');
    const message = harmonyMessageFromJSON((vector.input as RenderInput).message);
    const single = encoding.render(message);
    expect(encoding.renderConversation([message])).toEqual(single);
    const completion = encoding.renderConversationForCompletion([message], 'assistant');
    expect(completion.slice(0, single.length)).toEqual(single);
    expect(completion.slice(single.length)).toEqual([200006, 173781]);
  });
});
