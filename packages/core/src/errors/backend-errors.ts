/**
 * Errors of backends and model downloads.
 */

import { brandErrorClasses } from '../error-brand.js';
import { HarmonyAgentsError, type HarmonyAgentsErrorOptions } from './harmony-agents-error.js';

/**
 * Kinds of backend failure. The last four come from backends that talk to an inference server:
 * - `connection_failed`: the server could not be reached, or the connection broke (refused, reset, DNS);
 * - `timeout`: the server did not answer, or stopped streaming, within the configured time;
 * - `http_status`: the server answered with an error status (`status`; its body is quoted in the message);
 * - `protocol_error`: the server's answer could not be understood (not JSON, missing fields, ids out of range).
 */
export type BackendErrorKind =
  | 'model_not_found'
  | 'model_invalid'
  | 'model_not_gpt_oss'
  | 'context_overflow'
  | 'invalid_prompt'
  | 'generation_failed'
  | 'unsupported'
  | 'disposed'
  | 'connection_failed'
  | 'timeout'
  | 'http_status'
  | 'protocol_error';

/** The inference backend failed. `kind` says how. */
export class BackendError extends HarmonyAgentsError {
  /** The class name, `BackendError`. */
  override readonly name = 'BackendError';
  readonly code = 'backend_error';
  readonly source = 'backend';
  /** What went wrong. */
  readonly kind: BackendErrorKind;
  /** The HTTP status of a `http_status` error; undefined otherwise. */
  readonly status: number | undefined;
  constructor(
    message: string,
    options: HarmonyAgentsErrorOptions & { kind: BackendErrorKind; status?: number },
  ) {
    super(message, options);
    this.kind = options.kind;
    this.status = options.status;
  }
}

/**
 * Why a model could not be downloaded: see {@link ModelDownloadError}.
 * - `dns`: the host name did not resolve;
 * - `connection_refused`: nothing listens at the host's port;
 * - `unreachable`: no route to the host or its network;
 * - `timeout`: no answer within the time allowed;
 * - `tls`: the TLS handshake or the certificate failed;
 * - `http_status`: the server answered with an error status (`status`);
 * - `invalid_response`: the server's answer could not be used (a manifest without a GGUF file, a bad redirect);
 * - `network`: another network failure (a connection reset, ...).
 */
export type ModelDownloadErrorReason =
  | 'dns'
  | 'connection_refused'
  | 'unreachable'
  | 'timeout'
  | 'tls'
  | 'http_status'
  | 'invalid_response'
  | 'network';

/**
 * A model URI (`hf:...`, `https://...`) could not be resolved or downloaded: the host is unknown, refuses
 * connections or does not answer, or the server answered with an error status. The message names the host
 * and the cause; the underlying error, if any, is the `cause`.
 */
export class ModelDownloadError extends HarmonyAgentsError {
  /** The class name, `ModelDownloadError`. */
  override readonly name = 'ModelDownloadError';
  readonly code = 'model_download_failed';
  readonly source = 'backend';
  /** The model URI as given. */
  readonly uri: string;
  /** The URL that failed, when the failure belongs to one request. */
  readonly url: string | undefined;
  /** What went wrong. */
  readonly reason: ModelDownloadErrorReason;
  /** The HTTP status, for reason `http_status`. */
  readonly status: number | undefined;
  constructor(
    message: string,
    options: HarmonyAgentsErrorOptions & {
      uri: string;
      reason: ModelDownloadErrorReason;
      url?: string;
      status?: number;
    },
  ) {
    super(message, options);
    this.uri = options.uri;
    this.reason = options.reason;
    this.url = options.url;
    this.status = options.status;
  }
}

brandErrorClasses({
  BackendError,
  ModelDownloadError,
});
