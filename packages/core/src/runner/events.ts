import type { BackendUsage, FinishReason } from '../backend.js';
import type { HarmonyAgentsError, HarmonyParseError, ToolCallError } from '../errors.js';
import type { Message } from '../harmony/types.js';
import type { PendingApproval } from './approvals.js';
import type { ToolCallRepair } from './tool-routing.js';

/** Token counts of one model step or of a whole run. */
export interface Usage {
  /** Prompt tokens sent to the backend (summed over model steps for a run). */
  readonly promptTokens: number;
  /** Prompt tokens the backend reused from its KV cache, when it reports it. */
  readonly cachedPromptTokens: number | undefined;
  /** Prompt tokens the backend evaluated, when it reports it. */
  readonly evaluatedPromptTokens: number | undefined;
  /** Tokens generated, stop tokens included. */
  readonly generatedTokens: number;
  /** Time the backend spent on the prompt, in milliseconds, when it reports it. */
  readonly prefillMs: number | undefined;
  /** Time the backend spent generating, in milliseconds, when it reports it. */
  readonly decodeMs: number | undefined;
}

/** Fields every event carries. */
interface EventBase {
  /** The run's id. */
  readonly runId: string;
}

/** The run started. */
export interface RunStartEvent extends EventBase {
  /** Discriminant: `run-start`. */
  readonly type: 'run-start';
  /** The new user message (for a resumed run, the user message of the turn it continues). */
  readonly input: Message;
  /** `true` for a run started by `agent.resume`, which continues a turn instead of starting one. */
  readonly resumed: boolean;
}

/** One model step (one generation by the backend) started. */
export interface StepStartEvent extends EventBase {
  /** Discriminant: `step-start`. */
  readonly type: 'step-start';
  /** 1-based index of the model step within the run. */
  readonly step: number;
  /** Number of prompt tokens sent to the backend. */
  readonly promptTokens: number;
}

/** Chain-of-thought text streamed on the `analysis` channel. Never show it to end users. */
export interface AnalysisDeltaEvent extends EventBase {
  /** Discriminant: `analysis-delta`. */
  readonly type: 'analysis-delta';
  /** 1-based index of the model step within the run. */
  readonly step: number;
  /** The text added since the previous delta. */
  readonly delta: string;
}

/** A complete `analysis` message. */
export interface AnalysisEvent extends EventBase {
  /** Discriminant: `analysis`. */
  readonly type: 'analysis';
  /** 1-based index of the model step within the run. */
  readonly step: number;
  /** The message's whole text. */
  readonly text: string;
}

/** Text of a preamble (a `commentary` message with no recipient) as it streams. */
export interface PreambleDeltaEvent extends EventBase {
  /** Discriminant: `preamble-delta`. */
  readonly type: 'preamble-delta';
  /** 1-based index of the model step within the run. */
  readonly step: number;
  /** The text added since the previous delta. */
  readonly delta: string;
}

/** A complete preamble: what the model tells the user it is about to do. */
export interface PreambleEvent extends EventBase {
  /** Discriminant: `preamble`. */
  readonly type: 'preamble';
  /** 1-based index of the model step within the run. */
  readonly step: number;
  /** The preamble's whole text. */
  readonly text: string;
}

/** The model called a tool. `arguments` is the parsed JSON (functions) or raw input (built-ins). */
export interface ToolCallEvent extends EventBase {
  /** Discriminant: `tool-call`. */
  readonly type: 'tool-call';
  /** 1-based index of the model step that made the call. */
  readonly step: number;
  /** The runner's id of the call, unique within the run. */
  readonly callId: string;
  /** The recipient the model addressed, e.g. `functions.get_weather`, `browser.search`, `python`. */
  readonly recipient: string;
  /** The tool's name (`get_weather`), or the recipient for built-ins. */
  readonly toolName: string;
  /** Parsed and validated arguments for function tools; the raw text for built-ins and invalid calls. */
  readonly arguments: unknown;
  /** The raw argument text the model wrote. */
  readonly rawArguments: string;
  /** The channel of the call (`commentary` or `analysis`). */
  readonly channel: string | null;
  /**
   * How the runner read a call that was not well-formed (a bare function name, a content type glued
   * onto the name, a built-in inside `functions.`, an argument envelope, JSON encoded twice); absent
   * when the call was read as written. See {@link ToolCallRepair}.
   */
  readonly repairs?: readonly ToolCallRepair[];
}

