/**
 * A calculator function tool with its own tokenizer and recursive-descent evaluator: no `eval`, no
 * `Function`, no property lookups (names resolve through fixed `Map`s, so `constructor` or
 * `__proto__` are just unknown names).
 *
 * Grammar (`^` and `**` are right-associative and bind tighter than a leading minus: `-2^2` is -4):
 * ```
 * expression := term (("+" | "-") term)*
 * term       := unary (("*" | "/" | "%") unary)*
 * unary      := ("+" | "-") unary | power
 * power      := primary (("^" | "**") unary)?
 * primary    := number | constant | function "(" expression ("," expression)* ")" | "(" expression ")"
 * ```
 */

import {
  ConfigurationError,
  defineTool,
  type FunctionTool,
  ToolInputRejectedError,
} from '@harmony-agents/core';
import { z } from 'zod';

/** Limits of {@link evaluateExpression}. */
export interface CalculatorLimits {
  /**
   * Longest expression accepted, in characters.
   * @defaultValue 1000
   */
  readonly maxLength?: number;
  /**
   * Deepest nesting of parentheses, signs, powers and function calls.
   * @defaultValue 64
   */
  readonly maxDepth?: number;
}

/** Options of {@link createCalculatorTool}. */
export interface CalculatorToolOptions extends CalculatorLimits {
  /**
   * The tool's name, as the model calls it (`functions.<name>`).
   * @defaultValue `'calculator'`
   */
  readonly name?: string;
}

/** What the calculator tool returns. */
export interface CalculatorResult {
  /** The expression as the model wrote it. */
  readonly expression: string;
  /** The value, rounded to 15 significant digits to hide binary floating-point noise. */
  readonly result: number;
}

type Token =
  | { readonly type: 'number'; readonly value: number; readonly position: number }
  | { readonly type: 'name'; readonly value: string; readonly position: number }
  | { readonly type: 'operator'; readonly value: string; readonly position: number }
  | { readonly type: 'end'; readonly position: number };

const CONSTANTS: ReadonlyMap<string, number> = new Map([
  ['pi', Math.PI],
  ['e', Math.E],
  ['tau', 2 * Math.PI],
]);

interface CalculatorFunction {
  readonly minimumArguments: number;
  readonly maximumArguments: number;
  readonly apply: (values: readonly number[]) => number;
}

const unary = (apply: (value: number) => number): CalculatorFunction => ({
  minimumArguments: 1,
  maximumArguments: 1,
  apply: (values) => apply(values[0] ?? Number.NaN),
});

function roundTo(value: number, digits: number): number {
  if (!Number.isInteger(digits) || digits < 0 || digits > 15) {
    throw rejection('round(x, digits) needs whole digits from 0 to 15', 'domain_error');
  }
  const scaled = Math.abs(value) * 10 ** digits;
  // A value this large has no fractional digits left to round (and scaling it could overflow).
  if (!Number.isFinite(scaled) || Math.abs(value) >= 2 ** 52) return value;
  // Halves round away from zero, the same way for negative numbers: round(-2.5) is -3.
  return (Math.sign(value) * Math.round(scaled)) / 10 ** digits;
}

const FUNCTIONS: ReadonlyMap<string, CalculatorFunction> = new Map([
  ['sqrt', unary(Math.sqrt)],
  ['abs', unary(Math.abs)],
  ['floor', unary(Math.floor)],
  ['ceil', unary(Math.ceil)],
  ['exp', unary(Math.exp)],
  ['ln', unary(Math.log)],
  ['log10', unary(Math.log10)],
  ['log2', unary(Math.log2)],
  ['sin', unary(Math.sin)],
  ['cos', unary(Math.cos)],
  ['tan', unary(Math.tan)],
  ['round', { minimumArguments: 1, maximumArguments: 2, apply: ([x = 0, digits = 0]) => roundTo(x, digits) }],
  [
    'log',
    {
      minimumArguments: 1,
      maximumArguments: 2,
      apply: ([x = 0, base]) => (base === undefined ? Math.log(x) : Math.log(x) / Math.log(base)),
    },
  ],
  ['min', { minimumArguments: 1, maximumArguments: 100, apply: (values) => Math.min(...values) }],
  ['max', { minimumArguments: 1, maximumArguments: 100, apply: (values) => Math.max(...values) }],
]);

const OPERATORS = ['**', '+', '-', '*', '/', '%', '^', '(', ')', ','];

