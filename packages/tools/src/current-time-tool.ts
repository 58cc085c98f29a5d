/**
 * A function tool that tells the model the current date and time in an IANA time zone, computed with
 * `Intl.DateTimeFormat` (no time zone database of our own).
 */

import {
  ConfigurationError,
  defineTool,
  type FunctionTool,
  ToolInputRejectedError,
} from '@harmony-agents/core';
import { z } from 'zod';

/** Options of {@link createCurrentTimeTool}. */
export interface CurrentTimeToolOptions {
  /**
   * The clock; inject a fixed one in tests.
   * @defaultValue `() => new Date()`
   */
  readonly now?: () => Date;
  /**
   * The IANA time zone used when the model does not name one (e.g. `Europe/Paris`).
   * @defaultValue `'UTC'`
   */
  readonly defaultTimeZone?: string;
  /**
   * The tool's name, as the model calls it (`functions.<name>`).
   * @defaultValue `'get_current_time'`
   */
  readonly name?: string;
}

/** What the tool returns: the instant, in the zone, in forms a model reads without computing. */
export interface CurrentTime {
  /** The IANA zone name, as Intl spells it (`Europe/Paris`, `UTC`). */
  readonly timeZone: string;
  /** Local date and time with offset, ISO 8601 (`2025-06-28T14:05:09+02:00`). */
  readonly localDateTime: string;
  /** The same instant in UTC (`2025-06-28T12:05:09.000Z`). */
  readonly utc: string;
  /** Weekday in English (`Saturday`). */
  readonly weekday: string;
  /** Offset from UTC (`+02:00`). */
  readonly utcOffset: string;
  /** Seconds since 1970-01-01T00:00:00Z. */
  readonly unixSeconds: number;
}

const DEFAULT_TOOL_NAME = 'get_current_time';

/**
 * Returns the canonical spelling of an IANA time zone, or undefined if Intl does not know it.
 * `'utc'` → `'UTC'`, `'europe/paris'` → `'Europe/Paris'`.
 */
export function canonicalTimeZone(timeZone: string): string | undefined {
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}

function pad(value: number, width = 2): string {
  return String(value).padStart(width, '0');
}

/**
 * Describes `instant` in `timeZone`.
 * @throws {@link ToolInputRejectedError} (`invalid_time_zone`) for a zone Intl does not know.
 */
export function describeInstant(instant: Date, timeZone: string): CurrentTime {
  const zone = canonicalTimeZone(timeZone);
  if (zone === undefined) {
    throw new ToolInputRejectedError(
      `Unknown time zone "${timeZone}". Use an IANA name such as "UTC", "Europe/Paris" or "America/New_York".`,
      { reason: 'invalid_time_zone' },
    );
  }
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    weekday: 'long',
  }).formatToParts(instant);
  const field = (type: Intl.DateTimeFormatPartTypes): string =>
    parts.find((part) => part.type === type)?.value ?? '';
  const year = Number(field('year'));
  const month = Number(field('month'));
  const day = Number(field('day'));
  const hour = Number(field('hour'));
  const minute = Number(field('minute'));
  const second = Number(field('second'));
  const wholeSeconds = Math.floor(instant.getTime() / 1000) * 1000;
  const offsetMinutes = Math.round(
    (Date.UTC(year, month - 1, day, hour, minute, second) - wholeSeconds) / 60_000,
  );
  const sign = offsetMinutes < 0 ? '-' : '+';
  const utcOffset = `${sign}${pad(Math.floor(Math.abs(offsetMinutes) / 60))}:${pad(Math.abs(offsetMinutes) % 60)}`;
  return {
    timeZone: zone,
    localDateTime: `${pad(year, 4)}-${pad(month)}-${pad(day)}T${pad(hour)}:${pad(minute)}:${pad(second)}${utcOffset}`,
    utc: instant.toISOString(),
    weekday: field('weekday'),
    utcOffset,
    unixSeconds: Math.floor(instant.getTime() / 1000),
  };
}

/**
 * Creates a `get_current_time` function tool. The model may pass `time_zone` (an IANA name); an
 * unknown zone is rejected with a message naming valid examples.
 *
 * @example
 * ```ts
 * const clock = createCurrentTimeTool({ defaultTimeZone: 'Europe/Paris' });
 * ```
 * @throws {@link ConfigurationError} if `defaultTimeZone` is not a known IANA time zone.
 */
export function createCurrentTimeTool(options: CurrentTimeToolOptions = {}): FunctionTool<
  {
    /** An IANA time zone; the tool's default time zone when absent. */
    time_zone?: string | undefined;
  },
  CurrentTime
> {
  const now = options.now ?? (() => new Date());
  const defaultTimeZone = options.defaultTimeZone ?? 'UTC';
  if (canonicalTimeZone(defaultTimeZone) === undefined) {
    throw new ConfigurationError(`createCurrentTimeTool: unknown defaultTimeZone "${defaultTimeZone}"`);
  }
  return defineTool({
    name: options.name ?? DEFAULT_TOOL_NAME,
    description: `Gets the current date and time. Without time_zone it answers for ${defaultTimeZone}.`,
    parameters: z.object({
      time_zone: z
        .string()
        .max(64)
        .optional()
        .describe('An IANA time zone such as "Europe/Paris" or "America/New_York"'),
    }),
    execute: ({ time_zone }) => describeInstant(now(), time_zone ?? defaultTimeZone),
  });
}
