import { describe, expect, it } from 'vitest';
import { createScriptedBackend } from '../testing/scripted-backend.js';
import { createAgent } from './agent.js';
import { type AgentRun, type RunResult, startAgentRun } from './agent-run.js';
import { Conversation } from './conversation.js';
import { EMPTY_USAGE } from './events.js';

/** A run whose execution emits the given final texts, then ends. */
function runEmitting(texts: readonly string[]): AgentRun {
  return startAgentRun('run_1', Conversation.empty(), async (run): Promise<RunResult> => {
    for (const text of texts) run.emit({ type: 'final', runId: run.runId, step: 1, text });
    run.emit({ type: 'run-end', runId: run.runId, status: 'completed', usage: EMPTY_USAGE });
    return {
      status: 'completed',
      pendingApprovals: [],
      finalText: '',
      history: run.history,
      newMessages: [],
      usage: EMPTY_USAGE,
      steps: 1,
      output: undefined,
    };
  });
}

describe('AgentRun subscriptions', () => {
  it('once() fires for the next event only', async () => {
    const run = runEmitting(['a', 'b']);
    const seen: string[] = [];
    run.once('final', (event) => seen.push(event.text));
    await run;
    expect(seen).toEqual(['a']);
  });

  it('off() cancels a once() listener and leaves an on() listener of another type alone', async () => {
    const run = runEmitting(['a', 'b']);
    const onceSeen: string[] = [];
    const onSeen: string[] = [];
    const onceListener = (event: { text: string }) => onceSeen.push(event.text);
    run.once('final', onceListener);
    run.on('run-end', () => onSeen.push('end'));
    run.off('final', onceListener);
    await run;
    expect(onceSeen).toEqual([]);
    expect(onSeen).toEqual(['end']);
  });

  it('a listener added twice with once() fires twice, once per event', async () => {
    const run = runEmitting(['a', 'b', 'c']);
    const seen: string[] = [];
    const listener = (event: { text: string }) => seen.push(event.text);
    run.once('final', listener);
    run.once('final', listener);
    await run;
    expect(seen).toEqual(['a', 'a']);
  });
});

describe('iteration', () => {
  it('ends at run-end even when a run-end listener throws', async () => {
    const run = createAgent({
      backend: createScriptedBackend({ steps: [{ completion: '<|channel|>final<|message|>ok<|return|>' }] }),
      currentDate: null,
    }).run('hi');
    run.on('run-end', () => {
      throw new Error('listener bug');
    });
    const types: string[] = [];
    for await (const event of run) types.push(event.type);
    await run;
    expect(types.at(-1)).toBe('run-end');
    expect(run.events.at(-1)?.type).toBe('listener-error');
  });
});
