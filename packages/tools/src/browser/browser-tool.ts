/**
 * gpt-oss's built-in `browser` tool (`browser.search`, `browser.open`, `browser.find`), behaving like
 * OpenAI's reference `SimpleBrowserTool`: numbered search results, pages shown as line-numbered
 * windows under a `[cursor]` header, links the model opens by id, and citations `【{cursor}†L{a}-L{b}】`.
 */

import {
  type BuiltinTool,
  type BuiltinToolCall,
  ConfigurationError,
  type ToolContext,
  ToolInputRejectedError,
  type ToolNamespaceConfig,
} from '@harmony-agents/core';
import { loadO200kHarmonyTokenizer } from '@harmony-agents/core/harmony';
import { type BrowserCommand, parseBrowserCall } from './browser-arguments.js';
import { createBrowserNamespace } from './browser-namespace.js';
import { BrowserSession, type BrowserState, usageError } from './browser-state.js';
import { type Citation, parseCitations } from './citations.js';
import { LinkTable, linkMarker, mergeWhitespace, replaceSpecialCharacters } from './link-markers.js';
import {
  findInPage,
  invalidLocationMessage,
  renderWindow,
  truncate,
  type ViewPage,
  type ViewTokenizer,
  type WindowSize,
  windowEnd,
} from './page-view.js';
import {
  isPageFetcher,
  type PageFetcher,
  type SearchProvider,
  type SearchResult,
} from './search-provider.js';
import { wrapLines } from './wrap-lines.js';

/** Options of {@link createBrowserTool}. */
export interface BrowserToolOptions {
  /** Answers `browser.search`. */
  readonly search: SearchProvider;
  /**
   * Answers `browser.open` for URLs (search results, links, URLs the model writes).
   * @defaultValue `search`, when it also implements {@link PageFetcher} (as the local documents
   * provider does); otherwise opening a URL reports an error to the model
   */
  readonly fetch?: PageFetcher;
  /**
   * A window shows as many lines as fit in this many o200k tokens (line numbers included), like the
   * reference tool.
   * @defaultValue 1024
   */
  readonly viewTokens?: number;
  /**
   * Show this many lines per window instead of sizing windows by tokens (no tokenizer needed).
   * @defaultValue undefined (windows are sized by `viewTokens`)
   */
  readonly viewLines?: number;
  /**
   * The tokenizer that sizes windows.
   * @defaultValue the o200k_harmony tokenizer of `@harmony-agents/core`, loaded on first use
   */
  readonly tokenizer?: ViewTokenizer;
  /**
   * Results shown when the model gives no `topn` (the rendered default is 10).
   * @defaultValue 10
   */
  readonly defaultSearchResults?: number;
  /**
   * Upper bound on `topn`.
   * @defaultValue 20 (the reference tool's `max_search_results`)
   */
  readonly maxSearchResults?: number;
  /**
   * What the searches cover, rendered as the description's last line `sources=<sources>` (the
   * reference tool writes its backend's source there).
   * @defaultValue undefined: openai-harmony's line `sources=web (default: web)`
   */
  readonly sources?: string;
  /**
   * Per-call timeout in milliseconds.
   * @defaultValue undefined (the agent's default)
   */
  readonly timeoutMs?: number;
  /**
   * A session to resume (from {@link BrowserTool.saveState}).
   * @defaultValue an empty session
   */
  readonly state?: BrowserState;
}

/** A citation resolved to the page and lines it points at. */
export interface ResolvedCitation extends Citation {
  /** The cited page's address (empty for search results). */
  readonly url: string;
  /** The cited page's title. */
  readonly title: string;
  /** The cited display lines (clipped to the page). */
  readonly lines: readonly string[];
}

/**
 * The `browser` tool. State (the page stack that cursors index, and fetched pages) lives in the tool
 * instance: one instance is one browsing session. Use one tool per conversation, or call
 * {@link BrowserTool.reset} between conversations; {@link BrowserTool.saveState} /
 * {@link BrowserTool.restoreState} persist a session alongside a saved conversation.
 */
export interface BrowserTool extends BuiltinTool {
  /** The cursor of the most recent page, `-1` before the first call. */
  readonly currentCursor: number;
  /** Forgets every page (cursors start again at 0). */
  reset(): void;
  /** A JSON-serializable snapshot of the session. */
  saveState(): BrowserState;
  /** Replaces the session with a snapshot. */
  restoreState(state: BrowserState): void;
  /** Finds the citations in model output and resolves them to pages and lines; unknown cursors are skipped. */
  resolveCitations(text: string): ResolvedCitation[];
}

