/**
 * The everyday function tools inside an agent: every refusal (a path out of the root, a division by zero, a
 * URL outside the allowlist, a binary file) reaches the model as a tool message with a clear error, with a
 * `tool-error` event, and the run goes on to its answer. Nothing leaves the machine: the HTTP refusal happens
 * before any connection.
 */

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type AgentEvent,
  createAgent,
  ToolExecutionError,
  ToolInputRejectedError,
} from '@harmony-agents/core';
import { createScriptedBackend, scriptFinal, scriptToolCall } from '@harmony-agents/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCalculatorTool } from '../src/calculator-tool.js';
import { createReadFileTool } from '../src/file-tools.js';
import { createHttpFetchTool } from '../src/http-fetch-tool.js';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'everyday-tools-'));
  await writeFile(join(root, 'notes.txt'), 'The meeting is at noon.');
  await writeFile(join(root, 'image.png'), new Uint8Array([137, 80, 78, 71, 0, 0, 0, 13]));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('everyday tools in an agent', () => {
  it('reports every refusal to the model as a tool error and finishes the run', async () => {
    const backend = createScriptedBackend({
      steps: [
        scriptToolCall('read_file', { path: '../../etc/passwd' }),
        scriptToolCall('read_file', { path: 'image.png' }),
        scriptToolCall('calculator', { expression: '1 / (2 - 2)' }),
        scriptToolCall('http_fetch', { url: 'http://127.0.0.1:9/admin' }),
        scriptToolCall('read_file', { path: 'notes.txt' }),
        scriptFinal('The meeting is at noon.'),
      ].map((completion) => ({ completion })),
    });
    const agent = createAgent({
      backend,
      currentDate: null,
      tools: [
        createReadFileTool({ root }),
        createCalculatorTool(),
        createHttpFetchTool({ allowlist: ['https://docs.example.com'] }),
      ],
    });
    const run = agent.run('When is the meeting?');
    const result = await run;
    backend.assertComplete();
    expect(result.finalText).toBe('The meeting is at noon.');

    const outcomes = run.events.filter(
      (event): event is Extract<AgentEvent, { type: 'tool-error' | 'tool-result' }> =>
        event.type === 'tool-error' || event.type === 'tool-result',
    );
    expect(outcomes.map((event) => event.type)).toEqual([
      'tool-error',
      'tool-error',
      'tool-error',
      'tool-error',
      'tool-result',
    ]);
    const errors = outcomes.flatMap((event) => (event.type === 'tool-error' ? [event] : []));
    for (const event of errors) {
      expect(event.error).toBeInstanceOf(ToolExecutionError);
      expect(event.error.cause).toBeInstanceOf(ToolInputRejectedError);
    }
    expect(errors.map((event) => (event.error.cause as ToolInputRejectedError).reason)).toEqual([
      'parent_segment',
      'binary_file',
      'division_by_zero',
      'not_allowed',
    ]);
    expect(errors.map((event) => event.output)).toEqual([
      'Error: ".." is not allowed in paths ("../../etc/passwd").',
      'Error: image.png is a binary file (it contains NUL bytes).',
      'Error: Division by zero.',
      expect.stringMatching(/^Error: .*127\.0\.0\.1.*not.*allow/u),
    ]);
    // The model saw each error as the tool's answer.
    const toolTexts = result.history.messages
      .filter((message) => message.role === 'tool')
      .map((message) => message.content[0]);
    expect(toolTexts).toHaveLength(5);
    expect(toolTexts[0]).toEqual({ type: 'text', text: errors[0]!.output });
    expect(toolTexts[4]).toEqual({ type: 'text', text: 'The meeting is at noon.' });
  });
});
