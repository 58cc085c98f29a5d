/**
 * Runtime checks of {@link Message} objects before rendering, so that JavaScript callers and data loaded
 * from elsewhere get a {@link HarmonyRenderError} that names the problem instead of a `TypeError`.
 */

import { HarmonyRenderError } from '../errors.js';
import { type Message, ROLES, type Role } from './types.js';

const REASONING_EFFORTS: ReadonlySet<unknown> = new Set(['low', 'medium', 'high']);
const ROLE_SET: ReadonlySet<unknown> = new Set(ROLES);

/** Describes a value for an error message without dumping large objects. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'object') return 'an object';
  return String(value);
}

/** Whether `value` is one of the five Harmony roles. */
export function isRole(value: unknown): value is Role {
  return ROLE_SET.has(value);
}

/**
 * Checks that `role` is a Harmony role.
 * @throws {@link HarmonyRenderError} `unknown role: <role>`.
 */
export function assertRole(role: unknown): asserts role is Role {
  if (!isRole(role)) throw new HarmonyRenderError(`unknown role: ${String(role)}`);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function assertOptionalString(value: unknown, what: string): void {
  if (value !== undefined && value !== null && typeof value !== 'string') {
    throw new HarmonyRenderError(`${what} must be a string or null, got ${describeValue(value)}`);
  }
}

/** What a namespace or tool name must be: it is written into the `# Tools` section as code. */
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** A name with a line break or a space would write free text (`## heading`) into the tools section. */
function assertIdentifier(name: string, path: string): void {
  if (!IDENTIFIER.test(name)) {
    throw new HarmonyRenderError(
      `${path} must be an identifier (ASCII letters, digits and _, not starting with a digit), got ${JSON.stringify(name)}`,
    );
  }
}

function assertToolsMap(tools: unknown, where: string): void {
  if (tools === undefined || tools === null) return;
  if (!isRecord(tools)) {
    throw new HarmonyRenderError(
      `${where}.tools must be an object of namespaces, got ${describeValue(tools)}`,
    );
  }
  for (const [key, namespace] of Object.entries(tools)) {
    const path = `${where}.tools[${JSON.stringify(key)}]`;
    if (!isRecord(namespace) || typeof namespace.name !== 'string' || !Array.isArray(namespace.tools)) {
      throw new HarmonyRenderError(`${path} must be a namespace { name: string, tools: ToolDescription[] }`);
    }
    assertIdentifier(namespace.name, `${path}.name`);
    assertOptionalString(namespace.description, `${path}.description`);
    for (const [index, tool] of namespace.tools.entries()) {
      if (!isRecord(tool) || typeof tool.name !== 'string' || typeof tool.description !== 'string') {
        throw new HarmonyRenderError(
          `${path}.tools[${index}] must be a tool { name: string, description: string }`,
        );
      }
      assertIdentifier(tool.name, `${path}.tools[${index}].name`);
    }
  }
}

function assertContentItem(item: unknown, path: string): void {
  if (!isRecord(item))
    throw new HarmonyRenderError(`${path} must be a content object, got ${describeValue(item)}`);
  switch (item.type) {
    case 'text':
      if (typeof item.text !== 'string') {
        throw new HarmonyRenderError(`${path}.text must be a string, got ${describeValue(item.text)}`);
      }
      return;
    case 'system_content': {
      for (const field of ['modelIdentity', 'conversationStartDate', 'knowledgeCutoff']) {
        assertOptionalString(item[field], `${path}.${field}`);
      }
      const effort = item.reasoningEffort;
      if (effort !== undefined && effort !== null && !REASONING_EFFORTS.has(effort)) {
        throw new HarmonyRenderError(
          `${path}.reasoningEffort must be 'low', 'medium' or 'high', got ${describeValue(effort)}`,
        );
      }
      const channels = item.channelConfig;
      if (
        channels !== undefined &&
        channels !== null &&
        (!isRecord(channels) ||
          !Array.isArray(channels.validChannels) ||
          !channels.validChannels.every((channel) => typeof channel === 'string') ||
          typeof channels.channelRequired !== 'boolean')
      ) {
        throw new HarmonyRenderError(
          `${path}.channelConfig must be { validChannels: string[], channelRequired: boolean }`,
        );
      }
      assertToolsMap(item.tools, path);
      return;
    }
    case 'developer_content':
      assertOptionalString(item.instructions, `${path}.instructions`);
      assertToolsMap(item.tools, path);
      return;
    default:
      throw new HarmonyRenderError(
        `unknown content type: ${describeValue(item.type)} in ${path} (expected 'text', 'system_content' or 'developer_content')`,
      );
  }
}

/**
 * Checks the shape of a message before rendering: a known role, string-or-null header fields, a content
 * array of known items with the right field types. Tool schemas (`parameters`) may be any JSON value.
 * @throws {@link HarmonyRenderError} naming the offending field (`unknown role: <x>`, `unknown content type: ...`).
 */
export function assertRenderableMessage(message: unknown, path = 'message'): asserts message is Message {
  if (!isRecord(message))
    throw new HarmonyRenderError(`${path} must be a Message object, got ${describeValue(message)}`);
  assertRole(message.role);
  assertOptionalString(message.name, `${path}.name`);
  assertOptionalString(message.recipient, `${path}.recipient`);
  assertOptionalString(message.channel, `${path}.channel`);
  assertOptionalString(message.contentType, `${path}.contentType`);
  if (!Array.isArray(message.content)) {
    throw new HarmonyRenderError(
      `${path}.content must be an array of content items, got ${describeValue(message.content)}`,
    );
  }
  for (const [index, item] of message.content.entries()) assertContentItem(item, `${path}.content[${index}]`);
}