interface ResolvedOptions {
  readonly search: SearchProvider;
  readonly fetcher: PageFetcher | undefined;
  readonly windowSize: WindowSize;
  readonly defaultSearchResults: number;
  readonly maxSearchResults: number;
}

const VIEW_SOURCE_PREFIX = 'view-source:';

function positiveInteger(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1) {
    throw new ConfigurationError(`createBrowserTool: \`${name}\` must be a positive integer, got ${value}`);
  }
  return value;
}

function resolveOptions(options: BrowserToolOptions): ResolvedOptions {
  let tokenizer = options.tokenizer;
  const viewTokens = positiveInteger(options.viewTokens, 1024, 'viewTokens');
  const windowSize: WindowSize =
    options.viewLines === undefined
      ? {
          type: 'tokens',
          tokens: viewTokens,
          tokenizer: () => {
            tokenizer ??= loadO200kHarmonyTokenizer();
            return tokenizer;
          },
        }
      : { type: 'lines', lines: positiveInteger(options.viewLines, 1, 'viewLines') };
  const maxSearchResults = positiveInteger(options.maxSearchResults, 20, 'maxSearchResults');
  return {
    search: options.search,
    fetcher: options.fetch ?? (isPageFetcher(options.search) ? options.search : undefined),
    windowSize,
    defaultSearchResults: Math.min(
      positiveInteger(options.defaultSearchResults, 10, 'defaultSearchResults'),
      maxSearchResults,
    ),
    maxSearchResults,
  };
}

/** Builds the search results page as the reference renders its backends' results. */
function searchResultsPage(query: string, results: readonly SearchResult[]): ViewPage {
  const table = new LinkTable();
  const items = results.map((result) => {
    const marker = linkMarker(table.idOf(result.url), result.title || result.url, result.url, '');
    const snippet = replaceSpecialCharacters(mergeWhitespace(result.snippet)).trim();
    return snippet === '' ? `  * ${marker}` : `  * ${marker} ${snippet}`;
  });
  const text = ['\nURL: ', '# Search Results', ...(items.length > 0 ? ['', ...items] : [])].join('\n');
  return { type: 'search', url: '', title: query, text, links: table.links, linkLines: [] };
}

function errorMessage(error: unknown): string {
  return truncate(error instanceof Error ? error.message : String(error));
}

class BrowserToolImplementation implements BrowserTool {
  readonly kind = 'builtin';
  readonly namespace: ToolNamespaceConfig;
  readonly timeoutMs: number | undefined;
  readonly #options: ResolvedOptions;
  readonly #session = new BrowserSession();

  constructor(options: BrowserToolOptions) {
    this.#options = resolveOptions(options);
    this.namespace = createBrowserNamespace(options.sources);
    this.timeoutMs = options.timeoutMs;
    if (options.state !== undefined) this.#session.restore(options.state);
  }

  get currentCursor(): number {
    return this.#session.currentCursor;
  }

  reset(): void {
    this.#session.reset();
  }

  saveState(): BrowserState {
    return this.#session.snapshot();
  }

  restoreState(state: BrowserState): void {
    this.#session.restore(state);
  }

  resolveCitations(text: string): ResolvedCitation[] {
    const snapshot = this.#session.snapshot();
    return parseCitations(text).flatMap((citation) => {
      const page = snapshot.pages[citation.cursor];
      if (page === undefined) return [];
      const lines = wrapLines(page.text).slice(citation.lineStart, citation.lineEnd + 1);
      return [{ ...citation, url: page.url, title: page.title, lines }];
    });
  }

  async execute(call: BuiltinToolCall, context: ToolContext): Promise<string> {
    const parsed = parseBrowserCall(call.recipient, call.input);
    if (!parsed.success) return parsed.error;
    try {
      return await this.#run(parsed.command, context.signal);
    } catch (error) {
      if (context.signal.aborted) throw error;
      if (error instanceof ToolInputRejectedError && error.reason === 'invalid_usage') return error.message;
      throw error;
    }
  }

  #run(command: BrowserCommand, signal: AbortSignal): Promise<string> {
    switch (command.type) {
      case 'search':
        return this.#search(command.query, command.topN, signal);
      case 'open':
        return this.#open(command, signal);
      case 'find':
        return Promise.resolve(this.#find(command.pattern, command.cursor));
    }
  }

