/**
 * The official MCP servers from the npm registry (`server-everything`, `server-filesystem`), started
 * over stdio, inside whole agent runs on the scripted backend: the model's call goes to the server as
 * `tools/call` and the server's answer is the tool message in the history.
 */

import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AgentEvent, createAgent, type Message, ToolExecutionError } from '@harmony-agents/core';
import { createScriptedBackend, scriptFinal, scriptToolCall } from '@harmony-agents/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectMcpServer, type McpServerConnection, McpServerError } from '../src/index.js';
import { everythingServer, filesystemServer } from './registry-servers.js';

function toolMessages(messages: readonly Message[]): { name: string | null | undefined; text: string }[] {
  return messages
    .filter((message) => message.role === 'tool')
    .map((message) => ({
      name: message.name,
      text: message.content.map((part) => (part.type === 'text' ? part.text : '')).join(''),
    }));
}

describe('@modelcontextprotocol/server-everything over stdio', () => {
  let server: McpServerConnection;
  beforeAll(async () => {
    server = await connectMcpServer({ ...everythingServer(), name: 'everything' });
  });
  afterAll(async () => {
    await server.close();
  });

  it('lists the tools under Harmony names with their normalized schemas and the server instructions', () => {
    const names = server.tools.map((tool) => tool.name);
    expect(names).toEqual(
      expect.arrayContaining(['echo', 'get_sum', 'get_tiny_image', 'get_structured_content']),
    );
    expect(names.every((name) => /^[A-Za-z_][A-Za-z0-9_]*$/.test(name))).toBe(true);
    const getSum = server.tools.find((tool) => tool.name === 'get_sum');
    expect(getSum?.parameters).toEqual({
      type: 'object',
      properties: {
        a: { description: 'First number', type: 'number' },
        b: { description: 'Second number', type: 'number' },
      },
      required: ['a', 'b'],
    });
    expect(server.instructions).toContain('Everything Server');
  });

  it('runs a whole agent turn: text, structured content, an image and resource links reach the model', async () => {
    const backend = createScriptedBackend({
      steps: [
        scriptToolCall('get_sum', { a: 2, b: 3 }),
        scriptToolCall('get_structured_content', { location: 'Chicago' }),
        scriptToolCall('get_tiny_image', {}),
        scriptToolCall('get_resource_links', { count: 2 }),
        scriptFinal('2 + 3 = 5.'),
      ].map((completion) => ({ completion })),
    });
    const agent = createAgent({ backend, tools: server.tools, currentDate: null });
    const run = agent.run('What is 2 + 3?');
    const result = await run;
    backend.assertComplete();
    expect(result.finalText).toBe('2 + 3 = 5.');

    const [sum, structured, image, links] = toolMessages(result.history.messages);
    expect(sum).toEqual({ name: 'functions.get_sum', text: 'The sum of 2 and 3 is 5.' });
    // structuredContent is preferred over the text block the server sends beside it.
    expect(JSON.parse(structured?.text ?? '')).toEqual({
      temperature: expect.any(Number),
      conditions: expect.any(String),
      humidity: expect.any(Number),
    });
    expect(image?.text).toMatch(
      /^Here's the image you requested:\n\n\[image: image\/png, [0-9,]+ bytes\]\n\n/,
    );
    expect(links?.text).toContain('[resource: ');
    expect(links?.text).toMatch(/<demo:\/\/resource\/dynamic\/(text|blob)\/1>/);

    const results = run.events.flatMap((event) => (event.type === 'tool-result' ? [event.recipient] : []));
    expect(results).toEqual([
      'functions.get_sum',
      'functions.get_structured_content',
      'functions.get_tiny_image',
      'functions.get_resource_links',
    ]);
    // The developer message shows the mapped names and the normalized schemas to the model.
    const prompt = agent.encoding.decode(backend.requests[0]?.promptTokens ?? []);
    expect(prompt).toContain(
      '// Returns the sum of two numbers\ntype get_sum = (_: {\n// First number\na: number,',
    );
  });

  it('prefixes tool names with the server name when asked', async () => {
    const prefixed = await connectMcpServer({
      ...everythingServer(),
      name: 'demo-server',
      prefixToolNames: true,
    });
    try {
      expect(prefixed.tools.map((tool) => tool.name)).toContain('demo_server_get_sum');
      const backend = createScriptedBackend({
        steps: [scriptToolCall('demo_server_get_sum', { a: 1, b: 1 }), scriptFinal('2')].map(
          (completion) => ({
            completion,
          }),
        ),
      });
      const result = await createAgent({ backend, tools: prefixed.tools, currentDate: null }).run('1 + 1?');
      expect(toolMessages(result.history.messages)[0]).toEqual({
        name: 'functions.demo_server_get_sum',
        text: 'The sum of 1 and 1 is 2.',
      });
    } finally {
      await prefixed.close();
    }
  });
});

