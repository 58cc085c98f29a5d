import { describe, expect, it } from 'vitest';
import { parseBrowserCall } from './browser-arguments.js';

describe('parseBrowserCall', () => {
  it('parses search, open and find with the reference defaults', () => {
    expect(parseBrowserCall('browser.search', '{"query":"lumen","topn":3,"source":"web"}')).toEqual({
      success: true,
      command: { type: 'search', query: 'lumen', topN: 3 },
    });
    expect(parseBrowserCall('browser.search', '{"query":"lumen","top_n":4}')).toMatchObject({
      command: { topN: 4 },
    });
    expect(parseBrowserCall('browser.open', '')).toEqual({
      success: true,
      command: { type: 'open', id: -1, cursor: -1, loc: -1, numLines: -1, viewSource: false },
    });
    expect(
      parseBrowserCall('browser.open', '{"id":"https://x.test/","cursor":2,"loc":5,"num_lines":9}'),
    ).toEqual({
      success: true,
      command: { type: 'open', id: 'https://x.test/', cursor: 2, loc: 5, numLines: 9, viewSource: false },
    });
    expect(parseBrowserCall('browser.find', '{"pattern":"Theme","cursor":null}')).toEqual({
      success: true,
      command: { type: 'find', pattern: 'Theme', cursor: -1 },
    });
  });

  it('answers unparsable arguments and unknown functions with the reference JSON errors', () => {
    expect(parseBrowserCall('browser.search', '{"query":')).toEqual({
      success: false,
      error: '{"error": "Invalid function arguments"}',
    });
    expect(parseBrowserCall('browser.search', '["lumen"]')).toEqual({
      success: false,
      error: '{"error": "Invalid function arguments"}',
    });
    expect(parseBrowserCall('browser.click', '{}')).toEqual({
      success: false,
      error: '{"error": "Unknown function: click"}',
    });
  });

  it('explains missing and mistyped arguments', () => {
    const error = (recipient: string, input: string) => {
      const parsed = parseBrowserCall(recipient, input);
      return parsed.success ? undefined : parsed.error;
    };
    expect(error('browser.search', '{}')).toBe('Missing required argument `query`.');
    expect(error('browser.search', '{"query":42}')).toBe('`query` should be a string, not `number`');
    expect(error('browser.find', '{"pattern":"x","cursor":"1"}')).toBe(
      '`cursor` should be an integer, not `string`',
    );
    expect(error('browser.open', '{"loc":1.5}')).toBe('`loc` should be an integer, not `number`');
    expect(error('browser.open', '{"id":[1]}')).toBe(
      '`id` should be an integer or a URL string, not `array`',
    );
    expect(error('browser.open', '{"view_source":"yes"}')).toBe(
      '`view_source` should be a boolean, not `string`',
    );
  });
});
