/**
 * Server-sent events (`text/event-stream`) as inference servers send them: `data:` lines holding JSON, events
 * separated by a blank line, `data: [DONE]` at the end (vLLM, SGLang; llama-server just closes the stream). An
 * event whose JSON has an `error` field is the server reporting a failure mid-stream.
 */

import { BackendError } from '@harmony-agents/core';
import { quoteBody } from './quote-body.js';

/** An event larger than this is not an inference server's: the stream is rejected instead of buffered. */
export const MAX_EVENT_BYTES = 16 * 1024 * 1024;

/** Splits a byte stream into the JSON payloads of its events. */
export class ServerEventParser {
  readonly #decoder = new TextDecoder();
  readonly #what: string;
  #buffer = '';

  /** @param what - names the request in error messages. */
  constructor(what: string) {
    this.#what = what;
  }

  /**
   * Feeds a chunk and returns the payloads of the events it completes (`'done'` for `[DONE]`).
   * @throws {@link BackendError} `protocol_error` for a payload that is not JSON or an oversized event;
   * `generation_failed` for an event reporting an error.
   */
  push(chunk: Uint8Array): (unknown | 'done')[] {
    this.#buffer += this.#decoder.decode(chunk, { stream: true });
    const events: (unknown | 'done')[] = [];
    for (;;) {
      const boundary = /\r?\n\r?\n/u.exec(this.#buffer);
      if (boundary === null) break;
      const block = this.#buffer.slice(0, boundary.index);
      this.#buffer = this.#buffer.slice(boundary.index + boundary[0].length);
      const event = this.#parse(block);
      if (event !== undefined) events.push(event);
    }
    if (this.#buffer.length > MAX_EVENT_BYTES) {
      throw new BackendError(`${this.#what}: an event exceeds ${MAX_EVENT_BYTES} bytes`, {
        kind: 'protocol_error',
      });
    }
    return events;
  }

  /**
   * Ends the stream and returns its last event if it was not followed by a blank line.
   * @throws {@link BackendError} `protocol_error` when the stream was cut inside an event.
   */
  end(): (unknown | 'done')[] {
    const rest = (this.#buffer + this.#decoder.decode()).trim();
    this.#buffer = '';
    const event = rest.length === 0 ? undefined : this.#parse(rest);
    return event === undefined ? [] : [event];
  }

  #parse(block: string): unknown | 'done' | undefined {
    const data = block
      .split(/\r?\n/u)
      .filter((line) => line.startsWith('data:'))
      .map((line) => line.slice(5).replace(/^ /u, ''))
      .join('\n');
    if (data.length === 0) return undefined;
    if (data.trim() === '[DONE]') return 'done';
    let payload: unknown;
    try {
      payload = JSON.parse(data);
    } catch (error) {
      throw new BackendError(`${this.#what}: an event is not JSON: ${quoteBody(data)}`, {
        kind: 'protocol_error',
        cause: error,
      });
    }
    if (typeof payload === 'object' && payload !== null && 'error' in payload) {
      throw new BackendError(
        `${this.#what}: the server reported an error: ${quoteBody(JSON.stringify(payload))}`,
        {
          kind: 'generation_failed',
        },
      );
    }
    return payload;
  }
}