function rejection(message: string, reason: string): ToolInputRejectedError {
  return new ToolInputRejectedError(message, { reason });
}

/** Stops at the first overflow or undefined value, so the message names the real problem. */
function checked(value: number): number {
  if (Number.isNaN(value)) throw rejection('The result is undefined (not a number)', 'domain_error');
  if (!Number.isFinite(value)) {
    throw rejection('A value is too large to represent (overflow to infinity)', 'not_finite');
  }
  return value;
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let index = 0;
  while (index < text.length) {
    const character = text[index] ?? '';
    if (/\s/.test(character)) {
      index += 1;
      continue;
    }
    const number = /^(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/.exec(text.slice(index));
    if (number !== null) {
      tokens.push({ type: 'number', value: Number(number[0]), position: index });
      index += number[0].length;
      continue;
    }
    const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(index));
    if (name !== null) {
      tokens.push({ type: 'name', value: name[0], position: index });
      index += name[0].length;
      continue;
    }
    const operator = OPERATORS.find((candidate) => text.startsWith(candidate, index));
    if (operator === undefined) {
      throw rejection(`Unexpected character "${character}" at position ${index + 1}`, 'syntax_error');
    }
    tokens.push({ type: 'operator', value: operator, position: index });
    index += operator.length;
  }
  tokens.push({ type: 'end', position: text.length });
  return tokens;
}

class Evaluator {
  readonly #tokens: readonly Token[];
  readonly #maxDepth: number;
  #index = 0;
  #depth = 0;

  constructor(tokens: readonly Token[], maxDepth: number) {
    this.#tokens = tokens;
    this.#maxDepth = maxDepth;
  }

  run(): number {
    const value = this.#expression();
    const rest = this.#peek();
    if (rest.type !== 'end') throw this.#unexpected(rest);
    return value;
  }

  #peek(): Token {
    return this.#tokens[this.#index] ?? { type: 'end', position: 0 };
  }

  #next(): Token {
    const token = this.#peek();
    this.#index += 1;
    return token;
  }

  #isOperator(...values: string[]): boolean {
    const token = this.#peek();
    return token.type === 'operator' && values.includes(token.value);
  }

  #expect(value: string): void {
    const token = this.#next();
    if (token.type !== 'operator' || token.value !== value)
      throw this.#unexpected(token, `expected "${value}"`);
  }

  #unexpected(token: Token, hint?: string): ToolInputRejectedError {
    const found = token.type === 'end' ? 'end of expression' : `"${token.value}"`;
    const suffix = hint === undefined ? '' : ` (${hint})`;
    return rejection(`Unexpected ${found} at position ${token.position + 1}${suffix}`, 'syntax_error');
  }

  #nested<T>(parse: () => T): T {
    this.#depth += 1;
    if (this.#depth > this.#maxDepth) {
      throw rejection(`Expression is nested too deeply (more than ${this.#maxDepth} levels)`, 'too_deep');
    }
    try {
      return parse();
    } finally {
      this.#depth -= 1;
    }
  }

  #expression(): number {
    let value = this.#term();
    while (this.#isOperator('+', '-')) {
      const operator = this.#next();
      const right = this.#term();
      value = checked(operator.type === 'operator' && operator.value === '+' ? value + right : value - right);
    }
    return value;
  }

  #term(): number {
    let value = this.#unary();
    while (this.#isOperator('*', '/', '%')) {
      const operator = this.#next();
      const right = this.#unary();
      const symbol = operator.type === 'operator' ? operator.value : '';
      if (symbol === '*') {
        value = checked(value * right);
        continue;
      }
      if (right === 0) throw rejection('Division by zero', 'division_by_zero');
      value = checked(symbol === '/' ? value / right : value % right);
    }
    return value;
  }

  #unary(): number {
    if (this.#isOperator('+', '-')) {
      const operator = this.#next();
      const value = this.#nested(() => this.#unary());
      return operator.type === 'operator' && operator.value === '-' ? -value : value;
    }
    return this.#power();
  }

  #power(): number {
    const base = this.#primary();
    if (!this.#isOperator('^', '**')) return base;
    this.#next();
    const exponent = this.#nested(() => this.#unary());
    if (base === 0 && exponent < 0)
      throw rejection('Division by zero (zero to a negative power)', 'division_by_zero');
    return checked(base ** exponent);
  }

  #primary(): number {
    const token = this.#next();
    if (token.type === 'number') return checked(token.value);
    if (token.type === 'operator' && token.value === '(') {
      const value = this.#nested(() => this.#expression());
      this.#expect(')');
      return value;
    }
    if (token.type !== 'name') throw this.#unexpected(token);
    const constant = CONSTANTS.get(token.value);
    const calculatorFunction = FUNCTIONS.get(token.value);
    if (calculatorFunction !== undefined && this.#isOperator('(')) {
      return this.#nested(() => this.#call(token.value, calculatorFunction));
    }
    if (constant !== undefined) return constant;
    if (calculatorFunction !== undefined) {
      throw rejection(
        `Function ${token.value} must be called with parentheses, e.g. ${token.value}(2)`,
        'syntax_error',
      );
    }
    throw rejection(
      `Unknown name "${token.value}" at position ${token.position + 1}. Known constants: ${[...CONSTANTS.keys()].join(', ')}; functions: ${[...FUNCTIONS.keys()].join(', ')}`,
      'unknown_identifier',
    );
  }

  #call(name: string, calculatorFunction: CalculatorFunction): number {
    this.#expect('(');
    const values = [this.#expression()];
    while (this.#isOperator(',')) {
      this.#next();
      values.push(this.#expression());
    }
    this.#expect(')');
    if (
      values.length < calculatorFunction.minimumArguments ||
      values.length > calculatorFunction.maximumArguments
    ) {
      const expected =
        calculatorFunction.minimumArguments === calculatorFunction.maximumArguments
          ? `${calculatorFunction.minimumArguments}`
          : `${calculatorFunction.minimumArguments} to ${calculatorFunction.maximumArguments}`;
      throw rejection(`${name}() takes ${expected} argument(s), got ${values.length}`, 'syntax_error');
    }
    const result = calculatorFunction.apply(values);
    if (Number.isNaN(result)) {
      throw rejection(
        `${name}(${values.join(', ')}) is undefined (outside the function's domain)`,
        'domain_error',
      );
    }
    return checked(result);
  }
}

