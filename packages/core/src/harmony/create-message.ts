/**
 * A small builder for {@link Message} objects.
 */

import { assertRole } from './message-validation.js';
import type { Content, Message, Role } from './types.js';

/** Header fields of {@link createMessage}; each is left out of the message when absent or `null`. */
export interface CreateMessageOptions {
  /**
   * The author's name; required for `tool` messages (e.g. `functions.get_weather`).
   * @defaultValue none
   */
  readonly name?: string | null;
  /**
   * Who the message is addressed to (`functions.get_weather`, `assistant`, ...).
   * @defaultValue none
   */
  readonly recipient?: string | null;
  /**
   * The channel (`analysis`, `commentary`, `final`).
   * @defaultValue none
   */
  readonly channel?: string | null;
  /**
   * The content type, e.g. `<|constrain|>json` for a tool call.
   * @defaultValue none
   */
  readonly contentType?: string | null;
}

/**
 * Creates a message. A string becomes one text item; one content object or a list of them is used as is.
 *
 * @throws {@link HarmonyRenderError} `unknown role: <role>` for a role that is not a Harmony role.
 * @example
 * ```ts
 * createMessage('user', 'What is the weather in Paris?');
 * createMessage('assistant', '{"city":"Paris"}', {
 *   channel: 'commentary', recipient: 'functions.get_weather', contentType: '<|constrain|>json',
 * });
 * createMessage('tool', '{"temperature":21}', { name: 'functions.get_weather', recipient: 'assistant', channel: 'commentary' });
 * ```
 */
export function createMessage(
  role: Role,
  content: string | Content | readonly Content[],
  options: CreateMessageOptions = {},
): Message {
  assertRole(role);
  let items: readonly Content[];
  if (typeof content === 'string') items = [{ type: 'text', text: content }];
  else if (Array.isArray(content)) items = [...(content as readonly Content[])];
  else items = [content as Content];
  const { name, recipient, channel, contentType } = options;
  return {
    role,
    ...(name === undefined || name === null ? {} : { name }),
    ...(recipient === undefined || recipient === null ? {} : { recipient }),
    ...(channel === undefined || channel === null ? {} : { channel }),
    ...(contentType === undefined || contentType === null ? {} : { contentType }),
    content: items,
  };
}
