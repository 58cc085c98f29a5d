/**
 * Failures of a real MCP server process (the SDK-written fixture server over stdio): a crash in the
 * middle of a call, calls after the crash, tool names that collide after mapping, a server that does
 * not start. Each gives a typed error; none ends the agent's run.
 */

import { type AgentEvent, createAgent, ToolDefinitionError, ToolExecutionError } from '@harmony-agents/core';
import { createScriptedBackend, scriptFinal, scriptToolCall } from '@harmony-agents/core/testing';
import { describe, expect, it } from 'vitest';
import { connectMcpServer, McpServerError } from '../src/index.js';
import { scriptedServer } from './registry-servers.js';

/** Collects the pid the fixture server writes to stderr. */
function pidCollector(): { onStderr: (text: string) => void; pid: () => number } {
  let pid = 0;
  return {
    onStderr: (text) => {
      const match = /pid (\d+)/.exec(text);
      if (match !== null) pid = Number(match[1]);
    },
    pid: () => pid,
  };
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('a stdio MCP server that fails', () => {
  it('crashes in the middle of a call: typed tool errors for that call and the next, and the run finishes', async () => {
    const errors: Error[] = [];
    const server = await connectMcpServer({ ...scriptedServer(), onError: (error) => errors.push(error) });
    try {
      const backend = createScriptedBackend({
        steps: [
          scriptToolCall('echo', { message: 'before' }),
          scriptToolCall('crash', {}),
          scriptToolCall('echo', { message: 'after' }),
          scriptFinal('The server is down.'),
        ].map((completion) => ({ completion })),
      });
      const run = createAgent({ backend, tools: server.tools, currentDate: null }).run('Crash it.');
      const result = await run;
      backend.assertComplete();
      expect(result.finalText).toBe('The server is down.');

      const outcomes = run.events.filter(
        (event): event is Extract<AgentEvent, { type: 'tool-result' | 'tool-error' }> =>
          event.type === 'tool-result' || event.type === 'tool-error',
      );
      expect(outcomes.map((event) => event.type)).toEqual(['tool-result', 'tool-error', 'tool-error']);
      expect(outcomes[0]?.type === 'tool-result' && outcomes[0].output).toBe('echo: before');
      const [crashed, after] = outcomes.slice(1).map((event) => {
        if (event.type !== 'tool-error') throw new Error('expected a tool error');
        expect(event.error).toBeInstanceOf(ToolExecutionError);
        return event.error.cause as McpServerError;
      });
      expect(crashed).toBeInstanceOf(McpServerError);
      expect(crashed).toMatchObject({
        reason: 'connection_closed',
        serverName: 'scripted',
        mcpToolName: 'crash',
      });
      expect(crashed?.stderr).toContain('fatal: simulated crash in the middle of a call');
      expect(after).toMatchObject({ reason: 'connection_closed', mcpToolName: 'echo' });
      // The model is told what happened, as the tool's result.
      const texts = result.history.messages
        .filter((message) => message.role === 'tool')
        .map((message) => (message.content[0]?.type === 'text' ? message.content[0].text : ''));
      expect(texts[1]).toBe(
        'Error: The MCP server "scripted" is not reachable during the call to crash (the connection closed or the server exited).',
      );
      expect(errors.map((error) => (error as McpServerError).reason)).toEqual(['connection_closed']);
    } finally {
      await server.close();
    }
  });

  it('refuses two tools whose names map to the same function name, and closes the process', async () => {
    const collector = pidCollector();
    const error = await connectMcpServer({
      ...scriptedServer('colliding'),
      onStderr: collector.onStderr,
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ToolDefinitionError);
    expect((error as ToolDefinitionError).message).toBe(
      'MCP server "scripted": Tool names "get-sum" and "get.sum" both map to the Harmony name "get_sum"; leave one out with the filter option',
    );
    expect(collector.pid()).toBeGreaterThan(0);
    expect(isRunning(collector.pid())).toBe(false);
    // With one of them left out, the server is usable.
    const server = await connectMcpServer({
      ...scriptedServer('colliding'),
      filter: (tool) => tool.name !== 'get.sum',
    });
    try {
      expect(server.tools.map((tool) => tool.name)).toEqual(['get_sum', 'echo']);
    } finally {
      await server.close();
    }
  });

  it('reports a server that cannot start as connect_failed, with its stderr', async () => {
    const error = await connectMcpServer({
      command: process.execPath,
      args: ['-e', 'process.stderr.write("missing configuration\\n"); process.exit(2)'],
      name: 'broken',
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(McpServerError);
    expect(error).toMatchObject({ reason: 'connect_failed', serverName: 'broken' });
    expect((error as McpServerError).stderr).toBe('missing configuration');

    const missing = await connectMcpServer({ command: 'harmony-agents-no-such-command' }).catch(
      (caught: unknown) => caught,
    );
    expect(missing).toMatchObject({ reason: 'connect_failed' });
    expect((missing as Error).message).toContain('ENOENT');
  });

  it('ends the process on close(); later calls fail with reason closed', async () => {
    const collector = pidCollector();
    const server = await connectMcpServer({ ...scriptedServer(), onStderr: collector.onStderr });
    const echo = server.tools.find((tool) => tool.name === 'echo');
    expect(isRunning(collector.pid())).toBe(true);
    await server.close();
    expect(isRunning(collector.pid())).toBe(false);
    await server.close();
    const context = {
      signal: new AbortController().signal,
      callId: 'call_1',
      step: 1,
      recipient: 'functions.echo',
      channel: 'commentary',
      context: undefined,
    };
    await expect(echo?.execute({ message: 'hi' }, context)).rejects.toMatchObject({ reason: 'closed' });
  });
});
