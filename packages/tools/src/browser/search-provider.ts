/**
 * The pluggable parts of the `browser` tool: a {@link SearchProvider} answers `browser.search`, a
 * {@link PageFetcher} answers `browser.open` for a URL. Both return plain data; the tool turns it into
 * gpt-oss's page view (numbered lines, link ids, cursors).
 *
 * Plugging in a web search API takes one object:
 * ```ts
 * const webSearch: SearchProvider = {
 *   async search(query, { topN, signal }) {
 *     const response = await fetch(`https://search.example/api?q=${encodeURIComponent(query)}&n=${topN}`, { signal });
 *     const body = (await response.json()) as { items: { link: string; name: string; summary: string }[] };
 *     return body.items.map((item) => ({ url: item.link, title: item.name, snippet: item.summary }));
 *   },
 * };
 * const browser = createBrowserTool({ search: webSearch, fetch: createHttpPageFetcher({ maxBytes: 2_000_000 }) });
 * ```
 * Throw from `search` / `fetch` to report a failure: the tool shows the error's message to the model
 * (as `Error during search for ...` / `Error fetching URL ...`) and keeps running.
 * @packageDocumentation
 */

/** One search hit. */
export interface SearchResult {
  /** The address `browser.open` will fetch when the model opens this result. */
  readonly url: string;
  /** The page's title, shown as the link text. */
  readonly title: string;
  /** A short excerpt shown after the link (may be empty). */
  readonly snippet: string;
}

/** What {@link SearchProvider.search} receives besides the query. */
export interface SearchOptions {
  /** The number of results to return at most. */
  readonly topN: number;
  /** Aborted when the call is cancelled or times out; pass it on to I/O. */
  readonly signal: AbortSignal;
}

/** Answers `browser.search`. Web search APIs, a local index, a database: anything that returns hits. */
export interface SearchProvider {
  /**
   * Returns up to `options.topN` results for `query`, best first.
   * @throws anything: the message is shown to the model.
   */
  search(query: string, options: SearchOptions): Promise<readonly SearchResult[]>;
}

/**
 * A page ready for the `browser` tool's view: readable text whose links are written in gpt-oss's
 * style, `【{id}†{text}】` (same host) or `【{id}†{text}†{host}】` (another host), where `id` indexes
 * {@link BrowserPage.links}.
 */
export interface BrowserPage {
  /** The page's final address (after redirects). */
  readonly url: string;
  /** The page's title. */
  readonly title: string;
  /** The readable text, lines separated by `\n`. */
  readonly text: string;
  /** Absolute link targets; link id `i` in `text` opens `links[i]`. */
  readonly links: readonly string[];
}

/** What {@link PageFetcher.fetch} receives besides the URL. */
export interface PageFetchOptions {
  /** Aborted when the call is cancelled or times out; pass it on to I/O. */
  readonly signal: AbortSignal;
  /** The model asked for the page's source (`view_source: true`): return the raw text, no links. */
  readonly viewSource: boolean;
}

/** Answers `browser.open` for a URL (a search result, a link, or a URL the model wrote). */
export interface PageFetcher {
  /**
   * Fetches `url` and returns it as a {@link BrowserPage}.
   * @throws anything: the message is shown to the model.
   */
  fetch(url: string, options: PageFetchOptions): Promise<BrowserPage>;
}

/** Returns true if `value` has a `fetch(url, options)` method, i.e. can serve as a {@link PageFetcher}. */
export function isPageFetcher(value: unknown): value is PageFetcher {
  return (
    typeof value === 'object' && value !== null && typeof (value as { fetch?: unknown }).fetch === 'function'
  );
}
