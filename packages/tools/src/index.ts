/**
 * `@harmony-agents/tools`: ready-made tools.
 * @module \@harmony-agents/tools
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
// everyday function tools
export type { CalculatorLimits, CalculatorResult, CalculatorToolOptions } from './calculator-tool.js';
export { createCalculatorTool, evaluateExpression } from './calculator-tool.js';
export type { CurrentTime, CurrentTimeToolOptions } from './current-time-tool.js';
export { canonicalTimeZone, createCurrentTimeTool, describeInstant } from './current-time-tool.js';
export type {
  DirectoryEntry,
  DirectoryListing,
  ListDirectoryToolOptions,
  ReadFileToolOptions,
} from './file-tools.js';
export {
  createListDirectoryTool,
  createReadFileTool,
  readTextFileInsideRoot,
  resolveInsideRoot,
} from './file-tools.js';
export type { HttpFetchToolOptions } from './http-fetch-tool.js';
export { createHttpFetchTool } from './http-fetch-tool.js';
export type { HostResolver } from './network-policy.js';
export { isHostAllowed, systemResolver } from './network-policy.js';
export { isPublicAddress } from './public-address.js';

// python: gpt-oss's built-in Python tool (Pyodide in a worker)
export type { PythonMount } from './python-mounts.js';
export type { PythonTool, PythonToolOptions } from './python-tool.js';
export { createPythonTool, PYTHON_DEFAULT_TIMEOUT_MS, pythonToolDescription } from './python-tool.js';
