/**
 * Link markers and text clean-up shared by everything that produces browser pages. Links are written
 * `【{id}†{text}】` when the target is on the page's host and `【{id}†{text}†{host}】` otherwise, as
 * gpt-oss's reference browser does; the brackets are reserved for markers, so page text gets the
 * look-alike `〖〗` instead.
 */

const SPECIAL_CHARACTERS = /[【】◼\u200b]/g;
const REPLACEMENTS: Readonly<Record<string, string>> = { '【': '〖', '】': '〗', '◼': '◾', '\u200b': '' };

/** Replaces the marker brackets (and a few look-alikes) in page text, as the reference does. */
export function replaceSpecialCharacters(text: string): string {
  return text.replace(SPECIAL_CHARACTERS, (character) => REPLACEMENTS[character] ?? character);
}

/** Collapses every whitespace run (newlines included) to one space. */
export function mergeWhitespace(text: string): string {
  return text.replace(/\s+/g, ' ');
}

/** The host (with port) of an absolute URL, or `''` when it has none or does not parse. */
export function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return '';
  }
}

/** Assigns link ids to URLs, giving a URL seen before its first id. */
export class LinkTable {
  readonly #ids = new Map<string, number>();
  readonly #links: string[] = [];

  /** The id of `url`, adding it if new. */
  idOf(url: string): number {
    let id = this.#ids.get(url);
    if (id === undefined) {
      id = this.#links.length;
      this.#ids.set(url, id);
      this.#links.push(url);
    }
    return id;
  }

  /** The URLs by id. */
  get links(): readonly string[] {
    return this.#links;
  }
}

/**
 * Writes a link marker. `text` is cleaned (whitespace merged, `†` turned into `‡`); the target's host
 * is appended when it differs from `pageHost`.
 */
export function linkMarker(id: number, text: string, url: string, pageHost: string): string {
  const label = replaceSpecialCharacters(mergeWhitespace(text)).trim().replaceAll('†', '‡');
  const host = hostOf(url);
  return host === '' || host === pageHost ? `【${id}†${label}】` : `【${id}†${label}†${host}】`;
}
