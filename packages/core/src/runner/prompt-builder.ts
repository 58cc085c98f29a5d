import { renderDeveloperContentText } from '../harmony/developer-content.js';
import type { HarmonyEncoding } from '../harmony/encoding.js';
import { appendResponseFormatsSection, type ResponseFormat } from '../harmony/response-formats.js';
import { HARMONY_TOKENS } from '../harmony/special-tokens.js';
import type {
  DeveloperContent,
  Message,
  ReasoningEffort,
  SystemContent,
  ToolNamespaceConfig,
} from '../harmony/types.js';
import type { ConversationEntry } from './conversation.js';

/** Which earlier chain of thought the prompt keeps. */
export type ReasoningHistory = 'harmony' | 'keep-all' | 'drop-all';

/** What the system and developer messages are built from. */
export interface PromptHeaderConfig {
  readonly modelIdentity: string | null;
  readonly knowledgeCutoff: string | null;
  readonly currentDate: string | null;
  readonly reasoningEffort: ReasoningEffort;
  readonly validChannels: readonly string[];
  readonly instructions: string | null;
  readonly builtinNamespaces: readonly ToolNamespaceConfig[];
  readonly functionNamespace: ToolNamespaceConfig | null;
  /** The run's structured output, rendered as `# Response Formats` at the end of the developer message. */
  readonly responseFormat: ResponseFormat | null;
}

/** The system and developer messages of an agent's prompt. */
export function buildHeaderMessages(config: PromptHeaderConfig): Message[] {
  const builtins =
    config.builtinNamespaces.length === 0
      ? null
      : Object.fromEntries(config.builtinNamespaces.map((namespace) => [namespace.name, namespace]));
  const system: SystemContent = {
    type: 'system_content',
    modelIdentity: config.modelIdentity,
    reasoningEffort: config.reasoningEffort,
    knowledgeCutoff: config.knowledgeCutoff,
    conversationStartDate: config.currentDate,
    channelConfig: { validChannels: config.validChannels, channelRequired: true },
    tools: builtins,
  };
  const messages: Message[] = [{ role: 'system', content: [system] }];
  const developer: DeveloperContent = {
    type: 'developer_content',
    instructions: config.instructions,
    tools: config.functionNamespace === null ? null : { functions: config.functionNamespace },
  };
  if (config.responseFormat !== null) {
    // One text, tokenized as a whole, exactly as the format guide shows the developer message.
    const text = appendResponseFormatsSection(renderDeveloperContentText(developer), [config.responseFormat]);
    messages.push({ role: 'developer', content: [{ type: 'text', text }] });
  } else if (config.instructions !== null || config.functionNamespace !== null) {
    messages.push({ role: 'developer', content: [developer] });
  }
  return messages;
}

/**
 * The entries a prompt shows, given the chain-of-thought policy. The current turn (from the last
 * user message on) is always kept whole, so a turn's prompts only ever grow (KV-cache friendly).
 *
 * - `harmony`: analysis of earlier turns that ended in a `final` answer is dropped (the rule of the
 *   Harmony format guide; openai-harmony's `auto_drop_analysis` only drops before the *first* final).
 * - `keep-all`: nothing is dropped.
 * - `drop-all`: all analysis of earlier turns is dropped.
 *
 * Like openai-harmony, "analysis" means any message on the `analysis` channel (built-in tool calls
 * and their results included).
 */
export function selectPromptEntries(
  entries: readonly ConversationEntry[],
  policy: ReasoningHistory,
): ConversationEntry[] {
  if (policy === 'keep-all') return [...entries];
  let currentTurnStart = entries.length;
  for (let index = entries.length - 1; index >= 0; index--) {
    if (entries[index]!.message.role === 'user') {
      currentTurnStart = index;
      break;
    }
  }
  const selected: ConversationEntry[] = [];
  forEachEarlierTurn(entries, 0, currentTurnStart, policy, (entry) => selected.push(entry));
  for (let index = currentTurnStart; index < entries.length; index++) selected.push(entries[index]!);
  return selected;
}

