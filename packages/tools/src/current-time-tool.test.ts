import { ConfigurationError, type ToolContext, ToolInputRejectedError } from '@harmony-agents/core';
import { describe, expect, it } from 'vitest';
import { canonicalTimeZone, createCurrentTimeTool, describeInstant } from './current-time-tool.js';

const context: ToolContext = {
  signal: new AbortController().signal,
  callId: 'call_1',
  step: 1,
  recipient: 'functions.get_current_time',
  channel: 'commentary',
  context: undefined,
};

const SUMMER = new Date('2025-06-28T12:05:09.250Z');
const WINTER = new Date('2025-01-15T23:30:00Z');

describe('describeInstant', () => {
  it('gives local time, offset and weekday in a zone with daylight saving time', () => {
    expect(describeInstant(SUMMER, 'Europe/Paris')).toEqual({
      timeZone: 'Europe/Paris',
      localDateTime: '2025-06-28T14:05:09+02:00',
      utc: '2025-06-28T12:05:09.250Z',
      weekday: 'Saturday',
      utcOffset: '+02:00',
      unixSeconds: 1751112309,
    });
    expect(describeInstant(WINTER, 'Europe/Paris').localDateTime).toBe('2025-01-16T00:30:00+01:00');
    expect(describeInstant(WINTER, 'Europe/Paris').weekday).toBe('Thursday');
  });

  it('handles negative and fractional offsets', () => {
    expect(describeInstant(WINTER, 'America/New_York').localDateTime).toBe('2025-01-15T18:30:00-05:00');
    expect(describeInstant(WINTER, 'Asia/Kolkata').utcOffset).toBe('+05:30');
    expect(describeInstant(WINTER, 'America/St_Johns').utcOffset).toBe('-03:30');
    expect(describeInstant(WINTER, 'UTC').localDateTime).toBe('2025-01-15T23:30:00+00:00');
  });

  it('rejects an unknown zone with a clear message', () => {
    expect(() => describeInstant(SUMMER, 'Mars/Olympus_Mons')).toThrow(ToolInputRejectedError);
    expect(() => describeInstant(SUMMER, 'Mars/Olympus_Mons')).toThrow(
      /Unknown time zone "Mars\/Olympus_Mons"/,
    );
  });

  it('canonicalizes zone names', () => {
    expect(canonicalTimeZone('europe/paris')).toBe('Europe/Paris');
    expect(canonicalTimeZone('not a zone')).toBeUndefined();
  });
});

describe('createCurrentTimeTool', () => {
  it('uses the injected clock and the default zone', async () => {
    const tool = createCurrentTimeTool({ now: () => SUMMER, defaultTimeZone: 'Asia/Tokyo' });
    expect(tool.name).toBe('get_current_time');
    const result = await tool.execute({}, context);
    expect(result.localDateTime).toBe('2025-06-28T21:05:09+09:00');
    const paris = await tool.execute({ time_zone: 'Europe/Paris' }, context);
    expect(paris.localDateTime).toBe('2025-06-28T14:05:09+02:00');
  });

  it('validates arguments with its schema', () => {
    const tool = createCurrentTimeTool({ now: () => SUMMER });
    expect(tool.validate({}).success).toBe(true);
    expect(tool.validate({ time_zone: 5 }).success).toBe(false);
  });

  it('refuses an unknown default zone', () => {
    expect(() => createCurrentTimeTool({ defaultTimeZone: 'Nowhere/Land' })).toThrow(ConfigurationError);
  });
});
