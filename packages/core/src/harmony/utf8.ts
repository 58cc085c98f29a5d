/**
 * UTF-8 validation with Rust's `Utf8Error` semantics (`valid_up_to` / `error_len`), which the
 * streaming parser needs to place U+FFFD exactly where openai-harmony does (SPEC §10.1).
 */

/** Where the first problem of a byte range is, as Rust's `std::str::Utf8Error` reports it. */
export interface Utf8Problem {
  /** Number of bytes, from the start of the range, that form valid UTF-8. */
  readonly validUpTo: number;
  /**
   * Length of the invalid sequence that starts at `validUpTo` (1 to 3 bytes), or `null` when the
   * range ends in the middle of a sequence that could still become valid (an incomplete sequence).
   */
  readonly errorLength: number | null;
}

/** The Unicode replacement character U+FFFD. */
export const REPLACEMENT_CHARACTER = '\uFFFD';

const lossyDecoder = new TextDecoder('utf-8');

function isContinuation(byte: number): boolean {
  return (byte & 0xc0) === 0x80;
}

/**
 * Checks `bytes[start..end)` for valid UTF-8.
 * @returns `null` when the whole range is valid, else where the first problem is.
 */
export function findUtf8Problem(bytes: Uint8Array, start: number, end: number): Utf8Problem | null {
  let index = start;
  while (index < end) {
    const first = bytes[index]!;
    if (first < 0x80) {
      index++;
      continue;
    }
    let width: number;
    let secondLow = 0x80;
    let secondHigh = 0xbf;
    if (first >= 0xc2 && first <= 0xdf) width = 2;
    else if (first >= 0xe0 && first <= 0xef) {
      width = 3;
      if (first === 0xe0) secondLow = 0xa0;
      else if (first === 0xed) secondHigh = 0x9f;
    } else if (first >= 0xf0 && first <= 0xf4) {
      width = 4;
      if (first === 0xf0) secondLow = 0x90;
      else if (first === 0xf4) secondHigh = 0x8f;
    } else {
      return { validUpTo: index - start, errorLength: 1 };
    }
    if (index + 1 >= end) return { validUpTo: index - start, errorLength: null };
    const second = bytes[index + 1]!;
    if (second < secondLow || second > secondHigh) return { validUpTo: index - start, errorLength: 1 };
    if (width === 2) {
      index += 2;
      continue;
    }
    if (index + 2 >= end) return { validUpTo: index - start, errorLength: null };
    if (!isContinuation(bytes[index + 2]!)) return { validUpTo: index - start, errorLength: 2 };
    if (width === 3) {
      index += 3;
      continue;
    }
    if (index + 3 >= end) return { validUpTo: index - start, errorLength: null };
    if (!isContinuation(bytes[index + 3]!)) return { validUpTo: index - start, errorLength: 3 };
    index += 4;
  }
  return null;
}

/** Rust's `Display` of a `Utf8Error`, e.g. `invalid utf-8 sequence of 1 bytes from index 3`. */
export function describeUtf8Problem(problem: Utf8Problem): string {
  return problem.errorLength === null
    ? `incomplete utf-8 byte sequence from index ${problem.validUpTo}`
    : `invalid utf-8 sequence of ${problem.errorLength} bytes from index ${problem.validUpTo}`;
}

/**
 * Decodes bytes, replacing each maximal invalid subpart with U+FFFD (Rust's `String::from_utf8_lossy`
 * and the WHATWG decoder agree on this).
 */
export function decodeUtf8Lossy(bytes: Uint8Array): string {
  return lossyDecoder.decode(bytes);
}