describe('@modelcontextprotocol/server-filesystem over stdio', () => {
  let root: string;
  let server: McpServerConnection;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'mcp-filesystem-'));
    await writeFile(join(root, 'notes.txt'), 'The meeting is at noon.\n');
    server = await connectMcpServer({
      ...filesystemServer(root),
      filter: (tool) => tool.name !== 'read_file',
    });
  });
  afterAll(async () => {
    await server.close();
    await rm(root, { recursive: true, force: true });
  });

  it('reads and writes real files; a refused path is a tool error the model sees, and the run goes on', async () => {
    expect(server.name).toBe('secure-filesystem-server');
    expect(server.tools.map((tool) => tool.name)).not.toContain('read_file');
    const backend = createScriptedBackend({
      steps: [
        scriptToolCall('read_text_file', { path: join(root, 'notes.txt') }),
        scriptToolCall('read_text_file', { path: '/etc/hostname' }),
        scriptToolCall('write_file', { path: join(root, 'answer.txt'), content: 'noon' }),
        scriptFinal('The meeting is at noon.'),
      ].map((completion) => ({ completion })),
    });
    const run = createAgent({ backend, tools: server.tools, currentDate: null }).run('When is the meeting?');
    const result = await run;
    backend.assertComplete();

    const [read, refused, written] = toolMessages(result.history.messages);
    expect(JSON.parse(read?.text ?? '')).toEqual({ content: 'The meeting is at noon.\n' });
    expect(refused?.text).toMatch(/^Error: read_text_file failed: .*(Access denied|outside allowed)/s);
    expect(written?.text).toContain('Successfully wrote');
    expect(await readFile(join(root, 'answer.txt'), 'utf8')).toBe('noon');

    const errors = run.events.filter(
      (event): event is Extract<AgentEvent, { type: 'tool-error' }> => event.type === 'tool-error',
    );
    expect(errors).toHaveLength(1);
    expect(errors[0]?.error).toBeInstanceOf(ToolExecutionError);
    const cause = errors[0]?.error.cause;
    expect(cause).toBeInstanceOf(McpServerError);
    expect(cause).toMatchObject({ reason: 'tool_error', mcpToolName: 'read_text_file' });
  });

  it('stops before a call that needs approval, and writes the file once the call is approved', async () => {
    const guarded = await connectMcpServer({ ...filesystemServer(root), needsApproval: ['write_file'] });
    try {
      const target = join(root, 'approved.txt');
      const backend = createScriptedBackend({
        steps: [
          scriptToolCall('list_directory', { path: root }),
          scriptToolCall('write_file', { path: target, content: 'yes' }),
          scriptFinal('Written.'),
        ].map((completion) => ({ completion })),
      });
      const agent = createAgent({ backend, tools: guarded.tools, currentDate: null });
      const paused = await agent.run('Write yes into approved.txt.');
      expect(paused.status).toBe('interrupted');
      expect(paused.pendingApprovals).toMatchObject([
        { toolName: 'write_file', arguments: { path: target, content: 'yes' } },
      ]);
      await expect(readFile(target, 'utf8')).rejects.toThrow();
      const done = await agent.resume(paused.history, {
        [paused.pendingApprovals[0]!.callId]: { approved: true },
      });
      expect(done.finalText).toBe('Written.');
      expect(await readFile(target, 'utf8')).toBe('yes');
    } finally {
      await guarded.close();
    }
  });
});
