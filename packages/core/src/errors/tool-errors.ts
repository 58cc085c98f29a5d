/**
 * Errors about tool calls, approvals and resumes, run scopes, and what built-in tools refuse or fail to fetch.
 */

import { brandErrorClasses } from '../error-brand.js';
import type { RunScope } from '../runner/run-scope.js';
import { HarmonyAgentsError, type HarmonyAgentsErrorOptions } from './harmony-agents-error.js';

/** Context shared by errors about one tool call. */
export interface ToolCallErrorOptions extends HarmonyAgentsErrorOptions {
  /** The tool the model addressed (the recipient, e.g. `functions.get_weather`). */
  recipient: string;
  /** The runner's id for this call. */
  callId?: string;
}

/** Base of the errors about one tool call. */
export abstract class ToolCallError extends HarmonyAgentsError {
  /** The tool the model addressed (e.g. `functions.get_weather`). */
  readonly recipient: string;
  /** The runner's id for this call, if known. */
  readonly callId: string | undefined;
  constructor(message: string, options: ToolCallErrorOptions) {
    super(message, options);
    this.recipient = options.recipient;
    this.callId = options.callId;
  }
}

/** The model called a tool that is not defined. */
export class UnknownToolError extends ToolCallError {
  /** The class name, `UnknownToolError`. */
  override readonly name = 'UnknownToolError';
  readonly code = 'unknown_tool';
  readonly source = 'model';
}

/** The model's arguments are not JSON, or do not match the tool's schema. */
export class ToolArgumentsError extends ToolCallError {
  /** The class name, `ToolArgumentsError`. */
  override readonly name = 'ToolArgumentsError';
  readonly code = 'invalid_tool_arguments';
  readonly source = 'model';
  /** The raw argument text the model wrote. */
  readonly rawArguments: string;
  /** Human-readable validation issues (empty for JSON syntax errors). */
  readonly issues: readonly string[];
  constructor(
    message: string,
    options: ToolCallErrorOptions & { rawArguments: string; issues?: readonly string[] },
  ) {
    super(message, options);
    this.rawArguments = options.rawArguments;
    this.issues = options.issues ?? [];
  }
}

/** A tool threw while executing. The original error is the `cause`. */
export class ToolExecutionError extends ToolCallError {
  /** The class name, `ToolExecutionError`. */
  override readonly name = 'ToolExecutionError';
  readonly code = 'tool_execution_failed';
  readonly source = 'tool';
}

/** A tool did not finish within its timeout. */
export class ToolTimeoutError extends ToolCallError {
  /** The class name, `ToolTimeoutError`. */
  override readonly name = 'ToolTimeoutError';
  readonly code = 'tool_timeout';
  readonly source = 'tool';
  /** The timeout that was exceeded, in milliseconds. */
  readonly timeoutMs: number;
  constructor(message: string, options: ToolCallErrorOptions & { timeoutMs: number }) {
    super(message, options);
    this.timeoutMs = options.timeoutMs;
  }
}

/**
 * A person denied a call of a tool that needs approval (`needsApproval`), in `agent.resume`. The model
 * gets it as the call's result, with the reason when one was given, and goes on without the call.
 */
export class ToolCallDeniedError extends ToolCallError {
  /** The class name, `ToolCallDeniedError`. */
  override readonly name = 'ToolCallDeniedError';
  readonly code = 'tool_call_denied';
  readonly source = 'user';
  /** The reason given with the denial, if any. */
  readonly reason: string | undefined;
  constructor(message: string, options: ToolCallErrorOptions & { reason?: string | undefined }) {
    super(message, options);
    this.reason = options.reason;
  }
}

/** Why `agent.resume` refused its input: see {@link ResumeError}. */
export type ResumeErrorReason =
  | 'not_interrupted'
  | 'unknown_call'
  | 'already_decided'
  | 'already_resumed'
  | 'missing_decision'
  | 'invalid_decision';

/**
 * `agent.resume(history, decisions)` was given something it cannot continue: a history that does not
 * end with calls waiting for approval (`not_interrupted`), a decision for a call it does not hold
 * (`unknown_call`) or that already has its result (`already_decided`, e.g. the same decisions given
 * twice), an interrupted history this process already resumed (`already_resumed`), no decision for a
 * call that needs one (`missing_decision`), or a decision that is not `{ approved: boolean, reason? }`
 * (`invalid_decision`). Nothing has run when it is thrown.
 */
