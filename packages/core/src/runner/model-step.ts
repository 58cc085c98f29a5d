/**
 * The model step: one generation by the backend, streamed through the decoder-event mapping. The
 * runner, not the backend, decides when to stop reading: at a token that ends the generation, at the
 * token budget, or at abort; a backend that ignores any of these cannot keep the run alive.
 */

import type {
  Backend,
  BackendChunk,
  BackendGenerateRequest,
  BackendUsage,
  FinishReason,
  SamplingOptions,
} from '../backend.js';
import { BackendError } from '../errors.js';
import type { HarmonyEncoding } from '../harmony/encoding.js';
import { describeValue } from '../harmony/message-validation.js';
import { isTokenId } from '../harmony/token-id.js';
import type { JsonValue } from '../harmony/types.js';
import type { ConversationEntry } from './conversation.js';
import { DecoderEventMapper, type RunEventSink } from './decoder-event-mapper.js';
import type { ToolRouter } from './tool-executor.js';

/** How long the runner waits for a backend's stream to close (`return()`) once it stops reading. */
export const BACKEND_CLOSE_TIMEOUT_MS = 1_000;

/** The settings a model step reads. */
export interface ModelStepSettings {
  readonly backend: Backend;
  readonly encoding: HarmonyEncoding;
  readonly router: ToolRouter;
  readonly sampling: SamplingOptions;
  readonly onParseError: 'recover' | 'throw';
  readonly constrainToolArguments: boolean;
  readonly generateCallId: () => string;
  /** The JSON Schema of the run's structured output, sent to the backend; undefined without one. */
  readonly outputSchema: JsonValue | undefined;
}

/** One model step's request. */
export interface ModelStepRequest {
  /** 1-based index of the step within the run. */
  readonly step: number;
  /** The prompt, ending with `<|start|>assistant`. */
  readonly promptTokens: readonly number[];
  /** `<|start|>assistant`, the role the prompt opened. */
  readonly assistantStart: readonly number[];
  /** Tokens this step may generate; undefined = no limit. */
  readonly maxTokens: number | undefined;
  readonly signal: AbortSignal;
}

/** What one model step produced. */
export interface ModelStepResult {
  /** The complete messages the model wrote, tool calls with their call ids. */
  readonly entries: ConversationEntry[];
  readonly finishReason: FinishReason;
  readonly usage: BackendUsage;
  /**
   * Whether the backend's stream is over. False when the runner stopped waiting for it (after an abort, or
   * when its cleanup took too long): the backend may still read its request's prompt.
   */
  readonly backendDone: boolean;
}

/** The backend request of a step. */
function backendRequest(settings: ModelStepSettings, request: ModelStepRequest): BackendGenerateRequest {
  return {
    promptTokens: request.promptTokens,
    stopTokens: settings.encoding.stopTokensForAssistantActions(),
    maxTokens: request.maxTokens,
    sampling: settings.sampling,
    signal: request.signal,
    constrainedTools: settings.constrainToolArguments
      ? [...settings.router.functions.values()].map((tool) => ({
          recipient: `functions.${tool.name}`,
          parameters: tool.jsonSchema ?? tool.parameters,
        }))
      : [],
    ...(settings.outputSchema === undefined ? {} : { outputSchema: settings.outputSchema }),
  };
}

/** Streams one model step: emits its events and returns its messages, finish reason and usage. */
export async function runModelStep(
  sink: RunEventSink,
  settings: ModelStepSettings,
  request: ModelStepRequest,
): Promise<ModelStepResult> {
  const { signal, maxTokens } = request;
  const mapper = new DecoderEventMapper(
    sink,
    {
      encoding: settings.encoding,
      step: request.step,
      onParseError: settings.onParseError,
      generateCallId: settings.generateCallId,
    },
    request.assistantStart,
  );
  const iterator = settings.backend.doGenerate(backendRequest(settings, request))[Symbol.asyncIterator]();
  const abort = abortRace(signal);
  let finish: Extract<BackendChunk, { type: 'finish' }> | undefined;
  let generated = 0;
  // Once the generation ended or used its budget, one more chunk is read for the backend's `finish`.
  let lastChunk = false;
  let closing: 'none' | 'await' | 'abandon' = 'await';
  let backendDone = false;
  try {
    for (;;) {
      if (signal.aborted) break;
      const next = await Promise.race([iterator.next(), abort.promise]);
      if (next === 'aborted') {
        // The pending `next()` may never settle: closing would be queued behind it.
        closing = 'abandon';
        break;
      }
      if (next.done === true) {
        closing = 'none';
        break;
      }
      const chunk = next.value;
      if (chunk.type === 'finish') {
        finish = chunk;
        break;
      }
      for (const token of chunk.tokens) {
        if (maxTokens !== undefined && generated >= maxTokens) break;
        if (!isTokenId(token)) {
          throw new BackendError(
            `The backend yielded ${describeValue(token)}, which is not a token id (an integer from 0 to 4294967295)`,
            { kind: 'protocol_error' },
          );
        }
        generated++;
        mapper.push(token);
      }
      if (lastChunk) break;
      lastChunk = mapper.generationEnded || (maxTokens !== undefined && generated >= maxTokens);
    }
  } catch (error) {
    if (!signal.aborted) throw error;
  } finally {
    abort.dispose();
    backendDone = await closeIterator(iterator, closing);
  }
  const entries = mapper.end();
  const budgetUsed = maxTokens !== undefined && generated >= maxTokens && !mapper.generationEnded;
  const finishReason: FinishReason = signal.aborted
    ? 'abort'
    : (finish?.reason ?? (budgetUsed ? 'length' : 'stop'));
  const usage: BackendUsage = finish?.usage ?? {
    promptTokens: request.promptTokens.length,
    generatedTokens: generated,
  };
  return { entries, finishReason, usage, backendDone };
}

/** A promise that resolves when the signal aborts, and a way to stop listening. */
function abortRace(signal: AbortSignal): { promise: Promise<'aborted'>; dispose(): void } {
  let onAbort: (() => void) | undefined;
  const promise = new Promise<'aborted'>((resolve) => {
    onAbort = () => resolve('aborted');
    signal.addEventListener('abort', onAbort, { once: true });
  });
  return { promise, dispose: () => signal.removeEventListener('abort', onAbort!) };
}

/**
 * Closes a backend's stream the runner stopped reading: waits for `return()` at most
 * {@link BACKEND_CLOSE_TIMEOUT_MS} (a backend cleans up there, e.g. frees its sequence), and not at all
 * when a `next()` is still pending. Resolves with whether the stream is over.
 */
async function closeIterator(
  iterator: AsyncIterator<BackendChunk>,
  closing: 'none' | 'await' | 'abandon',
): Promise<boolean> {
  if (closing === 'none') return true;
  if (typeof iterator.return !== 'function') return closing === 'await';
  let closed: Promise<unknown>;
  try {
    closed = Promise.resolve(iterator.return()).catch(() => undefined);
  } catch {
    return closing === 'await';
  }
  if (closing === 'abandon') return false;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), BACKEND_CLOSE_TIMEOUT_MS);
  });
  try {
    return await Promise.race([closed.then(() => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
