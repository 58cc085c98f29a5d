import { describe, expect, it } from 'vitest';
import {
  RepeatedToolCallError,
  ToolArgumentsError,
  ToolExecutionError,
  ToolInputRejectedError,
  ToolTimeoutError,
  UnknownToolError,
} from '../errors.js';
import { formatToolError, formatToolResult } from './tool-result.js';

describe('formatToolResult', () => {
  it('sends strings as is and undefined as an empty text', () => {
    expect(formatToolResult('21 degrees')).toBe('21 degrees');
    expect(formatToolResult('')).toBe('');
    expect(formatToolResult(undefined)).toBe('');
  });

  it('writes other values as compact JSON', () => {
    expect(formatToolResult({ temperature: 21, unit: 'celsius' })).toBe(
      '{"temperature":21,"unit":"celsius"}',
    );
    expect(formatToolResult([1, 'a', null])).toBe('[1,"a",null]');
    expect(formatToolResult(null)).toBe('null');
    expect(formatToolResult(42)).toBe('42');
    expect(formatToolResult(false)).toBe('false');
    expect(formatToolResult(new Date('2025-08-05T00:00:00Z'))).toBe('"2025-08-05T00:00:00.000Z"');
  });

  it('writes maps, sets, big integers and errors readably, never a stack', () => {
    const error = new TypeError('boom');
    const text = formatToolResult({ map: new Map([['a', 1]]), set: new Set([1, 2]), big: 10n ** 20n, error });
    expect(text).toBe(
      '{"map":{"a":1},"set":[1,2],"big":"100000000000000000000","error":{"name":"TypeError","message":"boom"}}',
    );
    expect(text).not.toContain('at ');
  });

  it('never throws: a value JSON cannot hold gives an error text', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(formatToolResult(cyclic)).toMatch(
      /^Error: the tool returned a value that cannot be converted to JSON \(/,
    );
    expect(formatToolResult(() => 1)).toBe('');
  });
});

describe('formatToolError', () => {
  const call = { recipient: 'functions.get_current_location', callId: 'c1' };

  it('lists argument issues and asks for a corrected call', () => {
    const error = new ToolArgumentsError('Invalid arguments for get_current_location.', {
      ...call,
      rawArguments: '{"userid":3}',
      issues: ['userid: Invalid input: expected string, received number'],
    });
    expect(formatToolError(error)).toBe(
      'Error: invalid arguments for get_current_location: userid: Invalid input: expected string, received number. Fix the arguments and call the tool again.',
    );
    const two = new ToolArgumentsError('x', { ...call, rawArguments: '{}', issues: ['a: bad', 'b: worse.'] });
    expect(formatToolError(two)).toBe(
      'Error: invalid arguments for get_current_location: a: bad; b: worse. Fix the arguments and call the tool again.',
    );
  });

  it('explains arguments that are not JSON', () => {
    const error = new ToolArgumentsError(
      'Invalid arguments for get_current_location: not valid JSON (Unexpected token } in JSON at position 9).',
      { ...call, rawArguments: '{"userid":}' },
    );
    expect(formatToolError(error)).toBe(
      'Error: Invalid arguments for get_current_location: not valid JSON (Unexpected token } in JSON at position 9). Write the arguments as one JSON object and call the tool again.',
    );
  });

  it('uses the message of runner errors', () => {
    expect(
      formatToolError(
        new UnknownToolError('Unknown tool functions.nope. Available tools: functions.a.', call),
      ),
    ).toBe('Error: Unknown tool functions.nope. Available tools: functions.a.');
    expect(
      formatToolError(
        new ToolTimeoutError('get_weather did not finish within 50 ms and was cancelled', {
          ...call,
          timeoutMs: 50,
        }),
      ),
    ).toBe('Error: get_weather did not finish within 50 ms and was cancelled.');
    expect(
      formatToolError(
        new RepeatedToolCallError('Repeated call: use the earlier results.', { ...call, count: 3 }),
      ),
    ).toBe('Error: Repeated call: use the earlier results.');
    expect(
      formatToolError(new ToolInputRejectedError('Path is outside the root', { reason: 'outside_root' })),
    ).toBe('Error: Path is outside the root.');
  });

  it('falls back to the cause of an execution error without a message', () => {
    const error = new ToolExecutionError('', { ...call, cause: new Error('connection refused') });
    expect(formatToolError(error)).toBe('Error: connection refused.');
  });

  it('never leaks stack traces, and shortens long messages', () => {
    const error = new Error(
      'database is down\n    at query (/srv/app/db.js:10:5)\n    at main (/srv/app/index.js:3:1)',
    );
    expect(formatToolError(error)).toBe('Error: database is down.');
    const long = formatToolError(new Error('x'.repeat(5000)));
    expect(long.length).toBeLessThan(1100);
    expect(long.endsWith('…')).toBe(true);
  });

  it('handles thrown strings, objects and nothing', () => {
    expect(formatToolError('quota exceeded')).toBe('Error: quota exceeded.');
    expect(formatToolError({ message: 'plain object' })).toBe('Error: plain object.');
    expect(formatToolError(undefined)).toBe('Error: the tool failed.');
    expect(formatToolError(new Error('Error: doubled'))).toBe('Error: doubled.');
  });
});
