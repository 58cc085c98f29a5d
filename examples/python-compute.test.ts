import { loadO200kHarmonyTokenizer } from '@harmony-agents/core/harmony';
import { createScriptedBackend } from '@harmony-agents/core/testing';
import { describe, expect, it } from 'vitest';
import { computeWithPython, DEFAULT_QUESTION, SCRIPTED_PYTHON_COMPLETIONS } from './python-compute.js';

describe('examples/python-compute', () => {
  it('runs the model-written program in the sandbox and answers from its output', async () => {
    const backend = createScriptedBackend({
      steps: SCRIPTED_PYTHON_COMPLETIONS.map((completion) => ({ completion })),
    });
    const calls: { recipient: string; input: string }[] = [];
    const outputs: string[] = [];
    const result = await computeWithPython({
      backend,
      onRun: (run) => {
        run.on('tool-call', (event) => calls.push({ recipient: event.recipient, input: event.rawArguments }));
        run.on('tool-result', (event) => outputs.push(event.output));
        run.on('tool-error', (event) => outputs.push(`error: ${event.output}`));
      },
    });
    backend.assertComplete();
    expect(calls).toHaveLength(1);
    expect(calls[0]?.recipient).toBe('python');
    expect(outputs).toEqual(['largest: 7919\n3682913\n']);
    expect(result.finalText).toContain('3,682,913');

    const prompt = loadO200kHarmonyTokenizer().decode(backend.requests[1]?.promptTokens ?? []);
    expect(prompt).toContain('## python\n\nUse this tool to execute Python code in your chain of thought.');
    expect(prompt).toContain(
      '<|start|>python to=assistant<|channel|>analysis<|message|>largest: 7919\n3682913\n',
    );
    expect(result.newMessages[0]?.content).toEqual([{ type: 'text', text: DEFAULT_QUESTION }]);
  });
});
