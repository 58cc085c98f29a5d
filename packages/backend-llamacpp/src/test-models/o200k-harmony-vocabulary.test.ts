import { loadO200kHarmonyTokenizer } from '@harmony-agents/core/harmony';
import { describe, expect, it } from 'vitest';
import { buildHarmonyGgufVocabulary, GPT_OSS_VOCABULARY_SIZE } from './o200k-harmony-vocabulary.js';

describe('buildHarmonyGgufVocabulary', () => {
  const vocabulary = buildHarmonyGgufVocabulary('minimal');

  it('has every o200k_harmony id, byte-level ordinary tokens and control special tokens', () => {
    const tokenizer = loadO200kHarmonyTokenizer();
    expect(vocabulary.tokens).toHaveLength(GPT_OSS_VOCABULARY_SIZE);
    const the = tokenizer.encodeOrdinary(' the');
    expect(the).toHaveLength(1);
    expect(vocabulary.tokens[the[0]!]).toBe('Ġthe');
    expect(vocabulary.tokens[tokenizer.encodeOrdinary('\n')[0]!]).toBe('Ċ');
    expect(vocabulary.tokens[200006]).toBe('<|start|>');
    expect(vocabulary.tokens[200012]).toBe('<|call|>');
    expect(vocabulary.tokens[200018]).toBe('<|endofprompt|>');
    expect(vocabulary.tokens[201087]).toBe('<|reserved_201087|>');
    expect(vocabulary.tokenTypes[199997]).toBe(1);
    expect(vocabulary.tokenTypes[199998]).toBe(3);
    expect(new Set(vocabulary.tokens).size).toBe(GPT_OSS_VOCABULARY_SIZE);
  });

  it('rebuilds one merge per multi-byte token, in rank order', () => {
    expect(vocabulary.merges).toHaveLength(199742);
    const tokenizer = loadO200kHarmonyTokenizer();
    const [the] = tokenizer.encodeOrdinary(' the');
    const merge = vocabulary.merges.find((entry) => entry.replace(' ', '') === vocabulary.tokens[the!]);
    expect(merge).toBe('Ġt he');
    for (const entry of vocabulary.merges.slice(0, 1000)) expect(entry.split(' ')).toHaveLength(2);
  });

  it('rebuilds all splits in the Hugging Face style, as many as real gpt-oss GGUFs have', () => {
    expect(buildHarmonyGgufVocabulary('huggingface').merges).toHaveLength(446189);
  });
});
