import { ConfigurationError, type ToolContext, ToolInputRejectedError } from '@harmony-agents/core';
import { describe, expect, it } from 'vitest';
import { createCalculatorTool, evaluateExpression } from './calculator-tool.js';

const context: ToolContext = {
  signal: new AbortController().signal,
  callId: 'call_1',
  step: 1,
  recipient: 'functions.calculator',
  channel: 'commentary',
  context: undefined,
};

function rejectionOf(
  expression: string,
  limits?: { maxLength?: number; maxDepth?: number },
): ToolInputRejectedError {
  try {
    evaluateExpression(expression, limits);
  } catch (error) {
    expect(error).toBeInstanceOf(ToolInputRejectedError);
    return error as ToolInputRejectedError;
  }
  throw new ToolInputRejectedError(`expected ${expression} to be rejected`, { reason: 'test' });
}

describe('evaluateExpression', () => {
  it.each([
    ['1 + 2 * 3', 7],
    ['(1 + 2) * 3', 9],
    ['10 - 4 - 3', 3],
    ['64 / 4 / 2', 8],
    ['7 % 4', 3],
    ['2 ^ 3 ^ 2', 512],
    ['2 ** 10', 1024],
    ['-2 ^ 2', -4],
    ['(-2) ^ 2', 4],
    ['2 ^ -1', 0.5],
    ['--3', 3],
    ['+4', 4],
    ['1.5e3 + .5', 1500.5],
    ['sqrt(16) + abs(-3)', 7],
    ['round(2.567, 2)', 2.57],
    ['round(2.5)', 3],
    ['round(-2.5)', -3],
    ['round(-2.567, 2)', -2.57],
    ['round(1e300, 15)', 1e300],
    ['round(2 ^ 60, 2)', 2 ** 60],
    ['min(4, 2, 8) + max(1, 9)', 11],
    ['log(e)', 1],
    ['log(8, 2)', 3],
    ['log10(1000)', 3],
    ['floor(2.7) + ceil(2.1)', 5],
    ['cos(0) + sin(0)', 1],
    ['2 * pi', 2 * Math.PI],
  ])('%s = %d', (expression, expected) => {
    expect(evaluateExpression(expression)).toBeCloseTo(expected, 12);
  });

  it('rejects division and modulo by zero', () => {
    expect(rejectionOf('1 / 0').reason).toBe('division_by_zero');
    expect(rejectionOf('5 % (2 - 2)').reason).toBe('division_by_zero');
    expect(rejectionOf('0 ^ -1').reason).toBe('division_by_zero');
  });

  it('rejects overflow and undefined results', () => {
    expect(rejectionOf('10 ^ 400').reason).toBe('not_finite');
    expect(rejectionOf('1e999').reason).toBe('not_finite');
    expect(rejectionOf('1e308 * 10 - 1e308 * 10').reason).toBe('not_finite');
    expect(rejectionOf('sqrt(-1)').reason).toBe('domain_error');
    expect(rejectionOf('log(-1)').message).toContain('log(-1) is undefined');
    expect(rejectionOf('round(1, 1.5)').reason).toBe('domain_error');
  });

  it('reports syntax errors with positions', () => {
    expect(rejectionOf('1 +').message).toBe('Unexpected end of expression at position 4');
    expect(rejectionOf('(1 + 2').message).toContain('expected ")"');
    expect(rejectionOf('2 $ 3').message).toBe('Unexpected character "$" at position 3');
    expect(rejectionOf('').reason).toBe('syntax_error');
    expect(rejectionOf('1 2').reason).toBe('syntax_error');
    expect(rejectionOf('sqrt').message).toContain('must be called with parentheses');
    expect(rejectionOf('sqrt(1, 2)').message).toBe('sqrt() takes 1 argument(s), got 2');
  });

  it('treats malicious input as unknown names or syntax errors', () => {
    expect(rejectionOf('constructor').reason).toBe('unknown_identifier');
    expect(rejectionOf('__proto__').reason).toBe('unknown_identifier');
    expect(rejectionOf('toString(1)').reason).toBe('unknown_identifier');
    expect(rejectionOf('process.exit()').reason).toBe('syntax_error');
    expect(rejectionOf('constructor.constructor("return process")()').reason).toBe('syntax_error');
    expect(rejectionOf('hasOwnProperty').reason).toBe('unknown_identifier');
    expect(rejectionOf('"1" + 1').reason).toBe('syntax_error');
    expect(rejectionOf('[1]').reason).toBe('syntax_error');
  });

  it('enforces the length and depth limits', () => {
    expect(rejectionOf(`${'1+'.repeat(600)}1`).reason).toBe('too_long');
    expect(rejectionOf(`${'('.repeat(100)}1${')'.repeat(100)}`).reason).toBe('too_deep');
    expect(rejectionOf(`${'-'.repeat(100)}1`).reason).toBe('too_deep');
    expect(rejectionOf(`2${'^2'.repeat(100)}`).reason).toBe('too_deep');
    expect(evaluateExpression(`${'('.repeat(20)}1${')'.repeat(20)}`)).toBe(1);
    expect(rejectionOf('1 + 1', { maxLength: 3 }).reason).toBe('too_long');
    expect(rejectionOf('((1))', { maxDepth: 1 }).reason).toBe('too_deep');
  });
});

describe('createCalculatorTool', () => {
  it('is a function tool with a zod-validated expression', async () => {
    const tool = createCalculatorTool();
    expect(tool.kind).toBe('function');
    expect(tool.name).toBe('calculator');
    expect(tool.validate({ expression: 42 }).success).toBe(false);
    const validated = tool.validate({ expression: '0.1 + 0.2' });
    expect(validated.success).toBe(true);
    if (!validated.success) return;
    expect(await tool.execute(validated.value, context)).toEqual({ expression: '0.1 + 0.2', result: 0.3 });
  });

  it('throws a clear error the runner reports to the model', async () => {
    const tool = createCalculatorTool();
    await expect(Promise.resolve().then(() => tool.execute({ expression: '1/0' }, context))).rejects.toThrow(
      'Division by zero',
    );
  });

  it('rejects invalid limits', () => {
    expect(() => createCalculatorTool({ maxDepth: 0 })).toThrow(ConfigurationError);
  });
});