export class ResumeError extends HarmonyAgentsError {
  /** The class name, `ResumeError`. */
  override readonly name = 'ResumeError';
  readonly code = 'invalid_resume';
  readonly source = 'user';
  /** What is wrong. */
  readonly reason: ResumeErrorReason;
  /** The call the problem is about, if one. */
  readonly callId: string | undefined;
  constructor(
    message: string,
    options: HarmonyAgentsErrorOptions & { reason: ResumeErrorReason; callId?: string | undefined },
  ) {
    super(message, options);
    this.reason = options.reason;
    this.callId = options.callId;
  }
}

/** How a run scope wrapper was misused: see {@link RunScopeError}. */
export type RunScopeErrorReason = 'not_called' | 'called_twice' | 'wrapper_failed';

/**
 * A wrapper registered with `AgentRun.wrap` broke its contract: it returned without calling `execute`, or
 * called it after returning (`not_called`), called it more than once (`called_twice`), or threw an error of
 * its own (`wrapper_failed`, the thrown value as `cause`). It fails the run, even in a tool call's scope:
 * the application's code must be fixed, the model can do nothing about it.
 */
export class RunScopeError extends HarmonyAgentsError {
  /** The class name, `RunScopeError`. */
  override readonly name = 'RunScopeError';
  readonly code = 'invalid_run_scope';
  readonly source = 'user';
  /** What the wrapper did wrong. */
  readonly reason: RunScopeErrorReason;
  /** The part of the run the wrapper was given. */
  readonly scope: RunScope;
  constructor(
    message: string,
    options: HarmonyAgentsErrorOptions & { reason: RunScopeErrorReason; scope: RunScope },
  ) {
    super(message, options);
    this.reason = options.reason;
    this.scope = options.scope;
  }
}

/**
 * A ready-made tool refused an input for safety or policy reasons (a path outside its root,
 * a URL outside the allowlist, a private address, a file too large, ...). Tools throw it from
 * `execute`; the runner reports it to the model like any tool failure.
 */
export class ToolInputRejectedError extends HarmonyAgentsError {
  /** The class name, `ToolInputRejectedError`. */
  override readonly name = 'ToolInputRejectedError';
  readonly code = 'tool_input_rejected';
  readonly source = 'tool';
  /** A short machine-readable reason, e.g. `outside_root`, `not_allowed`, `too_large`. */
  readonly reason: string;
  constructor(message: string, options: HarmonyAgentsErrorOptions & { reason: string }) {
    super(message, options);
    this.reason = options.reason;
  }
}

/** Why a page could not be fetched: see {@link PageFetchError}. */
export type PageFetchErrorReason = 'network' | 'timeout' | 'http_status' | 'not_found' | 'unreadable';

/**
 * A page fetcher or document provider (e.g. the `browser` tool's) could not get a page: a network
 * failure, an HTTP error status, a timeout, a missing document. Refusals for safety or policy reasons
 * are {@link ToolInputRejectedError}s instead.
 */
export class PageFetchError extends HarmonyAgentsError {
  /** The class name, `PageFetchError`. */
  override readonly name = 'PageFetchError';
  readonly code = 'page_fetch_failed';
  readonly source = 'tool';
  /** The URL that was being fetched (the last hop when redirects were followed). */
  readonly url: string;
  /** What went wrong. */
  readonly reason: PageFetchErrorReason;
  /** The HTTP status, for reason `http_status`. */
  readonly status: number | undefined;
  constructor(
    message: string,
    options: HarmonyAgentsErrorOptions & { url: string; reason: PageFetchErrorReason; status?: number },
  ) {
    super(message, options);
    this.url = options.url;
    this.reason = options.reason;
    this.status = options.status;
  }
}

brandErrorClasses({
  ToolCallError,
  UnknownToolError,
  ToolArgumentsError,
  ToolExecutionError,
  ToolTimeoutError,
  ToolCallDeniedError,
  ResumeError,
  RunScopeError,
  ToolInputRejectedError,
  PageFetchError,
});
