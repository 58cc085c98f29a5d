/**
 * A search provider and page fetcher over a local folder of Markdown, plain text and HTML files,
 * indexed in memory with MiniSearch. Works offline. Documents are addressed as
 * `<baseUrl><relative path>` (default `docs://local/guide/install.md`); `browser.open` also accepts a
 * bare relative path. Nothing outside the root is ever read: `..` segments and symbolic links that
 * lead out of the root are refused, as are binary and oversized files.
 */

import { statSync } from 'node:fs';
import { readdir, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { ConfigurationError, PageFetchError, ToolInputRejectedError } from '@harmony-agents/core';
import MiniSearch from 'minisearch';
import { openInsideRoot, readAtMost } from '../open-inside-root.js';
import { htmlToPage } from './html-to-text.js';
import { mergeWhitespace } from './link-markers.js';
import { stripLinks, truncate } from './page-view.js';
import type {
  BrowserPage,
  PageFetcher,
  PageFetchOptions,
  SearchOptions,
  SearchProvider,
  SearchResult,
} from './search-provider.js';
import { markdownToPage, textToPage } from './text-to-page.js';

/** Options of {@link createLocalDocumentsProvider}. */
export interface LocalDocumentsProviderOptions {
  /** The folder to serve. Must exist. */
  readonly root: string;
  /**
   * The URL prefix of documents; a document's URL is this prefix plus its path relative to `root`.
   * @defaultValue `'docs://local/'`
   */
  readonly baseUrl?: string;
  /**
   * File extensions served (lower case, with the dot). `.md`/`.markdown` are read as Markdown,
   * `.html`/`.htm` as HTML, anything else as plain text.
   * @defaultValue `['.md', '.markdown', '.txt', '.html', '.htm']`
   */
  readonly extensions?: readonly string[];
  /**
   * Larger files are skipped when indexing and refused when opened.
   * @defaultValue 1_000_000 bytes
   */
  readonly maxFileBytes?: number;
  /**
   * Stop indexing after this many documents.
   * @defaultValue 10_000
   */
  readonly maxDocuments?: number;
}

/** A search provider and page fetcher over a local folder. */
export interface LocalDocumentsProvider extends SearchProvider, PageFetcher {
  /** The served folder, as a real absolute path. */
  readonly root: string;
  /** The URL prefix of documents. */
  readonly baseUrl: string;
  /** The URL of a document given its path relative to the root (`/`-separated). */
  urlOf(relativePath: string): string;
  /** The indexed documents' URLs, in path order (indexes the folder on first use). */
  documentUrls(): Promise<readonly string[]>;
  /** Drops the index; the next search reads the folder again. */
  refresh(): void;
}

interface IndexedDocument {
  readonly id: number;
  readonly url: string;
  readonly title: string;
  readonly text: string;
}

interface ResolvedOptions {
  readonly root: string;
  readonly baseUrl: string;
  readonly extensions: ReadonlySet<string>;
  readonly maxFileBytes: number;
  readonly maxDocuments: number;
}

const SNIPPET_LENGTH = 200;
const WORD = /[\p{L}\p{N}_]+/gu;

/** Words for the index and queries; `snake_case` identifiers are kept whole and also split. */
function tokenize(text: string): string[] {
  const words: string[] = [];
  for (const [word] of text.matchAll(WORD)) {
    words.push(word);
    if (word.includes('_')) words.push(...word.split('_').filter((part) => part !== ''));
  }
  return words;
}
const strictDecoder = new TextDecoder('utf-8', { fatal: true });

function isInside(parent: string, child: string): boolean {
  const relative = path.relative(parent, child);
  return (
    relative === '' ||
    (!relative.startsWith(`..${path.sep}`) && relative !== '..' && !path.isAbsolute(relative))
  );
}

function resolveOptions(options: LocalDocumentsProviderOptions): ResolvedOptions {
  let isDirectory = false;
  try {
    isDirectory = statSync(options.root).isDirectory();
  } catch {
    isDirectory = false;
  }
  if (!isDirectory) {
    throw new ConfigurationError(`createLocalDocumentsProvider: \`root\` must be a folder: ${options.root}`);
  }
  const root = path.resolve(options.root);
  const baseUrl = options.baseUrl ?? 'docs://local/';
  try {
    new URL(baseUrl);
  } catch (error) {
    throw new ConfigurationError(`createLocalDocumentsProvider: \`baseUrl\` is not a URL: ${baseUrl}`, {
      cause: error,
    });
  }
  return {
    root,
    baseUrl: baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`,
    extensions: new Set(
      (options.extensions ?? ['.md', '.markdown', '.txt', '.html', '.htm']).map((e) => e.toLowerCase()),
    ),
    maxFileBytes: options.maxFileBytes ?? 1_000_000,
    maxDocuments: options.maxDocuments ?? 10_000,
  };
}

function rejected(message: string, reason: string): ToolInputRejectedError {
  return new ToolInputRejectedError(message, { reason });
}

/** Decodes a document, refusing binary content (NUL bytes or invalid UTF-8). */
function decodeText(bytes: Uint8Array, relativePath: string): string {
  if (bytes.includes(0)) throw rejected(`\`${relativePath}\` is a binary file`, 'binary_file');
  try {
    return strictDecoder.decode(bytes);
  } catch {
    throw rejected(`\`${relativePath}\` is a binary file`, 'binary_file');
  }
}

function toPage(text: string, url: string, extension: string, viewSource: boolean): BrowserPage {
  if (viewSource) return textToPage(text, { url });
  if (extension === '.md' || extension === '.markdown') return markdownToPage(text, { url });
  if (extension === '.html' || extension === '.htm') return htmlToPage(text, { url });
  return textToPage(text, { url });
}

/** The best line of `text` for `terms`: the first line containing the most terms, shortened around the match. */
function snippetOf(text: string, terms: readonly string[]): string {
  let best = '';
  let bestCount = 0;
  for (const line of stripLinks(text).split('\n')) {
    const lower = line.toLowerCase();
    const count = terms.filter((term) => lower.includes(term)).length;
    if (count > bestCount) {
      best = line;
      bestCount = count;
    }
  }
  if (bestCount === 0)
    best = text.split('\n').find((line) => line.trim() !== '' && !line.startsWith('#')) ?? '';
  best = mergeWhitespace(best).trim();
  if (best.length <= SNIPPET_LENGTH) return best;
  const first = Math.min(
    ...terms.map((term) => best.toLowerCase().indexOf(term)).filter((index) => index >= 0),
  );
  const start = Math.max(0, Math.min(first - 40, best.length - SNIPPET_LENGTH));
  return `${start > 0 ? '…' : ''}${truncate(best.slice(start), SNIPPET_LENGTH)}`;
}

class LocalDocuments implements LocalDocumentsProvider {
  readonly root: string;
  readonly baseUrl: string;
  readonly #options: ResolvedOptions;
  #realRoot: Promise<string> | undefined;
  #index: Promise<{ search: MiniSearch<IndexedDocument>; documents: IndexedDocument[] }> | undefined;

  constructor(options: LocalDocumentsProviderOptions) {
    this.#options = resolveOptions(options);
    this.root = this.#options.root;
    this.baseUrl = this.#options.baseUrl;
  }

  urlOf(relativePath: string): string {
    return this.baseUrl + relativePath.split('/').map(encodeURIComponent).join('/');
  }

  async documentUrls(): Promise<readonly string[]> {
    return (await this.#loadIndex()).documents.map((document) => document.url);
  }

  refresh(): void {
    this.#index = undefined;
  }

  async search(query: string, options: SearchOptions): Promise<readonly SearchResult[]> {
    options.signal.throwIfAborted();
    const { search, documents } = await this.#loadIndex();
    const hits = search.search(query, { prefix: true, fuzzy: 0.2, boost: { title: 2 } });
    return hits.slice(0, options.topN).flatMap((hit) => {
      const document = documents[hit.id as number];
      if (document === undefined) return [];
      return [
        {
          url: document.url,
          title: document.title,
          snippet: snippetOf(document.text, [...hit.terms, ...hit.queryTerms]),
        },
      ];
    });
  }

  async fetch(url: string, options: PageFetchOptions): Promise<BrowserPage> {
    options.signal.throwIfAborted();
    const relativePath = this.#relativePathOf(url);
    const extension = path.extname(relativePath).toLowerCase();
    if (!this.#options.extensions.has(extension)) {
      throw rejected(`\`${relativePath}\` is not a supported document type`, 'unsupported_type');
    }
    const text = await this.#readDocument(relativePath);
    return toPage(text, this.urlOf(relativePath), extension, options.viewSource);
  }

  /** The `/`-separated path relative to the root that `url` names; refuses anything else. */
  #relativePathOf(url: string): string {
    let encoded: string;
    if (url.startsWith(this.baseUrl)) encoded = url.slice(this.baseUrl.length);
    else if (!/^[a-z][a-z0-9+.-]*:/i.test(url)) encoded = url.replace(/^\.?\/+/, '');
    else throw rejected(`Only documents under ${this.baseUrl} can be opened`, 'unsupported_url');
    encoded = encoded.split(/[?#]/)[0] ?? '';
    let decoded: string;
    try {
      decoded = decodeURIComponent(encoded);
    } catch {
      throw rejected(`Malformed document URL \`${url}\``, 'unsupported_url');
    }
    const segments = decoded.split(/[\\/]+/).filter((segment) => segment !== '' && segment !== '.');
    if (segments.includes('..') || decoded.includes('\0') || path.isAbsolute(decoded)) {
      throw rejected(`\`${decoded}\` is outside the documents folder`, 'outside_root');
    }
    return segments.join('/');
  }

  #realRootPath(): Promise<string> {
    this.#realRoot ??= realpath(this.root);
    return this.#realRoot;
  }

  /** Reads a document after checking that its real path is inside the root, its size and its content. */
  async #readDocument(relativePath: string): Promise<string> {
    const realRoot = await this.#realRootPath();
    const candidate = path.join(this.root, ...relativePath.split('/'));
    if (!isInside(this.root, candidate)) {
      throw rejected(`\`${relativePath}\` is outside the documents folder`, 'outside_root');
    }
    let real: string;
    try {
      real = await realpath(candidate);
    } catch (error) {
      throw new PageFetchError(`No document \`${relativePath}\``, {
        url: this.urlOf(relativePath),
        reason: 'not_found',
        cause: error,
      });
    }
    if (!isInside(realRoot, real)) {
      throw rejected(`\`${relativePath}\` links outside the documents folder`, 'outside_root');
    }
    const unreadable = (error: unknown) =>
      new PageFetchError(`Cannot read \`${relativePath}\``, {
        url: this.urlOf(relativePath),
        reason: 'unreadable',
        cause: error,
      });
    // The file opened is checked again: a folder swapped for a symbolic link after the check above
    // must not lead the open outside the root.
    const opened = await openInsideRoot(real, realRoot, () => realpath(candidate));
    if (opened.type === 'moved') {
      throw rejected(`\`${relativePath}\` changed while it was being opened`, 'outside_root');
    }
    if (opened.type === 'failed') throw unreadable(opened.error);
    const { handle, stats } = opened;
    let bytes: Uint8Array;
    try {
      if (!stats.isFile()) {
        throw new PageFetchError(`No document \`${relativePath}\``, {
          url: this.urlOf(relativePath),
          reason: 'not_found',
        });
      }
      if (stats.size > this.#options.maxFileBytes) {
        throw rejected(
          `\`${relativePath}\` is too large (${stats.size} bytes, limit ${this.#options.maxFileBytes})`,
          'too_large',
        );
      }
      bytes = await readAtMost(handle, this.#options.maxFileBytes).catch((error: unknown) => {
        throw unreadable(error);
      });
    } finally {
      await handle.close();
    }
    if (bytes.length > this.#options.maxFileBytes) {
      throw rejected(
        `\`${relativePath}\` is too large (limit ${this.#options.maxFileBytes} bytes)`,
        'too_large',
      );
    }
    return decodeText(bytes, relativePath);
  }

  #loadIndex(): Promise<{ search: MiniSearch<IndexedDocument>; documents: IndexedDocument[] }> {
    if (this.#index === undefined) {
      this.#index = this.#buildIndex();
      this.#index.catch(() => {
        this.#index = undefined;
      });
    }
    return this.#index;
  }

  async #buildIndex(): Promise<{ search: MiniSearch<IndexedDocument>; documents: IndexedDocument[] }> {
    const documents: IndexedDocument[] = [];
    for (const relativePath of await this.#listFiles()) {
      if (documents.length >= this.#options.maxDocuments) break;
      let text: string;
      try {
        text = await this.#readDocument(relativePath);
      } catch (error) {
        if (error instanceof ToolInputRejectedError || error instanceof PageFetchError) continue;
        throw error;
      }
      const page = toPage(text, this.urlOf(relativePath), path.extname(relativePath).toLowerCase(), false);
      documents.push({ id: documents.length, url: page.url, title: page.title, text: page.text });
    }
    const search = new MiniSearch<IndexedDocument>({
      fields: ['title', 'text'],
      tokenize,
      extractField: (document, field) =>
        field === 'text' ? stripLinks(document.text) : document[field as keyof IndexedDocument],
    });
    search.addAll(documents);
    return { search, documents };
  }

  /** Relative paths of candidate files, sorted, skipping hidden entries and links leading out of the root. */
  async #listFiles(): Promise<string[]> {
    const realRoot = await this.#realRootPath();
    const files: string[] = [];
    const visited = new Set<string>([realRoot]);
    const walk = async (directory: string, prefix: string): Promise<void> => {
      // An unreadable subfolder is skipped; an unreadable root fails the search.
      const entries = await readdir(directory).catch((error: unknown) => {
        if (directory === this.root) throw error;
        return [];
      });
      for (const name of entries.sort()) {
        if (name.startsWith('.') || name === 'node_modules') continue;
        const full = path.join(directory, name);
        const relative = prefix === '' ? name : `${prefix}/${name}`;
        const real = await realpath(full).catch(() => '');
        if (real === '' || !isInside(realRoot, real)) continue;
        const stats = await stat(real).catch(() => undefined);
        if (stats?.isDirectory()) {
          if (visited.has(real)) continue;
          visited.add(real);
          await walk(full, relative);
        } else if (stats?.isFile() && this.#options.extensions.has(path.extname(name).toLowerCase())) {
          files.push(relative);
        }
      }
    };
    await walk(this.root, '');
    return files;
  }
}

/**
 * Creates a {@link LocalDocumentsProvider} over `options.root`. Pass it as `search` to
 * `createBrowserTool`; it also opens its documents, so no `fetch` is needed.
 * @throws {@link ConfigurationError} if `root` is not a folder or `baseUrl` is not a URL.
 * @example
 * ```ts
 * const browser = createBrowserTool({ search: createLocalDocumentsProvider({ root: './handbook' }) });
 * ```
 */
export function createLocalDocumentsProvider(options: LocalDocumentsProviderOptions): LocalDocumentsProvider {
  return new LocalDocuments(options);
}