/**
 * Calls `keep` with each entry of `entries[start, end)` that the prompt shows when these are earlier turns
 * (not the current one): turns begin at `start` and at each user message.
 */
export function forEachEarlierTurn(
  entries: readonly ConversationEntry[],
  start: number,
  end: number,
  policy: ReasoningHistory,
  keep: (entry: ConversationEntry) => void,
): void {
  let turnStart = start;
  while (turnStart < end) {
    let turnEnd = turnStart + 1;
    while (turnEnd < end && entries[turnEnd]!.message.role !== 'user') turnEnd++;
    let drop = policy === 'drop-all';
    for (let index = turnStart; index < turnEnd && !drop && policy === 'harmony'; index++) {
      const { message } = entries[index]!;
      drop = message.role === 'assistant' && message.channel === 'final';
    }
    for (let index = turnStart; index < turnEnd; index++) {
      const entry = entries[index]!;
      if (!(drop && entry.message.channel === 'analysis')) keep(entry);
    }
    turnStart = turnEnd;
  }
}

/** Where the last user turn of `entries` starts: its last user message, or 0 when there is none. */
export function lastTurnStart(entries: readonly ConversationEntry[]): number {
  for (let index = entries.length - 1; index >= 0; index--) {
    if (entries[index]!.message.role === 'user') return index;
  }
  return 0;
}

/**
 * Rendered tokens of entries without sampled tokens, per encoding. Entries are immutable and a history is
 * passed from run to run, so a message is rendered once in its life, not once per run: a new turn's host
 * cost does not grow with the history.
 */
const RENDERED_ENTRIES = new WeakMap<HarmonyEncoding, WeakMap<ConversationEntry, readonly number[]>>();

/**
 * Renders conversation entries into prompt tokens, each message once: sampled messages reuse their
 * exact tokens, others are rendered by the Harmony renderer and cached for as long as the entry lives.
 */
export class PromptTokenCache {
  readonly #encoding: HarmonyEncoding;
  readonly #cache: WeakMap<ConversationEntry, readonly number[]>;

  constructor(encoding: HarmonyEncoding) {
    this.#encoding = encoding;
    let cache = RENDERED_ENTRIES.get(encoding);
    if (cache === undefined) {
      cache = new WeakMap();
      RENDERED_ENTRIES.set(encoding, cache);
    }
    this.#cache = cache;
  }

  /** The tokens of one entry, `<|start|>` through its terminator. */
  tokensOf(entry: ConversationEntry): readonly number[] {
    if (entry.tokens !== undefined) return entry.tokens;
    let tokens = this.#cache.get(entry);
    if (tokens === undefined) {
      tokens = Object.freeze(this.#encoding.render(entry.message));
      this.#cache.set(entry, tokens);
    }
    return tokens;
  }

  /** Appends the tokens of entries to `out`. */
  append(entries: Iterable<ConversationEntry>, out: number[]): void {
    for (const entry of entries) appendTokens(out, this.tokensOf(entry));
  }
}

/** Most arguments passed to one `push` call (far below engines' argument limits). */
const PUSH_CHUNK = 8192;

/** Appends `tokens` to `out` in chunks: one native `push` per chunk, not one call per token. */
export function appendTokens(out: number[], tokens: readonly number[]): void {
  for (let start = 0; start < tokens.length; start += PUSH_CHUNK) {
    out.push(
      ...(start === 0 && tokens.length <= PUSH_CHUNK ? tokens : tokens.slice(start, start + PUSH_CHUNK)),
    );
  }
}

/** `<|start|>assistant`: how every prompt ends. */
export function assistantStartTokens(encoding: HarmonyEncoding): number[] {
  return [HARMONY_TOKENS.start, ...encoding.encodeOrdinary('assistant')];
}
