import { describe, expect, it } from 'vitest';
import { main } from './harmony-low-level.js';

describe('examples/harmony-low-level', () => {
  it('renders the prompt, parses the completion whole and streamed, and round-trips JSON', () => {
    const lines: string[] = [];
    const result = main((line) => lines.push(line));
    expect(result.prompt).toBe(
      [
        '<|start|>system<|message|>You are ChatGPT, a large language model trained by OpenAI.',
        'Knowledge cutoff: 2024-06',
        'Current date: 2025-06-28',
        '',
        'Reasoning: low',
        '',
        '# Valid channels: analysis, commentary, final. Channel must be included for every message.',
        "Calls to these tools must go to the commentary channel: 'functions'.<|end|><|start|>developer<|message|># Instructions",
        '',
        'Answer weather questions with the tools.',
        '',
        '# Tools',
        '',
        '## functions',
        '',
        'namespace functions {',
        '',
        '// Gets the current weather in a city.',
        'type get_current_weather = (_: {',
        '// e.g. Paris',
        'city: string,',
        'unit?: "celsius" | "fahrenheit", // default: celsius',
        '}) => any;',
        '',
        '} // namespace functions<|end|><|start|>user<|message|>What is the weather in Tokyo?<|end|><|start|>assistant',
      ].join('\n'),
    );
    expect(lines[0]).toBe('prompt: 161 tokens');
    expect(lines).toContain('stop sampling on: 200002, 200012');
    expect(result.parsed).toEqual([
      {
        role: 'assistant',
        recipient: null,
        channel: 'analysis',
        contentType: null,
        content: [{ type: 'text', text: 'Need the weather tool.' }],
      },
      {
        role: 'assistant',
        recipient: 'functions.get_current_weather',
        channel: 'commentary',
        contentType: '<|constrain|>json',
        content: [{ type: 'text', text: '{"city":"Tokyo"}' }],
      },
    ]);
    expect(result.streamed).toEqual({ analysis: 'Need the weather tool.', commentary: '{"city":"Tokyo"}' });
    const json = JSON.parse(result.json);
    expect(json.messages[0].content[0]).toMatchObject({
      type: 'system_content',
      reasoning_effort: 'Low',
      conversation_start_date: '2025-06-28',
    });
    expect(json.messages.at(-1)).toEqual({
      role: 'assistant',
      recipient: 'functions.get_current_weather',
      content: '{"city":"Tokyo"}',
      channel: 'commentary',
      content_type: '<|constrain|>json',
    });
    expect(result.sameTokensAfterJSON).toBe(true);
    expect(result.controlTokens).toEqual(['<|start|>', '<|message|>', '<|end|>']);
  });
});
