import { EventEmitter } from 'eventemitter3';
import { ConfigurationError } from '../errors.js';
import { describeValue } from '../harmony/message-validation.js';
import type { Message } from '../harmony/types.js';
import type { PendingApproval } from './approvals.js';
import type { Conversation, ConversationEntry } from './conversation.js';
import {
  type AgentEvent,
  type AgentEventOf,
  type AgentEventType,
  EMPTY_USAGE,
  type Usage,
} from './events.js';
import { toRunError } from './run-error.js';
import { type RunScope, type RunScopeWrapper, runInScope } from './run-scope.js';

/** What every {@link RunResult} holds, completed or interrupted. */
export interface RunResultBase {
  /** The calls waiting for a decision, when `status` is `interrupted`; empty otherwise. */
  readonly pendingApprovals: readonly PendingApproval[];
  /** The final answer (the `final` channel); empty for an interrupted run. Never contains chain of thought. */
  readonly finalText: string;
  /** The history given to the run, extended with this run's messages. Pass it to the next run. */
  readonly history: Conversation;
  /** The messages this run added (the user message first). */
  readonly newMessages: readonly Message[];
  /** Usage summed over the run's model steps. */
  readonly usage: Usage;
  /** How many model steps the run made (a resumed run counts its own). */
  readonly steps: number;
}

/**
 * What awaiting a run gives. `status` tells which of the two it is:
 * - `completed`: the model answered; `output` is the answer parsed and validated against the run's `output`
 *   schema (zod defaults and transforms applied), of type `TOutput` (`undefined` for a run without a schema).
 * - `interrupted`: the model called tools that need approval; the run stopped before running them (see
 *   {@link RunResultBase.pendingApprovals}), `agent.resume` continues it, and `output` is `undefined` (give
 *   `agent.resume` the same `output` to get it).
 *
 * So `result.output` is typed `TOutput | undefined` until `result.status === 'completed'` is checked.
 */
export type RunResult<TOutput = undefined> =
  | (RunResultBase & {
      /** The model answered. */
      readonly status: 'completed';
      /** The answer parsed and validated against the run's `output` schema; `undefined` without one. */
      readonly output: TOutput;
    })
  | (RunResultBase & {
      /** The model called tools that need approval; `agent.resume` continues the run. */
      readonly status: 'interrupted';
      /** No answer yet: give `agent.resume` the same `output` to get it. */
      readonly output: undefined;
    });

/** A listener as the underlying event emitter stores it. */
type EmitterListener = NonNullable<Parameters<EventEmitter['off']>[1]>;

/**
 * What the run loop writes a run with. Not part of the public API: an {@link AgentRun} only reads.
 * @internal
 */
export interface RunController {
  /** The run's id. */
  readonly runId: string;
  /** The history as of now. */
  readonly history: Conversation;
  /** The entries this run has completed, in order. */
  readonly newEntries: readonly ConversationEntry[];
  /** Emits an event to listeners and iterators. */
  emit(event: AgentEvent): void;
  /** Adds completed entries to the run's history and emits a `message` event for each. */
  commit(entries: Iterable<ConversationEntry>): void;
  /** Runs one part of the run inside the wrappers registered with {@link AgentRun.wrap}. */
  scope<T>(scope: RunScope, work: () => Promise<T>): Promise<T>;
}

/** Starts a run (module-private constructor; see {@link startAgentRun}). */
let createAgentRun: (
  runId: string,
  history: Conversation,
  execute: (controller: RunController) => Promise<RunResult<unknown>>,
) => AgentRun<unknown>;

/**
 * Starts a run that `execute` drives through a {@link RunController}, on a later tick so that listeners
 * attached right after `agent.run()` see every event.
 * @internal
 */
export function startAgentRun<TOutput>(
  runId: string,
  history: Conversation,
  execute: (controller: RunController) => Promise<RunResult<TOutput>>,
): AgentRun<TOutput> {
  return createAgentRun(runId, history, execute) as AgentRun<TOutput>;
}

/** A listener of one event type. */
export type AgentEventListener<TType extends AgentEventType> = (event: AgentEventOf<TType>) => void;

