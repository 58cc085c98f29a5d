/**
 * The `--smoke` model: a tiny generated gpt-oss GGUF (random weights, the real vocabulary) run by the real
 * llama.cpp engine, each completion forced token by token by a grammar. Which completion depends on the
 * conversation: a question gets reasoning, a preamble and a `get_current_weather` call; a tool result gets
 * reasoning and an answer built from it; a question asking for a story gets a long answer to stop with
 * Ctrl-C. The question's text is tokenized as ordinary text (never as Harmony control tokens).
 */

import type { LlamaCppBackendOptions, LlamaCppModel, RequestGrammar } from '@harmony-agents/backend-llamacpp';
import { tokenScriptGrammar } from '@harmony-agents/backend-llamacpp/test-models';
import type { Backend, BackendChunk, BackendGenerateRequest } from '@harmony-agents/core/backend';
import { HARMONY_TOKENS, loadO200kHarmonyTokenizer } from '@harmony-agents/core/harmony';
import { WEATHER_CITIES } from './weather-tool.js';

/** Sentences in the long answer of a story question. */
const STORY_SENTENCES = 120;

const tokenizer = loadO200kHarmonyTokenizer();

/** Harmony framing (special tokens allowed). */
function frame(text: string): number[] {
  return tokenizer.encode(text, { allowedSpecial: 'all' });
}

/** Ordinary text: `<|end|>` written by a user stays the five characters it is. */
function text(content: string): number[] {
  return tokenizer.encode(content);
}

/** The last message before the prompt's final `<|start|>assistant`: its header and its text. */
export function lastMessage(prompt: readonly number[]): { header: string; body: string } | undefined {
  const opener = prompt.lastIndexOf(HARMONY_TOKENS.start);
  const start = prompt.lastIndexOf(HARMONY_TOKENS.start, opener - 1);
  if (opener < 0 || start < 0) return undefined;
  const message = prompt.indexOf(HARMONY_TOKENS.message, start);
  if (message < 0 || message > opener) return undefined;
  const header = tokenizer.decode(prompt.slice(start + 1, message));
  const bodyEnd = prompt[opener - 1] === HARMONY_TOKENS.end ? opener - 1 : opener;
  return { header, body: tokenizer.decode(prompt.slice(message + 1, bodyEnd)) };
}

function cityIn(question: string): string {
  const lower = question.toLowerCase();
  return WEATHER_CITIES.find((city) => lower.includes(city.toLowerCase())) ?? 'Paris';
}

function storyCompletion(): number[] {
  const sentences = Array.from(
    { length: STORY_SENTENCES },
    (_, index) => `Sentence ${index + 1} of ${STORY_SENTENCES}: the tiny model keeps talking.`,
  );
  return [
    ...frame('<|channel|>analysis<|message|>'),
    ...text('The user wants a long story. I will tell one, sentence by sentence.'),
    ...frame('<|end|><|start|>assistant<|channel|>final<|message|>'),
    ...text(`Once upon a time, a story began. ${sentences.join(' ')} The end.`),
  ];
}

function toolCallCompletion(question: string): number[] {
  const city = cityIn(question);
  return [
    ...frame('<|channel|>analysis<|message|>'),
    ...text(
      `The user asked: "${question.trim()}". I will look up the weather in ${city} with get_current_weather.`,
    ),
    ...frame('<|end|><|start|>assistant<|channel|>commentary<|message|>'),
    ...text(`Let me check the weather in ${city}.`),
    ...frame(
      '<|end|><|start|>assistant to=functions.get_current_weather<|channel|>commentary <|constrain|>json<|message|>',
    ),
    ...text(JSON.stringify({ city })),
  ];
}

function answerCompletion(toolOutput: string): number[] {
  let answer = `The tool answered: ${toolOutput.replace(/\}\s*$/u, '')}.`;
  try {
    const { city, temperature, unit, sky } = JSON.parse(toolOutput) as Record<string, unknown>;
    const degrees = unit === 'fahrenheit' ? '°F' : '°C';
    answer = `In ${String(city)} it is ${String(temperature)} ${degrees} and ${String(sky)} (made-up figures from the demonstration tool).`;
  } catch {}
  return [
    ...frame('<|channel|>analysis<|message|>'),
    ...text(`The tool says ${toolOutput}. I can answer now.`),
    ...frame('<|end|><|start|>assistant<|channel|>final<|message|>'),
    ...text(answer),
  ];
}

/** The completion the smoke model writes next for `prompt` (without its stop token). */
export function smokeCompletion(prompt: readonly number[]): number[] {
  const message = lastMessage(prompt);
  if (message?.header.startsWith('functions.') === true) return answerCompletion(message.body);
  const question = message?.header.startsWith('user') === true ? message.body : '';
  if (/\b(story|long)\b/iu.test(question)) return storyCompletion();
  return toolCallCompletion(question);
}

/** The grammar forcing the smoke completion of `request` (for backends that take GBNF, like llama-server). */
export function smokeGrammar(request: BackendGenerateRequest): string {
  return tokenScriptGrammar(smokeCompletion(request.promptTokens));
}

/** Options of {@link createSmokeBackend}. */
export type SmokeBackendOptions = Omit<LlamaCppBackendOptions, 'grammarForRequest' | 'backendId'>;

/** A backend on a tiny model that writes the smoke completions through the real engine. */
export interface SmokeBackend extends Backend {
  /** Frees the context (not the model). */
  dispose(): Promise<void>;
}

/** Creates the smoke backend on a loaded tiny model (see `getTinyGptOssModel`). */
export function createSmokeBackend(model: LlamaCppModel, options: SmokeBackendOptions = {}): SmokeBackend {
  const grammars = new Map<BackendGenerateRequest, RequestGrammar>();
  const backend = model.createBackend({
    ...options,
    backendId: 'llamacpp-smoke',
    grammarForRequest: (request) => grammars.get(request),
  });
  async function* generate(request: BackendGenerateRequest): AsyncGenerator<BackendChunk> {
    const tokens = smokeCompletion(request.promptTokens);
    grammars.set(request, { gbnf: tokenScriptGrammar(tokens), expectedTokens: tokens });
    try {
      yield* backend.doGenerate(request);
    } finally {
      grammars.delete(request);
    }
  }
  return {
    specificationVersion: backend.specificationVersion,
    backendId: backend.backendId,
    capabilities: backend.capabilities,
    doGenerate: generate,
    dispose: () => backend.dispose(),
  };
}
