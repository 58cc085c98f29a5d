/**
 * Tool approval: a call of a tool with `needsApproval` stops the run before it executes; `agent.resume`
 * runs approved calls, sends denied ones back with the reason, and continues the same turn with the
 * same token prefix and the same guards. Misuse (the same decisions twice, a missing decision) is
 * refused with a typed `ResumeError` before anything runs.
 */

import { describe, expect, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import { loadO200kHarmonyTokenizer } from '../src/harmony/tokenizer.js';
import {
  type AgentEvent,
  type ApprovalDecisions,
  Conversation,
  createAgent,
  defineTool,
  MaxToolRoundsExceededError,
  ResumeError,
  RunAbortedError,
  TokenBudgetExceededError,
  ToolCallDeniedError,
} from '../src/index.js';
import { createScriptedBackend, scriptFinal, scriptToolCall } from '../src/testing/index.js';

/** Tools of a small file manager; `executed` records what really ran. */
function fileTools(options: { slowDelete?: boolean } = {}) {
  const executed: string[] = [];
  const deleteFile = defineTool({
    name: 'delete_file',
    description: 'Deletes a file.',
    parameters: z.object({ path: z.string() }),
    needsApproval: true,
    execute: async ({ path }, context) => {
      if (options.slowDelete === true) {
        await new Promise((resolve, reject) => {
          context.signal.addEventListener('abort', () => reject(context.signal.reason));
          void resolve;
        });
      }
      executed.push(`delete ${path}`);
      return `deleted ${path}`;
    },
  });
  const moveFile = defineTool({
    name: 'move_file',
    description: 'Moves a file.',
    parameters: z.object({ from: z.string(), to: z.string() }),
    // Only moves out of /tmp need a person.
    needsApproval: async ({ from }) => !from.startsWith('/tmp/'),
    execute: ({ from, to }) => {
      executed.push(`move ${from} ${to}`);
      return `moved ${from} to ${to}`;
    },
  });
  const listFiles = defineTool({
    name: 'list_files',
    description: 'Lists files.',
    parameters: z.object({}),
    execute: () => {
      executed.push('list');
      return ['a.txt', 'b.txt'];
    },
  });
  return { executed, tools: [deleteFile, moveFile, listFiles] };
}

function steps(...completions: string[]) {
  return completions.map((completion) => ({ completion }));
}

function toolTexts(history: Conversation): string[] {
  return history.entries
    .filter((entry) => entry.message.role === 'tool')
    .map((entry) => entry.message.content.map((part) => (part.type === 'text' ? part.text : '')).join(''));
}

function eventTypes(events: readonly AgentEvent[]): string[] {
  return events
    .filter((event) => !['message', 'analysis-delta', 'final-delta', 'preamble-delta'].includes(event.type))
    .map((event) => event.type);
}

describe('tool approval', () => {
  it('stops before a call that needs approval, then runs it once approved; the prompt prefix is unchanged', async () => {
    const { executed, tools } = fileTools();
    const completions = [
      scriptToolCall('list_files', {}),
      scriptToolCall('delete_file', { path: 'b.txt' }, { analysis: 'Delete b.' }),
      scriptFinal('Deleted b.txt.'),
    ];
    const backend = createScriptedBackend({ steps: steps(...completions) });
    let ids = 0;
    const agent = createAgent({
      backend,
      tools,
      currentDate: null,
      generateId: (kind) => `${kind}_${++ids}`,
    });
    const run = agent.run('Delete b.txt.');
    const paused = await run;

    expect(paused.status).toBe('interrupted');
    expect(paused.finalText).toBe('');
    expect(paused.pendingApprovals).toEqual([
      {
        callId: 'call_3',
        toolName: 'delete_file',
        recipient: 'functions.delete_file',
        arguments: { path: 'b.txt' },
      },
    ]);
    expect(executed).toEqual(['list']);
    expect(eventTypes(run.events).slice(-3)).toEqual(['step-end', 'approval-required', 'run-end']);
    const approvalEvent = run.events.find((event) => event.type === 'approval-required');
    expect(approvalEvent).toMatchObject({ step: 2, approvals: paused.pendingApprovals });
    expect(run.events.at(-1)).toMatchObject({ type: 'run-end', status: 'interrupted' });
    // The history ends with the call, waiting for its result.
    const last = paused.history.entries.at(-1);
    expect(last).toMatchObject({
      callId: 'call_3',
      message: { role: 'assistant', recipient: 'functions.delete_file' },
    });
    expect(run.events.filter((event) => event.type === 'tool-call')).toHaveLength(1);

    const resumed = agent.resume(paused.history, { call_3: { approved: true } });
    const done = await resumed;
    expect(done.status).toBe('completed');
    expect(done.pendingApprovals).toEqual([]);
    expect(done.finalText).toBe('Deleted b.txt.');
    expect(done.steps).toBe(1);
    expect(executed).toEqual(['list', 'delete b.txt']);
    expect(toolTexts(done.history)).toEqual(['["a.txt","b.txt"]', 'deleted b.txt']);
    expect(resumed.events[0]).toMatchObject({ type: 'run-start', resumed: true });
    expect(eventTypes(resumed.events)).toEqual([
      'run-start',
      'tool-call',
      'tool-result',
      'step-start',
      'final',
      'step-end',
      'run-end',
    ]);
    expect(resumed.events.find((event) => event.type === 'step-start')).toMatchObject({ step: 3 });
    backend.assertComplete();

    // The prompt after the pause is the one a run that never paused sends, token for token: the
    // earlier prompt plus the sampled call, so a backend's KV cache is reused.
    const uninterrupted = createScriptedBackend({ steps: steps(...completions) });
    const { tools: plainTools } = fileTools();
    const noApproval = plainTools.map((tool) => ({ ...tool, needsApproval: undefined }));
    await createAgent({ backend: uninterrupted, tools: noApproval, currentDate: null }).run('Delete b.txt.');
    expect(backend.requests[2]?.promptTokens).toEqual(uninterrupted.requests[2]?.promptTokens);
    const before = backend.requests[1]!.promptTokens;
    expect(backend.requests[2]!.promptTokens.slice(0, before.length)).toEqual(before);
  });

  it('sends a denied call back to the model with the reason, and never runs it', async () => {
    const { executed, tools } = fileTools();
    const backend = createScriptedBackend({
      steps: steps(scriptToolCall('delete_file', { path: 'a.txt' }), scriptFinal('I did not delete a.txt.')),
    });
    const agent = createAgent({ backend, tools, currentDate: null });
    const paused = await agent.run('Delete a.txt.');
    const callId = paused.pendingApprovals[0]!.callId;
    const resumed = agent.resume(paused.history, {
      [callId]: { approved: false, reason: 'a.txt holds the tax records' },
    });
    const done = await resumed;
    expect(executed).toEqual([]);
    expect(done.finalText).toBe('I did not delete a.txt.');
    expect(toolTexts(done.history)).toEqual([
      'Error: the user denied this call of delete_file; it was not run. Reason: a.txt holds the tax records',
    ]);
    const denied = resumed.events.find((event) => event.type === 'tool-error');
    expect(denied?.type === 'tool-error' && denied.error).toBeInstanceOf(ToolCallDeniedError);
    expect(denied).toMatchObject({
      callId,
      error: { code: 'tool_call_denied', reason: 'a.txt holds the tax records' },
    });
    // The model reads the denial in the tool message of the next prompt.
    const prompt = agent.encoding.decode(backend.requests[1]!.promptTokens);
    expect(prompt).toContain(
      '<|start|>functions.delete_file to=assistant<|channel|>commentary<|message|>Error: the user denied this call of delete_file; it was not run. Reason: a.txt holds the tax records<|end|>',
    );
  });

  it('approves one call and denies another across two pauses; calls that need no approval just run', async () => {
    const { executed, tools } = fileTools();
    const backend = createScriptedBackend({
      steps: steps(
        scriptToolCall('move_file', { from: '/tmp/x', to: '/tmp/y' }),
        scriptToolCall('move_file', { from: '/home/a', to: '/tmp/a' }),
        scriptToolCall('delete_file', { path: '/home/b' }),
        scriptFinal('Moved a; b stays.'),
      ),
    });
    const agent = createAgent({ backend, tools, currentDate: null });
    const first = await agent.run('Tidy up.');
    expect(executed).toEqual(['move /tmp/x /tmp/y']);
    expect(first.pendingApprovals.map((approval) => approval.arguments)).toEqual([
      { from: '/home/a', to: '/tmp/a' },
    ]);
    const second = await agent.resume(first.history, {
      [first.pendingApprovals[0]!.callId]: { approved: true },
    });
    expect(second.status).toBe('interrupted');
    expect(second.pendingApprovals.map((approval) => approval.toolName)).toEqual(['delete_file']);
    const decisions: ApprovalDecisions = { [second.pendingApprovals[0]!.callId]: { approved: false } };
    const third = await agent.resume(second.history, decisions);
    expect(third.finalText).toBe('Moved a; b stays.');
    expect(executed).toEqual(['move /tmp/x /tmp/y', 'move /home/a /tmp/a']);
    expect(toolTexts(third.history).at(-1)).toBe(
      'Error: the user denied this call of delete_file; it was not run.',
    );
    backend.assertComplete();
  });

  it('refuses misuse with a ResumeError before running anything, the same decisions twice included', async () => {
    const { executed, tools } = fileTools();
    const backend = createScriptedBackend({
      steps: steps(scriptToolCall('delete_file', { path: 'a.txt' }), scriptFinal('Done.')),
    });
    const agent = createAgent({ backend, tools, currentDate: null });
    const paused = await agent.run('Delete a.txt.');
    const callId = paused.pendingApprovals[0]!.callId;
    const reasonOf = (attempt: () => unknown) => {
      try {
        attempt();
      } catch (error) {
        expect(error).toBeInstanceOf(ResumeError);
        return (error as ResumeError).reason;
      }
      return 'accepted';
    };
    expect(reasonOf(() => agent.resume(paused.history, {}))).toBe('missing_decision');
    expect(reasonOf(() => agent.resume(paused.history, { other: { approved: true } }))).toBe('unknown_call');
    expect(reasonOf(() => agent.resume(paused.history, { [callId]: { approved: 'yes' } } as never))).toBe(
      'invalid_decision',
    );
    expect(reasonOf(() => agent.resume(paused.history, null as never))).toBe('invalid_decision');
    const emptyHistory = Conversation.fromMessages([
      { role: 'user', content: [{ type: 'text', text: 'hi' }] },
    ]);
    expect(reasonOf(() => agent.resume(emptyHistory, {}))).toBe('not_interrupted');
    expect(executed).toEqual([]);

    const decisions = { [callId]: { approved: true } } as const;
    const done = await agent.resume(paused.history, decisions);
    expect(executed).toEqual(['delete a.txt']);
    // The same decisions again: on the same interrupted history, or on the history that applied them.
    expect(reasonOf(() => agent.resume(paused.history, decisions))).toBe('already_resumed');
    const reloaded = Conversation.fromJSON(JSON.parse(JSON.stringify(paused.history)));
    expect(reasonOf(() => agent.resume(done.history, decisions))).toBe('already_decided');
    expect(reasonOf(() => agent.resume(done.history, {}))).toBe('not_interrupted');
    expect(executed).toEqual(['delete a.txt']);
    // A copy loaded from the saved file is another conversation: it can be resumed (in another process, say).
    expect(reloaded.entries).toEqual(paused.history.entries);
    expect(agent.pendingApprovals(reloaded)).toEqual(paused.pendingApprovals);
    expect(agent.pendingApprovals(done.history)).toEqual([]);
  });

  it('aborts a resumed run; its history still waits for the decision and can be resumed again', async () => {
    const { executed, tools } = fileTools({ slowDelete: true });
    const backend = createScriptedBackend({ steps: steps(scriptToolCall('delete_file', { path: 'a.txt' })) });
    const agent = createAgent({ backend, tools, currentDate: null });
    const paused = await agent.run('Delete a.txt.');
    const callId = paused.pendingApprovals[0]!.callId;
    const controller = new AbortController();
    const resumed = agent.resume(
      paused.history,
      { [callId]: { approved: true } },
      { signal: controller.signal },
    );
    resumed.on('tool-call', () => setImmediate(() => controller.abort()));
    await expect(resumed).rejects.toBeInstanceOf(RunAbortedError);
    expect(resumed.events.at(-1)).toMatchObject({ type: 'run-end', status: 'aborted' });
    expect(executed).toEqual([]);
    expect(resumed.history.entries.at(-1)?.callId).toBe(callId);
    expect(resumed.history.entries.at(-1)?.message.role).toBe('assistant');
    expect(() => agent.resume(resumed.history, { [callId]: { approved: false } })).not.toThrow();
  });

  it("validates a resumed run's answer against its output schema into a typed result.output", async () => {
    const Deleted = z.object({ deleted: z.array(z.string()), kept: z.array(z.string()).default([]) });
    const { executed, tools } = fileTools();
    const backend = createScriptedBackend({
      steps: steps(
        scriptToolCall('delete_file', { path: 'a.txt' }),
        scriptFinal('I deleted a.txt.'),
        scriptFinal('{"deleted":["a.txt"]}'),
      ),
    });
    const agent = createAgent({ backend, tools, currentDate: null });
    const paused = await agent.run('Delete a.txt.', { output: Deleted });
    expect(paused).toMatchObject({ status: 'interrupted', output: undefined });
    const decisions = { [paused.pendingApprovals[0]!.callId]: { approved: true } } as const;
    const resumed = agent.resume(paused.history, decisions, { output: Deleted });
    const done = await resumed;
    if (done.status !== 'completed') throw new Error(`run ${done.status}`);
    expectTypeOf(done.output).toEqualTypeOf<{ deleted: string[]; kept: string[] }>();
    expect(done.output).toEqual({ deleted: ['a.txt'], kept: [] });
    expect(executed).toEqual(['delete a.txt']);
    // The prose answer went back to the model once, as in a run that never paused.
    expect(resumed.events.filter((event) => event.type === 'output-repair')).toMatchObject([
      { repair: 1, rawText: 'I deleted a.txt.', issues: [expect.stringMatching(/^not JSON/u)] },
    ]);
    backend.assertComplete();
    // The resumed prompts keep the response format, and so the prefix of the paused run's prompt.
    const tokenizer = loadO200kHarmonyTokenizer();
    for (const request of backend.requests) {
      expect(tokenizer.decode(request.promptTokens)).toContain('# Response Formats\n\n## structured_output');
    }
    const before = backend.requests[0]!.promptTokens;
    expect(backend.requests[1]!.promptTokens.slice(0, before.length)).toEqual(before);
  });

  it('counts the tool rounds and the tokens of the turn before the pause', async () => {
    const { tools } = fileTools();
    const rounds = createScriptedBackend({
      steps: steps(
        scriptToolCall('list_files', {}),
        scriptToolCall('delete_file', { path: 'a.txt' }),
        scriptToolCall('list_files', {}),
      ),
    });
    const limited = createAgent({ backend: rounds, tools, currentDate: null, maxToolRounds: 2 });
    const paused = await limited.run('Clean up.');
    const resumed = limited.resume(paused.history, {
      [paused.pendingApprovals[0]!.callId]: { approved: true },
    });
    await expect(resumed).rejects.toBeInstanceOf(MaxToolRoundsExceededError);

    const budget = createScriptedBackend({
      steps: steps(scriptToolCall('delete_file', { path: 'a.txt' }), scriptFinal('Done.')),
    });
    const agent = createAgent({ backend: budget, tools, currentDate: null });
    const first = await agent.run('Delete a.txt.');
    const used = first.usage.generatedTokens;
    const decisions = { [first.pendingApprovals[0]!.callId]: { approved: true } } as const;
    // A budget the paused run already used up: the resumed run may not start a model step.
    await expect(agent.resume(first.history, decisions, { maxTokens: used })).rejects.toBeInstanceOf(
      TokenBudgetExceededError,
    );
  });
});
