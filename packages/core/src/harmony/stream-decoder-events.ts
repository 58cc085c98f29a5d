/**
 * The events and options of `HarmonyStreamDecoder`.
 */

import type { HarmonyParseError } from '../errors.js';
import type { Message, Role } from './types.js';

/** Options of `HarmonyStreamDecoder`. */
export interface HarmonyStreamDecoderOptions {
  /**
   * The role the prompt already opened (it ended with `<|start|>assistant`): the first sampled tokens
   * are that message's header. `null`: the output starts with `<|start|>`. This role is also given
   * to messages whose header names none.
   * @defaultValue `'assistant'`
   */
  readonly role?: Role | null;
}

/** How a message began in the sampled stream. */
export type MessageOpening =
  /** The first message of a decoder created with a role: `<|start|>role` was in the prompt. */
  | 'prompt'
  /** A `<|start|>` token (not part of `tokens`) opened it. */
  | 'start'
  /** Nothing did: the decoder split it off (a `<|channel|>` in content, text after `<|end|>`). */
  | 'none';

/**
 * What `HarmonyStreamDecoder` reports. Per message: `message-start`, `content-delta`s, then
 * `message-end`; `parse-error`s come before the event they explain.
 */
export type StreamDecoderEvent =
  | {
      /** A message header is complete; its content streams next. */
      readonly type: 'message-start';
      /** The author's role. */
      readonly role: Role;
      /** The author's name, for tool authors (a model imitating a tool result). */
      readonly name: string | null;
      /** The channel, e.g. `analysis`. */
      readonly channel: string | null;
      /** The recipient, e.g. `functions.get_weather`. */
      readonly recipient: string | null;
      /** The content type, e.g. `<|constrain|>json`. */
      readonly contentType: string | null;
    }
  | {
      /** Text decoded from the latest content token (UTF-8 safe: never half a character). */
      readonly type: 'content-delta';
      /** The text. */
      readonly delta: string;
      /** The channel of the message being streamed. */
      readonly channel: string | null;
      /** The recipient of the message being streamed. */
      readonly recipient: string | null;
    }
  | {
      /** A message ended. */
      readonly type: 'message-end';
      /** The message (`content` is one text item; `name` only for tool authors). */
      readonly message: Message;
      /**
       * The exact ids sampled for this message: from the token after its `<|start|>` (for an
       * `opening` of `'prompt'`, from the first sampled token) through its terminator, if any.
       */
      readonly tokens: readonly number[];
      /** `<|end|>`, `<|call|>`, `<|return|>` or `<|endoftext|>`; `null` when the message was cut off. */
      readonly terminator: number | null;
      /**
       * `true` when the message is well-formed: ended by `<|end|>`, `<|call|>` or `<|return|>` and read
       * without recovery, so openai-harmony's strict parser reads the opening plus `tokens` as exactly
       * `message`. `false` when it was cut off, ended by `<|endoftext|>`, recovered, or opened by nothing.
       */
      readonly complete: boolean;
      /** How the message began; see {@link MessageOpening}. */
      readonly opening: MessageOpening;
    }
  | {
      /** The output was malformed. */
      readonly type: 'parse-error';
      /** What was wrong; openai-harmony's text when its strict parser fails the same way. */
      readonly error: HarmonyParseError;
      /**
       * `true`: a message was recovered and follows (or just ended); `tokens` are its tokens read so far,
       * also reported by its `message-end`. `false`: `tokens` were dropped and appear in no other event.
       */
      readonly recovered: boolean;
      /** The tokens concerned (see `recovered`). */
      readonly tokens: readonly number[];
    };
