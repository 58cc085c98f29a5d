import { ConfigurationError } from '@harmony-agents/core';
import { describe, expect, it } from 'vitest';
import { assertNoEndOfGenerationTokens, fixJsonGrammar } from './grammar-cache.js';

const GENERATED = [
  'root ::= "{" whitespace-b-1-4-rule "\\"n\\"" ":" [ ]? integer-number-rule whitespace-b-0-4-rule "}" "\\n\\n\\n\\n" [\\n]*',
  'integer-number-rule ::= "-"? ("0" | [1-9] [0-9]{0,15}) ([eE] [-+]? ("0" | [1-9] [0-9]{0,15}))?',
  'fractional-number-rule ::= "-"? ("0" | [1-9] [0-9]{0,15}) ("." [0-9]{1,16})? ([eE] [-+]? ("0" | [1-9] [0-9]{0,15}))?',
  'whitespace-b-0-4-rule ::= [\\n] | [ ]?',
].join('\n');

describe('fixJsonGrammar', () => {
  it('ends the root at the closing brace and removes exponents', () => {
    expect(fixJsonGrammar(GENERATED).split('\n')).toEqual([
      'root ::= "{" whitespace-b-1-4-rule "\\"n\\"" ":" [ ]? integer-number-rule whitespace-b-0-4-rule "}"',
      'integer-number-rule ::= "-"? ("0" | [1-9] [0-9]{0,14})',
      'fractional-number-rule ::= "-"? ("0" | [1-9] [0-9]{0,14}) ("." [0-9]{1,16})?',
      'whitespace-b-0-4-rule ::= [\\n] | [ ]?',
    ]);
  });
});

describe('assertNoEndOfGenerationTokens', () => {
  const isEndOfGeneration = (token: number) => token === 200012 || token === 200002 || token === 199999;

  it('accepts grammars with other token elements', () => {
    expect(() =>
      assertNoEndOfGenerationTokens('root ::= <[200005]> "x" <[200007]>', isEndOfGeneration),
    ).not.toThrow();
  });

  it('rejects an end-of-generation token element, which would crash llama.cpp', () => {
    expect(() => assertNoEndOfGenerationTokens('root ::= "x" <[200012]>', isEndOfGeneration)).toThrow(
      ConfigurationError,
    );
    expect(() => assertNoEndOfGenerationTokens('root ::= "x" <[199999]>', isEndOfGeneration)).toThrow(
      /199999/,
    );
  });
});