/** A tool finished. `output` is the text sent back to the model. */
export interface ToolResultEvent extends EventBase {
  /** Discriminant: `tool-result`. */
  readonly type: 'tool-result';
  /** 1-based index of the model step that made the call. */
  readonly step: number;
  /** The id of the call, as in its `tool-call` event. */
  readonly callId: string;
  /** The recipient the model addressed, e.g. `functions.get_weather`. */
  readonly recipient: string;
  /** What `execute` returned. */
  readonly result: unknown;
  /** The text the model sees. */
  readonly output: string;
  /** Wall-clock time of the execution, in milliseconds. */
  readonly durationMs: number;
}

/**
 * A tool call failed (unknown tool, invalid arguments, the tool threw or timed out, a repeated call).
 * Unless the agent is configured to throw, `output` is sent to the model so it can recover.
 */
export interface ToolErrorEvent extends EventBase {
  /** Discriminant: `tool-error`. */
  readonly type: 'tool-error';
  /** 1-based index of the model step that made the call. */
  readonly step: number;
  /** The id of the call, as in its `tool-call` event. */
  readonly callId: string;
  /** The recipient the model addressed, e.g. `functions.get_weather`. */
  readonly recipient: string;
  /** What went wrong; its class and `code` tell the kind of failure. */
  readonly error: ToolCallError;
  /** The error text the model sees. */
  readonly output: string;
}

/** Text of the final answer as it streams. */
export interface FinalDeltaEvent extends EventBase {
  /** Discriminant: `final-delta`. */
  readonly type: 'final-delta';
  /** 1-based index of the model step within the run. */
  readonly step: number;
  /** The text added since the previous delta. */
  readonly delta: string;
}

/** The complete final answer. */
export interface FinalEvent extends EventBase {
  /** Discriminant: `final`. */
  readonly type: 'final';
  /** 1-based index of the model step within the run. */
  readonly step: number;
  /** The answer's whole text. */
  readonly text: string;
}

/** A complete message was added to the conversation (any role, any channel). */
export interface MessageEvent extends EventBase {
  /** Discriminant: `message`. */
  readonly type: 'message';
  /** The message, as stored in the history. */
  readonly message: Message;
}

/** The model's output was not well-formed Harmony. `recovered` says whether the runner salvaged it. */
export interface ParseErrorEvent extends EventBase {
  /** Discriminant: `parse-error`. */
  readonly type: 'parse-error';
  /** 1-based index of the model step within the run. */
  readonly step: number;
  /** What was malformed. */
  readonly error: HarmonyParseError;
  /** `true` when a message was salvaged; `false` when the tokens were dropped. */
  readonly recovered: boolean;
}

/** One model step ended. */
export interface StepEndEvent extends EventBase {
  /** Discriminant: `step-end`. */
  readonly type: 'step-end';
  /** 1-based index of the model step within the run. */
  readonly step: number;
  /** Why the generation ended: a stop token, the token budget, or an abort. */
  readonly finishReason: FinishReason;
  /** The model step's token counts and timings. */
  readonly usage: Usage;
}

/**
 * Earlier turns were left out of the prompt so that it fits the backend's context
 * (`contextOverflow: 'drop-oldest-turns'` or a custom strategy). The run's history still holds them.
 */
export interface HistoryTrimmedEvent extends EventBase {
  /** Discriminant: `history-trimmed`. */
  readonly type: 'history-trimmed';
  /** 1-based index of the model step whose prompt was trimmed. */
  readonly step: number;
  /** The messages left out of the prompt, oldest first. */
  readonly droppedMessages: readonly Message[];
  /** How many whole user turns were left out (`0` for a custom strategy that does not drop whole turns). */
  readonly droppedTurns: number;
  /** Prompt tokens before trimming. */
  readonly promptTokensBefore: number;
  /** Prompt tokens after trimming. */
  readonly promptTokens: number;
  /** The backend's context size. */
  readonly contextSize: number;
  /** Tokens kept free for the answer. */
  readonly reserveTokens: number;
}

/**
 * The final answer did not match the run's `output` schema; it goes back to the model, with what is wrong,
 * in a user message (at most `maxOutputRepairs` times).
 */
