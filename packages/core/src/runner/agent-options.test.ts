import { describe, expect, it } from 'vitest';
import { ConfigurationError, ToolDefinitionError } from '../errors.js';
import { createScriptedBackend } from '../testing/scripted-backend.js';
import { createAgent } from './agent.js';

const backend = createScriptedBackend({ steps: [] });

/** The ConfigurationError `action` throws (fails if it throws anything else, or nothing). */
function configurationError(action: () => unknown): ConfigurationError {
  try {
    action();
  } catch (error) {
    if (ConfigurationError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected a ConfigurationError');
}

describe('createAgent options', () => {
  it('refuses a reasoning effort outside low, medium, high, naming the allowed values', () => {
    const error = configurationError(() => createAgent({ backend, reasoningEffort: 'max' as never }));
    expect(error.option).toBe('reasoningEffort');
    expect(error.message).toBe(
      "createAgent: reasoningEffort must be one of 'low', 'medium', 'high', got \"max\"",
    );
  });

  it('refuses a misspelled reasoningHistory value', () => {
    const error = configurationError(() => createAgent({ backend, reasoningHistory: 'keep_all' as never }));
    expect(error.option).toBe('reasoningHistory');
    expect(error.message).toContain("one of 'harmony', 'keep-all', 'drop-all'");
  });

  it('refuses unknown option keys, suggesting the option meant', () => {
    const typo = configurationError(() => createAgent({ backend, reasoningEfort: 'low' } as never));
    expect(typo.option).toBe('reasoningEfort');
    expect(typo.message).toMatch(
      /^createAgent: unknown option "reasoningEfort" \(did you mean 'reasoningEffort'\?\)/,
    );
    const other = configurationError(() => createAgent({ backend, temperature: 0 } as never));
    expect(other.message).toContain("unknown option \"temperature\"; the options are 'backend', 'tools'");
  });

  it('checks nested options: sampling keys and values, onToolError kinds and behaviours', () => {
    expect(
      configurationError(() => createAgent({ backend, sampling: { top_p: 0.9 } as never })).message,
    ).toContain('unknown sampling option "sampling.top_p" (did you mean \'topP\'?)');
    expect(configurationError(() => createAgent({ backend, sampling: { topP: 2 } })).option).toBe(
      'sampling.topP',
    );
    // 0.1's kebab-case spelling of the kinds.
    const kind = configurationError(() =>
      createAgent({ backend, onToolError: { 'unknown-tool': 'throw' } as never }),
    );
    expect(kind.message).toContain("did you mean 'unknown_tool'?");
    const behavior = configurationError(() =>
      createAgent({ backend, onToolError: { tool_timeout: 'retry' as never } }),
    );
    expect(behavior.option).toBe('onToolError.tool_timeout');
    expect(behavior.message).toContain("one of 'report', 'throw'");
  });

  it('checks the type of every option', () => {
    const cases: [string, unknown][] = [
      ['instructions', 42],
      ['modelIdentity', 42],
      ['knowledgeCutoff', false],
      ['currentDate', new Date()],
      ['maxToolRounds', 1.5],
      ['toolTimeoutMs', 2 ** 31],
      ['maxIdenticalToolCalls', 0],
      ['maxTokens', -1],
      ['onParseError', 'ignore'],
      ['constrainToolArguments', 'yes'],
      ['generateId', 'uuid'],
      ['sampling', 0.7],
      ['tools', {}],
    ];
    for (const [option, value] of cases) {
      expect(
        configurationError(() => createAgent({ backend, [option]: value } as never)).option,
        option,
      ).toBe(option);
    }
    expect(configurationError(() => createAgent({} as never)).option).toBe('backend');
    expect(() => createAgent({ backend, tools: [{ kind: 'function', name: 'x' }] as never })).toThrow(
      ToolDefinitionError,
    );
  });

  it('takes an option given as undefined as its default', () => {
    expect(() =>
      createAgent({ backend, reasoningEffort: undefined, maxToolRounds: undefined } as never),
    ).not.toThrow();
  });
});

describe('run options and input', () => {
  const agent = createAgent({ backend });

  it('refuses unknown run options and invalid values before any model call', () => {
    expect(configurationError(() => agent.run('Hi', { reasoningEffort: 'max' as never })).message).toBe(
      "run: reasoningEffort must be one of 'low', 'medium', 'high', got \"max\"",
    );
    expect(configurationError(() => agent.run('Hi', { signl: undefined } as never)).message).toContain(
      "did you mean 'signal'?",
    );
    expect(configurationError(() => agent.run('Hi', { signal: 'stop' as never })).option).toBe('signal');
    expect(backend.requests).toHaveLength(0);
  });

  it('refuses an OpenAI-style message, showing the accepted shapes', () => {
    const error = configurationError(() => agent.run({ role: 'user', content: 'hi' } as never));
    expect(error.option).toBe('input.content');
    expect(error.message).toBe(
      "run: input.content must be an array of content items, got a string (an OpenAI-style message?). Pass the text itself, agent.run(\"hi\"), or a string, or a Harmony user message { role: 'user', content: [{ type: 'text', text: '...' }] }",
    );
  });

  it('refuses a malformed Harmony message as a ConfigurationError, not a later HarmonyRenderError', () => {
    const error = configurationError(() =>
      agent.run({ role: 'user', content: [{ type: 'txt', text: 'hi' }] } as never),
    );
    expect(error.option).toBe('input');
    expect(error.message).toMatch(/^run: .*input\.content\[0\]/);
    expect(configurationError(() => agent.run({ role: 'assistant', content: [] })).message).toContain(
      'input must be a user message, got role "assistant"',
    );
    expect(backend.requests).toHaveLength(0);
  });
});
