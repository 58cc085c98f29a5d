/**
 * `@harmony-agents/tools`: ready-made tools.
 * @packageDocumentation
 */

// browser: gpt-oss's built-in browsing tool
export { BROWSER_NAMESPACE_NAME, createBrowserNamespace } from './browser/browser-namespace.js';
export type { BrowserState } from './browser/browser-state.js';
export type { BrowserTool, BrowserToolOptions, ResolvedCitation } from './browser/browser-tool.js';
export { createBrowserTool } from './browser/browser-tool.js';
export type { Citation } from './browser/citations.js';
export { parseCitations, replaceCitations } from './browser/citations.js';
export type { HtmlToPageOptions } from './browser/html-to-text.js';
export { htmlToPage } from './browser/html-to-text.js';
export type { HttpPageFetcherOptions } from './browser/http-page-fetcher.js';
export { createHttpPageFetcher } from './browser/http-page-fetcher.js';
export type {
  LocalDocumentsProvider,
  LocalDocumentsProviderOptions,
} from './browser/local-documents-provider.js';
export { createLocalDocumentsProvider } from './browser/local-documents-provider.js';
export type { HostResolver } from './browser/network-address-policy.js';
export { isHostAllowed, isPublicAddress, systemResolver } from './browser/network-address-policy.js';
export type { ViewPage, ViewTokenizer } from './browser/page-view.js';
export type {
  BrowserPage,
  PageFetcher,
  PageFetchOptions,
  SearchOptions,
  SearchProvider,
  SearchResult,
} from './browser/search-provider.js';
export { isPageFetcher } from './browser/search-provider.js';
export type { TextToPageOptions } from './browser/text-to-page.js';
export { markdownToPage, textToPage } from './browser/text-to-page.js';
