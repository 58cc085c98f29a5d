import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ToolExecutionError } from '../errors.js';
import { defineTool } from '../tools/define-tool.js';
import type { FunctionTool } from '../tools/types.js';
import { Conversation, type ConversationEntry } from './conversation.js';
import type { AgentEvent } from './events.js';
import { ToolExecutor, type ToolExecutorSettings } from './tool-executor.js';
import { runToolStep } from './tool-step.js';

const echo = defineTool({
  name: 'echo',
  description: 'Echoes a word.',
  parameters: z.object({ word: z.string(), loud: z.boolean().default(false) }),
  execute: ({ word, loud }) => (loud ? word.toUpperCase() : word),
});
const broken = defineTool({
  name: 'broken',
  description: 'Fails.',
  parameters: z.object({}),
  execute: () => {
    throw new Error('no');
  },
});

const settings: ToolExecutorSettings = {
  defaultTimeoutMs: 1000,
  maxIdenticalToolCalls: 1,
  limitOutput: (output) => output,
  onToolError: {
    unknown_tool: 'report',
    invalid_tool_arguments: 'report',
    tool_execution_failed: 'throw',
    tool_timeout: 'report',
    repeated_tool_call: 'report',
  },
  context: undefined,
};
const executor = () =>
  new ToolExecutor(
    {
      functions: new Map<string, FunctionTool>([
        ['echo', echo as FunctionTool],
        ['broken', broken as FunctionTool],
      ]),
      builtins: new Map(),
    },
    settings,
    { runId: 'run', scope: (_scope, work) => work() },
  );

const user: ConversationEntry = { message: { role: 'user', content: [{ type: 'text', text: 'Go' }] } };
const call = (name: string, args: string, callId: string): ConversationEntry => ({
  message: {
    role: 'assistant',
    recipient: `functions.${name}`,
    channel: 'commentary',
    contentType: '<|constrain|>json',
    content: [{ type: 'text', text: args }],
  },
  callId,
});

async function toolStep(calls: ConversationEntry[], turn: ConversationEntry[], toolExecutor = executor()) {
  const events: AgentEvent[] = [];
  const committed: ConversationEntry[] = [];
  const run = {
    runId: 'run',
    emit: (event: AgentEvent) => events.push(event),
    commitResult: (entry: ConversationEntry) => committed.push(entry),
  };
  const outcome = runToolStep(run, toolExecutor, {
    step: 2,
    calls,
    turn,
    signal: new AbortController().signal,
  });
  return { outcome, events, committed };
}

describe('runToolStep', () => {
  it('executes the calls in order and commits each result with its call id', async () => {
    const calls = [call('echo', '{"word":"a"}', 'c1'), call('echo', '{"word":"b","loud":true}', 'c2')];
    const { outcome, events, committed } = await toolStep(calls, [user, ...calls]);
    await outcome;
    expect(events.map((event) => event.type)).toEqual([
      'tool-call',
      'tool-result',
      'tool-call',
      'tool-result',
    ]);
    expect(events[0]).toMatchObject({
      callId: 'c1',
      step: 2,
      toolName: 'echo',
      arguments: { word: 'a', loud: false },
    });
    expect(committed.map((entry) => [entry.callId, entry.message.name, entry.message.content])).toEqual([
      ['c1', 'functions.echo', [{ type: 'text', text: 'a' }]],
      ['c2', 'functions.echo', [{ type: 'text', text: 'B' }]],
    ]);
  });

  it('commits the result of a failure the agent throws for, then throws', async () => {
    const calls = [call('broken', '{}', 'c1'), call('echo', '{"word":"a"}', 'c2')];
    const { outcome, events, committed } = await toolStep(calls, [user, ...calls]);
    await expect(outcome).rejects.toBeInstanceOf(ToolExecutionError);
    expect(events.map((event) => event.type)).toEqual(['tool-call', 'tool-error']);
    expect(committed).toHaveLength(1);
    expect(committed[0]).toMatchObject({ callId: 'c1', message: { role: 'tool', name: 'functions.broken' } });
  });

  it('counts identical calls in the turn it is given, read from a saved conversation', async () => {
    // The turn so far, saved and loaded: the same call (defaults applied, keys in another order) was made once.
    const saved = Conversation.fromMessages([user.message]).concat([
      call('echo', '{"loud":false,"word":"a"}', 'c1'),
      {
        message: {
          role: 'tool',
          name: 'functions.echo',
          recipient: 'assistant',
          channel: 'commentary',
          content: [{ type: 'text', text: 'a' }],
        },
        callId: 'c1',
      },
    ]);
    const loaded = Conversation.fromJSON(JSON.parse(JSON.stringify(saved)));
    const again = call('echo', '{"word":"a"}', 'c2');
    const { outcome, events } = await toolStep([again], [...loaded.entries, again]);
    await outcome;
    expect(events[1]).toMatchObject({
      type: 'tool-error',
      callId: 'c2',
      error: { code: 'repeated_tool_call' },
    });
    // A fresh turn holds no earlier call: the same call runs.
    const fresh = await toolStep([again], [user, again]);
    await fresh.outcome;
    expect(fresh.events[1]).toMatchObject({ type: 'tool-result', output: 'a' });
  });
});
