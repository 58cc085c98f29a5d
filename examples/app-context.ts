/**
 * App context: give each run your application's own data (the signed-in user, a database handle) and
 * every tool receives it as `context.context`, typed. The model never sees it and it is never saved.
 *
 * - a tool declares the context it needs in its `execute` signature (`ToolContext<AppContext>`);
 * - `createAgent` infers the agent's context type from its tools, and `run` then requires it;
 * - one agent serves many users: each run gets its own context.
 *
 * Run: `node --conditions=@harmony-agents/source --import tsx examples/app-context.ts`
 * (set `HARMONY_AGENTS_GPT_OSS_GGUF` to a gpt-oss GGUF to use a real model instead of scripted model steps).
 */
import { pathToFileURL } from 'node:url';
import { type Backend, createAgent, defineTool, type ToolContext } from '@harmony-agents/core';
import { scriptFinal, scriptToolCall } from '@harmony-agents/core/testing';
import { z } from 'zod';
import { createExampleBackend } from './example-backend.js';

/** What the application gives each run. */
interface AppContext {
  readonly userId: string;
  readonly orders: ReadonlyMap<string, readonly string[]>;
}

/** Reads the orders of the signed-in user: the user comes from the app, never from the model. */
export const listMyOrders = defineTool({
  name: 'list_my_orders',
  description: "Lists the signed-in user's orders.",
  parameters: z.object({ status: z.enum(['open', 'all']).default('all') }),
  execute: ({ status }, { context }: ToolContext<AppContext>) => {
    const orders = context.orders.get(context.userId) ?? [];
    return { user: context.userId, status, orders };
  },
});

/** What the scripted model writes for each of the two users. */
export const SCRIPTED_APP_CONTEXT_COMPLETIONS = [
  scriptToolCall('list_my_orders', {}),
  scriptFinal('You have one order: a teapot.'),
  scriptToolCall('list_my_orders', {}),
  scriptFinal('You have two orders: a kettle and cups.'),
];

/** Asks the same question for two users with one agent; returns the answers. */
export async function main(
  backend?: Backend,
  write: (line: string) => void = (line) => console.log(line),
): Promise<string[]> {
  const example =
    backend === undefined ? await createExampleBackend(SCRIPTED_APP_CONTEXT_COMPLETIONS) : undefined;
  try {
    const orders = new Map([
      ['ada', ['teapot']],
      ['grace', ['kettle', 'cups']],
    ]);
    const agent = createAgent({ backend: backend ?? example!.backend, tools: [listMyOrders] });
    const answers: string[] = [];
    for (const userId of ['ada', 'grace']) {
      const result = await agent.run('What did I order?', { context: { userId, orders } });
      write(`${userId}: ${result.finalText}`);
      answers.push(result.finalText);
    }
    return answers;
  } finally {
    await example?.dispose();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
