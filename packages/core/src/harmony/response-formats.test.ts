import { describe, expect, it } from 'vitest';
import { buildHeaderMessages, type PromptHeaderConfig } from '../runner/prompt-builder.js';
import { loadHarmonyEncoding } from './encoding.js';
import { appendResponseFormatsSection, renderResponseFormatsSection } from './response-formats.js';

const encoding = loadHarmonyEncoding();
const encode = (text: string) => encoding.tokenizer.encode(text, { allowedSpecial: 'all' });

const SHOPPING_LIST = {
  properties: {
    items: { type: 'array', description: 'entries on the shopping list', items: { type: 'string' } },
  },
  type: 'object',
};

/** The developer message of the Harmony format guide's structured-output example (the cookbook's version). */
const GUIDE_DEVELOPER_MESSAGE =
  '<|start|>developer<|message|># Instructions\n\nYou are a helpful shopping assistant\n\n# Response Formats\n\n## shopping_list\n\n' +
  '{"properties":{"items":{"type":"array","description":"entries on the shopping list","items":{"type":"string"}}},"type":"object"}<|end|>';

const header = (overrides: Partial<PromptHeaderConfig>): PromptHeaderConfig => ({
  modelIdentity: null,
  knowledgeCutoff: null,
  currentDate: null,
  reasoningEffort: 'low',
  validChannels: ['analysis', 'commentary', 'final'],
  instructions: null,
  builtinNamespaces: [],
  functionNamespace: null,
  responseFormat: null,
  ...overrides,
});

describe('the # Response Formats section', () => {
  it('renders a format as the format guide documents it, with and without a description', () => {
    expect(renderResponseFormatsSection([{ name: 'shopping_list', schema: SHOPPING_LIST }])).toBe(
      '# Response Formats\n\n## shopping_list\n\n{"properties":{"items":{"type":"array","description":"entries on the shopping list","items":{"type":"string"}}},"type":"object"}',
    );
    expect(
      renderResponseFormatsSection([
        { name: 'weather', description: 'The weather at a place.\nTemperatures in Celsius.', schema: {} },
        { name: 'other', schema: { type: 'string' } },
      ]),
    ).toBe(
      '# Response Formats\n\n## weather\n\n// The weather at a place.\n// Temperatures in Celsius.\n{}\n\n## other\n\n{"type":"string"}',
    );
  });

  it('goes at the end of the developer message, after a blank line, or alone', () => {
    expect(appendResponseFormatsSection('', [{ name: 'x', schema: true }])).toBe(
      '# Response Formats\n\n## x\n\ntrue',
    );
    expect(appendResponseFormatsSection('# Instructions\n\nHi', [{ name: 'x', schema: true }])).toBe(
      '# Instructions\n\nHi\n\n# Response Formats\n\n## x\n\ntrue',
    );
  });

  it("renders the agent's developer message token-exact as the guide's shopping-list example", () => {
    const [, developer] = buildHeaderMessages(
      header({
        instructions: 'You are a helpful shopping assistant',
        responseFormat: { name: 'shopping_list', schema: SHOPPING_LIST },
      }),
    );
    expect(encoding.render(developer!)).toEqual(encode(GUIDE_DEVELOPER_MESSAGE));
  });

  it('follows the tools section, and is the whole developer message without instructions or tools', () => {
    const functions = {
      name: 'functions',
      tools: [{ name: 'get_weather', description: 'Gets the weather.', parameters: null }],
    };
    const [, withTools] = buildHeaderMessages(
      header({
        functionNamespace: functions,
        responseFormat: { name: 'weather', schema: { type: 'object' } },
      }),
    );
    expect(encoding.tokenizer.decode(encoding.render(withTools!))).toBe(
      '<|start|>developer<|message|># Tools\n\n## functions\n\nnamespace functions {\n\n// Gets the weather.\ntype get_weather = () => any;\n\n} // namespace functions\n\n# Response Formats\n\n## weather\n\n{"type":"object"}<|end|>',
    );
    const [, alone] = buildHeaderMessages(header({ responseFormat: { name: 'weather', schema: {} } }));
    expect(encoding.render(alone!)).toEqual(
      encode('<|start|>developer<|message|># Response Formats\n\n## weather\n\n{}<|end|>'),
    );
    expect(buildHeaderMessages(header({}))).toHaveLength(1);
  });
});
