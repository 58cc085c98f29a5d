/**
 * Tool types shared by `defineTool` (function tools) and built-in tools such as `browser` and `python`.
 */

import type { JsonValue, ToolNamespaceConfig } from '../harmony/types.js';

/** The fields of {@link ToolContext} other than the application's context. */
export interface ToolCallContext {
  /** Aborted when the run is aborted or the tool's timeout expires. Pass it on to I/O. */
  readonly signal: AbortSignal;
  /** The runner's id of this call, unique within the run, saved with the call in the history. */
  readonly callId: string;
  /** The model step (1-based) within the run that made this call. */
  readonly step: number;
  /** The recipient the model addressed, e.g. `functions.get_weather` or `browser.search`. */
  readonly recipient: string;
  /** The channel the call was made on (`commentary` for functions, usually `analysis` for built-ins). */
  readonly channel: string | undefined;
}

/**
 * What a tool's `execute` receives besides its arguments. `context` is the application's context,
 * given to `agent.run(input, { context })` (a user id, a database handle, ...): never shown to the
 * model, never saved. Declare its type in `execute`'s signature (`(args, { context }:
 * ToolContext<AppContext>)`); the agent's `run` then requires a context of that type. With the
 * default `unknown`, it is `undefined` when the run was given none.
 */
export interface ToolContext<TContext = unknown> extends ToolCallContext {
  /** The application's context given to `agent.run(input, { context })`. */
  readonly context: TContext;
}

/**
 * When a tool's calls need a person's approval: always (`true`), never (`false`), or per call, from its
 * validated arguments and context (a function that throws counts as "needs approval").
 */
export type ToolApprovalPolicy<TArgs = unknown, TContext = unknown> =
  | boolean
  | ((args: TArgs, context: ToolContext<TContext>) => boolean | Promise<boolean>);

/** The outcome of validating arguments: the typed value, or human-readable issues. */
export type ValidationResult<T> =
  | {
      /** The arguments are valid. */
      readonly success: true;
      /** The validated value (defaults and transforms applied). */
      readonly value: T;
    }
  | {
      /** The arguments are invalid. */
      readonly success: false;
      /** One `path: message` line per problem. */
      readonly issues: readonly string[];
    };

/**
 * A function tool, rendered in the developer message's `functions` namespace and called as
 * `functions.<name>`. Create one with `defineTool`.
 */
export interface FunctionTool<TArgs = unknown, TResult = unknown, in TContext = unknown> {
  /** Discriminant: a function tool. */
  readonly kind: 'function';
  /** The tool's name, a valid identifier (`[A-Za-z_][A-Za-z0-9_]*`). */
  readonly name: string;
  /** What the tool does, shown to the model. */
  readonly description: string;
  /** The JSON Schema of the arguments, normalized for Harmony rendering. */
  readonly parameters: JsonValue;
  /**
   * The same schema in standard JSON Schema form (no OpenAPI `nullable`: null is a `type` or a
   * `oneOf` variant), for grammar-constrained decoding and external validators. Set by `defineTool`;
   * when absent, use {@link FunctionTool.parameters}.
   */
  readonly jsonSchema?: JsonValue;
  /** Per-tool timeout in milliseconds; undefined uses the agent's default. */
  readonly timeoutMs: number | undefined;
  /**
   * Whether a call must be approved by a person before it runs (see `agent.resume`); a function
   * decides per call from the validated arguments. Undefined: never.
   */
  readonly needsApproval?: ToolApprovalPolicy<TArgs, TContext> | undefined;
  /** Validates parsed JSON arguments against the tool's schema. */
  validate(args: unknown): ValidationResult<TArgs>;
  /**
   * Runs the tool. The result is sent to the model (strings as is, anything else as JSON). A property,
   * not a method, so that a tool's context type is checked against the agent's.
   */
  readonly execute: (args: TArgs, context: ToolContext<TContext>) => TResult | Promise<TResult>;
}

/** A call addressed to a built-in tool namespace. */
export interface BuiltinToolCall {
  /** The full recipient, e.g. `browser.search` or `python`. */
  readonly recipient: string;
  /** The raw message text the model wrote (JSON for `browser.*`, code for `python`). */
  readonly input: string;
  /** The content type of the call message, e.g. `<|constrain|>json` or `code`. */
  readonly contentType: string | undefined;
}

/**
 * A built-in tool such as gpt-oss's `browser` or `python`: rendered as a namespace in the system
 * message and called with recipients inside that namespace (`browser.search`) or equal to it (`python`).
 * Its result is sent back as a tool message authored by the recipient, on the call's channel.
 */
export interface BuiltinTool {
  /** Discriminant: a built-in tool. */
  readonly kind: 'builtin';
  /** The namespace rendered in the system message; `namespace.name` is the recipient prefix. */
  readonly namespace: ToolNamespaceConfig;
  /** Per-call timeout in milliseconds; undefined uses the agent's default. */
  readonly timeoutMs: number | undefined;
  /** Handles one call. Throw to report an error to the model. Returns the text the model sees. */
  execute(call: BuiltinToolCall, context: ToolContext): string | Promise<string>;
}

/** Any tool an agent can use; `TContext` is the application context the agent's runs give its tools. */
// biome-ignore lint/suspicious/noExplicitAny: a tool list holds tools of any argument and result types.
export type Tool<TContext = any> = FunctionTool<any, any, TContext> | BuiltinTool;
