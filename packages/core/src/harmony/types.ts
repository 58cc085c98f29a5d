/**
 * The Harmony data model, mirroring openai-harmony's `Message`, `Author`, `SystemContent`,
 * `DeveloperContent` and tool configuration types, with camelCase field names.
 * Use `harmonyMessageFromJSON` / `harmonyMessageToJSON` to convert from / to openai-harmony's JSON.
 */

/** A Harmony role. Case-sensitive; `system > developer > user > assistant > tool` in authority. */
export type Role = 'system' | 'developer' | 'user' | 'assistant' | 'tool';

/** All roles, in authority order. */
export const ROLES: readonly Role[] = ['system', 'developer', 'user', 'assistant', 'tool'];

/** How hard the model should think. Rendered as `Reasoning: low|medium|high` in the system message. */
export type ReasoningEffort = 'low' | 'medium' | 'high';

/** Plain text content. */
export interface TextContent {
  /** Discriminant: plain text. */
  readonly type: 'text';
  /** The text. */
  readonly text: string;
}

/** The channels the model may use, rendered as `# Valid channels: ...` in the system message. */
export interface ChannelConfig {
  /** The channel names, e.g. `['analysis', 'commentary', 'final']`. */
  readonly validChannels: readonly string[];
  /** Whether every message must name a channel. */
  readonly channelRequired: boolean;
}

/** One tool inside a {@link ToolNamespaceConfig}. */
export interface ToolDescription {
  /** The tool's name inside its namespace (e.g. `get_weather`). */
  readonly name: string;
  /** What the tool does; rendered as `//` comment lines. */
  readonly description: string;
  /** A JSON Schema for the tool's argument object; absent or `null` renders `() => any`. */
  readonly parameters?: JsonValue | null;
}

/** A namespace of tools (`functions`, `browser`, `python`, ...). */
export interface ToolNamespaceConfig {
  /** The namespace name, e.g. `functions`. */
  readonly name: string;
  /** Prose rendered above the namespace (commented when the namespace has tools). */
  readonly description?: string | null;
  /** The tools of the namespace; may be empty (e.g. `python`). */
  readonly tools: readonly ToolDescription[];
}

/**
 * The content of a system message. A field that is absent is not rendered.
 * Use `createSystemContent()` to get openai-harmony's defaults (`SystemContent.new()`).
 */
export interface SystemContent {
  /** Discriminant: the content of a system message. */
  readonly type: 'system_content';
  /** The first line, e.g. `You are ChatGPT, a large language model trained by OpenAI.` */
  readonly modelIdentity?: string | null;
  /** Rendered as `Reasoning: <effort>`. */
  readonly reasoningEffort?: ReasoningEffort | null;
  /** Built-in tool namespaces keyed by namespace name (rendered sorted by key). */
  readonly tools?: Readonly<Record<string, ToolNamespaceConfig>> | null;
  /** Rendered as `Current date: <date>` (ISO `YYYY-MM-DD` expected, not checked). */
  readonly conversationStartDate?: string | null;
  /** Rendered as `Knowledge cutoff: <cutoff>`. */
  readonly knowledgeCutoff?: string | null;
  /** Rendered as `# Valid channels: ...`. */
  readonly channelConfig?: ChannelConfig | null;
}

/** The content of a developer message: instructions and function tools. */
export interface DeveloperContent {
  /** Discriminant: the content of a developer message. */
  readonly type: 'developer_content';
  /** Rendered under `# Instructions`. */
  readonly instructions?: string | null;
  /** Tool namespaces keyed by namespace name; function tools live under `functions`. */
  readonly tools?: Readonly<Record<string, ToolNamespaceConfig>> | null;
}

/** One item of a message's content. */
export type Content = TextContent | SystemContent | DeveloperContent;

/**
 * A Harmony message. `role` and `name` form openai-harmony's `Author`.
 *
 * @example
 * ```ts
 * const call: Message = {
 *   role: 'assistant', channel: 'commentary', recipient: 'functions.get_weather',
 *   contentType: '<|constrain|>json', content: [{ type: 'text', text: '{"city":"Paris"}' }],
 * };
 * ```
 */
export interface Message {
  /** The author's role. */
  readonly role: Role;
  /** The author's name; required for `tool` messages (e.g. `functions.get_weather`). */
  readonly name?: string | null;
  /** Who the message is addressed to (`functions.x`, `browser.search`, `assistant`, ...). */
  readonly recipient?: string | null;
  /** `analysis`, `commentary` or `final` for assistant messages. */
  readonly channel?: string | null;
  /** e.g. `<|constrain|>json` for tool calls, `code`, `json`. */
  readonly contentType?: string | null;
  /** The content items, usually one text item. */
  readonly content: readonly Content[];
}

/** A JSON value. */
export type JsonValue =
  | null
  | boolean
  | number
  | string
  | readonly JsonValue[]
  | { readonly [key: string]: JsonValue };

/** Options of the conversation renderers. */
export interface RenderConversationConfig {
  /**
   * Drop `analysis` messages that precede the first `final` message when the conversation's last
   * assistant message is a `final` one (openai-harmony's rule).
   * @defaultValue true
   */
  readonly autoDropAnalysis?: boolean;
}

/** Options of {@link Message} rendering. */
export interface RenderOptions {
  /**
   * Whether the conversation has function tools, which adds the
   * `Calls to these tools must go to the commentary channel: 'functions'.` line to a system message.
   * @defaultValue false
   */
  readonly conversationHasFunctionTools?: boolean;
}

/** Options of the parsers. */
export interface ParseOptions {
  /**
   * Strict mode raises on malformed headers; non-strict recovers what it can, as openai-harmony does.
   * @defaultValue true
   */
  readonly strict?: boolean;
}
