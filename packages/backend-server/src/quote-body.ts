/**
 * How a server's answer is quoted in an error message.
 */

/** At most this many characters of a server's answer are quoted in an error message. */
export const QUOTED_BODY_LENGTH = 500;

/** Quotes a server's answer in an error message: whitespace collapsed, trimmed, cut to a readable length. */
export function quoteBody(body: string): string {
  const flat = body.replace(/\s+/gu, ' ').trim();
  if (flat.length === 0) return '(empty body)';
  return JSON.stringify(flat.length > QUOTED_BODY_LENGTH ? `${flat.slice(0, QUOTED_BODY_LENGTH)}…` : flat);
}
