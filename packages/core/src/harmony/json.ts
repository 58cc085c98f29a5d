/**
 * Conversion between our {@link Message} objects and openai-harmony's JSON shape (the serde shape its
 * Python binding exchanges with Rust: snake_case keys, `reasoning_effort` as `"Low" | "Medium" | "High"`,
 * content as a list of tagged items or a plain string).
 */

import { HarmonyJSONError, HarmonyRenderError } from '../errors.js';
import { assertRenderableMessage, describeValue, isRole } from './message-validation.js';
import { compareCodePoints } from './tools-section.js';
import type {
  ChannelConfig,
  Content,
  JsonValue,
  Message,
  ReasoningEffort,
  Role,
  ToolDescription,
  ToolNamespaceConfig,
} from './types.js';

/** openai-harmony's JSON for reasoning effort. */
export type HarmonyReasoningEffortJSON = 'Low' | 'Medium' | 'High';

/** openai-harmony's JSON for one tool. */
export type HarmonyToolDescriptionJSON = {
  /** The tool's name inside its namespace. */
  readonly name: string;
  /** What the tool does. */
  readonly description: string;
  /** The JSON Schema of the tool's arguments, or `null`. */
  readonly parameters: JsonValue;
};

/** openai-harmony's JSON for a tool namespace. */
export type HarmonyToolNamespaceConfigJSON = {
  /** The namespace name, e.g. `functions` or `browser`. */
  readonly name: string;
  /** Prose rendered above the namespace, or `null`. */
  readonly description: string | null;
  /** The tools of the namespace. */
  readonly tools: readonly HarmonyToolDescriptionJSON[];
};

/** openai-harmony's JSON for one content item (every field is written, `null` when absent). */
export type HarmonyContentJSON =
  | {
      /** Discriminant: plain text. */
      readonly type: 'text';
      /** The text. */
      readonly text: string;
    }
  | {
      /** Discriminant: the content of a system message. */
      readonly type: 'system_content';
      /** The first line of the system message. */
      readonly model_identity: string | null;
      /** `Low`, `Medium` or `High`. */
      readonly reasoning_effort: HarmonyReasoningEffortJSON | null;
      /** Built-in tool namespaces, keyed by name. */
      readonly tools: Readonly<Record<string, HarmonyToolNamespaceConfigJSON>> | null;
      /** The `Current date:` line. */
      readonly conversation_start_date: string | null;
      /** The `Knowledge cutoff:` line. */
      readonly knowledge_cutoff: string | null;
      /** The channels the model may use. */
      readonly channel_config: {
        /** The channel names. */
        readonly valid_channels: readonly string[];
        /** Whether every message must name a channel. */
        readonly channel_required: boolean;
      } | null;
    }
  | {
      /** Discriminant: the content of a developer message. */
      readonly type: 'developer_content';
      /** Rendered under `# Instructions`. */
      readonly instructions: string | null;
      /** Tool namespaces keyed by name; function tools live under `functions`. */
      readonly tools: Readonly<Record<string, HarmonyToolNamespaceConfigJSON>> | null;
    };

/**
 * openai-harmony's JSON for a message, as Rust serialises it: absent header fields are omitted, and a
 * single text item is written as a plain string.
 */
export type HarmonyMessageJSON = {
  /** The author's role. */
  readonly role: Role;
  /** The author's name, e.g. `functions.get_weather` for a tool result. */
  readonly name?: string;
  /** Who the message is addressed to. */
  readonly recipient?: string;
  /** A plain string for a single text item, else the list of content items. */
  readonly content: string | readonly HarmonyContentJSON[];
  /** `analysis`, `commentary` or `final`. */
  readonly channel?: string;
  /** e.g. `<|constrain|>json`. */
  readonly content_type?: string;
};

/** openai-harmony's JSON for a conversation. */
export type HarmonyConversationJSON = {
  /** The messages, in order. */
  readonly messages: readonly HarmonyMessageJSON[];
};

