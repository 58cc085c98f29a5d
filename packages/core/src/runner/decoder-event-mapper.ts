/**
 * The decoder-event mapping of a model step: sampled tokens go through the Harmony stream decoder,
 * and its events become the run's events (deltas, complete messages, parse errors) and the entries
 * the step adds to the history.
 */

import { HarmonyParseError } from '../errors.js';
import type { HarmonyEncoding } from '../harmony/encoding.js';
import { HARMONY_TOKENS } from '../harmony/special-tokens.js';
import { HarmonyStreamDecoder, type StreamDecoderEvent } from '../harmony/stream-decoder.js';
import type { Message, Role } from '../harmony/types.js';
import { type ConversationEntry, compactMessage } from './conversation.js';
import type { AgentEvent } from './events.js';
import { historyTokens } from './history-tokens.js';
import { isToolCall } from './turn-guards.js';

/** Where a step's events go (an `AgentRun`). */
export interface RunEventSink {
  /** The run's id. */
  readonly runId: string;
  /** Emits one event. */
  emit(event: AgentEvent): void;
}

/** What the mapping needs besides the run. */
export interface DecoderEventMapperOptions {
  readonly encoding: HarmonyEncoding;
  /** 1-based index of the model step. */
  readonly step: number;
  /** `'throw'` rethrows the first parse error after reporting it. */
  readonly onParseError: 'recover' | 'throw';
  /** Gives each tool call its id, stored with the call in the history. */
  readonly generateCallId: () => string;
}

/** Tokens after which the model writes nothing more in this generation. */
const GENERATION_END: ReadonlySet<number> = new Set([
  HARMONY_TOKENS.call,
  HARMONY_TOKENS.return,
  HARMONY_TOKENS.endOfText,
]);

/** The text of a message's text content. */
export function textOf(message: Message): string {
  return message.content.map((item) => (item.type === 'text' ? item.text : '')).join('');
}

/**
 * Which events a message's text goes to, by channel: `analysis`, `commentary` (a preamble), `final`
 * (or no channel) for the answer; `null` for any other channel, whose text is never shown.
 */
export function textKindOf(channel: string | null): 'analysis' | 'preamble' | 'final' | null {
  if (channel === 'analysis') return 'analysis';
  if (channel === 'commentary') return 'preamble';
  if (channel === 'final' || channel === null) return 'final';
  return null;
}

/** Reports a parse error as an event; rethrows it when the agent is set to fail on parse errors. */
export function reportParseError(
  sink: RunEventSink,
  onParseError: 'recover' | 'throw',
  step: number,
  error: HarmonyParseError,
  recovered: boolean,
): void {
  sink.emit({ type: 'parse-error', runId: sink.runId, step, error, recovered });
  if (onParseError === 'throw') throw error;
}

/**
 * Maps one model step's sampled tokens to run events and history entries. Only the model's own
 * messages stream; a made-up user or tool message is dropped with a `parse-error`. A message cut off
 * (abort, token budget) is not kept.
 */
export class DecoderEventMapper {
  readonly #sink: RunEventSink;
  readonly #options: DecoderEventMapperOptions;
  readonly #decoder: HarmonyStreamDecoder;
  readonly #assistantStart: readonly number[];
  readonly #entries: ConversationEntry[] = [];
  #streamingRole: Role | null = null;
  #generationEnded = false;

  constructor(sink: RunEventSink, options: DecoderEventMapperOptions, assistantStart: readonly number[]) {
    this.#sink = sink;
    this.#options = options;
    this.#assistantStart = assistantStart;
    this.#decoder = new HarmonyStreamDecoder(options.encoding, { role: 'assistant' });
  }

  /** Whether a token that ends the generation (`<|call|>`, `<|return|>`, `<|endoftext|>`) was decoded. */
  get generationEnded(): boolean {
    return this.#generationEnded;
  }

  /** Decodes one sampled token and emits what it completes. */
  push(token: number): void {
    if (GENERATION_END.has(token)) this.#generationEnded = true;
    for (const event of this.#decoder.push(token)) this.#handle(event);
  }

  /** Ends decoding; returns the step's complete messages, in order. */
  end(): ConversationEntry[] {
    for (const event of this.#decoder.end()) this.#handle(event);
    return this.#entries;
  }

  #parseError(error: HarmonyParseError, recovered: boolean): void {
    reportParseError(this.#sink, this.#options.onParseError, this.#options.step, error, recovered);
  }

  #handle(event: StreamDecoderEvent): void {
    const { runId } = this.#sink;
    const { step } = this.#options;
    switch (event.type) {
      case 'message-start':
        this.#streamingRole = event.role;
        return;
      case 'content-delta': {
        if (event.recipient !== null || this.#streamingRole !== 'assistant') return;
        const kind = textKindOf(event.channel);
        if (kind !== null) this.#sink.emit({ type: `${kind}-delta`, runId, step, delta: event.delta });
        return;
      }
      case 'parse-error':
        this.#parseError(event.error, event.recovered);
        return;
      case 'message-end':
        this.#messageEnd(event);
        return;
    }
  }

  #messageEnd(event: Extract<StreamDecoderEvent, { type: 'message-end' }>): void {
    const message = compactMessage(event.message);
    if (message.role !== 'assistant') {
      this.#parseError(
        new HarmonyParseError(`The model wrote a ${message.role} message; it was dropped`),
        false,
      );
      return;
    }
    if (event.terminator === null) return;
    const toolCall = isToolCall(message);
    const tokens = event.complete
      ? historyTokens(event.tokens, event.terminator, event.opening, this.#assistantStart, toolCall)
      : undefined;
    this.#entries.push({
      message,
      ...(tokens === undefined ? {} : { tokens }),
      ...(toolCall ? { callId: this.#options.generateCallId() } : {}),
    });
    if (toolCall) return;
    const kind = textKindOf(message.channel ?? null);
    if (kind === null) {
      this.#parseError(
        new HarmonyParseError(
          `The model wrote on the unknown channel ${JSON.stringify(message.channel)}; the message is kept in history but is not part of the answer`,
        ),
        true,
      );
      return;
    }
    this.#sink.emit({ type: kind, runId: this.#sink.runId, step: this.#options.step, text: textOf(message) });
  }
}
