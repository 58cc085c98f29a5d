/**
 * Errors of run limits (tool rounds, tokens, the context window, structured output) and cancellation.
 */

import { brandErrorClasses } from '../error-brand.js';
import { HarmonyAgentsError, type HarmonyAgentsErrorOptions } from './harmony-agents-error.js';
import { ToolCallError, type ToolCallErrorOptions } from './tool-errors.js';

/** The model made more tool rounds in one turn than `maxToolRounds` allows. */
export class MaxToolRoundsExceededError extends HarmonyAgentsError {
  /** The class name, `MaxToolRoundsExceededError`. */
  override readonly name = 'MaxToolRoundsExceededError';
  readonly code = 'max_tool_rounds_exceeded';
  readonly source = 'run';
  /** The limit that was reached. */
  readonly maxToolRounds: number;
  constructor(message: string, options: HarmonyAgentsErrorOptions & { maxToolRounds: number }) {
    super(message, options);
    this.maxToolRounds = options.maxToolRounds;
  }
}

/**
 * The model repeated an identical tool call (same tool, same arguments) more often than
 * `maxIdenticalToolCalls` allows. The first time it is reported to the model; if the model
 * insists, the run fails with it.
 */
export class RepeatedToolCallError extends ToolCallError {
  /** The class name, `RepeatedToolCallError`. */
  override readonly name = 'RepeatedToolCallError';
  readonly code = 'repeated_tool_call';
  readonly source = 'model';
  /** How many identical calls were seen, this one included. */
  readonly count: number;
  constructor(message: string, options: ToolCallErrorOptions & { count: number }) {
    super(message, options);
    this.count = options.count;
  }
}

/** Generation reached its token budget (`maxTokens`) before the model finished. */
export class TokenBudgetExceededError extends HarmonyAgentsError {
  /** The class name, `TokenBudgetExceededError`. */
  override readonly name = 'TokenBudgetExceededError';
  readonly code = 'token_budget_exceeded';
  readonly source = 'run';
  /** The budget that was reached. */
  readonly maxTokens: number;
  constructor(message: string, options: HarmonyAgentsErrorOptions & { maxTokens: number }) {
    super(message, options);
    this.maxTokens = options.maxTokens;
  }
}

/**
 * The prompt of the next model step and the reserve for the answer do not fit the backend's declared context
 * (`contextOverflow: 'error'`, the default, or no older turn left to drop). Thrown before the backend is called.
 */
export class ContextWindowExceededError extends HarmonyAgentsError {
  /** The class name, `ContextWindowExceededError`. */
  override readonly name = 'ContextWindowExceededError';
  readonly code = 'context_window_exceeded';
  readonly source = 'user';
  /** Tokens of the prompt that did not fit. */
  readonly promptTokens: number;
  /** Tokens kept free for the model's answer. */
  readonly reserveTokens: number;
  /** The backend's context size. */
  readonly contextSize: number;
  constructor(
    message: string,
    options: HarmonyAgentsErrorOptions & { promptTokens: number; reserveTokens: number; contextSize: number },
  ) {
    super(message, options);
    this.promptTokens = options.promptTokens;
    this.reserveTokens = options.reserveTokens;
    this.contextSize = options.contextSize;
  }
}

/**
 * The model's final answer is not JSON matching the run's `output` schema, after the repair rounds
 * (`maxOutputRepairs`). `rawText` holds the last answer as written; `issues` says what is wrong with it.
 */
export class OutputValidationError extends HarmonyAgentsError {
  /** The class name, `OutputValidationError`. */
  override readonly name = 'OutputValidationError';
  readonly code = 'output_invalid';
  readonly source = 'model';
  /** The model's last final answer, verbatim. */
  readonly rawText: string;
  /** What is wrong with it: `not JSON: ...`, or one line per schema violation (`items[0]: expected string`). */
  readonly issues: readonly string[];
  /** How many answers the model gave (1 + the repair rounds). */
  readonly attempts: number;
  constructor(
    message: string,
    options: HarmonyAgentsErrorOptions & { rawText: string; issues: readonly string[]; attempts: number },
  ) {
    super(message, options);
    this.rawText = options.rawText;
    this.issues = options.issues;
    this.attempts = options.attempts;
  }
}

/** The run was cancelled through its `AbortSignal`. The signal's reason is the `cause`. */
export class RunAbortedError extends HarmonyAgentsError {
  /** The class name, `RunAbortedError`. */
  override readonly name = 'RunAbortedError';
  readonly code = 'run_aborted';
  readonly source = 'run';
}

brandErrorClasses({
  MaxToolRoundsExceededError,
  RepeatedToolCallError,
  TokenBudgetExceededError,
  ContextWindowExceededError,
  OutputValidationError,
  RunAbortedError,
});
