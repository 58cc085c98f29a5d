import { describe, expect, it } from 'vitest';
import { BUILTIN_TOOL_NAMESPACES } from './builtin-tool-namespaces.js';
import { createSystemContent, renderSystemContentText } from './system-content.js';

const DEFAULT_TEXT =
  'You are ChatGPT, a large language model trained by OpenAI.\nKnowledge cutoff: 2024-06\n\nReasoning: medium\n\n# Valid channels: analysis, commentary, final. Channel must be included for every message.';

describe('createSystemContent', () => {
  it("has openai-harmony's SystemContent.new() defaults", () => {
    expect(createSystemContent()).toEqual({
      type: 'system_content',
      modelIdentity: 'You are ChatGPT, a large language model trained by OpenAI.',
      reasoningEffort: 'medium',
      knowledgeCutoff: '2024-06',
      channelConfig: { validChannels: ['analysis', 'commentary', 'final'], channelRequired: true },
    });
  });

  it('overrides defaults and removes them with null', () => {
    const content = createSystemContent({
      modelIdentity: null,
      reasoningEffort: 'high',
      knowledgeCutoff: null,
      conversationStartDate: '2025-06-28',
      channelConfig: null,
    });
    expect(content).toEqual({
      type: 'system_content',
      reasoningEffort: 'high',
      conversationStartDate: '2025-06-28',
    });
  });

  it('keys tools by namespace name, a later namespace replacing an earlier one', () => {
    const browser = BUILTIN_TOOL_NAMESPACES.browser();
    const python = BUILTIN_TOOL_NAMESPACES.python();
    const replacement = { name: 'python', tools: [] };
    const content = createSystemContent({ tools: [python, browser, replacement] });
    expect(content.tools).toEqual({ python: replacement, browser });
  });
});

describe('renderSystemContentText', () => {
  it('renders the defaults', () => {
    expect(renderSystemContentText(createSystemContent(), false)).toBe(DEFAULT_TEXT);
  });

  it("adds the 'functions' line when the conversation has function tools", () => {
    expect(renderSystemContentText(createSystemContent(), true)).toBe(
      `${DEFAULT_TEXT}\nCalls to these tools must go to the commentary channel: 'functions'.`,
    );
  });

  it("does not add the 'functions' line without a channels line", () => {
    expect(renderSystemContentText(createSystemContent({ channelConfig: null }), true)).toBe(
      'You are ChatGPT, a large language model trained by OpenAI.\nKnowledge cutoff: 2024-06\n\nReasoning: medium',
    );
    const noChannels = createSystemContent({ channelConfig: { validChannels: [], channelRequired: true } });
    expect(renderSystemContentText(noChannels, true)).not.toContain('functions');
  });

  it('omits the required sentence when channels are optional', () => {
    const content = createSystemContent({
      modelIdentity: null,
      knowledgeCutoff: null,
      reasoningEffort: null,
      channelConfig: { validChannels: ['final'], channelRequired: false },
    });
    expect(renderSystemContentText(content, false)).toBe('# Valid channels: final.');
  });

  it('orders the header lines identity, cutoff, date', () => {
    const content = createSystemContent({ conversationStartDate: '2021-01-01', knowledgeCutoff: '2021-01' });
    expect(renderSystemContentText(content, false).split('\n\n')[0]).toBe(
      'You are ChatGPT, a large language model trained by OpenAI.\nKnowledge cutoff: 2021-01\nCurrent date: 2021-01-01',
    );
  });

  it('leaves no blank lines for absent sections', () => {
    const content = createSystemContent({ modelIdentity: null, knowledgeCutoff: null, channelConfig: null });
    expect(renderSystemContentText(content, false)).toBe('Reasoning: medium');
  });

  it('renders all-absent content as the empty string', () => {
    expect(renderSystemContentText({ type: 'system_content' }, true)).toBe('');
  });

  it('puts the tools section between reasoning and channels, and skips an empty tools map', () => {
    const withTools = createSystemContent({
      tools: [{ name: 'python', description: 'Run code.', tools: [] }],
    });
    expect(renderSystemContentText(withTools, false)).toBe(
      'You are ChatGPT, a large language model trained by OpenAI.\nKnowledge cutoff: 2024-06\n\nReasoning: medium\n\n# Tools\n\n## python\n\nRun code.\n\n# Valid channels: analysis, commentary, final. Channel must be included for every message.',
    );
    expect(renderSystemContentText({ ...createSystemContent(), tools: {} }, false)).toBe(DEFAULT_TEXT);
  });
});
