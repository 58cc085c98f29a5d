/**
 * The browser's session state: the stack of viewed pages (a page's cursor is its index) and a cache
 * of fetched pages by URL, so following a link to an already fetched page does not fetch it again.
 */

import { ToolInputRejectedError } from '@harmony-agents/core';
import type { ViewPage } from './page-view.js';

/** A serializable snapshot of a browser session, e.g. to store with a saved conversation. */
export interface BrowserState {
  /** The viewed pages; the cursor of `pages[i]` is `i`. */
  readonly pages: readonly ViewPage[];
}

/** Throws the usage error the model sees (the reference tool's wording). */
export function usageError(message: string): never {
  throw new ToolInputRejectedError(message, { reason: 'invalid_usage' });
}

/** The page stack and page cache of one browsing session. */
export class BrowserSession {
  #stack: ViewPage[] = [];
  #cache = new Map<string, ViewPage>();

  /** The cursor of the most recent page, `-1` when no page was viewed. */
  get currentCursor(): number {
    return this.#stack.length - 1;
  }

  /** Pushes a page and returns its cursor. Fetched pages are also cached by their URL. */
  push(page: ViewPage): number {
    if (page.type === 'page') this.#cache.set(page.url, page);
    this.#stack.push(page);
    return this.#stack.length - 1;
  }

  /** Removes the most recent page (used when showing it failed). */
  pop(): void {
    this.#stack.pop();
  }

  /**
   * The page at `cursor`; `-1` is the most recent one and other negative values count from the end,
   * as Python indexing does in the reference.
   * @throws {@link ToolInputRejectedError} with the text the model sees, when there is no such page.
   */
  page(cursor: number): ViewPage {
    const last = this.#stack.length - 1;
    if (last < 0) usageError('No pages to access!');
    const index = cursor < 0 ? this.#stack.length + cursor : cursor;
    const page = this.#stack[index];
    if (index < 0 || page === undefined) {
      usageError(`Cursor \`${cursor}\` is out of range. Available cursor indices: [0 - ${last}].`);
    }
    return page;
  }

  /** Caches a fetched page under another URL too (the one requested, before redirects). */
  remember(url: string, page: ViewPage): void {
    this.#cache.set(url, page);
  }

  /** A fetched page by URL, if one is cached. */
  cached(url: string): ViewPage | undefined {
    return this.#cache.get(url);
  }

  /** Forgets all pages. */
  reset(): void {
    this.#stack = [];
    this.#cache = new Map();
  }

  /** A snapshot of the stack. */
  snapshot(): BrowserState {
    return { pages: [...this.#stack] };
  }

  /** Replaces the session with a snapshot. */
  restore(state: BrowserState): void {
    this.reset();
    for (const page of state.pages) this.push(page);
  }
}
