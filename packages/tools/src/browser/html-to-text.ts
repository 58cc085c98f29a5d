/**
 * HTML to a readable browser page: the main content (found with Mozilla Readability when the page
 * looks like an article), rendered as Markdown-like text (`#` headings, `  * ` list items, blank lines
 * between paragraphs, indented preformatted blocks), with links as `【{id}†{text}】` markers and images
 * as `[Image {n}: {alt}]`, like gpt-oss's reference browser.
 */

import { isProbablyReaderable, Readability } from '@mozilla/readability';
import { parseHTML } from 'linkedom';
import { hostOf, LinkTable, linkMarker, mergeWhitespace, replaceSpecialCharacters } from './link-markers.js';
import type { BrowserPage } from './search-provider.js';

/** Options of {@link htmlToPage}. */
export interface HtmlToPageOptions {
  /** The page's address: relative links are resolved against it, and same-host links omit the host. */
  readonly url: string;
  /**
   * The title to use.
   * @defaultValue the document's `<title>`, else the URL's host
   */
  readonly title?: string;
  /**
   * Keep only the main content (Mozilla Readability) when the page looks like an article.
   * @defaultValue true
   */
  readonly readability?: boolean;
}

/** The few DOM members used here (the package is compiled without the DOM library). */
interface DomNode {
  readonly nodeType: number;
  readonly textContent: string | null;
  readonly childNodes: ArrayLike<DomNode>;
}

interface DomElement extends DomNode {
  readonly tagName: string;
  getAttribute(name: string): string | null;
}

interface DomDocument {
  readonly body: DomElement | null;
  readonly documentElement: DomElement | null;
  querySelector(selector: string): DomElement | null;
}

const SKIPPED = new Set([
  'script',
  'style',
  'noscript',
  'template',
  'svg',
  'math',
  'head',
  'iframe',
  'object',
  'canvas',
  'select',
  'input',
  'textarea',
]);
const BLOCKS = new Set([
  'p',
  'div',
  'section',
  'article',
  'header',
  'footer',
  'main',
  'aside',
  'nav',
  'figure',
  'figcaption',
  'form',
  'fieldset',
  'address',
  'details',
  'summary',
  'dl',
  'table',
  'center',
]);
const HEADINGS: Readonly<Record<string, number>> = { h1: 1, h2: 2, h3: 3, h4: 4, h5: 5, h6: 6 };

/** Accumulates lines; inline text has its whitespace collapsed, blocks are separated by blank lines. */
class TextWriter {
  readonly #lines: string[] = [];
  #line = '';
  #started = false;
  #contentStart = 0;
  #pendingNewlines = 0;
  #pendingSpace = false;
  /** Prefix of continuation lines (list indentation, quote marks). */
  prefix = '';
  /** One-shot prefix of the next line (a list bullet). */
  bullet: string | undefined;

  breakLines(count: 1 | 2): void {
    this.#pendingNewlines = Math.max(this.#pendingNewlines, this.bullet === undefined ? count : 1);
    this.#pendingSpace = false;
  }

