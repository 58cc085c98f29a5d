/**
 * Compiles and caches the grammars a backend samples under: JSON grammars built from JSON Schemas (tool arguments,
 * final answers),
 * and GBNF grammars given by `grammarForRequest`.
 */

import { ConfigurationError, type JsonValue } from '@harmony-agents/core';
import { toGrammarJsonSchema } from '@harmony-agents/core/backend';
import type { Llama, LlamaGrammar } from 'node-llama-cpp';

/** The suffix node-llama-cpp appends to a JSON grammar's root rule so chat sessions can detect the end. */
const TRAILING_NEWLINES = / "\\n\\n\\n\\n" \[\\n\]\*$/mu;
/** node-llama-cpp's number rules allow `1e999` (Infinity in JSON.parse); ours: plain decimals, integers up to 15 digits (exact in a double). */
const INTEGER_RULE = /^integer-number-rule ::= .*$/mu;
const FRACTIONAL_RULE = /^fractional-number-rule ::= .*$/mu;
const PLAIN_INTEGER = '"-"? ("0" | [1-9] [0-9]{0,14})';
const TOKEN_ELEMENT = /<\[(\d+)\]>/gu;

/**
 * Makes node-llama-cpp's JSON grammar safe for tool arguments: the root ends exactly at the closing brace (so
 * once it is complete only end-of-generation tokens can follow), and numbers have no exponent.
 */
export function fixJsonGrammar(grammar: string): string {
  return grammar
    .replace(TRAILING_NEWLINES, '')
    .replace(INTEGER_RULE, `integer-number-rule ::= ${PLAIN_INTEGER}`)
    .replace(FRACTIONAL_RULE, `fractional-number-rule ::= ${PLAIN_INTEGER} ("." [0-9]{1,16})?`);
}

/**
 * Checks that a GBNF grammar names no end-of-generation token. llama.cpp only allows those tokens once a grammar
 * is complete, so a grammar that requires one makes the native sampler fail and the Node process exit.
 * @throws {@link ConfigurationError} naming the offending token.
 */
export function assertNoEndOfGenerationTokens(
  grammar: string,
  isEndOfGeneration: (token: number) => boolean,
): void {
  for (const match of grammar.matchAll(TOKEN_ELEMENT)) {
    const token = Number(match[1]);
    if (isEndOfGeneration(token)) {
      throw new ConfigurationError(
        `The grammar contains the end-of-generation token <[${token}]>; llama.cpp cannot sample it inside a grammar. End the grammar before the stop token: once the grammar is complete, only end-of-generation tokens can follow.`,
      );
    }
  }
}

/** Compiled grammars of one loaded model, shared by its backends. */
export class GrammarCache {
  readonly #llama: Llama;
  readonly #isEndOfGeneration: (token: number) => boolean;
  readonly #toolGrammars = new Map<string, Promise<LlamaGrammar>>();
  readonly #requestGrammars = new Map<string, Promise<LlamaGrammar>>();

  constructor(llama: Llama, isEndOfGeneration: (token: number) => boolean) {
    this.#llama = llama;
    this.#isEndOfGeneration = isEndOfGeneration;
  }

  /** The JSON grammar of a schema (a tool's arguments, a final answer), compiled once per distinct schema. */
  jsonSchema(parameters: JsonValue): Promise<LlamaGrammar> {
    const key = JSON.stringify(parameters);
    let grammar = this.#toolGrammars.get(key);
    if (grammar === undefined) {
      grammar = this.#compileToolArguments(parameters);
      this.#toolGrammars.set(key, grammar);
    }
    return grammar;
  }

  /**
   * A GBNF grammar given as text, compiled once per distinct text.
   * @throws {@link ConfigurationError} when it names an end-of-generation token or does not compile.
   */
  request(grammar: string): Promise<LlamaGrammar> {
    let compiled = this.#requestGrammars.get(grammar);
    if (compiled === undefined) {
      assertNoEndOfGenerationTokens(grammar, this.#isEndOfGeneration);
      compiled = this.#llama.createGrammar({ grammar }).catch((error: unknown) => {
        this.#requestGrammars.delete(grammar);
        throw new ConfigurationError(`The request grammar does not compile: ${String(error)}`, {
          cause: error,
        });
      });
      this.#requestGrammars.set(grammar, compiled);
    }
    return compiled;
  }

  async #compileToolArguments(parameters: JsonValue): Promise<LlamaGrammar> {
    let generated: string;
    try {
      generated = (await this.#llama.createGrammarForJsonSchema(toGrammarJsonSchema(parameters) as never))
        .grammar;
    } catch {
      // A schema node-llama-cpp cannot express still gets valid JSON: any object.
      generated = (await this.#llama.createGrammarForJsonSchema(toGrammarJsonSchema(undefined) as never))
        .grammar;
    }
    return this.#llama.createGrammar({ grammar: fixJsonGrammar(generated) });
  }
}