export interface OutputRepairEvent extends EventBase {
  /** Discriminant: `output-repair`. */
  readonly type: 'output-repair';
  /** 1-based index of the model step that gave the answer. */
  readonly step: number;
  /** The answer as the model wrote it. */
  readonly rawText: string;
  /** What is wrong with it. */
  readonly issues: readonly string[];
  /** 1-based index of this repair round. */
  readonly repair: number;
}

/** The run was aborted through its signal. The history holds every completed message. */
export interface AbortEvent extends EventBase {
  /** Discriminant: `abort`. */
  readonly type: 'abort';
  /** The abort signal's reason. */
  readonly reason: unknown;
}

/** The run failed. The history holds every completed message. */
export interface ErrorEvent extends EventBase {
  /** Discriminant: `error`. */
  readonly type: 'error';
  /** The error the run rejects with. */
  readonly error: HarmonyAgentsError;
}

/**
 * A listener threw, or an async listener's promise rejected. The run goes on; the error is reported
 * here (and never to listeners of this event twice).
 */
export interface ListenerErrorEvent extends EventBase {
  /** Discriminant: `listener-error`. */
  readonly type: 'listener-error';
  /** The type of the event whose listener threw. */
  readonly eventType: AgentEvent['type'];
  /** What the listener threw. */
  readonly error: unknown;
}

/**
 * The model called tools that need a person's approval: the run stops before executing any call of
 * this step and resolves with status `'interrupted'`. Continue with `agent.resume(history, decisions)`.
 */
export interface ApprovalRequiredEvent extends EventBase {
  /** Discriminant: `approval-required`. */
  readonly type: 'approval-required';
  /** 1-based index of the model step that made the calls. */
  readonly step: number;
  /** The calls waiting for a decision, in the order the model made them. */
  readonly approvals: readonly PendingApproval[];
}

/**
 * The run ended (successfully or not). Always the last event, except for the `listener-error` of an
 * async listener whose promise rejects after the run ended.
 */
export interface RunEndEvent extends EventBase {
  /** Discriminant: `run-end`. */
  readonly type: 'run-end';
  /** How the run ended; `interrupted`: it waits for approvals (see `approval-required`). */
  readonly status: 'completed' | 'interrupted' | 'aborted' | 'failed';
  /** Usage summed over the run's model steps. */
  readonly usage: Usage;
}

/** Every event a run emits, discriminated by `type`. */
export type AgentEvent =
  | RunStartEvent
  | StepStartEvent
  | AnalysisDeltaEvent
  | AnalysisEvent
  | PreambleDeltaEvent
  | PreambleEvent
  | ToolCallEvent
  | ToolResultEvent
  | ToolErrorEvent
  | FinalDeltaEvent
  | FinalEvent
  | MessageEvent
  | ParseErrorEvent
  | StepEndEvent
  | HistoryTrimmedEvent
  | OutputRepairEvent
  | AbortEvent
  | ErrorEvent
  | ListenerErrorEvent
  | ApprovalRequiredEvent
  | RunEndEvent;

/** The type names of {@link AgentEvent}. */
export type AgentEventType = AgentEvent['type'];

/** The event of a given type. */
export type AgentEventOf<TType extends AgentEventType> = Extract<
  AgentEvent,
  {
    /** The event type to select. */
    type: TType;
  }
>;

/** Sums usages; a cache figure is defined only if every part defines it. */
export function addUsage(total: Usage, part: BackendUsage): Usage {
  const sum = (a: number | undefined, b: number | undefined) =>
    a === undefined || b === undefined ? undefined : a + b;
  return {
    promptTokens: total.promptTokens + part.promptTokens,
    generatedTokens: total.generatedTokens + part.generatedTokens,
    cachedPromptTokens: sum(total.cachedPromptTokens, part.cachedPromptTokens),
    evaluatedPromptTokens: sum(total.evaluatedPromptTokens, part.evaluatedPromptTokens),
    prefillMs: sum(total.prefillMs, part.prefillMs),
    decodeMs: sum(total.decodeMs, part.decodeMs),
  };
}

/** Usage of nothing yet; cache and timing figures start defined so that `addUsage` keeps them when reported. */
export const EMPTY_USAGE: Usage = {
  promptTokens: 0,
  generatedTokens: 0,
  cachedPromptTokens: 0,
  evaluatedPromptTokens: 0,
  prefillMs: 0,
  decodeMs: 0,
};
