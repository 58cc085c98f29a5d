/**
 * One generation over a server, whatever its protocol: the prompt is checked, the server's token stream is
 * turned into backend chunks that end exactly after the stop token, `maxTokens` and the signal are honoured,
 * and, for servers that take a grammar per request, the stream is restarted under a JSON grammar once the
 * model has written the header of a constrained body (a constrained tool call's arguments, or a final answer
 * when the request has an `outputSchema`; see `body-constraint.ts`).
 */

import { BackendError, ConfigurationError, isHarmonyAgentsError } from '@harmony-agents/core';
import {
  type BackendChunk,
  type BackendGenerateRequest,
  type BackendUsage,
  type HarmonyHeader,
  HarmonyHeaderTracker,
  reportedStopToken,
} from '@harmony-agents/core/backend';
import { HARMONY_TOKENS } from '@harmony-agents/core/harmony';
import { type BodyConstraint, bodyConstraints, type ConstrainedBodies } from './body-constraint.js';
import { RequestAborted } from './server-connection.js';
import { decodeTokens, isHarmonyToken } from './vocabulary.js';

/** What one streamed event of a server says. */
export interface TokenUpdate {
  /** Token ids sampled since the previous update. */
  readonly tokens: readonly number[];
  /** Set on the last update: why the server stopped, and the stop token when the server names it. */
  readonly finished?: { readonly reason: 'stop' | 'length'; readonly stopToken?: number };
  /** Prompt tokens the server reused from its cache and evaluated, when it reports them. */
  readonly promptCache?: { readonly cached: number; readonly evaluated: number };
}

/** One request to the server within a generation. */
export interface ServerRequestPlan {
  /** The prompt of this request: the generation's prompt, plus what was generated before a restart. */
  readonly promptTokens: readonly number[];
  /** Tokens this request may still generate; undefined = no limit. */
  readonly maxTokens: number | undefined;
  /** What this request's output must match (it starts at that body), if anything. */
  readonly constraint: BodyConstraint | undefined;
}

/** The protocol-specific half of a server backend. */
export interface ServerProtocol {
  /** Which bodies of this request are constrained by restarting it under their grammar. */
  constrainedBodies(request: BackendGenerateRequest): ConstrainedBodies;
  /** Sends one request and yields what its stream says. */
  open(
    plan: ServerRequestPlan,
    request: BackendGenerateRequest,
    signal: AbortSignal | undefined,
  ): AsyncGenerator<TokenUpdate>;
}

/** The end-of-generation tokens of gpt-oss: llama.cpp, vLLM and SGLang all stop on them. */
const END_OF_GENERATION = new Set<number>([
  HARMONY_TOKENS.endOfText,
  HARMONY_TOKENS.return,
  HARMONY_TOKENS.call,
]);

/**
 * Checks a prompt before it is sent.
 * @throws {@link ConfigurationError} for an empty prompt or an id outside o200k_harmony.
 */
export function validatePrompt(promptTokens: readonly number[]): void {
  if (promptTokens.length === 0) throw new ConfigurationError('promptTokens is empty');
  for (const token of promptTokens) {
    if (!isHarmonyToken(token)) {
      throw new ConfigurationError(`Prompt token ${token} is not an o200k_harmony id`);
    }
  }
}

interface Progress {
  readonly started: number;
  firstTokenAt: number | undefined;
  generated: number[];
  promptCache: TokenUpdate['promptCache'];
}

function usageOf(promptTokens: number, progress: Progress): BackendUsage {
  const now = performance.now();
  const cache = progress.promptCache;
  // Normalised so that cached + evaluated = prompt, whatever the server counted (e.g. its own BOS).
  const cached = cache === undefined ? undefined : Math.min(Math.max(0, cache.cached), promptTokens);
  return {
    promptTokens,
    generatedTokens: progress.generated.length,
    ...(cached === undefined
      ? {}
      : { cachedPromptTokens: cached, evaluatedPromptTokens: promptTokens - cached }),
    prefillMs: (progress.firstTokenAt ?? now) - progress.started,
    decodeMs: progress.firstTokenAt === undefined ? 0 : now - progress.firstTokenAt,
  };
}

/** Runs one generation of `request` through `protocol`. */
export async function* generateOverServer(
  protocol: ServerProtocol,
  request: BackendGenerateRequest,
): AsyncGenerator<BackendChunk> {
  validatePrompt(request.promptTokens);
  const prompt = request.promptTokens;
  const stopTokens = new Set(request.stopTokens);
  const progress: Progress = {
    started: performance.now(),
    firstTokenAt: undefined,
    generated: [],
    promptCache: undefined,
  };
  const finish = (reason: 'stop' | 'length' | 'abort'): BackendChunk => ({
    type: 'finish',
    reason,
    usage: usageOf(prompt.length, progress),
  });
  const limit = request.maxTokens;
  if (limit !== undefined && limit <= 0) {
    yield finish('length');
    return;
  }
  if (request.signal?.aborted === true) {
    yield finish('abort');
    return;
  }
  const tracker = HarmonyHeaderTracker.startingAfter(prompt, decodeTokens);
  const constraintFor = bodyConstraints(request, protocol.constrainedBodies(request));
  const header = tracker.atBodyStart ? tracker.currentHeader : undefined;
  let constraint = header === undefined ? undefined : constraintFor(header);

  try {
    for (;;) {
      const plan: ServerRequestPlan = {
        promptTokens: progress.generated.length === 0 ? prompt : [...prompt, ...progress.generated],
        maxTokens: limit === undefined ? undefined : limit - progress.generated.length,
        constraint,
      };
      const restartUnder = yield* streamOnce(
        protocol,
        plan,
        request,
        stopTokens,
        tracker,
        progress,
        constraintFor,
      );
      if (restartUnder === 'stop' || restartUnder === 'length' || restartUnder === 'abort') {
        yield finish(restartUnder);
        return;
      }
      constraint = restartUnder;
    }
  } catch (error) {
    if (error instanceof RequestAborted) {
      yield finish('abort');
      return;
    }
    if (isHarmonyAgentsError(error)) throw error;
    throw new BackendError(`The server generation failed: ${String(error)}`, {
      kind: 'generation_failed',
      cause: error,
    });
  }
}