/**
 * One run of an agent: subscribe to its events with {@link AgentRun.on}, iterate them with
 * `for await`, and await it for the {@link RunResult}. The three views share one event stream.
 *
 * Awaiting a run that failed or was aborted rejects with the typed error (e.g. `RunAbortedError`);
 * {@link AgentRun.history} then still holds a consistent history with every completed message.
 *
 * @example
 * ```ts
 * const run = agent.run('What is the temperature where john123 is?');
 * run.on('tool-call', (event) => console.log('calling', event.toolName, event.arguments));
 * for await (const event of run) if (event.type === 'final-delta') process.stdout.write(event.delta);
 * const { finalText, history } = await run;
 * ```
 */
export class AgentRun<TOutput = undefined>
  implements PromiseLike<RunResult<TOutput>>, AsyncIterable<AgentEvent>
{
  /** The run's id. */
  readonly runId: string;
  readonly #emitter = new EventEmitter();
  readonly #events: AgentEvent[] = [];
  readonly #waiters = new Set<() => void>();
  /** The wrappers `once` registered, by event type and listener, so that `off` can remove them. */
  readonly #onceWrappers = new Map<AgentEventType, Map<unknown, EmitterListener[]>>();
  readonly #result: Promise<RunResult<TOutput>>;
  readonly #baseHistory: Conversation;
  readonly #newEntries: ConversationEntry[] = [];
  readonly #wrappers: RunScopeWrapper[] = [];
  /** `#baseHistory` plus `#newEntries`, built when first read after a commit. */
  #history: Conversation | undefined;
  #ended = false;

  static {
    createAgentRun = (runId, history, execute) => new AgentRun(runId, history, execute);
  }

  /** Created by `Agent.run`. */
  private constructor(
    runId: string,
    history: Conversation,
    execute: (controller: RunController) => Promise<RunResult<TOutput>>,
  ) {
    this.runId = runId;
    this.#baseHistory = history;
    this.#history = history;
    const run = this;
    const controller: RunController = {
      runId,
      get history() {
        return run.history;
      },
      get newEntries() {
        return run.#newEntries;
      },
      emit: (event) => this.#emit(event),
      commit: (entries) => this.#commit(entries),
      scope: (scope, work) => runInScope(this.#wrappers, scope, work),
    };
    // Start on a later tick so listeners attached right after `agent.run()` see every event.
    this.#result = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => execute(controller))
      .catch((caught: unknown) => {
        // The run loop ends every run with `run-end`; should it ever fail to, iteration must still end.
        if (this.#ended) throw caught;
        const error = toRunError(caught);
        this.#emit({ type: 'error', runId, error });
        this.#emit({ type: 'run-end', runId, status: 'failed', usage: EMPTY_USAGE });
        throw error;
      });
    // Applications that only listen to events must not get an unhandled rejection.
    this.#result.catch(() => undefined);
  }

  /** The history as of now: the given history plus every message this run has completed. */
  get history(): Conversation {
    this.#history ??= this.#baseHistory.concat(this.#newEntries);
    return this.#history;
  }

  /** Every event emitted so far. */
  get events(): readonly AgentEvent[] {
    return this.#events;
  }

  /**
   * Subscribes to one event type. A listener that throws, or an async listener whose promise rejects,
   * is reported as a `listener-error` event and never breaks the run.
   */
  on<TType extends AgentEventType>(type: TType, listener: AgentEventListener<TType>): this {
    this.#emitter.on(type, listener);
    return this;
  }

  /** Subscribes to the next event of one type. {@link AgentRun.off} with the same listener cancels it. */
  once<TType extends AgentEventType>(type: TType, listener: AgentEventListener<TType>): this {
    const wrapper = (event: AgentEventOf<TType>) => {
      this.#removeOnceWrapper(type, listener, wrapper);
      listener(event);
    };
    let wrappers = this.#onceWrappers.get(type);
    if (wrappers === undefined) {
      wrappers = new Map();
      this.#onceWrappers.set(type, wrappers);
    }
    wrappers.set(listener, [...(wrappers.get(listener) ?? []), wrapper]);
    this.#emitter.on(type, wrapper);
    return this;
  }

  /**
   * Runs the run's parts inside `wrapper`: the whole run, each model step and each tool's execution (see
   * {@link RunScope}), so that work done there (a tool's HTTP client, a span it starts) sees the scope the
   * wrapper sets up, e.g. an OpenTelemetry context whose active span is the tool call's. Register it right
   * after `agent.run()`, as listeners are: a wrapper applies to the parts that start after it. Wrappers nest,
   * the first registered outermost. Events keep their order; see {@link RunScopeWrapper} for the contract.
   *
   * @example
   * ```ts
   * const run = agent.run('What is the weather in Seoul?');
   * run.wrap((scope, execute) => (scope.type === 'tool' ? storage.run(scope.callId, execute) : execute()));
   * ```
   * @throws {@link ConfigurationError} when `wrapper` is not a function.
   */
  wrap(wrapper: RunScopeWrapper): this {
    if (typeof wrapper !== 'function') {
      throw new ConfigurationError(`wrap: wrapper must be a function, got ${describeValue(wrapper)}`, {
        option: 'wrapper',
      });
    }
    this.#wrappers.push(wrapper);
    return this;
  }

  /** Unsubscribes a listener added with {@link AgentRun.on} or {@link AgentRun.once}. */
  off<TType extends AgentEventType>(type: TType, listener: AgentEventListener<TType>): this {
    const wrappers = this.#onceWrappers.get(type);
    for (const wrapper of wrappers?.get(listener) ?? []) this.#emitter.off(type, wrapper);
    wrappers?.delete(listener);
    this.#emitter.off(type, listener);
    return this;
  }

  #removeOnceWrapper(type: AgentEventType, listener: unknown, wrapper: EmitterListener): void {
    this.#emitter.off(type, wrapper);
    const wrappers = this.#onceWrappers.get(type);
    const remaining = (wrappers?.get(listener) ?? []).filter((candidate) => candidate !== wrapper);
    if (remaining.length === 0) wrappers?.delete(listener);
    else wrappers?.set(listener, remaining);
  }

  // biome-ignore lint/suspicious/noThenProperty: a run is deliberately awaitable.
  then<TResult1 = RunResult<TOutput>, TResult2 = never>(
    onFulfilled?: ((value: RunResult<TOutput>) => TResult1 | PromiseLike<TResult1>) | null,
    onRejected?: ((reason: unknown) => TResult2 | PromiseLike<TResult2>) | null,
  ): Promise<TResult1 | TResult2> {
    return this.#result.then(onFulfilled, onRejected);
  }

  /** Iterates every event of the run from its first, ending after `run-end`. */
  async *[Symbol.asyncIterator](): AsyncIterator<AgentEvent> {
    let index = 0;
    for (;;) {
      while (index < this.#events.length) {
        const event = this.#events[index++]!;
        yield event;
        // `run-end` is last, even if one of its listeners threw after it (see `run.events` for that).
        if (event.type === 'run-end') return;
      }
      if (this.#ended) return;
      await new Promise<void>((resolve) => this.#waiters.add(resolve));
    }
  }

  #emit(event: AgentEvent): void {
    this.#events.push(event);
    if (event.type === 'run-end') this.#ended = true;
    for (const listener of this.#emitter.listeners(event.type)) {
      try {
        const returned: unknown = (listener as (event: AgentEvent) => unknown)(event);
        // An async listener's rejection is reported like a throw, never left unhandled.
        if (isThenable(returned))
          returned.then(undefined, (error: unknown) => this.#listenerFailed(event, error));
      } catch (error) {
        this.#listenerFailed(event, error);
      }
    }
    for (const wake of this.#waiters) wake();
    this.#waiters.clear();
  }

  #listenerFailed(event: AgentEvent, error: unknown): void {
    if (event.type !== 'listener-error') {
      this.#emit({ type: 'listener-error', runId: this.runId, eventType: event.type, error });
    }
  }

  #commit(entries: Iterable<ConversationEntry>): void {
    for (const entry of entries) {
      this.#newEntries.push(entry);
      this.#history = undefined;
      this.#emit({ type: 'message', runId: this.runId, message: entry.message });
    }
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  try {
    return (
      (typeof value === 'object' || typeof value === 'function') &&
      value !== null &&
      typeof (value as { then?: unknown }).then === 'function'
    );
  } catch {
    return false;
  }
}
