import { describe, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import { createScriptedBackend } from '../testing/scripted-backend.js';
import { defineTool } from '../tools/define-tool.js';
import type { FunctionTool, ToolContext } from '../tools/types.js';
import { type Agent, createAgent } from './agent.js';
import { Conversation } from './conversation.js';

interface AppContext {
  readonly userId: string;
  readonly db: { find(id: string): string };
}

const backend = createScriptedBackend({ steps: [] });

const lookup = defineTool({
  name: 'lookup',
  description: 'Looks up the current user.',
  parameters: z.object({ field: z.string() }),
  execute: ({ field }, { context, signal }: ToolContext<AppContext>) => {
    expectTypeOf(context).toEqualTypeOf<AppContext>();
    expectTypeOf(signal).toEqualTypeOf<AbortSignal>();
    return context.db.find(`${context.userId}.${field}`);
  },
});

const plain = defineTool({
  name: 'plain',
  description: 'Needs no context.',
  parameters: z.object({}),
  execute: (_, context) => {
    expectTypeOf(context.context).toEqualTypeOf<unknown>();
    return 'ok';
  },
});

describe('the app context type flows from tools to run', () => {
  it('is inferred by defineTool from the annotated execute parameter, arguments still inferred', () => {
    expectTypeOf(lookup).toEqualTypeOf<FunctionTool<{ field: string }, string, AppContext>>();
    expectTypeOf(plain).toEqualTypeOf<FunctionTool<Record<string, never>, string, unknown>>();
  });

  it('is inferred by createAgent from its tools, tools without a context mixed in', () => {
    const agent = createAgent({ backend, tools: [plain, lookup] });
    expectTypeOf(agent).toEqualTypeOf<Agent<AppContext>>();
    const context: AppContext = { userId: 'u1', db: { find: (id) => id } };
    agent.run('Hi', { context });
    agent.run('Hi', { context, maxTokens: 10 });
    // @ts-expect-error: the tools need a context.
    agent.run('Hi');
    // @ts-expect-error: the context must be given.
    agent.run('Hi', { maxTokens: 10 });
    // @ts-expect-error: the context must have the tools' type.
    agent.run('Hi', { context: { userId: 7 } });
    const history = Conversation.empty();
    agent.resume(history, {}, { context });
    // @ts-expect-error: a resumed run needs the context too.
    agent.resume(history, {});
  });

  it('is optional for an agent whose tools need none', () => {
    const agent = createAgent({ backend, tools: [plain] });
    expectTypeOf(agent).toEqualTypeOf<Agent<unknown>>();
    agent.run('Hi');
    agent.run('Hi', { context: 'anything' });
    createAgent({ backend }).run('Hi');
  });

  it('can be declared on the agent', () => {
    const agent = createAgent<AppContext | undefined>({ backend, tools: [plain] });
    agent.run('Hi');
    // @ts-expect-error: not an AppContext.
    agent.run('Hi', { context: 'x' });
    // @ts-expect-error: a tool that needs an AppContext cannot serve an agent whose context may be missing.
    createAgent<AppContext | undefined>({ backend, tools: [lookup] });
  });

  it('an agent with a context is still an Agent', () => {
    expectTypeOf(createAgent({ backend, tools: [lookup] })).toExtend<Agent>();
  });
});
