/**
 * The ready-made built-in tools inside an agent: the system message equals openai-harmony's rendering of
 * `browser` and `python`, and the runner routes `browser.*` and `python` calls, answers on the call's channel
 * as the reference tools do, and emits the same tool events as for function tools (results, timeouts, unknown
 * recipients), with real Pyodide and a real folder of documents.
 */

import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type AgentEvent, createAgent, ToolTimeoutError, UnknownToolError } from '@harmony-agents/core';
import { loadHarmonyEncoding } from '@harmony-agents/core/harmony';
import { createScriptedBackend, scriptBuiltinCall, scriptFinal } from '@harmony-agents/core/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { createBrowserTool } from '../src/browser/browser-tool.js';
import { createLocalDocumentsProvider } from '../src/browser/local-documents-provider.js';
import type { SearchProvider } from '../src/browser/search-provider.js';
import { createPythonTool } from '../src/python-tool.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const FIXTURES = join(HERE, 'fixtures/docs');
const VECTORS_DIR = resolve(HERE, '../../../test-vectors/harmony');
const ASSISTANT_START = '<|start|>assistant';

const encoding = loadHarmonyEncoding();
const python = createPythonTool();
afterAll(async () => {
  await python.dispose();
});

/** The local documents, plus a query that never answers (it waits for the call's signal). */
function docsWithSlowQuery(): SearchProvider {
  const docs = createLocalDocumentsProvider({ root: FIXTURES });
  return {
    search: (query, options) =>
      query !== 'slow'
        ? docs.search(query, options)
        : new Promise((_, reject) => {
            options.signal?.addEventListener('abort', () => reject(options.signal?.reason), { once: true });
          }),
  };
}

describe('built-in tools in an agent', () => {
  it('renders the system message exactly as openai-harmony does for browser and python', async () => {
    const golden = readFileSync(join(VECTORS_DIR, 'test-data', 'test_browser_and_python_tool.txt'), 'utf8');
    expect(golden.endsWith(ASSISTANT_START)).toBe(true);
    const backend = createScriptedBackend({ steps: [{ completion: scriptFinal('Hello.') }] });
    const browser = createBrowserTool({ search: docsWithSlowQuery() });
    // Given in the other order: namespaces are rendered sorted by name, as openai-harmony does.
    const agent = createAgent({ backend, tools: [python, browser], currentDate: '2025-06-28' });
    await agent.run('Hi');
    const prompt = encoding.decodeUtf8(backend.requests[0]!.promptTokens);
    const expected = `${golden.slice(0, -ASSISTANT_START.length)}<|start|>user<|message|>Hi<|end|>`;
    expect(prompt.slice(0, expected.length)).toBe(expected);
    // No developer message: built-in tools are not functions.
    expect(prompt).not.toContain('<|start|>developer');
  });

  it('routes browser and python calls, answers on the call channel and emits the function tool events', async () => {
    const backend = createScriptedBackend({
      steps: [
        scriptBuiltinCall('browser.search', '{"query":"deploy static host","topn":2}'),
        scriptBuiltinCall('browser.search', '{"query":"slow"}'),
        scriptBuiltinCall('container.exec', '{"cmd":["ls"]}'),
        // A python call on the commentary channel, with the recipient in the role position.
        ' to=python<|channel|>commentary code<|message|>print(6 * 7)<|call|>',
        scriptFinal('It is 42.'),
      ].map((completion) => ({ completion })),
    });
    const browser = createBrowserTool({ search: docsWithSlowQuery(), timeoutMs: 300 });
    const agent = createAgent({ backend, tools: [browser, python], currentDate: null });
    const run = agent.run('Search, then compute.');
    const result = await run;
    backend.assertComplete();
    expect(result.finalText).toBe('It is 42.');

    const toolEvents = run.events.filter((event) => event.type.startsWith('tool-'));
    expect(toolEvents.map((event) => [event.type, 'recipient' in event ? event.recipient : ''])).toEqual([
      ['tool-call', 'browser.search'],
      ['tool-result', 'browser.search'],
      ['tool-call', 'browser.search'],
      ['tool-error', 'browser.search'],
      ['tool-call', 'container.exec'],
      ['tool-error', 'container.exec'],
      ['tool-call', 'python'],
      ['tool-result', 'python'],
    ]);
    const calls = toolEvents.filter((event) => event.type === 'tool-call');
    expect(calls[0]).toMatchObject({
      toolName: 'browser.search',
      arguments: '{"query":"deploy static host","topn":2}',
      channel: 'analysis',
    });
    expect(calls[3]).toMatchObject({ toolName: 'python', arguments: 'print(6 * 7)', channel: 'commentary' });
    const errors = toolEvents.filter(
      (event): event is Extract<AgentEvent, { type: 'tool-error' }> => event.type === 'tool-error',
    );
    expect(errors[0]!.error).toBeInstanceOf(ToolTimeoutError);
    expect(errors[1]!.error).toBeInstanceOf(UnknownToolError);
    expect(errors[1]!.output).toMatch(/Available tools: browser, python/);
    expect(toolEvents[7]).toMatchObject({ output: '42\n' });

    // Each result went back authored by the recipient, to the assistant, on the channel of its call.
    const tools = result.history.messages.filter((message) => message.role === 'tool');
    expect(tools.map((message) => [message.name, message.recipient, message.channel])).toEqual([
      ['browser.search', 'assistant', 'analysis'],
      ['browser.search', 'assistant', 'analysis'],
      ['container.exec', 'assistant', 'analysis'],
      ['python', 'assistant', 'commentary'],
    ]);
    const lastPrompt = encoding.decodeUtf8(backend.requests[4]!.promptTokens);
    expect(lastPrompt).toContain('<|start|>python to=assistant<|channel|>commentary<|message|>42\n<|end|>');
    expect(lastPrompt).toContain(
      '<|start|>browser.search to=assistant<|channel|>analysis<|message|>[0] deploy static host',
    );
  });
});