  async #search(query: string, topN: number | undefined, signal: AbortSignal): Promise<string> {
    const count = Math.min(topN ?? this.#options.defaultSearchResults, this.#options.maxSearchResults);
    let results: readonly SearchResult[];
    try {
      results = await this.#options.search.search(query, { topN: count, signal });
    } catch (error) {
      if (signal.aborted) throw error;
      return `Error during search for \`${query}\`: ${errorMessage(error)}`;
    }
    this.#session.push(searchResultsPage(query, results.slice(0, count)));
    return this.#show(0, -1);
  }

  async #open(command: Extract<BrowserCommand, { type: 'open' }>, signal: AbortSignal): Promise<string> {
    let url: string;
    let current: ViewPage | undefined;
    let matchLine: number | undefined;
    const refresh = typeof command.id === 'string';
    if (typeof command.id === 'string') {
      url = command.id;
    } else {
      current = this.#session.page(command.cursor);
      if (command.id >= 0) {
        url = current.links[command.id] ?? usageError(`Invalid link id \`${command.id}\`.`);
        matchLine = current.linkLines[command.id];
      } else {
        url = current.url;
      }
    }
    let page: ViewPage;
    if (current !== undefined && command.id === -1 && !command.viewSource) {
      page = current;
    } else {
      const fetched = await this.#fetch(url, command.viewSource, refresh, signal);
      if (typeof fetched === 'string') return fetched;
      page = fetched;
      if (command.viewSource) matchLine = undefined;
    }
    this.#session.push(page);
    let loc = command.loc;
    if (loc < 0) loc = matchLine === undefined ? 0 : matchLine > 4 ? matchLine - 4 : matchLine;
    return this.#show(loc, command.numLines);
  }

  /** Fetches a page (or takes it from the cache); returns the error text the model sees on failure. */
  async #fetch(
    url: string,
    viewSource: boolean,
    refresh: boolean,
    signal: AbortSignal,
  ): Promise<ViewPage | string> {
    const key = viewSource ? `${VIEW_SOURCE_PREFIX}${url}` : url;
    const cached = refresh ? undefined : this.#session.cached(key);
    if (cached !== undefined) return cached;
    const fetcher = this.#options.fetcher;
    try {
      if (fetcher === undefined) {
        throw new ConfigurationError('this browser has no page fetcher; pass `fetch` to createBrowserTool');
      }
      const page = await fetcher.fetch(url, { signal, viewSource });
      const viewPage: ViewPage = {
        type: 'page',
        url: viewSource ? `${VIEW_SOURCE_PREFIX}${page.url}` : page.url,
        title: page.title,
        text: `\nURL: ${page.url}\n${page.text}`,
        links: viewSource ? [] : page.links,
        linkLines: [],
      };
      this.#session.remember(key, viewPage);
      return viewPage;
    } catch (error) {
      if (signal.aborted) throw error;
      return `Error fetching URL \`${truncate(key)}\`: ${errorMessage(error)}`;
    }
  }

  #find(pattern: string, cursor: number): string {
    const page = this.#session.page(cursor);
    if (page.type !== 'page') usageError('Cannot run `find` on search results page or find results page');
    this.#session.push(findInPage(pattern, page));
    return this.#show(0, -1);
  }

  /** Renders the most recent page from line `loc`; on a bad `loc` the page is popped again. */
  #show(loc: number, numLines: number): string {
    const cursor = this.#session.currentCursor;
    const page = this.#session.page(cursor);
    const lines = wrapLines(page.text);
    if (loc >= lines.length) {
      this.#session.pop();
      usageError(invalidLocationMessage(loc, lines.length));
    }
    const end = windowEnd(lines, loc, numLines, this.#options.windowSize);
    return renderWindow(page, lines, cursor, loc, end);
  }
}

/**
 * Creates gpt-oss's built-in `browser` tool. With default options its namespace equals
 * openai-harmony's `browser` namespace exactly.
 * @throws {@link ConfigurationError} if a numeric option is not a positive integer.
 * @example Browse a folder of documents
 * ```ts
 * const docs = createLocalDocumentsProvider({ root: './docs' });
 * const browser = createBrowserTool({ search: docs });
 * const agent = createAgent({ backend, tools: [browser] });
 * ```
 */
export function createBrowserTool(options: BrowserToolOptions): BrowserTool {
  return new BrowserToolImplementation(options);
}
