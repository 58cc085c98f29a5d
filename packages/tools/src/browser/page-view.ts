/**
 * The browser's page view, in the format of gpt-oss's reference `SimpleBrowserTool`: a page is split
 * into numbered display lines, shown in windows under a header that carries the page's cursor, and
 * searched with `find`. Pure functions; the tool keeps the state.
 */

import { wrapLines } from './wrap-lines.js';

/** What the view needs to know about a page on the browser's stack. */
export interface ViewPage {
  /** `page` for fetched pages, `search` for search results, `find` for find results. */
  readonly type: 'page' | 'search' | 'find';
  /** The address shown in the header (empty for search results). */
  readonly url: string;
  /** The title shown in the header. */
  readonly title: string;
  /** The full text; display lines are derived from it with `wrapLines`. */
  readonly text: string;
  /** Link targets by link id. */
  readonly links: readonly string[];
  /** For `find` results: the line of the original page each link id points at. */
  readonly linkLines: readonly number[];
}

/** The part of a tokenizer the view uses to size windows (an `O200kHarmonyTokenizer` fits). */
export interface ViewTokenizer {
  /** Encodes text as ordinary tokens. */
  encodeOrdinary(text: string): number[];
  /** Decodes tokens, replacing invalid UTF-8. */
  decode(tokens: Iterable<number>): string;
}

/** How many display lines a window shows. */
export type WindowSize =
  | {
      /** As many lines as fit in `tokens` tokens (the reference's rule; lines are rounded up). */
      readonly type: 'tokens';
      readonly tokens: number;
      readonly tokenizer: () => ViewTokenizer;
    }
  | {
      /** A fixed number of lines. */
      readonly type: 'lines';
      readonly lines: number;
    };

/** Joins display lines, each prefixed with `L{number}: `, numbering from `offset`. */
export function numberLines(lines: readonly string[], offset: number): string {
  return lines.map((line, index) => `L${index + offset}: ${line}`).join('\n');
}

// Average text is ~4 characters a token; try a cheap prefix before tokenizing a long one.
const CHARACTERS_PER_TOKEN_GUESS = 16;
const CHARACTERS_PER_TOKEN_BOUND = 128;

function countNewlines(text: string): number {
  let count = 0;
  for (let index = text.indexOf('\n'); index !== -1; index = text.indexOf('\n', index + 1)) count++;
  return count;
}

/**
 * The end (exclusive) of the window that starts at line `start`. A positive `requestedLines` wins;
 * otherwise the window holds as many lines as `size` allows.
 */
export function windowEnd(
  lines: readonly string[],
  start: number,
  requestedLines: number,
  size: WindowSize,
): number {
  const total = lines.length;
  if (requestedLines > 0) return Math.min(start + requestedLines, total);
  if (size.type === 'lines') return Math.min(start + size.lines, total);
  const text = numberLines(lines.slice(start), start);
  // Each token is at least one character: short text always fits.
  if (text.length <= size.tokens) return total;
  const tokenizer = size.tokenizer();
  for (const factor of [CHARACTERS_PER_TOKEN_GUESS, CHARACTERS_PER_TOKEN_BOUND]) {
    const prefix = text.slice(0, (size.tokens + 1) * factor);
    const tokens = tokenizer.encodeOrdinary(prefix);
    if (tokens.length > size.tokens) {
      const shown = tokenizer.decode(tokens.slice(0, size.tokens));
      return Math.min(start + countNewlines(shown) + 1, total);
    }
    if (prefix.length === text.length) break;
  }
  return total;
}

/** Python's `urllib.parse.unquote`: decodes valid `%XX` UTF-8 runs and leaves the rest as is. */
export function unquote(text: string): string {
  return text.replace(/(?:%[0-9A-Fa-f]{2})+/g, (run) => {
    const bytes = Uint8Array.from(run.match(/%[0-9A-Fa-f]{2}/g) ?? [], (percentEscape) =>
      Number.parseInt(percentEscape.slice(1), 16),
    );
    return new TextDecoder().decode(bytes);
  });
}