/** Reads at most a few more events of a stream that is about to finish, for their usage. */
async function drainToFinish(
  stream: AsyncGenerator<TokenUpdate>,
  firstRequest: boolean,
  progress: Progress,
): Promise<void> {
  for (let events = 0; events < 4; events++) {
    const next = await stream.next();
    if (next.done === true) return;
    if (firstRequest && next.value.promptCache !== undefined) progress.promptCache = next.value.promptCache;
    if (next.value.finished !== undefined) return;
  }
}

/**
 * The token to report for a stop: as `reportedStopToken` says, except that a constrained final answer always
 * ends with `<|return|>` (once its grammar is complete the server samples any end-of-generation token, as
 * llama.cpp does in-process).
 */
function reportedStop(
  token: number,
  stopTokens: ReadonlySet<number>,
  tracker: HarmonyHeaderTracker,
  constraint: BodyConstraint | undefined,
): number {
  if (constraint?.type === 'final-answer' && stopTokens.has(HARMONY_TOKENS.return))
    return HARMONY_TOKENS.return;
  return reportedStopToken(token, stopTokens, tracker.currentHeader?.recipient);
}

/**
 * Streams one request. Returns how the generation ended, or the constraint to restart under when the header
 * of a constrained body was just completed.
 */
async function* streamOnce(
  protocol: ServerProtocol,
  plan: ServerRequestPlan,
  request: BackendGenerateRequest,
  stopTokens: ReadonlySet<number>,
  tracker: HarmonyHeaderTracker,
  progress: Progress,
  constraintFor: (header: HarmonyHeader) => BodyConstraint | undefined,
): AsyncGenerator<BackendChunk, 'stop' | 'length' | 'abort' | BodyConstraint> {
  const limit = request.maxTokens;
  const firstRequest = progress.generated.length === 0;
  const stream = protocol.open(plan, request, request.signal);
  try {
    for await (const update of stream) {
      if (firstRequest && update.promptCache !== undefined) progress.promptCache = update.promptCache;
      const chunk: number[] = [];
      let ended: 'stop' | 'length' | BodyConstraint | undefined;
      for (const token of update.tokens) {
        if (!isHarmonyToken(token)) {
          throw new BackendError(`The server sampled token ${token}, which is not an o200k_harmony id`, {
            kind: 'protocol_error',
          });
        }
        progress.firstTokenAt ??= performance.now();
        if (stopTokens.has(token) || END_OF_GENERATION.has(token)) {
          const reported = reportedStop(token, stopTokens, tracker, plan.constraint);
          chunk.push(reported);
          progress.generated.push(reported);
          ended = 'stop';
          break;
        }
        chunk.push(token);
        progress.generated.push(token);
        if (limit !== undefined && progress.generated.length >= limit) {
          ended = 'length';
          break;
        }
        const completed = tracker.push(token);
        const next = completed === undefined ? undefined : constraintFor(completed);
        if (next !== undefined && plan.constraint === undefined) {
          ended = next;
          break;
        }
      }
      if (ended === undefined && update.finished !== undefined) {
        ended = update.finished.reason;
        if (ended === 'stop') {
          // The server stopped on a token it did not stream (vLLM and SGLang may strip it): report it last.
          // A stop the server did not name ends the message in progress, as `<|endoftext|>` does.
          const reported = reportedStop(
            update.finished.stopToken ?? HARMONY_TOKENS.endOfText,
            stopTokens,
            tracker,
            plan.constraint,
          );
          if (!stopTokens.has(reported) && !END_OF_GENERATION.has(reported)) {
            throw new BackendError('The server reported a stop without naming or streaming a stop token', {
              kind: 'protocol_error',
            });
          }
          chunk.push(reported);
          progress.generated.push(reported);
        }
      }
      if (chunk.length > 0) yield { type: 'tokens', tokens: chunk };
      if (ended === 'stop' || ended === 'length') {
        if (update.finished === undefined && (ended === 'length' || END_OF_GENERATION.has(chunk.at(-1)!))) {
          // The server stops by itself here: read its last event (usage, the slot it used), not more tokens.
          await drainToFinish(stream, firstRequest, progress);
        }
        return ended;
      }
      if (ended !== undefined) return ended;
      if (request.signal?.aborted === true) return 'abort';
    }
  } finally {
    // Closing the stream closes the connection, which makes the server stop generating.
    await stream.return(undefined);
  }
  if (request.signal?.aborted === true) return 'abort';
  throw new BackendError('The server ended the stream without finishing the generation', {
    kind: 'protocol_error',
  });
}
