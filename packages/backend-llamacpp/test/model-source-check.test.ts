/**
 * The bounded check before a download, against real HTTP servers on 127.0.0.1: refused connections, error
 * statuses, a stalled host, redirects, a Hugging Face manifest, and a DNS failure from an injected lookup.
 */

import type { LookupFunction } from 'node:net';
import { ModelDownloadError } from '@harmony-agents/core';
import { afterEach, describe, expect, it } from 'vitest';
import { parseModelSource } from '../src/model-source.js';
import { checkModelSource, networkFailureReason } from '../src/model-source-check.js';
import { type LoopbackModelHost, refusingEndpoint, startLoopbackModelHost } from './loopback-model-host.js';

const URI = 'hf:owner/repo/model.gguf';
let host: LoopbackModelHost | undefined;
afterEach(async () => {
  await host?.close();
  host = undefined;
});

async function failure(promise: Promise<unknown>): Promise<ModelDownloadError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(ModelDownloadError);
  return error as ModelDownloadError;
}

const options = { timeoutMs: 10_000, signal: undefined };

describe('checkModelSource', () => {
  it('passes when the file answers, following redirects, and asks for one byte only', async () => {
    host = await startLoopbackModelHost((request, response) => {
      if (request.url?.startsWith('/owner/')) {
        response.writeHead(302, { location: '/cdn/model.gguf' }).end();
      } else {
        response.writeHead(206, { 'content-range': 'bytes 0-0/100' }).end('G');
      }
    });
    const check = await checkModelSource(parseModelSource(URI, host.endpoint), options);
    expect(check.needsCredentials).toBeUndefined();
    expect(host.requests).toEqual(['/owner/repo/resolve/main/model.gguf?download=true', '/cdn/model.gguf']);
  });

  it('reports a refused connection as connection_refused, naming the host', async () => {
    const endpoint = await refusingEndpoint();
    const error = await failure(checkModelSource(parseModelSource(URI, endpoint), options));
    expect(error.reason).toBe('connection_refused');
    expect(error.uri).toBe(URI);
    expect(error.message).toContain(`${new URL(endpoint).host} refused the connection (ECONNREFUSED)`);
    expect(networkFailureReason(error.cause)).toBe('connection_refused');
  });

  it.each([404, 500, 503])('reports HTTP %i as http_status with the status', async (status) => {
    host = await startLoopbackModelHost((_request, response) => response.writeHead(status).end());
    const error = await failure(checkModelSource(parseModelSource(URI, host.endpoint), options));
    expect(error.reason).toBe('http_status');
    expect(error.status).toBe(status);
    expect(error.url).toBe(`${host.endpoint}owner/repo/resolve/main/model.gguf?download=true`);
    expect(error.message).toContain(`answered HTTP ${status}`);
  });

  it('reports a host that accepts but never answers as timeout', async () => {
    host = await startLoopbackModelHost(() => undefined);
    const error = await failure(
      checkModelSource(parseModelSource(URI, host.endpoint), { timeoutMs: 100, signal: undefined }),
    );
    expect(error.reason).toBe('timeout');
    expect(error.message).toMatch(/did not answer within 100 ms/);
  });

  it('reports a name that does not resolve as dns, without any DNS traffic (injected lookup)', async () => {
    const names: string[] = [];
    const lookup = ((hostname: string, _options: unknown, callback: (error: Error | null) => void) => {
      names.push(hostname);
      callback(
        Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND', hostname }),
      );
    }) as unknown as LookupFunction;
    const source = parseModelSource(URI, 'http://models.example.invalid/');
    const error = await failure(checkModelSource(source, { ...options, lookup }));
    expect(names).toEqual(['models.example.invalid']);
    expect(error.reason).toBe('dns');
    expect(error.message).toContain('the host name models.example.invalid could not be resolved (ENOTFOUND)');
  });

  it('rejects with the abort reason when aborted while the host stalls', async () => {
    const controller = new AbortController();
    host = await startLoopbackModelHost(() => controller.abort(new Error('stop')));
    const check = checkModelSource(parseModelSource(URI, host.endpoint), {
      timeoutMs: 60_000,
      signal: controller.signal,
    });
    await expect(check).rejects.toThrow('stop');
  });

  it('reads a repository manifest, then checks the file it names', async () => {
    host = await startLoopbackModelHost((request, response) => {
      if (request.url === '/v2/owner/model-GGUF/manifests/Q8_0') {
        expect(request.headers['user-agent']).toBe('llama-cpp');
        response.end(JSON.stringify({ ggufFile: { rfilename: 'model-Q8_0.gguf' } }));
      } else {
        response.writeHead(404).end();
      }
    });
    const error = await failure(
      checkModelSource(parseModelSource('hf:owner/model-GGUF:Q8_0', host.endpoint), options),
    );
    expect(error.reason).toBe('http_status');
    expect(error.url).toBe(`${host.endpoint}owner/model-GGUF/resolve/main/model-Q8_0.gguf?download=true`);
    expect(host.requests).toHaveLength(2);
  });

  it('reports a manifest without a GGUF file as invalid_response, and a missing tag as http_status 404', async () => {
    host = await startLoopbackModelHost((request, response) => {
      if (request.url?.endsWith('/latest')) response.end('{"ggufFile":null}');
      else response.writeHead(404).end();
    });
    const invalid = await failure(
      checkModelSource(parseModelSource('hf:owner/model', host.endpoint), options),
    );
    expect(invalid.reason).toBe('invalid_response');
    expect(invalid.message).toContain('the manifest names no GGUF file');
    const missing = await failure(
      checkModelSource(parseModelSource('hf:owner/model:Q2_K', host.endpoint), options),
    );
    expect(missing.status).toBe(404);
  });

  it('lets a request refused without credentials through, for node-llama-cpp to retry with its tokens', async () => {
    host = await startLoopbackModelHost((_request, response) => response.writeHead(401).end());
    const check = await checkModelSource(parseModelSource(URI, host.endpoint), options);
    expect(check.needsCredentials).toEqual({
      url: `${host.endpoint}owner/repo/resolve/main/model.gguf?download=true`,
      status: 401,
    });
  });

  it('reports a redirect loop as invalid_response', async () => {
    host = await startLoopbackModelHost((_request, response) =>
      response.writeHead(302, { location: '/' }).end(),
    );
    const error = await failure(checkModelSource(parseModelSource(URI, host.endpoint), options));
    expect(error.reason).toBe('invalid_response');
    expect(error.message).toContain('more than 5 redirects');
  });
});

describe('networkFailureReason', () => {
  it('classifies codes along the cause chain, and status errors', () => {
    const wrapped = (code: string) =>
      new TypeError('fetch failed', { cause: Object.assign(new Error(code), { code }) });
    expect(networkFailureReason(wrapped('EAI_AGAIN'))).toBe('dns');
    expect(networkFailureReason(wrapped('ECONNREFUSED'))).toBe('connection_refused');
    expect(networkFailureReason(wrapped('ENETUNREACH'))).toBe('unreachable');
    expect(networkFailureReason(wrapped('UND_ERR_CONNECT_TIMEOUT'))).toBe('timeout');
    expect(networkFailureReason(wrapped('CERT_HAS_EXPIRED'))).toBe('tls');
    expect(networkFailureReason(wrapped('UNABLE_TO_VERIFY_LEAF_SIGNATURE'))).toBe('tls');
    expect(networkFailureReason(wrapped('ECONNRESET'))).toBe('network');
    expect(networkFailureReason({ statusCode: 502 })).toBe('http_status');
    expect(networkFailureReason(new Error('No model file found'))).toBeUndefined();
  });
});
