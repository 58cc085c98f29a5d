import { AsyncLocalStorage } from 'node:async_hooks';
import { describe, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import type { AgentRun, RunScope, RunScopeWrapper } from '../index.js';
import { createAgent } from '../index.js';
import { createScriptedBackend } from '../testing/index.js';

describe('run scope types', () => {
  it('narrow by type', () => {
    const wrapper: RunScopeWrapper = (scope, execute) => {
      expectTypeOf(scope).toEqualTypeOf<RunScope>();
      expectTypeOf(execute).toEqualTypeOf<() => Promise<void>>();
      expectTypeOf(scope.runId).toEqualTypeOf<string>();
      if (scope.type === 'step') expectTypeOf(scope.step).toEqualTypeOf<number>();
      if (scope.type === 'tool') {
        expectTypeOf(scope.callId).toEqualTypeOf<string>();
        expectTypeOf(scope.toolName).toEqualTypeOf<string>();
      }
      // @ts-expect-error: only step and tool scopes have a step
      void scope.step;
      return execute();
    };
    expectTypeOf(wrapper).toBeFunction();
  });

  it('accept the usual scope runners as wrappers, and keep the run typed', () => {
    const storage = new AsyncLocalStorage<string>();
    const agent = createAgent({ backend: createScriptedBackend({ steps: [] }) });
    const run = agent
      .run('hi', { output: z.object({ celsius: z.number() }) })
      .wrap((scope, execute) => storage.run(scope.runId, execute))
      .wrap(async (_, execute) => {
        await execute();
      });
    expectTypeOf(run).toEqualTypeOf<AgentRun<{ celsius: number }>>();
    // @ts-expect-error: a wrapper gets the scope and execute, nothing else
    run.wrap((_scope: RunScope, _execute: () => Promise<void>, _extra: string) => undefined);
  });
});
