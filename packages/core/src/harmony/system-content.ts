/**
 * System content: openai-harmony's defaults (`SystemContent.new()`) and its text (SPEC §4).
 */

import {
  DEFAULT_KNOWLEDGE_CUTOFF,
  DEFAULT_MODEL_IDENTITY,
  DEFAULT_REASONING_EFFORT,
  DEFAULT_VALID_CHANNELS,
} from '../defaults.js';
import { namespacesByName, renderToolsSection } from './tools-section.js';
import type { ChannelConfig, ReasoningEffort, SystemContent, ToolNamespaceConfig } from './types.js';

/** The line added to the channels section when the conversation has function tools. */
export const FUNCTIONS_CHANNEL_LINE = "Calls to these tools must go to the commentary channel: 'functions'.";

/** Options of {@link createSystemContent}. Pass `null` to leave a field out of the rendered text. */
export interface SystemContentOptions {
  /**
   * The first line of the system message.
   * @defaultValue `'You are ChatGPT, a large language model trained by OpenAI.'`
   */
  readonly modelIdentity?: string | null;
  /**
   * Rendered as `Reasoning: <effort>`.
   * @defaultValue `'medium'`
   */
  readonly reasoningEffort?: ReasoningEffort | null;
  /**
   * Rendered as `Knowledge cutoff: <cutoff>`.
   * @defaultValue `'2024-06'`
   */
  readonly knowledgeCutoff?: string | null;
  /**
   * Rendered as `Current date: <date>` (ISO `YYYY-MM-DD` expected, not checked).
   * @defaultValue none
   */
  readonly conversationStartDate?: string | null;
  /**
   * The channels the model may use.
   * @defaultValue `{ validChannels: ['analysis', 'commentary', 'final'], channelRequired: true }`
   */
  readonly channelConfig?: ChannelConfig | null;
  /**
   * Built-in tool namespaces (e.g. `BUILTIN_TOOL_NAMESPACES.browser()`), keyed by their `name`; a later
   * namespace with the same name replaces an earlier one. Function tools belong in the developer message.
   * @defaultValue none
   */
  readonly tools?: readonly ToolNamespaceConfig[] | null;
}

/**
 * Creates system content with openai-harmony's defaults (`SystemContent.new()`): the ChatGPT identity,
 * reasoning effort `medium`, knowledge cutoff `2024-06`, and the required channels
 * `analysis, commentary, final`. Options override a default, or remove it with `null`.
 *
 * @example
 * ```ts
 * const system = createSystemContent({ reasoningEffort: 'high', conversationStartDate: '2025-06-28' });
 * ```
 */
export function createSystemContent(options: SystemContentOptions = {}): SystemContent {
  const modelIdentity = pick(options.modelIdentity, DEFAULT_MODEL_IDENTITY);
  const reasoningEffort = pick<ReasoningEffort>(options.reasoningEffort, DEFAULT_REASONING_EFFORT);
  const knowledgeCutoff = pick(options.knowledgeCutoff, DEFAULT_KNOWLEDGE_CUTOFF);
  const conversationStartDate = options.conversationStartDate ?? null;
  const channelConfig = pick<ChannelConfig>(options.channelConfig, {
    validChannels: [...DEFAULT_VALID_CHANNELS],
    channelRequired: true,
  });
  let tools: Record<string, ToolNamespaceConfig> | null = null;
  if (options.tools !== undefined && options.tools !== null) {
    tools = namespacesByName(options.tools);
  }
  return {
    type: 'system_content',
    ...(modelIdentity === null ? {} : { modelIdentity }),
    ...(reasoningEffort === null ? {} : { reasoningEffort }),
    ...(tools === null ? {} : { tools }),
    ...(conversationStartDate === null ? {} : { conversationStartDate }),
    ...(knowledgeCutoff === null ? {} : { knowledgeCutoff }),
    ...(channelConfig === null ? {} : { channelConfig }),
  };
}

function pick<T>(value: T | null | undefined, fallback: T): T | null {
  return value === undefined ? fallback : value;
}

/**
 * The text of system content (SPEC §4): identity / cutoff / date lines, `Reasoning:`, the tools section,
 * then the channels line (plus {@link FUNCTIONS_CHANNEL_LINE} when `conversationHasFunctionTools`),
 * joined with blank lines; absent parts leave no blank line.
 */
export function renderSystemContentText(
  content: SystemContent,
  conversationHasFunctionTools: boolean,
): string {
  const sections: string[] = [];
  const header: string[] = [];
  if (isSet(content.modelIdentity)) header.push(content.modelIdentity);
  if (isSet(content.knowledgeCutoff)) header.push(`Knowledge cutoff: ${content.knowledgeCutoff}`);
  if (isSet(content.conversationStartDate)) header.push(`Current date: ${content.conversationStartDate}`);
  if (header.length > 0) sections.push(header.join('\n'));
  if (isSet(content.reasoningEffort)) sections.push(`Reasoning: ${content.reasoningEffort}`);
  if (isSet(content.tools) && Object.keys(content.tools).length > 0) {
    sections.push(renderToolsSection(content.tools));
  }
  const channels = content.channelConfig;
  if (isSet(channels) && channels.validChannels.length > 0) {
    let text = `# Valid channels: ${channels.validChannels.join(', ')}.`;
    if (channels.channelRequired) text += ' Channel must be included for every message.';
    if (conversationHasFunctionTools) text += `\n${FUNCTIONS_CHANNEL_LINE}`;
    sections.push(text);
  }
  return sections.join('\n\n');
}

function isSet<T>(value: T | null | undefined): value is T {
  return value !== undefined && value !== null;
}