const EFFORT_FROM_JSON: Readonly<Record<string, ReasoningEffort>> = {
  Low: 'low',
  Medium: 'medium',
  High: 'high',
};
const EFFORT_TO_JSON: Readonly<Record<ReasoningEffort, HarmonyReasoningEffortJSON>> = {
  low: 'Low',
  medium: 'Medium',
  high: 'High',
};

type JsonObject = Record<string, unknown>;

/** Where errors are reported: the message prefix and the path of the value being read. */
interface Location {
  readonly prefix: string;
  readonly path: string;
}

function fail(location: Location, detail: string): never {
  const where = location.path === '' ? '' : `${location.path}: `;
  throw new HarmonyJSONError(`${location.prefix}${where}${detail}`);
}

function at(location: Location, key: string): Location {
  return { prefix: location.prefix, path: location.path === '' ? key : `${location.path}.${key}` };
}

function isRecord(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseText(json: unknown, location: Location): unknown {
  if (typeof json !== 'string') return json;
  try {
    return JSON.parse(json) as unknown;
  } catch (error) {
    throw new HarmonyJSONError(`${location.prefix}${(error as Error).message}`, { cause: error });
  }
}

function readObject(value: unknown, location: Location, expected: string): JsonObject {
  if (!isRecord(value)) fail(location, `expected ${expected}, got ${describeValue(value)}`);
  return value;
}

function requiredString(object: JsonObject, key: string, location: Location): string {
  const value = object[key];
  if (value === undefined) fail(location, `missing field \`${key}\``);
  if (typeof value !== 'string') fail(at(location, key), `expected a string, got ${describeValue(value)}`);
  return value;
}

/** Reads an optional string: absent and `null` both give `undefined`. */
function optionalString(object: JsonObject, key: string, location: Location): string | undefined {
  const value = object[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string')
    fail(at(location, key), `expected a string or null, got ${describeValue(value)}`);
  return value;
}

function readTool(value: unknown, location: Location): ToolDescription {
  const object = readObject(value, location, 'a tool object');
  const parameters = object.parameters;
  return {
    name: requiredString(object, 'name', location),
    description: requiredString(object, 'description', location),
    ...(parameters === undefined || parameters === null ? {} : { parameters: parameters as JsonValue }),
  };
}

function readTools(value: unknown, location: Location): Record<string, ToolNamespaceConfig> | undefined {
  if (value === undefined || value === null) return undefined;
  const object = readObject(value, location, 'an object of tool namespaces');
  // Entries, then Object.fromEntries: a namespace keyed `__proto__` stays an own property.
  const tools: [string, ToolNamespaceConfig][] = [];
  for (const [key, raw] of Object.entries(object)) {
    const namespaceLocation = at(location, key);
    const namespace = readObject(raw, namespaceLocation, 'a tool namespace object');
    const list = namespace.tools;
    if (list === undefined) fail(namespaceLocation, 'missing field `tools`');
    if (!Array.isArray(list))
      fail(at(namespaceLocation, 'tools'), `expected an array, got ${describeValue(list)}`);
    const description = optionalString(namespace, 'description', namespaceLocation);
    tools.push([
      key,
      {
        name: requiredString(namespace, 'name', namespaceLocation),
        ...(description === undefined ? {} : { description }),
        tools: list.map((tool, index) => readTool(tool, at(namespaceLocation, `tools[${index}]`))),
      },
    ]);
  }
  return Object.fromEntries(tools);
}

function readChannelConfig(value: unknown, location: Location): ChannelConfig | undefined {
  if (value === undefined || value === null) return undefined;
  const object = readObject(value, location, 'a channel config object');
  const channels = object.valid_channels;
  if (!Array.isArray(channels) || !channels.every((channel) => typeof channel === 'string')) {
    fail(at(location, 'valid_channels'), `expected an array of strings, got ${describeValue(channels)}`);
  }
  if (typeof object.channel_required !== 'boolean') {
    fail(
      at(location, 'channel_required'),
      `expected a boolean, got ${describeValue(object.channel_required)}`,
    );
  }
  return { validChannels: channels as string[], channelRequired: object.channel_required };
}

function readContent(value: unknown, location: Location): Content {
  const object = readObject(value, location, 'a content object');
  switch (object.type) {
    case 'text':
      return { type: 'text', text: requiredString(object, 'text', location) };
    case 'system_content': {
      const effortJSON = object.reasoning_effort;
      let reasoningEffort: ReasoningEffort | undefined;
      if (effortJSON !== undefined && effortJSON !== null) {
        reasoningEffort = typeof effortJSON === 'string' ? EFFORT_FROM_JSON[effortJSON] : undefined;
        if (reasoningEffort === undefined) {
          fail(
            at(location, 'reasoning_effort'),
            `expected "Low", "Medium" or "High", got ${describeValue(effortJSON)}`,
          );
        }
      }
      const modelIdentity = optionalString(object, 'model_identity', location);
      const tools = readTools(object.tools, at(location, 'tools'));
      const conversationStartDate = optionalString(object, 'conversation_start_date', location);
      const knowledgeCutoff = optionalString(object, 'knowledge_cutoff', location);
      const channelConfig = readChannelConfig(object.channel_config, at(location, 'channel_config'));
      return {
        type: 'system_content',
        ...(modelIdentity === undefined ? {} : { modelIdentity }),
        ...(reasoningEffort === undefined ? {} : { reasoningEffort }),
        ...(tools === undefined ? {} : { tools }),
        ...(conversationStartDate === undefined ? {} : { conversationStartDate }),
        ...(knowledgeCutoff === undefined ? {} : { knowledgeCutoff }),
        ...(channelConfig === undefined ? {} : { channelConfig }),
      };
    }
    case 'developer_content': {
      const instructions = optionalString(object, 'instructions', location);
      const tools = readTools(object.tools, at(location, 'tools'));
      return {
        type: 'developer_content',
        ...(instructions === undefined ? {} : { instructions }),
        ...(tools === undefined ? {} : { tools }),
      };
    }
    default:
      return fail(location, `unknown content type: ${describeValue(object.type)}`);
  }
}

function readMessage(value: unknown, location: Location): Message {
  const object = readObject(value, location, 'a message object');
  const role = object.role;
  if (role === undefined) fail(location, 'missing field `role`');
  if (!isRole(role)) fail(location, `unknown role: ${typeof role === 'string' ? role : describeValue(role)}`);
  const rawContent = object.content;
  let content: Content[];
  if (typeof rawContent === 'string') content = [{ type: 'text', text: rawContent }];
  else if (Array.isArray(rawContent)) {
    content = rawContent.map((item, index) => readContent(item, at(location, `content[${index}]`)));
  } else if (rawContent === undefined) fail(location, 'missing field `content`');
  else
    fail(at(location, 'content'), `expected a string or a list of content, got ${describeValue(rawContent)}`);
  const name = optionalString(object, 'name', location);
  const recipient = optionalString(object, 'recipient', location);
  const channel = optionalString(object, 'channel', location);
  const contentType = optionalString(object, 'content_type', location);
  return {
    role,
    ...(name === undefined ? {} : { name }),
    ...(recipient === undefined ? {} : { recipient }),
    ...(channel === undefined ? {} : { channel }),
    ...(contentType === undefined ? {} : { contentType }),
    content,
  };
}

/**
 * Reads a message in openai-harmony's JSON shape (a JSON string or an already parsed object). Absent
 * and `null` fields are both "not set"; content may be a plain string (one text item); unknown keys are
 * ignored, like serde does.
 * @throws {@link HarmonyJSONError} `invalid message JSON: ...` (e.g. `invalid message JSON: unknown role: foo`).
 * @example
 * ```ts
 * const message = harmonyMessageFromJSON('{"role":"user","content":"Hello"}');
 * ```
 */
export function harmonyMessageFromJSON(json: unknown): Message {
  const location: Location = { prefix: 'invalid message JSON: ', path: '' };
  return readMessage(parseText(json, location), location);
}

/**
 * Reads a conversation `{ messages: [...] }` in openai-harmony's JSON shape (a JSON string or an object).
 * @throws {@link HarmonyJSONError} `invalid conversation JSON: ...`.
 */
export function harmonyConversationFromJSON(json: unknown): Message[] {
  const location: Location = { prefix: 'invalid conversation JSON: ', path: '' };
  const object = readObject(parseText(json, location), location, 'a conversation object');
  const messages = object.messages;
  if (messages === undefined) fail(location, 'missing field `messages`');
  if (!Array.isArray(messages))
    fail(at(location, 'messages'), `expected an array, got ${describeValue(messages)}`);
  return messages.map((message, index) => readMessage(message, at(location, `messages[${index}]`)));
}

function toolsToJSON(
  tools: Readonly<Record<string, ToolNamespaceConfig>> | null | undefined,
): Record<string, HarmonyToolNamespaceConfigJSON> | null {
  if (tools === undefined || tools === null) return null;
  // Rust stores namespaces in a BTreeMap, so they are written sorted by key.
  return Object.fromEntries(
    Object.keys(tools)
      .sort(compareCodePoints)
      .map((key): [string, HarmonyToolNamespaceConfigJSON] => {
        const namespace = tools[key]!;
        return [
          key,
          {
            name: namespace.name,
            description: namespace.description ?? null,
            tools: namespace.tools.map((tool) => ({
              name: tool.name,
              description: tool.description,
              parameters: tool.parameters ?? null,
            })),
          },
        ];
      }),
  );
}

function contentToJSON(content: Content): HarmonyContentJSON {
  switch (content.type) {
    case 'text':
      return { type: 'text', text: content.text };
    case 'system_content':
      return {
        type: 'system_content',
        model_identity: content.modelIdentity ?? null,
        reasoning_effort: content.reasoningEffort == null ? null : EFFORT_TO_JSON[content.reasoningEffort],
        tools: toolsToJSON(content.tools),
        conversation_start_date: content.conversationStartDate ?? null,
        knowledge_cutoff: content.knowledgeCutoff ?? null,
        channel_config:
          content.channelConfig == null
            ? null
            : {
                valid_channels: [...content.channelConfig.validChannels],
                channel_required: content.channelConfig.channelRequired,
              },
      };
    case 'developer_content':
      return {
        type: 'developer_content',
        instructions: content.instructions ?? null,
        tools: toolsToJSON(content.tools),
      };
  }
}

/**
 * Writes a message in openai-harmony's JSON shape, with Rust's key order (`role`, `name`, `recipient`,
 * `content`, `channel`, `content_type`), absent fields omitted, and a single text item as a plain string.
 * Pass the result to `JSON.stringify` for text.
 * @throws {@link HarmonyJSONError} when the message is not a valid {@link Message}.
 */
export function harmonyMessageToJSON(message: Message): HarmonyMessageJSON {
  try {
    assertRenderableMessage(message);
  } catch (error) {
    if (error instanceof HarmonyRenderError) {
      throw new HarmonyJSONError(`invalid message: ${error.message}`, { cause: error });
    }
    throw error;
  }
  const only = message.content.length === 1 ? message.content[0] : undefined;
  const content = only?.type === 'text' ? only.text : message.content.map(contentToJSON);
  return {
    role: message.role,
    ...(message.name == null ? {} : { name: message.name }),
    ...(message.recipient == null ? {} : { recipient: message.recipient }),
    content,
    ...(message.channel == null ? {} : { channel: message.channel }),
    ...(message.contentType == null ? {} : { content_type: message.contentType }),
  };
}

/**
 * Writes a conversation `{ messages: [...] }` in openai-harmony's JSON shape.
 * @throws {@link HarmonyJSONError} when `messages` is not an array of valid messages.
 */
export function harmonyConversationToJSON(messages: readonly Message[]): HarmonyConversationJSON {
  if (!Array.isArray(messages)) {
    throw new HarmonyJSONError(
      `invalid conversation: messages must be an array, got ${describeValue(messages)}`,
    );
  }
  return { messages: messages.map((message) => harmonyMessageToJSON(message)) };
}
