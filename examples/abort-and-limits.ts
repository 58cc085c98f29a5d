/**
 * Stopping runs: cancel with an `AbortSignal`, bound the work with `maxToolRounds`, tool timeouts and a
 * token budget, turn tool failures into thrown errors with `onToolError`, and handle every failure by
 * error class or by its stable `code`.
 *
 * Each scenario scripts the model's turns, since the point is what the runner does, not what a model
 * says. Run: `node --conditions=@harmony-agents/source --import tsx examples/abort-and-limits.ts`
 */
import { pathToFileURL } from 'node:url';
import {
  type Backend,
  createAgent,
  defineTool,
  isHarmonyAgentsError,
  type Message,
  RunAbortedError,
  ToolArgumentsError,
} from '@harmony-agents/core';
import { createScriptedBackend, scriptFinal, scriptToolCall } from '@harmony-agents/core/testing';
import { z } from 'zod';

/** A tool that answers at once. */
const lookUpOrder = defineTool({
  name: 'look_up_order',
  description: 'Gets the status of an order.',
  parameters: z.object({ order_id: z.string() }),
  execute: ({ order_id }) => ({ order_id, status: 'shipped' }),
});

/** A tool that never finishes unless cancelled: it honours `context.signal`, as every tool should. */
const waitForWarehouse = defineTool({
  name: 'wait_for_warehouse',
  description: 'Waits until the warehouse confirms an order.',
  parameters: z.object({ order_id: z.string() }),
  timeoutMs: 20,
  execute: (_, { signal }) =>
    new Promise<never>((_, reject) => signal.addEventListener('abort', () => reject(signal.reason))),
});

const tools = [lookUpOrder, waitForWarehouse];

/** The scripted model steps of the five scenarios, in order. */
export const SCRIPTED_LIMITS_COMPLETIONS: readonly string[] = [
  // 1. abort while a tool runs, then continue the conversation
  scriptToolCall('look_up_order', { order_id: 'A-1' }, { analysis: 'Look the order up.' }),
  scriptFinal('No problem, ask me any time.'),
  // 2. a tool times out; the model is told and answers anyway
  scriptToolCall('wait_for_warehouse', { order_id: 'A-1' }),
  scriptFinal('The warehouse did not answer in time; please try again later.'),
  // 3. invalid arguments, configured to throw
  scriptToolCall('look_up_order', { order_id: 42 }),
  // 4. more tool rounds than allowed
  scriptToolCall('look_up_order', { order_id: 'A-1' }),
  scriptToolCall('look_up_order', { order_id: 'A-2' }),
  // 5. an answer longer than the token budget
  scriptFinal('Here is a very long answer that goes on and on and on.'),
];

/** Turns any failure of a run into one line: by class where you need its fields, else by `code`. */
export function describeFailure(error: unknown): string {
  if (RunAbortedError.isInstance(error)) return `aborted (reason: ${String(error.cause)})`;
  if (ToolArgumentsError.isInstance(error)) {
    return `${error.code} for ${error.recipient}: ${error.issues.join('; ')} (the model wrote ${error.rawArguments})`;
  }
  if (!isHarmonyAgentsError(error)) throw error;
  switch (error.code) {
    case 'max_tool_rounds_exceeded':
    case 'token_budget_exceeded':
      return `${error.code} [${error.source}]: ${error.message}`;
    default:
      return `${error.name} [${error.source}]: ${error.message}`;
  }
}

/** Runs the five scenarios on `backend` and prints what happened. */
export async function main(
  backend: Backend = createScriptedBackend({
    steps: SCRIPTED_LIMITS_COMPLETIONS.map((completion) => ({ completion })),
  }),
  write: (line: string) => void = (line) => console.log(line),
): Promise<string[]> {
  const outcomes: string[] = [];
  const report = (scenario: string, outcome: string) => {
    outcomes.push(outcome);
    write(`${scenario}: ${outcome}`);
  };
  const agent = createAgent({ backend, tools, currentDate: null });

  // 1. Abort: here the user presses "stop" as soon as a tool is called.
  const controller = new AbortController();
  const run = agent.run('Where is my order A-1?', { signal: controller.signal });
  run.on('tool-call', () => controller.abort('user pressed stop'));
  try {
    await run;
  } catch (error) {
    report('abort', describeFailure(error));
  }
  // The history holds every completed message; the interrupted call was answered, so it continues.
  const lastMessage = run.history.messages.at(-1);
  write(
    `  history: ${run.history.length} messages, the last from ${lastMessage?.name}: ${textOf(lastMessage)}`,
  );
  const next = await agent.run('Never mind.', { history: run.history });
  write(`  next run: ${next.finalText}`);

  // 2. Tool timeout (20 ms for wait_for_warehouse): reported to the model, which answers.
  const timedOut = agent.run('Has the warehouse confirmed A-1?');
  timedOut.on('tool-error', (event) => write(`  the model was told: ${event.output}`));
  report('tool timeout', `answered "${(await timedOut).finalText}"`);

  // 3. onToolError: fail the run on invalid arguments instead of asking the model to fix them.
  const strict = createAgent({
    backend,
    tools,
    currentDate: null,
    onToolError: { invalid_tool_arguments: 'throw' },
  });
  await strict.run('Status of order 42?').then(
    () => report('invalid arguments', 'answered'),
    (error: unknown) => report('invalid arguments', describeFailure(error)),
  );

  // 4. maxToolRounds: at most one model step that ends in tool calls.
  const bounded = createAgent({ backend, tools, currentDate: null, maxToolRounds: 1 });
  await bounded.run('Status of A-1 and A-2?').then(
    () => report('max tool rounds', 'answered'),
    (error: unknown) => report('max tool rounds', describeFailure(error)),
  );

  // 5. A token budget for the whole run (all model steps together).
  await agent.run('Tell me everything.', { maxTokens: 8 }).then(
    () => report('token budget', 'answered'),
    (error: unknown) => report('token budget', describeFailure(error)),
  );
  return outcomes;
}

function textOf(message: Message | undefined): string {
  return (message?.content ?? []).map((item) => (item.type === 'text' ? item.text : '')).join('');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
