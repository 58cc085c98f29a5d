/**
 * Plain text and Markdown to browser pages. Markdown stays as written, except that links become
 * `【{id}†{text}】` markers the model can open and images become `[Image {n}: {alt}]`.
 */

import { hostOf, LinkTable, linkMarker, replaceSpecialCharacters } from './link-markers.js';
import type { BrowserPage } from './search-provider.js';

/** Options of {@link textToPage} and {@link markdownToPage}. */
export interface TextToPageOptions {
  /** The page's address; relative Markdown links are resolved against it. */
  readonly url: string;
  /**
   * The title.
   * @defaultValue for Markdown, the first `#` heading; else the last path segment of `url`
   */
  readonly title?: string;
}

function lastPathSegment(url: string): string {
  const path = url.split(/[?#]/)[0] ?? '';
  const segment = path.slice(path.lastIndexOf('/') + 1);
  try {
    return decodeURIComponent(segment) || url;
  } catch {
    return segment || url;
  }
}

function normalizeNewlines(text: string): string {
  return text.replace(/\r\n?/g, '\n');
}

/** A plain text page (no links). */
export function textToPage(text: string, options: TextToPageOptions): BrowserPage {
  return {
    url: options.url,
    title: options.title ?? lastPathSegment(options.url),
    text: replaceSpecialCharacters(normalizeNewlines(text)),
    links: [],
  };
}

const MARKDOWN_LINK = /(!?)\[([^\]\n]*)\]\(\s*<?([^)\s>]*)>?(?:\s+"[^"\n]*")?\s*\)/g;
const FIRST_HEADING = /^#\s+(.+?)\s*#*\s*$/m;

/** A Markdown page whose inline links `[text](target)` are link markers. */
export function markdownToPage(markdown: string, options: TextToPageOptions): BrowserPage {
  const text = replaceSpecialCharacters(normalizeNewlines(markdown));
  const links = new LinkTable();
  const pageHost = hostOf(options.url);
  let images = 0;
  const converted = text.replace(MARKDOWN_LINK, (whole, bang: string, label: string, href: string) => {
    if (bang === '!') return label === '' ? `[Image ${images++}]` : `[Image ${images++}: ${label}]`;
    if (label.trim() === '' || href === '' || /^(mailto|javascript):/i.test(href)) return whole;
    if (href.startsWith('#')) return label;
    let target: string;
    try {
      target = new URL(href, options.url).href;
    } catch {
      return whole;
    }
    if (hostOf(target) === '') return whole;
    return linkMarker(links.idOf(target), label, target, pageHost);
  });
  const heading = FIRST_HEADING.exec(converted)?.[1];
  return {
    url: options.url,
    title: options.title ?? heading ?? lastPathSegment(options.url),
    text: converted,
    links: links.links,
  };
}
