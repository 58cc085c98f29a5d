import { createScriptedBackend } from '@harmony-agents/core/testing';
import { describe, expect, it } from 'vitest';
import { createServerPool } from './server-pool.js';

const servers = [
  { baseUrl: 'http://a:8080', slots: 2 },
  { baseUrl: 'http://b:8080', slots: 1 },
];

describe('createServerPool', () => {
  it('spreads backends over the least-loaded server and its least-used slot, and frees released slots', () => {
    const pool = createServerPool({ servers, createBackend: () => createScriptedBackend({ steps: [] }) });
    const backends = Array.from({ length: 5 }, () => pool.createBackend());
    expect(backends.map((backend) => pool.assignmentOf(backend))).toEqual([
      { server: 0, baseUrl: 'http://a:8080', slot: 0 },
      { server: 1, baseUrl: 'http://b:8080', slot: 0 },
      { server: 0, baseUrl: 'http://a:8080', slot: 1 },
      // Both servers are full (load per slot 1): ties go round-robin, so slots are shared.
      { server: 1, baseUrl: 'http://b:8080', slot: 0 },
      { server: 0, baseUrl: 'http://a:8080', slot: 0 },
    ]);
    pool.release(backends[2]!);
    expect(pool.assignmentOf(backends[2]!)).toBeUndefined();
    expect(pool.assignmentOf(pool.createBackend())).toEqual({ server: 0, baseUrl: 'http://a:8080', slot: 1 });
  });

  it('rejects an empty server list and a slot count that is not a positive integer', () => {
    const createBackend = () => createScriptedBackend({ steps: [] });
    expect(() => createServerPool({ servers: [], createBackend })).toThrow(/at least one server/u);
    expect(() => createServerPool({ servers: [{ baseUrl: 'http://a', slots: 0 }], createBackend })).toThrow(
      /positive integer/u,
    );
  });
});
