/**
 * A streamable-HTTP MCP server on loopback, written with the SDK, inside agent runs: headers, structured
 * results, tool errors, a call that stalls (the timeout cancels it on the server), an aborted run, and
 * a tool list that changes between runs.
 */

import { type AgentEvent, createAgent, RunAbortedError, ToolTimeoutError } from '@harmony-agents/core';
import { createScriptedBackend, scriptFinal, scriptToolCall } from '@harmony-agents/core/testing';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { connectMcpServer, type McpServerConnection, McpServerError } from '../src/index.js';
import { type LoopbackMcpServer, startLoopbackMcpServer } from './loopback-http-server.js';

let http: LoopbackMcpServer;
let server: McpServerConnection | undefined;
beforeEach(async () => {
  http = await startLoopbackMcpServer();
});
afterEach(async () => {
  await server?.close();
  server = undefined;
  await http.close();
});

function steps(...completions: string[]) {
  return completions.map((completion) => ({ completion }));
}

function toolErrors(events: readonly AgentEvent[]) {
  return events.filter(
    (event): event is Extract<AgentEvent, { type: 'tool-error' }> => event.type === 'tool-error',
  );
}

describe('a streamable HTTP MCP server', () => {
  it('sends the headers, returns structured content and reports isError to the model', async () => {
    server = await connectMcpServer({ url: http.url, headers: { Authorization: 'Bearer t0ken' } });
    expect(server.name).toBe('orders');
    expect(server.instructions).toBe('Order lookups for the shop.');
    expect(server.tools.map((tool) => tool.name)).toEqual(['lookup_order', 'refuse', 'stall']);

    const backend = createScriptedBackend({
      steps: steps(
        scriptToolCall('lookup_order', { id: 'A-1041' }),
        scriptToolCall('refuse', {}),
        scriptFinal('Order A-1041 has shipped.'),
      ),
    });
    const run = createAgent({ backend, tools: server.tools, currentDate: null }).run('Where is A-1041?');
    const result = await run;
    backend.assertComplete();
    const outputs = run.events.flatMap((event) =>
      event.type === 'tool-result' || event.type === 'tool-error' ? [event.output] : [],
    );
    expect(outputs).toEqual([
      '{"id":"A-1041","status":"shipped"}',
      'Error: refuse failed: orders are read-only today.',
    ]);
    expect(toolErrors(run.events)[0]?.error.cause).toMatchObject({
      reason: 'tool_error',
      mcpToolName: 'refuse',
    });
    expect(result.finalText).toBe('Order A-1041 has shipped.');
    expect(http.authorizations.length).toBeGreaterThan(2);
    expect(new Set(http.authorizations)).toEqual(new Set(['Bearer t0ken']));
  });

  it('cancels a stalled call on the server when its timeout expires; the model gets a timeout error', async () => {
    server = await connectMcpServer({ url: http.url, timeoutMs: 200 });
    const backend = createScriptedBackend({
      steps: steps(
        scriptToolCall('stall', {}),
        scriptToolCall('lookup_order', { id: 'B-7' }),
        scriptFinal('Done.'),
      ),
    });
    const run = createAgent({ backend, tools: server.tools, currentDate: null }).run('Try the slow tool.');
    const result = await run;
    expect(result.finalText).toBe('Done.');
    const [timeout] = toolErrors(run.events);
    expect(timeout?.error).toBeInstanceOf(ToolTimeoutError);
    expect(timeout?.output).toBe('Error: stall did not finish within 200 ms and was cancelled.');
    // The server got notifications/cancelled for the request and stopped it; the connection still works.
    await vi.waitFor(() => expect(http.cancelled).toEqual(['stall']));
    expect(http.started).toEqual(['stall', 'lookup-order']);
  });

  it('cancels the call on the server when the run is aborted', async () => {
    server = await connectMcpServer({ url: http.url });
    const backend = createScriptedBackend({ steps: steps(scriptToolCall('stall', {})) });
    const controller = new AbortController();
    const run = createAgent({ backend, tools: server.tools, currentDate: null }).run('Stall.', {
      signal: controller.signal,
    });
    run.on('tool-call', () => {
      void vi.waitFor(() => expect(http.started).toEqual(['stall'])).then(() => controller.abort());
    });
    await expect(run).rejects.toBeInstanceOf(RunAbortedError);
    await vi.waitFor(() => expect(http.cancelled).toEqual(['stall']));
  });

  it('refreshes the tool list when the server announces a change', async () => {
    const changes: string[][] = [];
    server = await connectMcpServer({
      url: http.url,
      onToolsChanged: (tools) => changes.push(tools.map((tool) => tool.name)),
    });
    const before = server.tools;
    await http.addTool('shipping-quote');
    await vi.waitFor(() => expect(changes).toEqual([['lookup_order', 'refuse', 'stall', 'shipping_quote']]));
    expect(server.tools).not.toBe(before);

    const backend = createScriptedBackend({
      steps: steps(scriptToolCall('shipping_quote', { message: 'to Paris' }), scriptFinal('Quoted.')),
    });
    const run = createAgent({ backend, tools: server.tools, currentDate: null }).run('Quote shipping.');
    await run;
    expect(run.events.flatMap((event) => (event.type === 'tool-result' ? [event.output] : []))).toEqual([
      'shipping-quote: to Paris',
    ]);
  });

  it('gives typed errors when the server goes away between calls', async () => {
    server = await connectMcpServer({ url: http.url, name: 'orders-http' });
    const lookup = server.tools.find((tool) => tool.name === 'lookup_order');
    await http.close();
    const context = {
      signal: new AbortController().signal,
      callId: 'call_1',
      step: 1,
      recipient: 'functions.lookup_order',
      channel: 'commentary',
      context: undefined,
    };
    const error = await Promise.resolve(lookup?.execute({ id: 'A-1' }, context)).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(McpServerError);
    expect(error).toMatchObject({ reason: 'connection_closed', serverName: 'orders-http' });
    http = await startLoopbackMcpServer();
  });

  it('reports an unreachable URL as connect_failed', async () => {
    const url = http.url;
    await http.close();
    const error = await connectMcpServer({ url }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(McpServerError);
    expect(error).toMatchObject({ reason: 'connect_failed' });
    http = await startLoopbackMcpServer();
  });
});