/** Python's `urllib.parse.quote`: percent-encodes UTF-8 bytes except letters, digits and `_.-~/`. */
export function quote(text: string): string {
  let out = '';
  for (const byte of new TextEncoder().encode(text)) {
    const character = String.fromCharCode(byte);
    out += /[A-Za-z0-9_.\-~/]/.test(character)
      ? character
      : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** Shortens text longer than `maximum` characters to `maximum`, ending with `...`. */
export function truncate(text: string, maximum = 1024): string {
  return text.length > maximum ? `${text.slice(0, maximum - 3)}...` : text;
}

/** The error text when a window would start past the page's last line. */
export function invalidLocationMessage(location: number, totalLines: number): string {
  return `Invalid location parameter: \`${location}\`. Cannot exceed page maximum of ${totalLines - 1}.`;
}

/**
 * Renders the window `[start, end)` of a page:
 * `[{cursor}] {title} ({url})\n**viewing lines [{start} - {end - 1}] of {last}**\n\nL{start}: ...`.
 */
export function renderWindow(
  page: Pick<ViewPage, 'title' | 'url'>,
  lines: readonly string[],
  cursor: number,
  start: number,
  end: number,
): string {
  const address = truncate(unquote(page.url));
  const title = address === '' ? page.title : `${page.title} (${address})`;
  const scrollbar = `viewing lines [${start} - ${end - 1}] of ${lines.length - 1}`;
  return `[${cursor}] ${title}\n**${scrollbar}**\n\n${numberLines(lines.slice(start, end), start)}`;
}

const PARTIAL_LEADING_LINK = /^[^【】\n]*】/;
const PARTIAL_TRAILING_LINK = /【\d*(?:†([^†】]*)(?:†[^†】]*)?)?$/;
const LINK = /【\d+†([^†】]+)(?:†[^†】]+)?】/g;

/** Replaces `【{id}†{text}(†{host})?】` link markers with their text, including cut-off markers at the ends. */
export function stripLinks(text: string): string {
  return text
    .replace(PARTIAL_LEADING_LINK, '')
    .replace(PARTIAL_TRAILING_LINK, (_match, content: string | undefined) => content ?? '')
    .replace(LINK, (_match, content: string) => content);
}

/** Options of {@link findInPage}. */
export interface FindOptions {
  /** Stop after this many matches. @defaultValue 50 */
  readonly maxResults?: number;
  /** Lines shown per match, starting at the matching line. @defaultValue 4 */
  readonly linesPerMatch?: number;
}

/**
 * Case-insensitive search of `pattern` in the page's display lines (link markers reduced to their
 * text). Returns a `find` page listing each match as `# 【{n}†match at L{line}】` and the lines that
 * follow; opening link `n` shows the page near that line.
 */
export function findInPage(pattern: string, page: ViewPage, options: FindOptions = {}): ViewPage {
  const maxResults = options.maxResults ?? 50;
  const linesPerMatch = options.linesPerMatch ?? 4;
  const needle = pattern.toLowerCase();
  const lines = stripLinks(wrapLines(page.text).join('\n')).split('\n');
  const blocks: string[] = [];
  const linkLines: number[] = [];
  let index = 0;
  while (index < lines.length && blocks.length < maxResults) {
    if (!lines[index]!.toLowerCase().includes(needle)) {
      index++;
      continue;
    }
    const snippet = lines.slice(index, index + linesPerMatch).join('\n');
    blocks.push(`# 【${blocks.length}†match at L${index}】\n${snippet}`);
    linkLines.push(index);
    index += linesPerMatch;
  }
  return {
    type: 'find',
    url: `${page.url}/find?pattern=${quote(needle)}`,
    title: `Find results for text: \`${needle}\` in \`${page.title}\``,
    text: blocks.length > 0 ? blocks.join('\n\n') : `No \`find\` results for pattern: \`${needle}\``,
    links: linkLines.map(() => page.url),
    linkLines,
  };
}
