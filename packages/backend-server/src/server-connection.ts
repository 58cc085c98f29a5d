/**
 * HTTP to an inference server: JSON requests and server-sent-event streams with connect, first-event and idle
 * timeouts, retries on connection failures before anything was received, cancellation through an
 * `AbortSignal`, and failures turned into typed `BackendError`s that quote the server's answer.
 */

import { BackendError } from '@harmony-agents/core';
import { quoteBody } from './quote-body.js';
import type { ResolvedServerBackendOptions } from './server-backend-options.js';
import { ServerEventParser } from './server-event-parser.js';

/** Thrown (internally) when the caller's signal ended a request; backends turn it into a `finish` of reason `abort`. */
export class RequestAborted {
  /** @param reason - the signal's reason. */
  constructor(readonly reason: unknown) {}
}

/** Why our own controller aborted a request. */
class TimedOut {
  constructor(
    readonly phase: 'connect' | 'first-event' | 'idle',
    readonly ms: number,
  ) {}
}

function describeCause(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown; message?: unknown } } | undefined)?.cause;
  const code = typeof cause?.code === 'string' ? cause.code : undefined;
  const message = typeof cause?.message === 'string' ? cause.message : String(error);
  return code === undefined ? message : `${code}: ${message}`;
}

const sleep = (ms: number, signal: AbortSignal | undefined) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted === true) {
      reject(new RequestAborted(signal.reason));
      return;
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(new RequestAborted(signal?.reason));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });

/** A request being sent: its own controller (linked to the caller's signal) and the timer that guards it. */
class GuardedRequest {
  readonly controller = new AbortController();
  #timer: ReturnType<typeof setTimeout> | undefined;
  readonly #signal: AbortSignal | undefined;
  readonly #onAbort = () => this.controller.abort(new RequestAborted(this.#signal?.reason));

