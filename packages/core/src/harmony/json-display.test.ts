import { describe, expect, it } from 'vitest';
import { displayJsonNumber, displayJsonValue } from './json-display.js';

describe('displayJsonNumber', () => {
  it('writes integral numbers below 1e16 as integers', () => {
    expect(displayJsonNumber(0)).toBe('0');
    expect(displayJsonNumber(10)).toBe('10');
    expect(displayJsonNumber(-1)).toBe('-1');
    expect(displayJsonNumber(2 ** 53 + 2)).toBe('9007199254740994');
    expect(displayJsonNumber(9999999999999998)).toBe('9999999999999998');
  });

  it('writes a JSON 10.0 literal as 10 (documented deviation from serde_json)', () => {
    expect(displayJsonNumber(JSON.parse('10.0') as number)).toBe('10');
  });

  it('writes -0 as serde_json writes the float -0.0', () => {
    expect(displayJsonNumber(-0)).toBe('-0.0');
  });

  it('switches to exponent form from 1e16 up, without a plus sign', () => {
    expect(displayJsonNumber(1e16)).toBe('1e16');
    expect(displayJsonNumber(1.5e20)).toBe('1.5e20');
    expect(displayJsonNumber(1e21)).toBe('1e21');
    expect(displayJsonNumber(-1.2345e16)).toBe('-1.2345e16');
    expect(displayJsonNumber(1.7976931348623157e308)).toBe('1.7976931348623157e308');
  });

  it('writes fractions in fixed form down to 1e-5 and in exponent form below', () => {
    expect(displayJsonNumber(0.5)).toBe('0.5');
    expect(displayJsonNumber(0.1)).toBe('0.1');
    expect(displayJsonNumber(1e-5)).toBe('0.00001');
    expect(displayJsonNumber(0.000123)).toBe('0.000123');
    expect(displayJsonNumber(1e-6)).toBe('1e-6');
    expect(displayJsonNumber(-2.5e-7)).toBe('-2.5e-7');
    expect(displayJsonNumber(5e-324)).toBe('5e-324');
  });

  it('uses the shortest round-trip digits', () => {
    expect(displayJsonNumber(123.456)).toBe('123.456');
    expect(displayJsonNumber(0.1 + 0.2)).toBe('0.30000000000000004');
    expect(displayJsonNumber(1e15 + 0.5)).toBe('1000000000000000.5');
    expect(displayJsonNumber(12345678.9)).toBe('12345678.9');
  });

  it('writes non-finite numbers as null', () => {
    expect(displayJsonNumber(Number.NaN)).toBe('null');
    expect(displayJsonNumber(Number.POSITIVE_INFINITY)).toBe('null');
  });
});

describe('displayJsonValue', () => {
  it('writes compact JSON', () => {
    expect(displayJsonValue({ a: [1, 2, { b: null }], c: 'd', e: true })).toBe(
      '{"a":[1,2,{"b":null}],"c":"d","e":true}',
    );
    expect(displayJsonValue([])).toBe('[]');
    expect(displayJsonValue({})).toBe('{}');
  });

  it('escapes strings like serde_json', () => {
    expect(displayJsonValue('a"b\\c\n\t\u0001\u007f\u2028é')).toBe('"a\\"b\\\\c\\n\\t\\u0001\u007f\u2028é"');
  });

  it('uses the float rules inside containers', () => {
    expect(displayJsonValue([1e16, 1e-6, -0])).toBe('[1e16,1e-6,-0.0]');
  });

  it('skips undefined members and writes undefined items as null', () => {
    expect(displayJsonValue({ a: undefined, b: 1 })).toBe('{"b":1}');
    expect(displayJsonValue([undefined])).toBe('[null]');
  });
});