/**
 * Evaluates an arithmetic expression: numbers (`2`, `1.5e3`, `.5`), `+ - * / %`, `^` or `**` for
 * powers, parentheses, unary signs, constants `pi`, `e`, `tau` and functions `sqrt abs round floor ceil
 * exp ln log log10 log2 sin cos tan min max` (`log(x)` is natural, `log(x, base)` any base; angles in
 * radians).
 * @throws {@link ToolInputRejectedError} with reason `too_long`, `too_deep`, `syntax_error`,
 * `unknown_identifier`, `division_by_zero`, `domain_error` or `not_finite` (overflow).
 */
export function evaluateExpression(expression: string, limits: CalculatorLimits = {}): number {
  const maxLength = limits.maxLength ?? 1000;
  const maxDepth = limits.maxDepth ?? 64;
  if (expression.length > maxLength) {
    throw rejection(
      `Expression is too long (${expression.length} characters, limit ${maxLength})`,
      'too_long',
    );
  }
  if (expression.trim() === '') throw rejection('Expression is empty', 'syntax_error');
  return new Evaluator(tokenize(expression), maxDepth).run();
}

/**
 * Creates a `calculator` function tool for exact arithmetic the model should not do in its head.
 * @throws {@link ConfigurationError} for limits that are not positive integers.
 */
export function createCalculatorTool(options: CalculatorToolOptions = {}): FunctionTool<
  {
    /** The expression to evaluate. */
    expression: string;
  },
  CalculatorResult
> {
  const limits = { maxLength: options.maxLength ?? 1000, maxDepth: options.maxDepth ?? 64 };
  for (const [name, value] of Object.entries(limits)) {
    if (!Number.isInteger(value) || value < 1) {
      throw new ConfigurationError(`createCalculatorTool: ${name} must be a positive integer, got ${value}`);
    }
  }
  return defineTool({
    name: options.name ?? 'calculator',
    description:
      'Evaluates an arithmetic expression in double precision (results have 15 significant digits). Supports + - * / % ^ (power), parentheses, pi, e, and sqrt, abs, round, floor, ceil, exp, ln, log (natural, or log(x, base)), log10, log2, sin, cos, tan (radians), min, max.',
    parameters: z.object({
      expression: z.string().describe('The expression, e.g. "(2 + 3) * sqrt(16) / 4"'),
    }),
    execute: ({ expression }) => ({
      expression,
      result: Number(evaluateExpression(expression, limits).toPrecision(15)),
    }),
  });
}
