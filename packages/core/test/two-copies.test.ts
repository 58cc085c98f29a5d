// Two installed copies of @harmony-agents/core: an app's, and the one a backend or tool package brought.
// The second copy here is genuine: core's sources copied to a temporary folder and loaded from there,
// so its classes are distinct objects, as with two folders in node_modules.
import { cpSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKEND_SPECIFICATION_VERSION, type Backend } from '../src/backend.js';
import * as errors from '../src/errors.js';
import { createAgent, defineTool, isHarmonyAgentsError } from '../src/index.js';
import { createScriptedBackend, scriptToolCall } from '../src/testing/index.js';

type Errors = typeof errors;
const core = resolve(dirname(fileURLToPath(import.meta.url)), '..');
let folder: string;
let other: Errors;

beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), 'harmony-agents-core-copy-'));
  cpSync(join(core, 'src'), join(folder, 'src'), { recursive: true });
  symlinkSync(join(core, 'node_modules'), join(folder, 'node_modules'), 'dir');
  other = (await import(pathToFileURL(join(folder, 'src/errors.ts')).href)) as Errors;
});

afterAll(() => rmSync(folder, { recursive: true, force: true }));

/** A backend whose every generation fails with `error`. */
function failingBackend(error: unknown): Backend {
  return {
    specificationVersion: BACKEND_SPECIFICATION_VERSION,
    backendId: 'failing',
    doGenerate: () => ({
      [Symbol.asyncIterator]: () => ({
        next: () => Promise.reject(error),
      }),
    }),
  };
}

describe('two copies of core', () => {
  it('is a genuine second copy', () => {
    expect(other.BackendError).not.toBe(errors.BackendError);
    expect(Object.getPrototypeOf(new other.BackendError('x', { kind: 'context_overflow' }))).not.toBe(
      errors.BackendError.prototype,
    );
  });

  it('recognises the other copy’s errors by brand: isHarmonyAgentsError, isInstance and instanceof', () => {
    const error = new other.BackendError('The GPU is gone', { kind: 'context_overflow' });
    expect(isHarmonyAgentsError(error)).toBe(true);
    expect(isHarmonyAgentsError(error, 'backend_error')).toBe(true);
    expect(isHarmonyAgentsError(error, 'run_aborted')).toBe(false);
    expect(errors.BackendError.isInstance(error)).toBe(true);
    expect(errors.HarmonyAgentsError.isInstance(error)).toBe(true);
    expect(error instanceof errors.BackendError).toBe(true);
    expect(error instanceof errors.HarmonyAgentsError).toBe(true);
    expect(errors.RunAbortedError.isInstance(error)).toBe(false);
    expect(error instanceof errors.ConfigurationError).toBe(false);
    // Abstract bases match their subclasses from either copy.
    const unknownTool = new other.UnknownToolError('no such tool', { recipient: 'functions.nope' });
    expect(errors.ToolCallError.isInstance(unknownTool)).toBe(true);
    expect(unknownTool instanceof errors.ToolCallError).toBe(true);
    expect(errors.ToolArgumentsError.isInstance(unknownTool)).toBe(false);
    // And the other way round.
    expect(new errors.ConfigurationError('bad') instanceof other.ConfigurationError).toBe(true);
  });

  it('does not take plain errors or look-alikes for harmony-agents errors', () => {
    const lookAlike = Object.assign(new Error('x'), { code: 'backend_error', name: 'BackendError' });
    expect(isHarmonyAgentsError(lookAlike)).toBe(false);
    expect(errors.BackendError.isInstance(lookAlike)).toBe(false);
    expect(lookAlike instanceof errors.BackendError).toBe(false);
    expect(isHarmonyAgentsError(null)).toBe(false);
    expect(isHarmonyAgentsError('backend_error')).toBe(false);
  });

  it('a backend’s error from the other copy reaches the app as thrown, not re-wrapped as generation_failed', async () => {
    const thrown = new other.BackendError('The GPU is gone', { kind: 'context_overflow' });
    const agent = createAgent({ backend: failingBackend(thrown) });
    const error = await agent.run('Hi').then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBe(thrown);
    expect(errors.BackendError.isInstance(error) && error.kind).toBe('context_overflow');
  });

  it('a tool’s error from the other copy keeps its message for the model', async () => {
    const backend = createScriptedBackend({
      steps: [
        { completion: scriptToolCall('lookup', { id: 1 }) },
        { completion: '<|channel|>final<|message|>ok<|return|>' },
      ],
    });
    const lookup = defineTool({
      name: 'lookup',
      description: 'Looks a record up.',
      parameters: { type: 'object', properties: { id: { type: 'number' } }, required: ['id'] },
      execute: () => {
        throw new other.ToolInputRejectedError('Record 1 is private', { reason: 'invalid_usage' });
      },
    });
    const result = await createAgent({ backend, tools: [lookup] }).run('Look up 1');
    const toolMessage = result.newMessages.find((message) => message.role === 'tool');
    expect(JSON.stringify(toolMessage?.content)).toContain('Record 1 is private');
    expect(JSON.stringify(toolMessage?.content)).not.toContain('lookup failed');
  });
});
