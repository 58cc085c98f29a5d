/**
 * Token-exact rendering of messages and conversations (SPEC §3, §9). Every piece of text is encoded
 * separately with ordinary BPE and appended to one id array; special tokens are only ever the
 * structural ones pushed here, never produced from content.
 */

import { DEFAULT_AUTO_DROP_ANALYSIS } from '../defaults.js';
import { HarmonyRenderError } from '../errors.js';
import { hasFunctionTools, renderDeveloperContentText } from './developer-content.js';
import { assertRenderableMessage, assertRole, describeValue } from './message-validation.js';
import { HARMONY_TOKENS } from './special-tokens.js';
import { renderSystemContentText } from './system-content.js';
import type { O200kHarmonyTokenizer } from './tokenizer.js';
import type { Message, RenderConversationConfig, RenderOptions, Role } from './types.js';

const CONSTRAIN_MARKER = '<|constrain|>';

/** Rust's `{:?}` of a role, used in openai-harmony's error texts. */
const ROLE_VARIANT_NAMES: Readonly<Record<Role, string>> = {
  system: 'System',
  developer: 'Developer',
  user: 'User',
  assistant: 'Assistant',
  tool: 'Tool',
};

/** Conversation options after defaults. */
interface ResolvedRenderConversationConfig {
  readonly autoDropAnalysis: boolean;
}

function resolveConfig(config: RenderConversationConfig | undefined): ResolvedRenderConversationConfig {
  if (config !== undefined && (typeof config !== 'object' || config === null)) {
    throw new HarmonyRenderError(`render config must be an object, got ${describeValue(config)}`);
  }
  return { autoDropAnalysis: config?.autoDropAnalysis ?? DEFAULT_AUTO_DROP_ANALYSIS };
}

/** How many distinct system and developer texts keep their tokens (per tokenizer), the least recent dropped. */
const CONFIGURATION_TEXTS_KEPT = 16;
/** Longer system and developer texts are tokenized every time rather than kept. */
const CONFIGURATION_TEXT_MAX_LENGTH = 1_000_000;
const configurationTokens = new WeakMap<O200kHarmonyTokenizer, Map<string, readonly number[]>>();

/**
 * Appends the tokens of a system or developer message's text. That text (instructions, the tools'
 * declarations) is the same on every request of an application, so its tokens are kept by text for the last
 * {@link CONFIGURATION_TEXTS_KEPT} distinct texts: a request renders it again (cheap string building) but does
 * not tokenize it again. Keyed by the text itself, so a changed tool or instruction is simply a new text.
 */
function appendConfigurationText(tokenizer: O200kHarmonyTokenizer, text: string, out: number[]): void {
  if (text.length > CONFIGURATION_TEXT_MAX_LENGTH) {
    tokenizer.appendOrdinary(text, out);
    return;
  }
  let kept = configurationTokens.get(tokenizer);
  if (kept === undefined) {
    kept = new Map();
    configurationTokens.set(tokenizer, kept);
  }
  let tokens = kept.get(text);
  if (tokens === undefined) {
    tokens = tokenizer.encodeOrdinary(text);
    if (kept.size >= CONFIGURATION_TEXTS_KEPT) kept.delete(kept.keys().next().value as string);
  } else {
    // Most recently used last, so the first key is the one to drop.
    kept.delete(text);
  }
  kept.set(text, tokens);
  for (const token of tokens) out.push(token);
}

function isSet(value: string | null | undefined): value is string {
  return value !== undefined && value !== null;
}

/**
 * Appends the tokens of one message (already validated) to `out`.
 * @throws {@link HarmonyRenderError} `Tools should have a name!`, or system / developer content in the wrong role.
 */
function appendMessage(
  tokenizer: O200kHarmonyTokenizer,
  message: Message,
  out: number[],
  conversationHasFunctionTools: boolean,
): void {
  out.push(HARMONY_TOKENS.start);
  if (message.role === 'tool') {
    if (!isSet(message.name)) throw new HarmonyRenderError('Tools should have a name!');
    tokenizer.appendOrdinary(message.name, out);
  } else {
    tokenizer.appendOrdinary(message.role, out);
    if (isSet(message.name)) tokenizer.appendOrdinary(`:${message.name}`, out);
  }
  const recipient = message.recipient;
  if (isSet(recipient) && recipient !== 'all') tokenizer.appendOrdinary(` to=${recipient}`, out);
  if (isSet(message.channel)) {
    out.push(HARMONY_TOKENS.channel);
    tokenizer.appendOrdinary(message.channel, out);
  }
  const contentType = message.contentType;
  if (isSet(contentType)) {
    if (contentType.startsWith(CONSTRAIN_MARKER)) {
      tokenizer.appendOrdinary(' ', out);
      out.push(HARMONY_TOKENS.constrain);
      tokenizer.appendOrdinary(contentType.slice(CONSTRAIN_MARKER.length), out);
    } else {
      tokenizer.appendOrdinary(` ${contentType}`, out);
    }
  }
  out.push(HARMONY_TOKENS.message);
  for (const content of message.content) {
    switch (content.type) {
      case 'text':
        tokenizer.appendOrdinary(content.text, out);
        break;
      case 'system_content':
        if (message.role !== 'system') {
          throw new HarmonyRenderError(
            `SystemContent may only appear in system messages, found in ${ROLE_VARIANT_NAMES[message.role]}`,
          );
        }
        appendConfigurationText(
          tokenizer,
          renderSystemContentText(content, conversationHasFunctionTools),
          out,
        );
        break;
      case 'developer_content':
        if (message.role !== 'developer') {
          throw new HarmonyRenderError(
            `DeveloperContent may only appear in developer messages, found in ${ROLE_VARIANT_NAMES[message.role]}`,
          );
        }
        appendConfigurationText(tokenizer, renderDeveloperContentText(content), out);
        break;
    }
  }
  out.push(message.role === 'assistant' && isSet(recipient) ? HARMONY_TOKENS.call : HARMONY_TOKENS.end);
}

