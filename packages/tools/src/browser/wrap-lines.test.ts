import { describe, expect, it } from 'vitest';
import { wrapLines } from './wrap-lines.js';

describe('wrapLines', () => {
  // Expected values printed by Python 3.11:
  // textwrap.wrap(line, width=80, replace_whitespace=False, drop_whitespace=False)
  const pythonCases: [string, string[]][] = [
    ['short line', ['short line']],
    [
      'A Lumen site is a folder of static files, so any static host can serve it. Build it with `lumen build --clean` before every deployment.',
      [
        'A Lumen site is a folder of static files, so any static host can serve it. Build',
        ' it with `lumen build --clean` before every deployment.',
      ],
    ],
    [
      'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
      ['xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx', 'xxxxx'],
    ],
    [
      'well-known long-hyphenated-compound-words-are-broken-after-hyphens-when-they-do-not-fit-on-one-line ok',
      [
        'well-known long-hyphenated-compound-words-are-broken-after-hyphens-when-they-do-',
        'not-fit-on-one-line ok',
      ],
    ],
    [
      'tab\tseparated\tvalues and    multiple   spaces that keep going on and on until the line is wrapped somewhere',
      [
        'tab     separated       values and    multiple   spaces that keep going on and ',
        'on until the line is wrapped somewhere',
      ],
    ],
    [
      'em--dash between words--like this and a very long sentence that needs to wrap at eighty characters wide',
      [
        'em--dash between words--like this and a very long sentence that needs to wrap at',
        ' eighty characters wide',
      ],
    ],
    [
      '中文字符中文字符中文字符中文字符中文字符中文字符中文字符中文字符中文字符中文字符中文字符中文字符中文字符中文字符中文字符中文字符中文字符中文字符中文字符中文字符中文字符中文字符中文字符中文字符中文字符',
      [
        '中文字符中文字符中文字符中文字符中文字符中文字符中文字符中文字符中文字符中文字符中文字符中文字符中文字符中文字符中文字符中文字符中文字符中文字符中文字符中文字符',
        '中文字符中文字符中文字符中文字符中文字符',
      ],
    ],
    [
      '   leading spaces are kept when the line is wrapped because drop_whitespace is false in the reference tool',
      [
        '   leading spaces are kept when the line is wrapped because drop_whitespace is ',
        'false in the reference tool',
      ],
    ],
  ];

  it.each(pythonCases)('wraps %j like Python textwrap', (line, expected) => {
    expect(wrapLines(line)).toEqual(expected);
  });

  it('splits on newlines and keeps empty lines', () => {
    expect(wrapLines('a\n\nb\n')).toEqual(['a', '', 'b', '']);
    expect(wrapLines('')).toEqual(['']);
  });

  it('counts code points, not UTF-16 units', () => {
    const emoji = '😀'.repeat(81);
    expect(wrapLines(emoji)).toEqual(['😀'.repeat(80), '😀']);
  });

  it('honours a custom width', () => {
    expect(wrapLines('one two three', 7)).toEqual(['one two', ' three']);
  });
});
