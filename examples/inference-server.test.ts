import { getTinyGptOssModel } from '@harmony-agents/backend-llamacpp/test-models';
import { startLlamaServer } from '@harmony-agents/backend-server/testing';
import { describe, expect, it } from 'vitest';
import {
  createPooledBackends,
  createScriptedWeatherBackend,
  createServerBackend,
  main,
} from './inference-server.js';

describe('examples/inference-server', () => {
  it('answers the weather question through a real llama-server, reusing its cache', {
    timeout: 300_000,
  }, async () => {
    const server = await startLlamaServer({ model: (await getTinyGptOssModel()).path });
    try {
      let printed = '';
      const answer = await main(createScriptedWeatherBackend(server.baseUrl), (text) => {
        printed += text;
      });
      expect(answer).toBe('It is currently 64°F in San Francisco, CA, where john123 is.');
      expect(printed).toMatch(/^step 1: \d+ prompt tokens, 0 from the server's cache\n/u);
      expect(printed).toMatch(/step 3: \d+ prompt tokens, [1-9]\d* from the server's cache\n/u);
    } finally {
      await server.close();
    }
  });

  it('creates the backend of each server kind and spreads pooled agents over the servers', () => {
    expect(createServerBackend({ kind: 'llama-server', baseUrl: 'http://127.0.0.1:1' }).backendId).toBe(
      'llama-server',
    );
    expect(createServerBackend({ kind: 'vllm', baseUrl: 'http://127.0.0.1:1' }).backendId).toBe('vllm');
    expect(createServerBackend({ kind: 'sglang', baseUrl: 'http://127.0.0.1:1' }).backendId).toBe('sglang');
    const backends = createPooledBackends(['http://10.0.0.1:8080', 'http://10.0.0.2:8080'], 6);
    expect(backends.map((backend) => (backend as unknown as { baseUrl: string }).baseUrl)).toEqual([
      'http://10.0.0.1:8080',
      'http://10.0.0.2:8080',
      'http://10.0.0.1:8080',
      'http://10.0.0.2:8080',
      'http://10.0.0.1:8080',
      'http://10.0.0.2:8080',
    ]);
  });
});
