import { describe, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import { z as z3 } from 'zod/v3';
import { createScriptedBackend } from '../testing/scripted-backend.js';
import { defineTool } from '../tools/define-tool.js';
import type { ToolContext } from '../tools/types.js';
import { createAgent } from './agent.js';
import type { AgentRun, RunResult } from './agent-run.js';
import { Conversation } from './conversation.js';

const Report = z.object({
  location: z.string(),
  temperature: z.number(),
  unit: z.enum(['celsius', 'fahrenheit']).default('celsius'),
});
type Report = { location: string; temperature: number; unit: 'celsius' | 'fahrenheit' };

const backend = createScriptedBackend({ steps: [] });
const history = Conversation.empty();

describe('result.output is typed from the output schema', () => {
  it('in a run', async () => {
    const agent = createAgent({ backend });
    expectTypeOf(agent.run('Hi', { output: Report })).toEqualTypeOf<AgentRun<Report>>();
    expectTypeOf(agent.run('Hi')).toEqualTypeOf<AgentRun<undefined>>();
    const result = await agent.run('Hi', { output: Report });
    // Undefined for an interrupted run (tools waiting for approval): typed so until the status is checked.
    expectTypeOf(result.output).toEqualTypeOf<Report | undefined>();
    if (result.status === 'completed') expectTypeOf(result.output).toEqualTypeOf<Report>();
    else expectTypeOf(result.output).toEqualTypeOf<undefined>();
  });

  it('in a resumed run, as in a run', async () => {
    const agent = createAgent({ backend });
    const resumed = agent.resume(history, {}, { output: Report });
    expectTypeOf(resumed).toEqualTypeOf<AgentRun<Report>>();
    const result = await resumed;
    expectTypeOf(result.output).toEqualTypeOf<Report | undefined>();
    if (result.status === 'completed') expectTypeOf(result.output).toEqualTypeOf<Report>();
    expectTypeOf(agent.resume(history, {})).toEqualTypeOf<AgentRun<undefined>>();
    expectTypeOf(agent.resume(history, {}, { maxTokens: 10 })).toEqualTypeOf<AgentRun<undefined>>();
    expectTypeOf(
      agent.resume(history, {}, { output: z3.object({ items: z3.array(z3.string()) }) }),
    ).toEqualTypeOf<AgentRun<{ items: string[] }>>();
    const jsonSchema = { type: 'object', properties: {} } as const;
    expectTypeOf(agent.resume(history, {}, { output: jsonSchema })).toEqualTypeOf<AgentRun<unknown>>();
    // @ts-expect-error: history is given as an argument, not as an option.
    agent.resume(history, {}, { history });
  });

  it('in a resumed run of an agent whose tools need a context', async () => {
    const lookup = defineTool({
      name: 'lookup',
      description: 'Looks up the current user.',
      parameters: z.object({}),
      execute: (_, { context }: ToolContext<{ userId: string }>) => context.userId,
    });
    const agent = createAgent({ backend, tools: [lookup] });
    const result = await agent.resume(history, {}, { context: { userId: 'u1' }, output: Report });
    expectTypeOf(result).toEqualTypeOf<RunResult<Report>>();
    // @ts-expect-error: the context is still required.
    agent.resume(history, {}, { output: Report });
  });
});
