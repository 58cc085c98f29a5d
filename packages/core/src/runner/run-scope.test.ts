import { describe, expect, it } from 'vitest';
import { RunScopeError } from '../errors.js';
import { type RunScope, type RunScopeWrapper, runInScope } from './run-scope.js';

const scope: RunScope = {
  type: 'tool',
  runId: 'run_1',
  step: 1,
  callId: 'call_1',
  toolName: 'echo',
  recipient: 'functions.echo',
};

/** A part of a run that counts its executions. */
function countedWork<T>(value: T) {
  const work = async () => {
    work.runs++;
    await new Promise((resolve) => setTimeout(resolve, 1));
    return value;
  };
  work.runs = 0;
  return work;
}

async function misuseOf(promise: Promise<unknown>): Promise<RunScopeError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(RunScopeError);
  return error as RunScopeError;
}

describe('run scopes', () => {
  it('runs the part directly without wrappers', async () => {
    const work = countedWork('result');
    await expect(runInScope([], scope, work)).resolves.toBe('result');
    expect(work.runs).toBe(1);
  });

  it('nests wrappers, the first registered outermost, and gives each the scope', async () => {
    const log: string[] = [];
    const wrapper =
      (name: string): RunScopeWrapper =>
      async (given, execute) => {
        expect(given).toBe(scope);
        log.push(`${name} in`);
        await execute();
        log.push(`${name} out`);
      };
    const result = await runInScope([wrapper('a'), wrapper('b')], scope, async () => {
      log.push('work');
      return 42;
    });
    expect(result).toBe(42);
    expect(log).toEqual(['a in', 'b in', 'work', 'b out', 'a out']);
  });

  it("starts the part synchronously inside the wrapper's execute call", async () => {
    let inside = false;
    let sawInside: boolean | undefined;
    await runInScope(
      [
        (_, execute) => {
          inside = true;
          const done = execute();
          inside = false;
          return done;
        },
      ],
      scope,
      async () => {
        sawInside = inside;
      },
    );
    expect(sawInside).toBe(true);
  });

  it("returns the part's result, whatever the wrapper resolves to, and waits for a part it did not await", async () => {
    const work = countedWork('result');
    const wrappers: RunScopeWrapper[] = [
      (_, execute) => {
        void execute();
        return 'ignored';
      },
    ];
    await expect(runInScope(wrappers, scope, work)).resolves.toBe('result');
    expect(work.runs).toBe(1);
  });

  it("rejects with the part's own error, rethrown or swallowed by the wrapper", async () => {
    const thrown = new Error('disk on fire');
    const failing = async () => {
      throw thrown;
    };
    await expect(runInScope([(_, execute) => execute()], scope, failing)).rejects.toBe(thrown);
    const swallowing: RunScopeWrapper = async (_, execute) => {
      await execute().catch(() => undefined);
    };
    await expect(runInScope([swallowing], scope, failing)).rejects.toBe(thrown);
    // A non-error value too, and a part that throws synchronously.
    await expect(
      runInScope([(_, execute) => execute()], scope, () => {
        throw null;
      }),
    ).rejects.toBeNull();
  });

  it('fails with not_called when the wrapper returns without calling execute, and never runs the part', async () => {
    const work = countedWork('result');
    const error = await misuseOf(runInScope([() => undefined], scope, work));
    expect(error).toMatchObject({ code: 'invalid_run_scope', source: 'user', reason: 'not_called', scope });
    expect(error.message).toBe(
      'A run scope wrapper returned without calling execute (run run_1, tool call call_1 to echo)',
    );
    expect(work.runs).toBe(0);
  });

  it('fails with not_called when execute is called after the wrapper returned, and never runs the part', async () => {
    const work = countedWork('result');
    let late: Promise<void> | undefined;
    let resolveLate: () => void = () => undefined;
    const lateCalled = new Promise<void>((resolve) => {
      resolveLate = resolve;
    });
    const error = await misuseOf(
      runInScope(
        [
          (_, execute) => {
            setTimeout(() => {
              late = execute();
              resolveLate();
            }, 1);
          },
        ],
        scope,
        work,
      ),
    );
    expect(error.reason).toBe('not_called');
    await lateCalled;
    const lateError = await misuseOf(late!);
    expect(lateError.reason).toBe('not_called');
    expect(lateError.message).toContain('called execute after it returned');
    expect(work.runs).toBe(0);
  });

  it('fails with called_twice when execute is called twice, running the part once', async () => {
    const work = countedWork('result');
    let second: unknown;
    const error = await misuseOf(
      runInScope(
        [
          async (_, execute) => {
            await execute();
            second = await execute().catch((caught: unknown) => caught);
          },
        ],
        scope,
        work,
      ),
    );
    expect(error.reason).toBe('called_twice');
    expect(second).toBeInstanceOf(RunScopeError);
    expect((second as RunScopeError).reason).toBe('called_twice');
    expect(work.runs).toBe(1);
  });

  it('fails with wrapper_failed, the thrown value as cause, when the wrapper throws on its own', async () => {
    const thrown = new Error('exporter down');
    const before = await misuseOf(
      runInScope(
        [
          () => {
            throw thrown;
          },
        ],
        scope,
        countedWork('result'),
      ),
    );
    expect(before).toMatchObject({ reason: 'wrapper_failed', cause: thrown });
    expect(before.message).toContain('threw before calling execute');

    const work = countedWork('result');
    const after = await misuseOf(
      runInScope(
        [
          async (_, execute) => {
            await execute();
            throw thrown;
          },
        ],
        scope,
        work,
      ),
    );
    expect(after).toMatchObject({ reason: 'wrapper_failed', cause: thrown });
    expect(after.message).toContain('threw after execute succeeded');
    expect(work.runs).toBe(1);
  });

  it('leaves no unhandled rejection when a wrapper ignores what execute returns', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const failing = async () => {
        throw new Error('ignored by the wrapper');
      };
      await expect(
        runInScope(
          [
            (_, execute) => {
              void execute();
              void execute();
            },
          ],
          scope,
          failing,
        ),
      ).rejects.toBeInstanceOf(RunScopeError);
      await new Promise((resolve) => setTimeout(resolve, 5));
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
    expect(unhandled).toEqual([]);
  });
});
