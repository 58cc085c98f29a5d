/**
 * Line wrapping for the browser's page view, compatible with Python's
 * `textwrap.wrap(line, width=80, replace_whitespace=False, drop_whitespace=False)` that the gpt-oss
 * reference applies to every line of a page: line numbers the model cites depend on it.
 */

/** The width the gpt-oss browser wraps page lines at. */
export const PAGE_LINE_WIDTH = 80;

// Python's `textwrap` only treats these ASCII characters as whitespace.
const WHITESPACE = '\\t\\n\\x0b\\x0c\\r ';
const WORD = '[\\p{L}\\p{N}_]';
const WORD_PUNCTUATION = '[\\p{L}\\p{N}_!"\'&.,?]';
const LETTER = '[\\p{L}\\p{Nl}\\p{No}_]';
const CHUNK_PATTERN = new RegExp(
  [
    `[${WHITESPACE}]+`,
    `(?<=${WORD_PUNCTUATION})-{2,}(?=${WORD})`,
    `[^${WHITESPACE}]+?(?:-(?:(?<=${LETTER}{2}-)|(?<=${LETTER}-${LETTER}-))(?=${LETTER}-?${LETTER})|(?=[${WHITESPACE}]|$)|(?<=${WORD_PUNCTUATION})(?=-{2,}${WORD}))`,
  ].join('|'),
  'gu',
);

/** Length in code points (Python's `len`). */
function codePointLength(text: string): number {
  let length = 0;
  for (const _ of text) length++;
  return length;
}

/** Python's `str.expandtabs(8)`. */
function expandTabs(text: string): string {
  if (!text.includes('\t')) return text;
  let out = '';
  let column = 0;
  for (const character of text) {
    if (character === '\t') {
      const spaces = 8 - (column % 8);
      out += ' '.repeat(spaces);
      column += spaces;
    } else if (character === '\n' || character === '\r') {
      out += character;
      column = 0;
    } else {
      out += character;
      column++;
    }
  }
  return out;
}

/** Splits a line into words, whitespace runs and hyphenated word parts, as `textwrap` does. */
function splitChunks(text: string): string[] {
  const chunks: string[] = [];
  let last = 0;
  for (const match of text.matchAll(CHUNK_PATTERN)) {
    if (match.index > last) chunks.push(text.slice(last, match.index));
    chunks.push(match[0]);
    last = match.index + match[0].length;
  }
  if (last < text.length) chunks.push(text.slice(last));
  return chunks;
}

/** Wraps one line (without `\n`) to `width` code points, keeping all whitespace. */
function wrapLine(line: string, width: number): string[] {
  const chunks = splitChunks(expandTabs(line)).reverse();
  const lines: string[] = [];
  while (chunks.length > 0) {
    const current: string[] = [];
    let currentLength = 0;
    while (chunks.length > 0) {
      const length = codePointLength(chunks[chunks.length - 1]!);
      if (currentLength + length > width) break;
      current.push(chunks.pop()!);
      currentLength += length;
    }
    const next = chunks[chunks.length - 1];
    if (next !== undefined && codePointLength(next) > width) {
      // A word longer than the line: cut it, after a hyphen when one fits.
      const spaceLeft = width < 1 ? 1 : width - currentLength;
      const codePoints = Array.from(next);
      let end = spaceLeft;
      if (codePoints.length > spaceLeft) {
        const hyphen = codePoints.slice(0, spaceLeft).lastIndexOf('-');
        if (hyphen > 0 && codePoints.slice(0, hyphen).some((character) => character !== '-'))
          end = hyphen + 1;
      }
      current.push(codePoints.slice(0, end).join(''));
      chunks[chunks.length - 1] = codePoints.slice(end).join('');
    }
    if (current.length > 0) lines.push(current.join(''));
  }
  return lines;
}

/**
 * Splits text into display lines: on `\n`, then each line wrapped at `width` code points. Empty
 * lines are kept, so the result is never empty.
 * @param width - the maximum line length in code points; {@link PAGE_LINE_WIDTH} unless given.
 */
export function wrapLines(text: string, width: number = PAGE_LINE_WIDTH): string[] {
  return text.split('\n').flatMap((line) => (line === '' ? [''] : wrapLine(line, width)));
}
