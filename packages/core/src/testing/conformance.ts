import {
  BACKEND_SPECIFICATION_VERSION,
  type Backend,
  type BackendChunk,
  type BackendGenerateRequest,
  type BackendUsage,
} from '../backend.js';
import { HarmonyAgentsError } from '../errors.js';
import { ASSISTANT_ACTION_STOP_TOKENS } from '../harmony/special-tokens.js';
import { loadO200kHarmonyTokenizer } from '../harmony/tokenizer.js';

/** Options of {@link runBackendConformance}. */
export interface BackendConformanceOptions {
  /** Creates a fresh backend; called once per check. */
  readonly createBackend: () => Backend | Promise<Backend>;
  /** Disposes a backend after its check. */
  readonly disposeBackend?: (backend: Backend) => void | Promise<void>;
  /**
   * The prompt to generate from, as token ids.
   * @defaultValue a one-message conversation ending in `<|start|>assistant`
   */
  readonly promptTokens?: readonly number[];
  /** Whether the backend's model is expected to end with a stop token within `maxTokens`. @defaultValue true */
  readonly expectStop?: boolean;
  /** The token budget of the generations. @defaultValue 64 */
  readonly maxTokens?: number;
  /** Checks to skip, by name, with the reason (reported as skipped). */
  readonly skip?: Readonly<Record<string, string>>;
}

/** The result of one conformance check. */
export interface ConformanceCheckResult {
  /** The check's name, one of {@link CONFORMANCE_CHECKS}. */
  readonly name: string;
  /** The outcome. */
  readonly status: 'passed' | 'failed' | 'skipped';
  /** Why it failed or was skipped. */
  readonly message?: string;
}

/** The names of the conformance checks. */
export const CONFORMANCE_CHECKS = [
  'declares-contract',
  'streams-tokens-then-one-finish',
  'reports-usage',
  'yields-stop-token-last',
  'respects-max-tokens',
  'honours-abort',
  'reusable-after-abort',
  'extends-prompt',
  'reused-prompt-array',
  'rejects-invalid-prompt',
] as const;

interface Collected {
  tokens: number[];
  tokenChunks: number;
  finishes: Extract<BackendChunk, { type: 'finish' }>[];
  chunksAfterFinish: number;
  error: unknown;
}

async function collect(
  backend: Backend,
  request: BackendGenerateRequest,
  abortAfter?: AbortController,
): Promise<Collected> {
  const result: Collected = {
    tokens: [],
    tokenChunks: 0,
    finishes: [],
    chunksAfterFinish: 0,
    error: undefined,
  };
  try {
    for await (const chunk of backend.doGenerate(request)) {
      if (result.finishes.length > 0) result.chunksAfterFinish++;
      if (chunk.type === 'finish') result.finishes.push(chunk);
      else {
        result.tokenChunks++;
        result.tokens.push(...chunk.tokens);
        if (abortAfter !== undefined && result.tokens.length >= 1)
          abortAfter.abort(new Error('conformance abort'));
      }
    }
  } catch (error) {
    result.error = error;
  }
  return result;
}

class CheckFailure {
  constructor(readonly message: string) {}
}

function expect(condition: boolean, message: string): void {
  if (!condition) throw new CheckFailure(message);
}

function checkUsage(usage: BackendUsage, prompt: number, generated: number): void {
  expect(usage.promptTokens === prompt, `usage.promptTokens is ${usage.promptTokens}, expected ${prompt}`);
  expect(
    usage.generatedTokens === generated,
    `usage.generatedTokens is ${usage.generatedTokens}, expected ${generated}`,
  );
  if (usage.cachedPromptTokens !== undefined && usage.evaluatedPromptTokens !== undefined) {
    expect(
      usage.cachedPromptTokens + usage.evaluatedPromptTokens === prompt,
      'cachedPromptTokens + evaluatedPromptTokens must equal promptTokens',
    );
  }
}

/**
 * Runs the backend conformance checks and returns one result per check; framework-agnostic, so any
 * test runner can assert on it. Every backend should pass all checks that apply to it.
 *
 * @example
 * ```ts
 * const results = await runBackendConformance({ createBackend: () => model.createBackend() });
 * expect(results.filter((r) => r.status === 'failed')).toEqual([]);
 * ```
 */