  constructor(signal: AbortSignal | undefined) {
    this.#signal = signal;
    if (signal?.aborted === true) this.controller.abort(new RequestAborted(signal.reason));
    else signal?.addEventListener('abort', this.#onAbort, { once: true });
  }

  /** Aborts the request after `ms` unless re-armed or disarmed first (0 = never). */
  arm(phase: TimedOut['phase'], ms: number): void {
    this.disarm();
    if (ms > 0) this.#timer = setTimeout(() => this.controller.abort(new TimedOut(phase, ms)), ms);
  }

  disarm(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /** Ends the request (closing the connection stops the server's work) and releases the listeners. */
  close(): void {
    this.disarm();
    this.#signal?.removeEventListener('abort', this.#onAbort);
    if (!this.controller.signal.aborted) this.controller.abort(new RequestAborted('closed'));
  }

  /** The typed error for a failure of this request. */
  failure(error: unknown, what: string): unknown {
    const reason = this.controller.signal.reason;
    if (this.controller.signal.aborted && reason instanceof RequestAborted) return reason;
    if (this.controller.signal.aborted && reason instanceof TimedOut) {
      const during = {
        connect: 'to answer',
        'first-event': 'to send its first event',
        idle: 'to send its next event',
      }[reason.phase];
      return new BackendError(`${what}: the server took longer than ${reason.ms} ms ${during}`, {
        kind: 'timeout',
        cause: error,
      });
    }
    if (error instanceof BackendError) return error;
    return new BackendError(`${what}: the connection failed (${describeCause(error)})`, {
      kind: 'connection_failed',
      cause: error,
    });
  }
}

/** Whether a failure may be retried: nothing was received and the server was unreachable or not ready. */
function isRetryable(error: unknown): boolean {
  return (
    error instanceof BackendError &&
    (error.kind === 'connection_failed' ||
      (error.kind === 'timeout' && error.message.includes('to answer')) ||
      (error.kind === 'http_status' && error.status === 503))
  );
}

/** Sends requests to one server. */
export class ServerConnection {
  readonly #options: ResolvedServerBackendOptions;

  constructor(options: ResolvedServerBackendOptions) {
    this.#options = options;
  }

  /** The server's base URL, without a trailing slash. */
  get baseUrl(): string {
    return this.#options.baseUrl;
  }

  /**
   * POSTs (or GETs, without a body) JSON and returns the parsed answer, retrying connection failures.
   * @throws {@link BackendError} of kind `connection_failed`, `timeout`, `http_status` or `protocol_error`;
   * {@link RequestAborted} when the signal fired.
   */
  async json(path: string, body: unknown, signal: AbortSignal | undefined): Promise<unknown> {
    return this.#withRetries(signal, async () => {
      const request = new GuardedRequest(signal);
      const what = `${body === undefined ? 'GET' : 'POST'} ${this.#options.baseUrl}${path}`;
      try {
        request.arm('connect', this.#options.connectTimeoutMs);
        const response = await this.#send(path, body, request.controller.signal);
        await assertOk(response, what);
        const text = await response.text();
        try {
          return JSON.parse(text) as unknown;
        } catch (error) {
          throw new BackendError(`${what}: the answer is not JSON: ${quoteBody(text)}`, {
            kind: 'protocol_error',
            cause: error,
          });
        }
      } catch (error) {
        throw request.failure(error, what);
      } finally {
        request.close();
      }
    });
  }

  /**
   * POSTs JSON and yields the JSON of every server-sent event until `[DONE]` or the end of the stream. The
   * connection is retried while no event was received; the generator's `return()` closes the connection.
   * `headersWithFirstEvent`: the server sends its headers only with the first event (llama-server).
   * @throws {@link BackendError} as {@link ServerConnection.json}, and `protocol_error` for an event that is not JSON;
   * {@link RequestAborted} when the signal fired.
   */
  async *stream(
    path: string,
    body: unknown,
    signal: AbortSignal | undefined,
    headersWithFirstEvent = false,
  ): AsyncGenerator<unknown> {
    const what = `POST ${this.#options.baseUrl}${path}`;
    let attempt = 0;
    for (;;) {
      const request = new GuardedRequest(signal);
      let received = false;
      try {
        // llama-server answers a stream only once its first token is ready (after any queueing and the prompt's
        // evaluation), so its headers are under the first-token timeout.
        if (headersWithFirstEvent) request.arm('first-event', this.#options.firstTokenTimeoutMs);
        else request.arm('connect', this.#options.connectTimeoutMs);
        const response = await this.#send(path, body, request.controller.signal);
        await assertOk(response, what);
        if (response.body === null) {
          throw new BackendError(`${what}: the answer has no body`, { kind: 'protocol_error' });
        }
        request.arm('first-event', this.#options.firstTokenTimeoutMs);
        const parser = new ServerEventParser(what);
        const reader = response.body.getReader();
        try {
          for (;;) {
            // One network chunk at a time, and only when the consumer asks for more: back-pressure reaches the
            // server through TCP instead of piling up here.
            const { done, value } = await reader.read();
            for (const event of done ? parser.end() : parser.push(value)) {
              if (event === 'done') return;
              received = true;
              request.disarm();
              yield event;
              request.arm('idle', this.#options.idleTimeoutMs);
            }
            if (done) return;
          }
        } finally {
          reader.releaseLock();
        }
      } catch (error) {
        const failure = request.failure(error, what);
        if (!received && attempt < this.#options.retries && isRetryable(failure)) {
          request.close();
          await sleep(this.#options.retryDelayMs * 2 ** attempt, signal);
          attempt++;
          continue;
        }
        throw failure;
      } finally {
        request.close();
      }
    }
  }

  async #withRetries<T>(signal: AbortSignal | undefined, send: () => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await send();
      } catch (error) {
        if (attempt >= this.#options.retries || !isRetryable(error)) throw error;
        await sleep(this.#options.retryDelayMs * 2 ** attempt, signal);
      }
    }
  }

  #send(path: string, body: unknown, signal: AbortSignal): Promise<Response> {
    const init: RequestInit = {
      method: body === undefined ? 'GET' : 'POST',
      headers: {
        accept: 'application/json, text/event-stream',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...this.#options.headers,
      },
      signal,
    };
    if (body !== undefined) init.body = JSON.stringify(body);
    return this.#options.fetch(`${this.#options.baseUrl}${path}`, init);
  }
}

/** @throws {@link BackendError} `http_status` quoting the body, for a status other than 2xx. */
async function assertOk(response: Response, what: string): Promise<void> {
  if (response.ok) return;
  let body = '';
  try {
    body = await response.text();
  } catch {
    // The status says enough.
  }
  throw new BackendError(`${what}: HTTP ${response.status} ${response.statusText}: ${quoteBody(body)}`, {
    kind: 'http_status',
    status: response.status,
  });
}
