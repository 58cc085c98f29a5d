/**
 * Follows the Harmony structure of a token stream closely enough to know, when a message body starts, whom
 * the message is addressed to and on which channel. The backend uses it to switch to a tool's argument grammar
 * right after the model writes `... to=functions.x <|constrain|>json<|message|>`, and to the answer's grammar
 * after `<|channel|>final<|message|>`.
 */

import { HARMONY_TOKENS } from '../harmony/special-tokens.js';

/** A message header, as far as argument constraining needs it. */
export interface HarmonyHeader {
  /** The channel (`final`, `analysis`, ...), undefined when the header has none. */
  readonly channel: string | undefined;
  /** The recipient (`to=...`), written in role or channel position; undefined when absent. */
  readonly recipient: string | undefined;
  /** The content type: `<|constrain|>json`, or a bare word after the recipient such as `json`; undefined when absent. */
  readonly contentType: string | undefined;
}

type TrackerState =
  | { readonly type: 'header'; readonly tokens: number[] }
  | { readonly type: 'body'; readonly header: HarmonyHeader }
  | { readonly type: 'between-messages' };

const RECIPIENT = /^to=([^\s<]+)/u;

/**
 * Tracks headers over token ids. Feed it the prompt's tail with {@link HarmonyHeaderTracker.startingAfter},
 * then each generated token with {@link HarmonyHeaderTracker.push}.
 */
export class HarmonyHeaderTracker {
  readonly #decode: (tokens: readonly number[]) => string;
  #state: TrackerState = { type: 'between-messages' };
  #bodyJustStarted = false;

  /** @param decode - decodes ordinary tokens to text (special tokens are handled by id). */
  constructor(decode: (tokens: readonly number[]) => string) {
    this.#decode = decode;
  }

  /**
   * A tracker positioned at the end of `promptTokens`: normally inside the header that `<|start|>assistant`
   * opens; inside a body when the prompt ends after `<|message|>`.
   */
  static startingAfter(
    promptTokens: readonly number[],
    decode: (tokens: readonly number[]) => string,
  ): HarmonyHeaderTracker {
    const tracker = new HarmonyHeaderTracker(decode);
    const start = promptTokens.lastIndexOf(HARMONY_TOKENS.start);
    if (start >= 0)
      for (let index = start; index < promptTokens.length; index++) tracker.push(promptTokens[index]!);
    return tracker;
  }

  /** The header of the message being written, once its `<|message|>` was seen. */
  get currentHeader(): HarmonyHeader | undefined {
    return this.#state.type === 'body' ? this.#state.header : undefined;
  }

  /** Whether the last token pushed was the `<|message|>` that ends a header. */
  get atBodyStart(): boolean {
    return this.#bodyJustStarted;
  }

  /** Advances over one token. Returns the header when this token was the `<|message|>` that ends it. */
  push(token: number): HarmonyHeader | undefined {
    this.#bodyJustStarted = false;
    const state = this.#state;
    if (token === HARMONY_TOKENS.start) {
      this.#state = { type: 'header', tokens: [] };
      return undefined;
    }
    if (token === HARMONY_TOKENS.end || token === HARMONY_TOKENS.call || token === HARMONY_TOKENS.return) {
      this.#state = { type: 'between-messages' };
      return undefined;
    }
    if (state.type !== 'header') return undefined;
    if (token !== HARMONY_TOKENS.message) {
      state.tokens.push(token);
      return undefined;
    }
    const header = this.#parse(state.tokens);
    this.#state = { type: 'body', header };
    this.#bodyJustStarted = true;
    return header;
  }

  #parse(tokens: readonly number[]): HarmonyHeader {
    // Split the header at <|channel|> and <|constrain|>: role part, channel part, constraint part.
    const parts: { role: number[]; channel: number[]; constraint: number[] | undefined } = {
      role: [],
      channel: [],
      constraint: undefined,
    };
    let current = parts.role;
    for (const token of tokens) {
      if (token === HARMONY_TOKENS.channel) current = parts.channel;
      else if (token === HARMONY_TOKENS.constrain) {
        parts.constraint = [];
        current = parts.constraint;
      } else current.push(token);
    }
    const roleWords = this.#decode(parts.role).trim().split(/\s+/u).slice(1);
    const channelText = this.#decode(parts.channel).trim().split(/\s+/u);
    const channel = channelText[0] === '' || channelText[0] === undefined ? undefined : channelText[0];
    const channelWords = channelText.slice(1);
    const words = [...roleWords, ...channelWords].filter((word) => word.length > 0);
    const recipientWord = words.find((word) => RECIPIENT.test(word));
    const recipient = recipientWord === undefined ? undefined : RECIPIENT.exec(recipientWord)?.[1];
    let contentType: string | undefined;
    if (parts.constraint !== undefined) contentType = `<|constrain|>${this.#decode(parts.constraint).trim()}`;
    else contentType = words.find((word) => !RECIPIENT.test(word));
    return { channel, recipient, contentType };
  }
}
