/**
 * A small pool over several servers: each backend it creates is assigned one server and one slot for its
 * whole life (so the slot's KV cache keeps its conversation), spread round-robin.
 */

import { ConfigurationError } from '@harmony-agents/core';
import type { Backend } from '@harmony-agents/core/backend';

/** One server of a pool. */
export interface PoolServer {
  /** The server's base URL. */
  readonly baseUrl: string;
  /**
   * How many requests it runs at once: llama-server's `--parallel`; for vLLM and SGLang, the batch size you
   * want each server to carry (they batch dynamically, so this only balances the assignment).
   * @defaultValue 1
   */
  readonly slots?: number;
}

/** Where a pooled backend runs. */
export interface PoolAssignment {
  /** The index of the server in `servers`. */
  readonly server: number;
  /** Its base URL. */
  readonly baseUrl: string;
  /** The slot on that server (0 to `slots` − 1). */
  readonly slot: number;
}

/** Options of {@link createServerPool}. */
export interface ServerPoolOptions<TBackend extends Backend> {
  /** The servers, at least one. */
  readonly servers: readonly PoolServer[];
  /**
   * Creates the backend of an assignment, e.g.
   * `({ baseUrl, slot }) => createLlamaServerBackend({ baseUrl, slot })`.
   */
  readonly createBackend: (assignment: PoolAssignment) => TBackend;
}

/** A pool of servers; see {@link createServerPool}. */
export interface ServerPool<TBackend extends Backend> {
  /**
   * A backend on the least-loaded server (ties: the next one round-robin) and its least-used slot. More
   * backends than slots share slots: their requests queue and they evict each other's KV cache.
   */
  createBackend(): TBackend;
  /** Frees the slot of a backend that is no longer used. Unknown backends are ignored. */
  release(backend: TBackend): void;
  /** Where each live backend runs. */
  assignmentOf(backend: TBackend): PoolAssignment | undefined;
}

/**
 * Creates a pool over several servers. The pool only assigns: it does not probe health, move a backend to
 * another server when one fails (its requests fail with a `BackendError`), or balance by actual load.
 *
 * @example
 * ```ts
 * const pool = createServerPool({
 *   servers: [{ baseUrl: 'http://10.0.0.1:8080', slots: 4 }, { baseUrl: 'http://10.0.0.2:8080', slots: 4 }],
 *   createBackend: ({ baseUrl, slot }) => createLlamaServerBackend({ baseUrl, slot }),
 * });
 * const agents = users.map(() => createAgent({ backend: pool.createBackend(), tools }));
 * ```
 * @throws {@link ConfigurationError} for an empty server list or a slot count that is not a positive integer.
 */
export function createServerPool<TBackend extends Backend>(
  options: ServerPoolOptions<TBackend>,
): ServerPool<TBackend> {
  if (options.servers.length === 0) throw new ConfigurationError('A server pool needs at least one server');
  const servers = options.servers.map((server) => {
    const slots = server.slots ?? 1;
    if (!Number.isInteger(slots) || slots < 1) {
      throw new ConfigurationError(`slots of ${server.baseUrl} must be a positive integer, got ${slots}`);
    }
    return { baseUrl: server.baseUrl, slotUse: new Array<number>(slots).fill(0), load: 0 };
  });
  const assignments = new Map<TBackend, PoolAssignment>();
  let next = 0;
  return {
    createBackend() {
      let chosen = next % servers.length;
      for (let offset = 0; offset < servers.length; offset++) {
        const index = (next + offset) % servers.length;
        const candidate = servers[index]!;
        const current = servers[chosen]!;
        if (candidate.load / candidate.slotUse.length < current.load / current.slotUse.length) chosen = index;
      }
      next = chosen + 1;
      const server = servers[chosen]!;
      const slot = server.slotUse.indexOf(Math.min(...server.slotUse));
      const assignment: PoolAssignment = { server: chosen, baseUrl: server.baseUrl, slot };
      const backend = options.createBackend(assignment);
      server.slotUse[slot]!++;
      server.load++;
      assignments.set(backend, assignment);
      return backend;
    },
    release(backend) {
      const assignment = assignments.get(backend);
      if (assignment === undefined) return;
      assignments.delete(backend);
      const server = servers[assignment.server]!;
      server.slotUse[assignment.slot]!--;
      server.load--;
    },
    assignmentOf: (backend) => assignments.get(backend),
  };
}