export async function runBackendConformance(
  options: BackendConformanceOptions,
): Promise<ConformanceCheckResult[]> {
  const tokenizer = loadO200kHarmonyTokenizer();
  const prompt = [
    ...(options.promptTokens ??
      tokenizer.encode('<|start|>user<|message|>Say hello.<|end|><|start|>assistant', {
        allowedSpecial: 'all',
      })),
  ];
  const maxTokens = options.maxTokens ?? 64;
  const expectStop = options.expectStop ?? true;
  const stopTokens = ASSISTANT_ACTION_STOP_TOKENS;
  const request = (overrides: Partial<BackendGenerateRequest> = {}): BackendGenerateRequest => ({
    promptTokens: prompt,
    stopTokens,
    maxTokens,
    sampling: { temperature: 0, seed: 1 },
    signal: undefined,
    constrainedTools: [],
    ...overrides,
  });

  const checks: Record<(typeof CONFORMANCE_CHECKS)[number], (backend: Backend) => Promise<void>> = {
    'declares-contract': async (backend) => {
      expect(backend.specificationVersion === BACKEND_SPECIFICATION_VERSION, 'wrong specificationVersion');
      expect(
        typeof backend.backendId === 'string' && backend.backendId.length > 0,
        'backendId must be a non-empty string',
      );
      expect(typeof backend.doGenerate === 'function', 'doGenerate must be a function');
    },
    'streams-tokens-then-one-finish': async (backend) => {
      const run = await collect(backend, request());
      expect(run.error === undefined, `generation threw: ${String(run.error)}`);
      expect(run.finishes.length === 1, `expected exactly one finish chunk, got ${run.finishes.length}`);
      expect(run.chunksAfterFinish === 0, 'chunks were yielded after finish');
      expect(
        run.tokens.every((token) => tokenizer.isValidToken(token)),
        'a generated token is not a valid o200k_harmony id',
      );
    },
    'reports-usage': async (backend) => {
      const run = await collect(backend, request());
      expect(run.finishes.length === 1, 'no finish chunk');
      checkUsage(run.finishes[0]!.usage, prompt.length, run.tokens.length);
    },
    'yields-stop-token-last': async (backend) => {
      const run = await collect(backend, request());
      const finish = run.finishes[0];
      expect(finish !== undefined, 'no finish chunk');
      const stopIndex = run.tokens.findIndex((token) => stopTokens.includes(token));
      if (expectStop) {
        expect(finish!.reason === 'stop', `expected finish reason stop, got ${finish!.reason}`);
        expect(stopIndex === run.tokens.length - 1, 'the stop token must be the last generated token');
      } else {
        expect(
          stopIndex === -1 || stopIndex === run.tokens.length - 1,
          'tokens were generated after a stop token',
        );
      }
    },
    'respects-max-tokens': async (backend) => {
      const run = await collect(backend, request({ maxTokens: 2 }));
      expect(run.tokens.length <= 2, `generated ${run.tokens.length} tokens with maxTokens 2`);
      const finish = run.finishes[0];
      expect(finish !== undefined, 'no finish chunk');
      const stopped = run.tokens.some((token) => stopTokens.includes(token));
      if (!stopped && run.tokens.length === 2) {
        expect(finish!.reason === 'length', `expected finish reason length, got ${finish!.reason}`);
      }
    },
    'honours-abort': async (backend) => {
      const controller = new AbortController();
      controller.abort(new Error('aborted before start'));
      const run = await collect(backend, request({ signal: controller.signal }));
      if (run.error !== undefined) {
        expect(
          run.error instanceof HarmonyAgentsError,
          'an abort must end with a finish chunk or a HarmonyAgentsError',
        );
      } else {
        expect(
          run.finishes[0]?.reason === 'abort',
          `expected finish reason abort, got ${run.finishes[0]?.reason}`,
        );
      }
      // Aborted after the first chunk: the generation must stop there, unless that chunk already ended it.
      const midway = new AbortController();
      const aborted = await collect(backend, request({ signal: midway.signal }), midway);
      if (aborted.error !== undefined) {
        expect(
          aborted.error instanceof HarmonyAgentsError,
          'an abort must end with a finish chunk or a HarmonyAgentsError',
        );
        return;
      }
      // A backend that yields everything in one chunk had no chance to see the abort.
      const endedInFirstChunk = aborted.tokenChunks === 1;
      expect(
        aborted.finishes[0]?.reason === 'abort' || endedInFirstChunk,
        `a generation aborted after its first chunk went on for ${aborted.tokenChunks} chunks and finished with reason ${aborted.finishes[0]?.reason}`,
      );
    },
    'reusable-after-abort': async (backend) => {
      const controller = new AbortController();
      await collect(backend, request({ signal: controller.signal }), controller);
      const run = await collect(backend, request());
      expect(run.error === undefined, `generation after an abort threw: ${String(run.error)}`);
      expect(run.finishes.length === 1, 'generation after an abort did not finish');
      checkUsage(run.finishes[0]!.usage, prompt.length, run.tokens.length);
    },
    'extends-prompt': async (backend) => {
      const first = await collect(backend, request());
      expect(first.error === undefined && first.finishes.length === 1, 'first generation failed');
      const extended = [
        ...prompt,
        ...first.tokens,
        ...tokenizer.encode('<|start|>user<|message|>Again.<|end|><|start|>assistant', {
          allowedSpecial: 'all',
        }),
      ];
      const second = await collect(backend, request({ promptTokens: extended }));
      expect(
        second.error === undefined && second.finishes.length === 1,
        'generation on an extended prompt failed',
      );
      const usage = second.finishes[0]!.usage;
      checkUsage(usage, extended.length, second.tokens.length);
      if (backend.capabilities?.promptCacheStatistics === true) {
        expect(
          (usage.cachedPromptTokens ?? 0) >= prompt.length,
          'the shared prefix was not reused from the cache',
        );
      }
    },
    'reused-prompt-array': async (backend) => {
      // The runner passes one array to successive requests, appended to in place.
      const tokens = [...prompt];
      const first = await collect(backend, request({ promptTokens: tokens }));
      expect(first.error === undefined && first.finishes.length === 1, 'first generation failed');
      const encode = (text: string) => tokenizer.encode(text, { allowedSpecial: 'all' });
      tokens.push(...first.tokens, ...encode('<|start|>user<|message|>'));
      // No request before had this text: no cache, however shared, holds the prompt from here on.
      const novel = tokens.length;
      tokens.push(...encode(`Reused array ${Math.random()}.<|end|><|start|>assistant`));
      const second = await collect(backend, request({ promptTokens: tokens }));
      expect(
        second.error === undefined && second.finishes.length === 1,
        'generation on the array appended to failed',
      );
      const usage = second.finishes[0]!.usage;
      checkUsage(usage, tokens.length, second.tokens.length);
      expect(
        (usage.cachedPromptTokens ?? 0) <= novel,
        `${usage.cachedPromptTokens} prompt tokens reported cached, but only the first ${novel} can be: keep a copy of the prompt, not the array`,
      );
    },
    'rejects-invalid-prompt': async (backend) => {
      const run = await collect(backend, request({ promptTokens: [...prompt.slice(0, -1), 999_999_999] }));
      expect(
        run.error instanceof HarmonyAgentsError,
        'an invalid token id must be rejected with a HarmonyAgentsError',
      );
    },
  };

  const results: ConformanceCheckResult[] = [];
  for (const name of CONFORMANCE_CHECKS) {
    const skipReason = options.skip?.[name];
    if (skipReason !== undefined) {
      results.push({ name, status: 'skipped', message: skipReason });
      continue;
    }
    const backend = await options.createBackend();
    try {
      await checks[name](backend);
      results.push({ name, status: 'passed' });
    } catch (error) {
      results.push({
        name,
        status: 'failed',
        message: error instanceof CheckFailure ? error.message : `threw: ${String(error)}`,
      });
    } finally {
      await options.disposeBackend?.(backend);
    }
  }
  return results;
}