  inline(text: string): void {
    let body = mergeWhitespace(text);
    if (body.startsWith(' ')) {
      this.#pendingSpace = true;
      body = body.slice(1);
    }
    if (body === '') return;
    this.#startLine();
    if (this.#pendingSpace && this.#line.length > this.#contentStart) this.#line += ' ';
    this.#pendingSpace = body.endsWith(' ');
    this.#line += this.#pendingSpace ? body.slice(0, -1) : body;
  }

  /** Writes preformatted text verbatim, each line indented by four spaces. */
  preformatted(text: string): void {
    const lines = text.replace(/^\n/, '').replace(/\n$/, '').split('\n');
    lines.forEach((line, index) => {
      if (index > 0) this.#pendingNewlines = 1;
      this.#startLine();
      this.#line += `    ${line}`;
    });
  }

  #startLine(): void {
    if (this.#started && this.#pendingNewlines === 0) return;
    if (this.#started) {
      this.#lines.push(this.#line);
      if (this.#pendingNewlines > 1) this.#lines.push('');
    }
    this.#line = this.bullet ?? this.prefix;
    this.#contentStart = this.#line.length;
    this.bullet = undefined;
    this.#started = true;
    this.#pendingNewlines = 0;
    this.#pendingSpace = false;
  }

  toString(): string {
    const lines = this.#started ? [...this.#lines, this.#line] : this.#lines;
    return lines
      .map((line) => line.trimEnd())
      .join('\n')
      .replace(/\n{3,}/g, '\n\n')
      .replace(/^\n+|\n+$/g, '');
  }
}

interface RenderContext {
  readonly writer: TextWriter;
  readonly links: LinkTable;
  readonly baseUrl: string;
  readonly pageHost: string;
  images: number;
  listDepth: number;
}

function tagOf(node: DomNode): string {
  return (node as DomElement).tagName.toLowerCase();
}

function renderChildren(node: DomNode, context: RenderContext): void {
  for (const child of Array.from(node.childNodes)) renderNode(child, context);
}

/** The absolute target of a link the model can open, or undefined (mail, script, no host). */
function linkTarget(href: string, baseUrl: string): string | undefined {
  if (/^(mailto|javascript):/i.test(href)) return undefined;
  try {
    const target = new URL(href, baseUrl).href;
    return hostOf(target) === '' ? undefined : target;
  } catch {
    return undefined;
  }
}

function renderLink(element: DomElement, context: RenderContext): void {
  const href = element.getAttribute('href');
  const text = mergeWhitespace(element.textContent ?? '').trim();
  if (href !== null && text !== '' && href.startsWith('#')) {
    context.writer.inline(replaceSpecialCharacters(text));
    return;
  }
  const target = href === null || text === '' ? undefined : linkTarget(href, context.baseUrl);
  if (target === undefined) renderChildren(element, context);
  else context.writer.inline(linkMarker(context.links.idOf(target), text, target, context.pageHost));
}

function renderList(element: DomElement, context: RenderContext, ordered: boolean): void {
  const { writer } = context;
  const savedPrefix = writer.prefix;
  // Nested lists start at their parent item's text; a top-level list is indented by two spaces.
  const indent = context.listDepth === 0 ? '  ' : '';
  context.listDepth++;
  writer.breakLines(context.listDepth === 1 ? 2 : 1);
  let number = Number.parseInt(element.getAttribute('start') ?? '1', 10) || 1;
  for (const child of Array.from(element.childNodes)) {
    if (child.nodeType !== 1 || tagOf(child) !== 'li') {
      renderNode(child, context);
      continue;
    }
    writer.breakLines(1);
    writer.bullet = `${savedPrefix}${indent}${ordered ? `${number++}.` : '*'} `;
    writer.prefix = `${savedPrefix}${indent}  `;
    renderChildren(child, context);
    writer.bullet = undefined;
    writer.prefix = savedPrefix;
  }
  context.listDepth--;
  writer.breakLines(context.listDepth === 0 ? 2 : 1);
}

function renderTableRow(element: DomElement, context: RenderContext): void {
  context.writer.breakLines(1);
  let cells = 0;
  for (const child of Array.from(element.childNodes)) {
    if (child.nodeType === 1 && ['td', 'th'].includes(tagOf(child))) {
      if (cells++ > 0) context.writer.inline(' | ');
      renderChildren(child, context);
    } else {
      renderNode(child, context);
    }
  }
  context.writer.breakLines(1);
}

/** Renders children between two inline texts, e.g. backticks around code. */
function renderWrapped(element: DomElement, context: RenderContext, before: string, after: string): void {
  context.writer.inline(before);
  renderChildren(element, context);
  context.writer.inline(after);
}

/** Renders children as a block: separated from its surroundings by `newlines` line breaks. */
function renderBlock(element: DomElement, context: RenderContext, newlines: 1 | 2, before = ''): void {
  context.writer.breakLines(newlines);
  if (before !== '') context.writer.inline(before);
  renderChildren(element, context);
  context.writer.breakLines(newlines);
}

function renderElement(element: DomElement, context: RenderContext): void {
  const { writer } = context;
  const tag = tagOf(element);
  const level = HEADINGS[tag];
  if (SKIPPED.has(tag)) return;
  if (level !== undefined) {
    renderBlock(element, context, 2, `${'#'.repeat(level)} `);
    return;
  }
  switch (tag) {
    case 'a':
      renderLink(element, context);
      break;
    case 'img': {
      const name = element.getAttribute('alt') || element.getAttribute('title');
      const index = context.images++;
      writer.inline(name ? ` [Image ${index}: ${replaceSpecialCharacters(name)}] ` : ` [Image ${index}] `);
      break;
    }
    case 'br':
      writer.breakLines(1);
      break;
    case 'hr':
      writer.breakLines(2);
      writer.inline('* * *');
      writer.breakLines(2);
      break;
    case 'pre':
      writer.breakLines(2);
      writer.preformatted(replaceSpecialCharacters(element.textContent ?? ''));
      writer.breakLines(2);
      break;
    case 'code':
      renderWrapped(element, context, '`', '`');
      break;
    case 'sup':
      renderWrapped(element, context, '^{', '}');
      break;
    case 'sub':
      renderWrapped(element, context, '_{', '}');
      break;
    case 'ul':
    case 'ol':
      renderList(element, context, tag === 'ol');
      break;
    case 'tr':
      renderTableRow(element, context);
      break;
    case 'blockquote': {
      const saved = writer.prefix;
      writer.breakLines(2);
      writer.prefix = `${saved}> `;
      renderChildren(element, context);
      writer.breakLines(2);
      writer.prefix = saved;
      break;
    }
    case 'dt':
    case 'dd':
    case 'li':
      renderBlock(element, context, 1);
      break;
    default:
      if (BLOCKS.has(tag)) renderBlock(element, context, 2);
      else renderChildren(element, context);
  }
}

function renderNode(node: DomNode, context: RenderContext): void {
  if (node.nodeType === 3) context.writer.inline(replaceSpecialCharacters(node.textContent ?? ''));
  else if (node.nodeType === 1) renderElement(node as DomElement, context);
}

function parseDocument(html: string): DomDocument {
  const wrapped = /<html[\s>]/i.test(html)
    ? html
    : `<!DOCTYPE html><html><head></head><body>${html}</body></html>`;
  return parseHTML(wrapped).document as unknown as DomDocument;
}

/** The element holding the page's main content. */
function contentRoot(document: DomDocument, html: string, readability: boolean): DomNode | undefined {
  // Readability's types need the DOM library; linkedom's document implements what it uses.
  if (readability && isProbablyReaderable(document as never)) {
    const article = new Readability<DomNode>(document as never, {
      serializer: (node) => node as unknown as DomNode,
    }).parse();
    if (article?.content) return article.content;
    return parseDocument(html).body ?? undefined;
  }
  return document.body ?? document.documentElement ?? undefined;
}

/**
 * Converts an HTML document into a {@link BrowserPage}: readable text with link markers, and the
 * link table. Never throws on malformed HTML.
 */
export function htmlToPage(html: string, options: HtmlToPageOptions): BrowserPage {
  const pageHost = hostOf(options.url);
  const document = parseDocument(html);
  const titleElement = document.querySelector('title');
  const documentTitle = mergeWhitespace(titleElement?.textContent ?? '').trim();
  const title = replaceSpecialCharacters(options.title || documentTitle || pageHost);
  const context: RenderContext = {
    writer: new TextWriter(),
    links: new LinkTable(),
    baseUrl: options.url,
    pageHost,
    images: 0,
    listDepth: 0,
  };
  const root = contentRoot(document, html, options.readability ?? true);
  if (root !== undefined) renderChildren(root, context);
  return { url: options.url, title, text: context.writer.toString(), links: context.links.links };
}