/**
 * Renders one message (SPEC §3.1).
 * @throws {@link HarmonyRenderError} for an invalid message or one openai-harmony refuses to render.
 */
export function renderMessage(
  tokenizer: O200kHarmonyTokenizer,
  message: Message,
  options?: RenderOptions,
): number[] {
  assertRenderableMessage(message);
  const out: number[] = [];
  appendMessage(tokenizer, message, out, options?.conversationHasFunctionTools === true);
  return out;
}

/**
 * Whether any developer content of the conversation has a non-empty `functions` namespace (SPEC §4);
 * decides the `'functions'` line of the system message. Computed over all messages, before dropping.
 */
export function conversationHasFunctionTools(messages: readonly Message[]): boolean {
  return messages.some((message) =>
    message.content.some((content) => content.type === 'developer_content' && hasFunctionTools(content)),
  );
}

/**
 * The messages openai-harmony renders after automatic analysis dropping (SPEC §9.2): when enabled and the
 * last assistant message is on the `final` channel, every `analysis` message before the first `final`
 * message is removed.
 */
export function messagesAfterAnalysisDropping(
  messages: readonly Message[],
  autoDropAnalysis: boolean,
): readonly Message[] {
  if (!autoDropAnalysis) return messages;
  const lastAssistant = messages.findLast((message) => message.role === 'assistant');
  if (lastAssistant?.channel !== 'final') return messages;
  const firstFinal = messages.findIndex((message) => message.channel === 'final');
  return messages.filter((message, index) => !(index < firstFinal && message.channel === 'analysis'));
}

function assertMessages(messages: unknown): asserts messages is readonly Message[] {
  if (!Array.isArray(messages)) {
    throw new HarmonyRenderError(
      `messages must be an array of Message objects, got ${describeValue(messages)}`,
    );
  }
  for (const [index, message] of messages.entries()) assertRenderableMessage(message, `messages[${index}]`);
}

/**
 * Appends a whole conversation to `out` (SPEC §9.1 `render_conversation`).
 * @throws {@link HarmonyRenderError} for invalid input; `out` may then hold a partial rendering.
 */
export function appendConversation(
  tokenizer: O200kHarmonyTokenizer,
  messages: readonly Message[],
  out: number[],
  config?: RenderConversationConfig,
): void {
  assertMessages(messages);
  const resolved = resolveConfig(config);
  const hasFunctions = conversationHasFunctionTools(messages);
  for (const message of messagesAfterAnalysisDropping(messages, resolved.autoDropAnalysis)) {
    appendMessage(tokenizer, message, out, hasFunctions);
  }
}

/**
 * Renders a conversation without a trailing role (`render_conversation`).
 * @throws {@link HarmonyRenderError} for invalid input.
 */
export function renderConversation(
  tokenizer: O200kHarmonyTokenizer,
  messages: readonly Message[],
  config?: RenderConversationConfig,
): number[] {
  const out: number[] = [];
  appendConversation(tokenizer, messages, out, config);
  return out;
}

/**
 * Renders a conversation followed by `<|start|>` and the next role (`render_conversation_for_completion`).
 * @throws {@link HarmonyRenderError} for invalid input, e.g. `unknown role: <x>`.
 */
export function renderConversationForCompletion(
  tokenizer: O200kHarmonyTokenizer,
  messages: readonly Message[],
  nextRole: Role,
  config?: RenderConversationConfig,
): number[] {
  assertRole(nextRole);
  const out: number[] = [];
  appendConversation(tokenizer, messages, out, config);
  out.push(HARMONY_TOKENS.start);
  tokenizer.appendOrdinary(nextRole, out);
  return out;
}

/**
 * Renders a conversation for training (`render_conversation_for_training`): when the last message is an
 * assistant message on the `final` channel, its terminator becomes `<|return|>`.
 * @throws {@link HarmonyRenderError} for invalid input.
 */
export function renderConversationForTraining(
  tokenizer: O200kHarmonyTokenizer,
  messages: readonly Message[],
  config?: RenderConversationConfig,
): number[] {
  const out = renderConversation(tokenizer, messages, config);
  const last = messages.at(-1);
  if (last?.role === 'assistant' && last.channel === 'final' && out.length > 0) {
    out[out.length - 1] = HARMONY_TOKENS.return;
  }
  return out;
}
