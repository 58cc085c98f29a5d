import {
  BACKEND_SPECIFICATION_VERSION,
  type Backend,
  type BackendCapabilities,
  type BackendChunk,
  type BackendGenerateRequest,
} from '../backend.js';
import { brandErrorClasses } from '../error-brand.js';
import { BackendError, HarmonyAgentsError, type HarmonyAgentsErrorOptions } from '../errors.js';
import { loadO200kHarmonyTokenizer } from '../harmony/tokenizer.js';

/** A scripted backend was used differently from its script. */
export class ScriptMismatchError extends HarmonyAgentsError {
  /** The class name, `ScriptMismatchError`. */
  override readonly name = 'ScriptMismatchError';
  readonly code = 'script_mismatch';
  readonly source = 'user';
  constructor(message: string, options?: HarmonyAgentsErrorOptions) {
    super(message, options);
  }
}
brandErrorClasses({ ScriptMismatchError });

/** One scripted model step. */
export interface ScriptedStep {
  /**
   * What the model "samples": Harmony text (special-token text is parsed as special tokens, so write
   * `<|channel|>final<|message|>Hi<|return|>`) or token ids.
   */
  readonly completion: string | readonly number[];
  /** Called with the request before streaming; throw to fail the run (e.g. an assertion on the prompt). */
  readonly onRequest?: (request: BackendGenerateRequest) => void;
  /** Throw this error instead of generating (e.g. a `BackendError`). */
  readonly error?: Error;
  /** Stream this many tokens per chunk. @defaultValue 1 */
  readonly tokensPerChunk?: number;
  /** Wait this long between chunks, in milliseconds (to test aborts). @defaultValue 0 */
  readonly delayMs?: number;
}

/** Options of {@link createScriptedBackend}. */
export interface ScriptedBackendOptions {
  /**
   * The model steps, in order: each request takes the next one, whichever run sent it (one queue per
   * backend; create one backend per concurrent run). A request past the last step fails with
   * {@link ScriptMismatchError}.
   */
  readonly steps: readonly ScriptedStep[];
  /** Capabilities to declare. @defaultValue `{ promptCacheStatistics: true }` */
  readonly capabilities?: BackendCapabilities;
}

/** A backend that replays scripted completions and records what it was asked. */
export interface ScriptedBackend extends Backend {
  /** Every request received, in order (each with a copy of its prompt, as it was at the call). */
  readonly requests: readonly BackendGenerateRequest[];
  /** How many steps are left. */
  readonly remainingSteps: number;
  /** @throws {@link ScriptMismatchError} if steps were not consumed. */
  assertComplete(): void;
}

/** Waits `ms`, or less if the signal aborts; its abort listener is removed either way. */
const sleep = (ms: number, signal: AbortSignal | undefined) =>
  new Promise<void>((resolve) => {
    if (ms <= 0 || signal?.aborted === true) return resolve();
    const onAbort = () => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });

/**
 * A test double that replays scripted completions, honouring stop tokens, `maxTokens` and aborts,
 * and reporting KV-cache statistics as a perfect prefix cache would (the common prefix with the
 * previous request's prompt plus what it generated counts as cached).
 *
 * One scripted backend is **one queue of steps** shared by everything that calls it: each request
 * takes the next step, in the order requests arrive. Two runs started at the same time on one
 * backend take steps in an order that depends on timing; give each concurrent run its own backend.
 *
 * @example
 * ```ts
 * const backend = createScriptedBackend({ steps: [
 *   { completion: '<|channel|>final<|message|>Hello!<|return|>' },
 * ] });
 * const result = await createAgent({ backend }).run('Hi');
 * backend.assertComplete();
 * ```
 */
export function createScriptedBackend(options: ScriptedBackendOptions): ScriptedBackend {
  const tokenizer = loadO200kHarmonyTokenizer();
  const steps = [...options.steps];
  const completionTokens = new Map(
    steps.map((step) => [
      step,
      typeof step.completion === 'string'
        ? tokenizer.encode(step.completion, { allowedSpecial: 'all' })
        : [...step.completion],
    ]),
  );
  const requests: BackendGenerateRequest[] = [];
  // What a perfect KV cache would hold: the previous prompt plus the tokens generated after it.
  let previousPrompt: readonly number[] = [];
  let previousGenerated: number[] = [];

  return {
    specificationVersion: BACKEND_SPECIFICATION_VERSION,
    backendId: 'scripted',
    capabilities: options.capabilities ?? { promptCacheStatistics: true },
    get requests() {
      return requests;
    },
    get remainingSteps() {
      return steps.length;
    },
    assertComplete() {
      if (steps.length > 0) throw new ScriptMismatchError(`${steps.length} scripted step(s) were not used`);
    },
    async *doGenerate(request): AsyncGenerator<BackendChunk> {
      // The runner reuses the prompt's array for later requests (see `promptTokens`): keep a copy.
      const prompt: readonly number[] = request.promptTokens.slice();
      requests.push({ ...request, promptTokens: prompt });
      // The part shared with the previous prompt was checked then; check only what is new.
      let common = 0;
      const shared = Math.min(prompt.length, previousPrompt.length);
      while (common < shared && prompt[common] === previousPrompt[common]) common++;
      for (let index = common; index < prompt.length; index++) {
        if (!tokenizer.isValidToken(prompt[index]!)) {
          throw new BackendError(`Invalid token id in the prompt: ${prompt[index]}`, {
            kind: 'invalid_prompt',
          });
        }
      }
      const step = steps.shift();
      if (step === undefined) {
        throw new ScriptMismatchError(`Unexpected request #${requests.length}: the script has no more steps`);
      }
      step.onRequest?.(request);
      if (step.error !== undefined) throw step.error;
      const tokens = completionTokens.get(step)!;
      let cached = common;
      if (cached === previousPrompt.length) {
        const offset = cached;
        while (cached < prompt.length && cached - offset < previousGenerated.length) {
          if (prompt[cached] !== previousGenerated[cached - offset]) break;
          cached++;
        }
      }
      previousPrompt = prompt;
      const generatedNow: number[] = [];
      previousGenerated = generatedNow;
      const chunkSize = step.tokensPerChunk ?? 1;
      let generated = 0;
      let reason: 'stop' | 'length' | 'abort' = 'length';
      let index = 0;
      while (index < tokens.length) {
        if (request.signal?.aborted) {
          reason = 'abort';
          break;
        }
        const room =
          request.maxTokens === undefined ? chunkSize : Math.min(chunkSize, request.maxTokens - generated);
        if (room <= 0) break;
        const chunk: number[] = [];
        let stopped = false;
        while (chunk.length < room && index < tokens.length) {
          const token = tokens[index++]!;
          chunk.push(token);
          if (request.stopTokens.includes(token)) {
            stopped = true;
            break;
          }
        }
        generated += chunk.length;
        // The stop token is not written to a KV cache; the rest of the output is.
        generatedNow.push(...(stopped ? chunk.slice(0, -1) : chunk));
        yield { type: 'tokens', tokens: chunk };
        if (stopped) {
          reason = 'stop';
          break;
        }
        await sleep(step.delayMs ?? 0, request.signal);
      }
      if (reason === 'length' && index >= tokens.length && request.maxTokens !== generated) reason = 'stop';
      yield {
        type: 'finish',
        reason,
        usage: {
          promptTokens: prompt.length,
          generatedTokens: generated,
          cachedPromptTokens: cached,
          evaluatedPromptTokens: prompt.length - cached,
        },
      };
    },
  };
}
