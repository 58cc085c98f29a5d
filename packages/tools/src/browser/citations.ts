/**
 * Citations the model writes after using `browser`: `【{cursor}†L{start}】` or `【{cursor}†L{start}-L{end}】`,
 * where `cursor` is the number shown in brackets before a page view and the lines are that page's
 * display lines.
 */

/** A citation found in model output. */
export interface Citation {
  /** The cursor (page) cited. */
  readonly cursor: number;
  /** First cited line. */
  readonly lineStart: number;
  /** Last cited line (equals `lineStart` for a single line). */
  readonly lineEnd: number;
  /** Offset of the marker in the text (UTF-16 code units). */
  readonly start: number;
  /** Offset just past the marker. */
  readonly end: number;
  /** The marker itself, e.g. `【6†L9-L11】`. */
  readonly marker: string;
}

const CITATION = /【(\d+)†L(\d+)(?:-L(\d+))?】/g;

/** Finds every citation marker in `text`, in order. */
export function parseCitations(text: string): Citation[] {
  const citations: Citation[] = [];
  for (const match of text.matchAll(CITATION)) {
    const lineStart = Number(match[2]);
    citations.push({
      cursor: Number(match[1]),
      lineStart,
      lineEnd: match[3] === undefined ? lineStart : Number(match[3]),
      start: match.index,
      end: match.index + match[0].length,
      marker: match[0],
    });
  }
  return citations;
}

/**
 * Replaces each citation marker in `text` with what `replacement` returns for it (return the
 * marker to keep it).
 * @example Turn citations into Markdown links
 * ```ts
 * const resolved = new Map(browser.resolveCitations(answer).map((c) => [c.marker, c]));
 * replaceCitations(answer, (citation) => {
 *   const source = resolved.get(citation.marker);
 *   return source === undefined ? citation.marker : ` ([${source.title}](${source.url}))`;
 * });
 * ```
 */
export function replaceCitations(text: string, replacement: (citation: Citation) => string): string {
  let out = '';
  let last = 0;
  for (const citation of parseCitations(text)) {
    out += text.slice(last, citation.start) + replacement(citation);
    last = citation.end;
  }
  return out + text.slice(last);
}
