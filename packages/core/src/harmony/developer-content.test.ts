import { describe, expect, it } from 'vitest';
import { createDeveloperContent, hasFunctionTools, renderDeveloperContentText } from './developer-content.js';

const weather = { name: 'get_weather', description: 'Gets the weather.', parameters: null };

describe('createDeveloperContent', () => {
  it('is empty by default', () => {
    expect(createDeveloperContent()).toEqual({ type: 'developer_content' });
  });

  it('puts function tools in the functions namespace', () => {
    expect(createDeveloperContent({ instructions: 'Be brief.', functionTools: [weather] })).toEqual({
      type: 'developer_content',
      instructions: 'Be brief.',
      tools: { functions: { name: 'functions', tools: [weather] } },
    });
  });

  it('keys other namespaces by name, functionTools replacing a functions namespace', () => {
    const content = createDeveloperContent({
      tools: [
        { name: 'functions', tools: [] },
        { name: 'other', tools: [weather] },
      ],
      functionTools: [weather],
    });
    expect(content.tools).toEqual({
      functions: { name: 'functions', tools: [weather] },
      other: { name: 'other', tools: [weather] },
    });
  });
});

describe('renderDeveloperContentText', () => {
  it('renders instructions under a heading', () => {
    expect(renderDeveloperContentText(createDeveloperContent({ instructions: 'Be brief.' }))).toBe(
      '# Instructions\n\nBe brief.',
    );
  });

  it('renders empty instructions as the heading and a blank line', () => {
    expect(renderDeveloperContentText(createDeveloperContent({ instructions: '' }))).toBe(
      '# Instructions\n\n',
    );
    expect(
      renderDeveloperContentText(createDeveloperContent({ instructions: '', functionTools: [weather] })),
    ).toBe(
      '# Instructions\n\n\n\n# Tools\n\n## functions\n\nnamespace functions {\n\n// Gets the weather.\ntype get_weather = () => any;\n\n} // namespace functions',
    );
  });

  it('renders nothing without instructions or tools', () => {
    expect(renderDeveloperContentText({ type: 'developer_content' })).toBe('');
    expect(renderDeveloperContentText({ type: 'developer_content', tools: {} })).toBe('');
  });

  it('renders an empty functions namespace as its heading', () => {
    expect(renderDeveloperContentText(createDeveloperContent({ functionTools: [] }))).toBe(
      '# Tools\n\n## functions\n',
    );
  });
});

describe('hasFunctionTools', () => {
  it('needs a non-empty namespace under the functions key', () => {
    expect(hasFunctionTools(createDeveloperContent({ functionTools: [weather] }))).toBe(true);
    expect(hasFunctionTools(createDeveloperContent({ functionTools: [] }))).toBe(false);
    expect(hasFunctionTools(createDeveloperContent({ tools: [{ name: 'other', tools: [weather] }] }))).toBe(
      false,
    );
    expect(
      hasFunctionTools({ type: 'developer_content', tools: { functions: { name: 'x', tools: [weather] } } }),
    ).toBe(true);
    expect(hasFunctionTools(createDeveloperContent({ instructions: 'x' }))).toBe(false);
  });
});
