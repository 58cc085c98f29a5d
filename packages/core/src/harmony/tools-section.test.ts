import { describe, expect, it } from 'vitest';
import { compareCodePoints, renderToolsSection, rustLines } from './tools-section.js';
import type { ToolNamespaceConfig } from './types.js';

describe('rustLines (Rust str::lines)', () => {
  it.each([
    ['a\r\nb\n', ['a', 'b']],
    ['a\rb\r', ['a\rb\r']],
    ['x\r', ['x\r']],
    ['\n', ['']],
    ['', []],
    ['a\n\nb', ['a', '', 'b']],
    ['a\r\n\r\n', ['a', '']],
    ['\r\n', ['']],
    ['one', ['one']],
  ])('splits %j like Rust', (text, lines) => {
    expect(rustLines(text)).toEqual(lines);
  });
});

describe('compareCodePoints (BTreeMap<String> order)', () => {
  it('sorts by UTF-8 byte order, supplementary characters after U+FFFF', () => {
    const keys = ['\u{ffff}', '\u{10000}', 'b', 'B', '_x', 'é'];
    expect([...keys].sort(compareCodePoints)).toEqual(['B', '_x', 'b', 'é', '\u{ffff}', '\u{10000}']);
  });

  it('orders prefixes first', () => {
    expect(['ab', 'a', ''].sort(compareCodePoints)).toEqual(['', 'a', 'ab']);
  });
});

describe('renderToolsSection', () => {
  const functions: ToolNamespaceConfig = {
    name: 'functions',
    tools: [
      { name: 'get_location', description: 'Gets the location of the user.' },
      {
        name: 'get_current_weather',
        description: 'Gets the current weather.',
        parameters: { type: 'object', properties: { location: { type: 'string' } }, required: ['location'] },
      },
    ],
  };

  it('renders a namespace with tools', () => {
    expect(renderToolsSection({ functions })).toBe(
      [
        '# Tools',
        '',
        '## functions',
        '',
        'namespace functions {',
        '',
        '// Gets the location of the user.',
        'type get_location = () => any;',
        '',
        '// Gets the current weather.',
        'type get_current_weather = (_: {',
        'location: string,',
        '}) => any;',
        '',
        '} // namespace functions',
      ].join('\n'),
    );
  });

  it('renders null parameters as () => any and {} as (_: any)', () => {
    const namespace: ToolNamespaceConfig = {
      name: 'n',
      tools: [
        { name: 'a', description: '', parameters: null },
        { name: 'b', description: '', parameters: {} },
        { name: 'c', description: '', parameters: { type: 'object' } },
      ],
    };
    expect(renderToolsSection({ n: namespace })).toBe(
      '# Tools\n\n## n\n\nnamespace n {\n\ntype a = () => any;\n\ntype b = (_: any) => any;\n\ntype c = (_: {\n}) => any;\n\n} // namespace n',
    );
  });

  it('splits tool descriptions per line, a blank line becoming "// "', () => {
    const namespace: ToolNamespaceConfig = {
      name: 'n',
      tools: [{ name: 'a', description: 'one\n\ntwo\r\n' }],
    };
    expect(renderToolsSection({ n: namespace })).toBe(
      '# Tools\n\n## n\n\nnamespace n {\n\n// one\n// \n// two\ntype a = () => any;\n\n} // namespace n',
    );
  });

  it('comments the namespace description when the namespace has tools', () => {
    const namespace: ToolNamespaceConfig = {
      name: 'n',
      description: 'Line one.\nLine two.',
      tools: [{ name: 'a', description: 'x' }],
    };
    expect(renderToolsSection({ n: namespace })).toBe(
      '# Tools\n\n## n\n\n// Line one.\n// Line two.\nnamespace n {\n\n// x\ntype a = () => any;\n\n} // namespace n',
    );
  });

  it('writes the description raw when the namespace has no tools', () => {
    const namespace: ToolNamespaceConfig = {
      name: 'python',
      description: 'Para one.\n\nPara two.\n',
      tools: [],
    };
    expect(renderToolsSection({ python: namespace })).toBe('# Tools\n\n## python\n\nPara one.\n\nPara two.');
  });

  it('renders a namespace without tools or description as its heading', () => {
    expect(renderToolsSection({ empty: { name: 'empty', tools: [] } })).toBe('# Tools\n\n## empty\n');
    expect(renderToolsSection({ empty: { name: 'empty', description: '', tools: [] } })).toBe(
      '# Tools\n\n## empty\n',
    );
  });

  it('orders namespaces by key, not insertion order, and prints ns.name', () => {
    const text = renderToolsSection({
      zeta: { name: 'zeta', tools: [] },
      Alpha: { name: 'alpha-name', tools: [] },
      beta: { name: 'beta', tools: [] },
    });
    expect(text).toBe('# Tools\n\n## alpha-name\n\n\n## beta\n\n\n## zeta\n');
  });
});
