import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type BuiltinTool, createAgent, defineTool, type ToolContext } from '../src/index.js';
import {
  createScriptedBackend,
  scriptBuiltinCall,
  scriptFinal,
  scriptToolCall,
} from '../src/testing/index.js';

interface AppContext {
  readonly userId: string;
  readonly seen: unknown[];
}

const whoAmI = defineTool({
  name: 'who_am_i',
  description: 'The current user.',
  parameters: z.object({}),
  execute: (_, { context }: ToolContext<AppContext>) => {
    context.seen.push(context);
    return context.userId;
  },
});

const python: BuiltinTool = {
  kind: 'builtin',
  namespace: { name: 'python', description: 'Runs Python.', tools: [] },
  timeoutMs: undefined,
  execute: (_, { context }) => {
    (context as AppContext).seen.push(context);
    return 'ran';
  },
};

describe('the app context', () => {
  it('reaches every tool of the run as ctx.context, the same object, and is never saved', async () => {
    const backend = createScriptedBackend({
      steps: [
        { completion: scriptToolCall('who_am_i', {}) },
        { completion: scriptBuiltinCall('python', 'print(1)') },
        { completion: scriptFinal('You are u-42.') },
      ],
    });
    const agent = createAgent({ backend, tools: [whoAmI, python], currentDate: null });
    const context: AppContext = { userId: 'u-42', seen: [] };
    const result = await agent.run('Who am I?', { context });
    expect(context.seen).toHaveLength(2);
    expect(context.seen.every((seen) => seen === context)).toBe(true);
    expect(result.history.messages[2]).toMatchObject({ role: 'tool', content: [{ text: 'u-42' }] });
    expect(JSON.stringify(result.history)).not.toContain('seen');
    for (const request of backend.requests) expect(JSON.stringify(request)).not.toContain('seen');
  });

  it('is undefined for a run given none', async () => {
    let received: unknown = 'not called';
    const probe = defineTool({
      name: 'probe',
      description: 'Reports its context.',
      parameters: z.object({}),
      execute: (_, { context }) => {
        received = context;
        return 'ok';
      },
    });
    const backend = createScriptedBackend({
      steps: [{ completion: scriptToolCall('probe', {}) }, { completion: scriptFinal('Done.') }],
    });
    await createAgent({ backend, tools: [probe], currentDate: null }).run('Go');
    expect(received).toBeUndefined();
  });
});

describe('the app context of a resumed run', () => {
  it('reaches the approval policy and the approved tool', async () => {
    const seen: string[] = [];
    const refund = defineTool({
      name: 'refund',
      description: 'Refunds an order.',
      parameters: z.object({ order: z.string() }),
      needsApproval: (_, { context }: ToolContext<{ userId: string }>) => {
        seen.push(`policy:${context.userId}`);
        return true;
      },
      execute: ({ order }, { context }: ToolContext<{ userId: string }>) => {
        seen.push(`execute:${context.userId}`);
        return `refunded ${order}`;
      },
    });
    const backend = createScriptedBackend({
      steps: [
        { completion: scriptToolCall('refund', { order: 'o1' }) },
        { completion: scriptFinal('Refunded.') },
      ],
    });
    const agent = createAgent({ backend, tools: [refund], currentDate: null });
    const first = await agent.run('Refund o1', { context: { userId: 'asker' } });
    const [pending] = agent.pendingApprovals(first.history);
    const resumed = await agent.resume(
      first.history,
      { [pending!.callId]: { approved: true } },
      {
        context: { userId: 'approver' },
      },
    );
    expect(resumed.finalText).toBe('Refunded.');
    expect(seen).toEqual(['policy:asker', 'execute:approver']);
  });
});
