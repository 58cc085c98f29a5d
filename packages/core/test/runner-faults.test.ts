import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { loadHarmonyEncoding } from '../src/harmony/index.js';
import {
  type AgentEvent,
  BackendError,
  type BuiltinTool,
  ConfigurationError,
  Conversation,
  createAgent,
  defineTool,
  MaxToolRoundsExceededError,
  RepeatedToolCallError,
  RunAbortedError,
  TokenBudgetExceededError,
  ToolArgumentsError,
  ToolDefinitionError,
  ToolExecutionError,
  ToolTimeoutError,
  UnknownToolError,
} from '../src/index.js';
import {
  createScriptedBackend,
  type ScriptedStep,
  scriptBuiltinCall,
  scriptFinal,
  scriptToolCall,
} from '../src/testing/index.js';

const encoding = loadHarmonyEncoding();

const echo = defineTool({
  name: 'echo',
  description: 'Echoes a word.',
  parameters: z.object({ word: z.string().min(1) }),
  execute: ({ word }) => `echo: ${word}`,
});

const failing = defineTool({
  name: 'failing',
  description: 'Always fails.',
  parameters: z.object({}),
  execute: () => {
    throw new Error('disk on fire');
  },
});

const slow = defineTool({
  name: 'slow',
  description: 'Never finishes unless aborted.',
  parameters: z.object({}),
  timeoutMs: 20,
  execute: (_, { signal }) =>
    new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason))),
});

function agentWith(
  steps: readonly (string | ScriptedStep)[],
  options: Partial<Parameters<typeof createAgent>[0]> = {},
) {
  const backend = createScriptedBackend({
    steps: steps.map((step) => (typeof step === 'string' ? { completion: step } : step)),
  });
  const agent = createAgent({ backend, tools: [echo], currentDate: null, ...options });
  return { backend, agent };
}

const types = (events: readonly AgentEvent[]) => events.map((event) => event.type);
const toolMessages = (history: Conversation) => history.messages.filter((message) => message.role === 'tool');
const textOf = (message: { content: readonly { type: string; text?: string }[] }) =>
  message.content.map((item) => item.text ?? '').join('');

/** A history must always render, and survive a JSON round trip. */
function expectConsistent(history: Conversation) {
  expect(() => encoding.renderConversationForCompletion(history.messages, 'assistant')).not.toThrow();
  expect(Conversation.fromJSON(JSON.parse(JSON.stringify(history))).messages).toEqual(history.messages);
}

describe('tool-call faults go back to the model', () => {
  it.each([
    ['arguments that are not JSON', scriptToolCall('echo', '{"word": "hi"'), /not valid JSON/],
    ['arguments that fail the schema', scriptToolCall('echo', { word: '' }), /word/],
    [
      'an unknown tool',
      scriptToolCall('nope', {}),
      /Unknown tool functions\.nope\. Available tools: functions\.echo/,
    ],
  ])('%s', async (_, call, message) => {
    const { agent, backend } = agentWith([call, scriptFinal('Sorry.')]);
    const run = agent.run('Echo hi');
    const result = await run;
    const error = run.events.find((event) => event.type === 'tool-error');
    expect(error?.type === 'tool-error' && error.output).toMatch(message);
    expect(textOf(toolMessages(result.history)[0]!)).toMatch(message);
    expect(result.finalText).toBe('Sorry.');
    backend.assertComplete();
    expectConsistent(result.history);
  });

  it('a tool that throws or times out', async () => {
    const { agent } = agentWith(
      [scriptToolCall('failing', {}), scriptToolCall('slow', {}), scriptFinal('Done.')],
      {
        tools: [failing, slow],
      },
    );
    const run = agent.run('Go');
    const result = await run;
    const outputs = toolMessages(result.history).map(textOf);
    expect(outputs[0]).toContain('disk on fire');
    expect(outputs[0]).not.toContain('at ');
    expect(outputs[1]).toContain('did not finish within 20 ms');
    expect(run.events.filter((event) => event.type === 'tool-error')).toHaveLength(2);
  });

  it('can be turned into thrown errors', async () => {
    const { agent } = agentWith([scriptToolCall('echo', { word: 7 })], {
      onToolError: { invalid_tool_arguments: 'throw' },
    });
    const run = agent.run('Echo');
    await expect(run).rejects.toBeInstanceOf(ToolArgumentsError);
    expect(types(run.events).slice(-2)).toEqual(['error', 'run-end']);
    expectConsistent(run.history);
  });

  it.each([
    ['unknown_tool', scriptToolCall('nope', {}), UnknownToolError],
    ['tool_execution_failed', scriptToolCall('failing', {}), ToolExecutionError],
    ['tool_timeout', scriptToolCall('slow', {}), ToolTimeoutError],
  ] as const)('%s can be turned into a thrown error too', async (kind, call, errorClass) => {
    const { agent, backend } = agentWith([call, scriptFinal('Never reached.')], {
      tools: [echo, failing, slow],
      onToolError: { [kind]: 'throw' },
    });
    const run = agent.run('Go');
    await expect(run).rejects.toBeInstanceOf(errorClass);
    expect(types(run.events.filter((event) => event.type !== 'message')).slice(-3)).toEqual([
      'tool-error',
      'error',
      'run-end',
    ]);
    expect(backend.remainingSteps).toBe(1);
    expect(toolMessages(run.history)).toHaveLength(1);
    expectConsistent(run.history);
  });

  it('tolerates argument wrappers models are known to add', async () => {
    const { agent } = agentWith([scriptToolCall('echo', '[{"word": "hi"}]'), scriptFinal('ok')]);
    const run = agent.run('Echo hi');
    await run;
    expect(run.events.find((event) => event.type === 'tool-result')).toMatchObject({ output: 'echo: hi' });
  });
});

describe('limits and guards', () => {
  it('stops after maxToolRounds with a typed error and a consistent history', async () => {
    const { agent } = agentWith(
      [scriptToolCall('echo', { word: 'a' }), scriptToolCall('echo', { word: 'b' })],
      {
        maxToolRounds: 1,
      },
    );
    const run = agent.run('Loop');
    await expect(run).rejects.toBeInstanceOf(MaxToolRoundsExceededError);
    expectConsistent(run.history);
    // The call that was not executed is answered, so the history can continue.
    expect(toolMessages(run.history).map(textOf)).toEqual([
      'echo: a',
      'Error: the call was not executed because the run was stopped.',
    ]);
  });

  it('refuses identical calls, then fails if the model insists', async () => {
    const same = scriptToolCall('echo', { word: 'same' });
    const { agent } = agentWith([same, same, same], { maxIdenticalToolCalls: 1 });
    const run = agent.run('Repeat');
    await expect(run).rejects.toBeInstanceOf(RepeatedToolCallError);
    const outputs = toolMessages(run.history).map(textOf);
    expect(outputs[0]).toBe('echo: same');
    expect(outputs[1]).toContain('Repeated call');
  });

  it('enforces the token budget', async () => {
    const { agent } = agentWith([scriptFinal('This answer is far too long for the budget.')], {
      maxTokens: 5,
    });
    const run = agent.run('Talk');
    await expect(run).rejects.toBeInstanceOf(TokenBudgetExceededError);
    expect(run.history.messages).toHaveLength(1);
    expectConsistent(run.history);
  });

  it('wraps backend failures', async () => {
    const { agent } = agentWith([{ completion: '', error: new Error('engine exploded') }]);
    const run = agent.run('Hi');
    await expect(run).rejects.toBeInstanceOf(BackendError);
    expect(run.history.messages.map((message) => message.role)).toEqual(['user']);
  });

  it('validates configuration before any model call', () => {
    const backend = createScriptedBackend({ steps: [] });
    expect(() => createAgent({ backend, maxToolRounds: 0 })).toThrow(ConfigurationError);
    // 2^31 ms and more would make Node's timer fire at once, timing out every tool.
    expect(() => createAgent({ backend, toolTimeoutMs: 2 ** 31 })).toThrow(/toolTimeoutMs must be at most/);
    expect(() => createAgent({ backend, toolTimeoutMs: 2 ** 31 - 1 })).not.toThrow();
    expect(() => createAgent({ backend, tools: [echo, echo] })).toThrow(ToolDefinitionError);
    expect(() => createAgent({ backend: {} as never })).toThrow(ConfigurationError);
    expect(() => createAgent({ backend }).run({ role: 'assistant', content: [] })).toThrow(
      ConfigurationError,
    );
    expect(() => createAgent({ backend }).run(null as never)).toThrow(
      /^run: input must be a string, or a Harmony user message .*, got null$/,
    );
    // A saved conversation's JSON passed as is, instead of through Conversation.fromJSON.
    const saved = JSON.parse(JSON.stringify(Conversation.empty()));
    expect(() => createAgent({ backend }).run('Hi', { history: saved })).toThrow(ConfigurationError);
    expect(() => createAgent({ backend }).run('Hi', { history: saved })).toThrow(/Conversation\.fromJSON/);
    expect(backend.requests).toHaveLength(0);
  });
});

describe('abort', () => {
  it('mid-analysis: abort event, valid history, next turn works', async () => {
    const { agent, backend } = agentWith([
      { completion: scriptFinal('Long answer', { analysis: 'thinking '.repeat(50) }), delayMs: 2 },
      scriptFinal('Fresh answer.'),
    ]);
    const controller = new AbortController();
    const run = agent.run('Think', { signal: controller.signal });
    run.on('analysis-delta', () => controller.abort(new Error('user pressed stop')));
    await expect(run).rejects.toBeInstanceOf(RunAbortedError);
    expect(types(run.events).slice(-2)).toEqual(['abort', 'run-end']);
    expect(run.events.at(-1)).toMatchObject({ status: 'aborted' });
    expectConsistent(run.history);
    const next = await agent.run('Again', { history: run.history });
    expect(next.finalText).toBe('Fresh answer.');
    backend.assertComplete();
  });

  it('mid-tool-execution: the call gets an answer in history', async () => {
    const controller = new AbortController();
    const waiting = defineTool({
      name: 'waiting',
      description: 'Waits.',
      parameters: z.object({}),
      execute: () => {
        controller.abort(new Error('stop'));
        return new Promise(() => undefined);
      },
    });
    const { agent, backend } = agentWith([scriptToolCall('waiting', {}), scriptFinal('Fresh answer.')], {
      tools: [waiting],
    });
    const run = agent.run('Wait', { signal: controller.signal });
    await expect(run).rejects.toBeInstanceOf(RunAbortedError);
    expect(types(run.events).slice(-2)).toEqual(['abort', 'run-end']);
    expect(toolMessages(run.history)).toHaveLength(1);
    expectConsistent(run.history);
    const next = await agent.run('Again', { history: run.history });
    expect(next.finalText).toBe('Fresh answer.');
    backend.assertComplete();
  });
});

describe('abort while the model writes a tool call', () => {
  it('drops the unfinished call: no tool runs, the history stays valid and the next turn works', async () => {
    const executed: string[] = [];
    const record = defineTool({
      name: 'record',
      description: 'Records a word.',
      parameters: z.object({ word: z.string() }),
      execute: ({ word }) => {
        executed.push(word);
        return 'ok';
      },
    });
    const { agent, backend } = agentWith(
      [
        {
          completion: scriptToolCall('record', { word: 'a'.repeat(40) }, { analysis: 'Record it.' }),
          delayMs: 2,
        },
        scriptFinal('Fresh answer.'),
      ],
      { tools: [record] },
    );
    const controller = new AbortController();
    const run = agent.run('Record', { signal: controller.signal });
    run.on('analysis', () => controller.abort(new Error('user pressed stop')));
    await expect(run).rejects.toBeInstanceOf(RunAbortedError);
    expect(types(run.events).slice(-2)).toEqual(['abort', 'run-end']);
    expect(types(run.events)).not.toContain('tool-call');
    expect(executed).toEqual([]);
    expect(run.history.messages.map((message) => message.channel ?? message.role)).toEqual([
      'user',
      'analysis',
    ]);
    expectConsistent(run.history);
    const next = await agent.run('Again', { history: run.history });
    expect(next.finalText).toBe('Fresh answer.');
    backend.assertComplete();
  });
});

describe('events', () => {
  it('are the same through on(), the async iterator and run.events; listener errors never break a run', async () => {
    const { agent } = agentWith([
      scriptToolCall('echo', { word: 'x' }, { analysis: 'Plan.', preamble: 'Let me echo that.' }),
      scriptFinal('Echoed.'),
    ]);
    const run = agent.run('Echo x');
    const seen: AgentEvent[] = [];
    for (const type of ['analysis', 'preamble', 'tool-call', 'final', 'run-end'] as const) {
      run.on(type, (event) => {
        seen.push(event);
      });
    }
    run.on('tool-call', () => {
      throw new Error('listener bug');
    });
    const iterated: AgentEvent[] = [];
    for await (const event of run) iterated.push(event);
    const result = await run;
    expect(iterated).toEqual(run.events);
    expect(seen.map((event) => event.type)).toEqual([
      'analysis',
      'preamble',
      'tool-call',
      'final',
      'run-end',
    ]);
    expect(run.events.find((event) => event.type === 'preamble')).toMatchObject({
      text: 'Let me echo that.',
    });
    expect(run.events.find((event) => event.type === 'listener-error')).toMatchObject({
      eventType: 'tool-call',
    });
    expect(result.finalText).toBe('Echoed.');
    expect(result.finalText).not.toContain('Plan.');
  });
});

describe('tool-call event', () => {
  it('fires before the tool runs', async () => {
    const seenBeforeExecute: string[] = [];
    let current: ReturnType<ReturnType<typeof createAgent>['run']> | undefined;
    const probe = defineTool({
      name: 'probe',
      description: 'Records the events seen so far.',
      parameters: z.object({}),
      execute: () => {
        seenBeforeExecute.push(...(current?.events.map((event) => event.type) ?? []));
        return 'ok';
      },
    });
    const { agent } = agentWith([scriptToolCall('probe', {}), scriptFinal('done')], { tools: [probe] });
    current = agent.run('Probe');
    await current;
    expect(seenBeforeExecute.at(-1)).toBe('tool-call');
  });
});

describe('malformed model output', () => {
  it.each([
    [
      'recipient after the channel, as gpt-oss writes it',
      '<|channel|>commentary to=functions.echo <|constrain|>json<|message|>{"word":"a"}<|call|>',
    ],
    [
      'recipient in the role, no constrain',
      ' to=functions.echo<|channel|>commentary json<|message|>{"word":"a"}<|call|>',
    ],
    [
      'constrain without a space',
      '<|channel|>commentary to=functions.echo<|constrain|>json<|message|>{"word":"a"}<|call|>',
    ],
  ])('%s is understood', async (_, completion) => {
    const { agent } = agentWith([completion, scriptFinal('ok')]);
    const run = agent.run('Echo a');
    const result = await run;
    expect(run.events.find((event) => event.type === 'tool-result')).toMatchObject({ output: 'echo: a' });
    expect(result.finalText).toBe('ok');
    expectConsistent(result.history);
  });

  it('text after the stop token (a backend that ignores stop tokens) is dropped with a parse-error event', async () => {
    const completions = [
      `${scriptToolCall('echo', { word: 'a' })}junk<|start|>assistant<|channel|>final<|message|>Made up.<|return|>`,
      `${scriptFinal('ok')} and more`,
    ];
    const prompts: number[][] = [];
    const agent = createAgent({
      backend: {
        specificationVersion: 'harmony-agents-backend-v1',
        backendId: 'over-generating',
        async *doGenerate(request) {
          prompts.push([...request.promptTokens]);
          const tokens = encoding.encode(completions.shift()!, { allowedSpecial: 'all' });
          yield { type: 'tokens', tokens };
          yield {
            type: 'finish',
            reason: 'stop',
            usage: { promptTokens: request.promptTokens.length, generatedTokens: tokens.length },
          };
        },
      },
      tools: [echo],
      currentDate: null,
    });
    const run = agent.run('Echo a');
    const result = await run;
    expect(result.finalText).toBe('ok');
    expect(run.events.filter((event) => event.type === 'tool-result')).toHaveLength(1);
    const parseErrors = run.events.filter((event) => event.type === 'parse-error');
    expect(parseErrors).toHaveLength(2);
    expect(parseErrors.every((event) => event.type === 'parse-error' && !event.recovered)).toBe(true);
    expect(result.history.messages.map((message) => message.role)).toEqual([
      'user',
      'assistant',
      'tool',
      'assistant',
    ]);
    expect(encoding.decode(prompts[1]!)).not.toContain('Made up.');
    expectConsistent(result.history);
  });

  it('a missing <|end|> before the next message is recovered with a parse-error event', async () => {
    const { agent } = agentWith([
      '<|channel|>analysis<|message|>Thinking<|start|>assistant<|channel|>final<|message|>Answer.<|return|>',
    ]);
    const run = agent.run('Hi');
    const result = await run;
    expect(result.finalText).toBe('Answer.');
    expect(run.events.some((event) => event.type === 'parse-error')).toBe(true);
    expectConsistent(result.history);
  });

  it('a model that stops without an answer gives a parse-error event, not a crash', async () => {
    const { agent } = agentWith(['<|channel|>analysis<|message|>Hmm.<|end|>']);
    const run = agent.run('Hi');
    const result = await run;
    expect(result.finalText).toBe('');
    expect(run.events.some((event) => event.type === 'parse-error')).toBe(true);
  });

  it.each([
    // As in openai-harmony, an unknown id and everything after it in the message become one U+FFFD.
    ['an id outside the vocabulary', 250_000, 'A\uFFFD'],
    ['a <|message|> token', 200008, 'A<|message|>B'],
    ['a reserved token', 200018, 'A<|reserved_200018|>B'],
  ])(
    '%s sampled inside content stays text: the history reloads, the next prompt renders it as text',
    async (_, id, text) => {
      const completion = [
        ...encoding.encode('<|channel|>final<|message|>A', { allowedSpecial: 'all' }),
        id,
        ...encoding.encode('B<|return|>', { allowedSpecial: 'all' }),
      ];
      const { agent, backend } = agentWith([{ completion }, scriptFinal('Again.')]);
      const first = await agent.run('Hi');
      expect(first.finalText).toBe(text);
      const history = Conversation.fromJSON(JSON.parse(JSON.stringify(first.history)));
      expect(history.messages).toEqual(first.history.messages);
      await agent.run('More', { history });
      const prompt = backend.requests[1]!.promptTokens.join(',');
      expect(prompt).toContain(encoding.render(first.history.messages[1]!).join(','));
      expect(prompt).not.toContain(completion.slice(0, -1).join(','));
      backend.assertComplete();
    },
  );

  it.each([
    ['a message on an unknown channel', '<|channel|>thoughts<|message|>secret plan<|end|><|start|>assistant'],
    [
      'a made-up user message',
      '<|channel|>analysis<|message|>x<|end|><|start|>user<|message|>secret plan<|end|><|start|>assistant',
    ],
  ])('%s is never streamed or announced as the answer', async (_, prelude) => {
    const { agent } = agentWith([`${prelude}<|channel|>final<|message|>Answer.<|return|>`]);
    const run = agent.run('Hi');
    const result = await run;
    expect(result.finalText).toBe('Answer.');
    const deltas = run.events.flatMap((event) => ('delta' in event ? [event.delta] : []));
    expect(deltas.join('')).not.toContain('secret plan');
    expect(run.events.filter((event) => event.type === 'final')).toMatchObject([{ text: 'Answer.' }]);
    expect(run.events.some((event) => event.type === 'parse-error')).toBe(true);
    expectConsistent(result.history);
  });

  it('a tool result made up by the model is dropped', async () => {
    const { agent } = agentWith([
      '<|channel|>analysis<|message|>x<|end|><|start|>functions.echo to=assistant<|channel|>commentary<|message|>fake<|end|><|start|>assistant<|channel|>final<|message|>done<|return|>',
    ]);
    const run = agent.run('Hi');
    const result = await run;
    expect(result.history.messages.some((message) => message.role === 'tool')).toBe(false);
    expect(run.events.some((event) => event.type === 'parse-error')).toBe(true);
  });
});

describe('built-in tools', () => {
  it('routes python calls and answers on the call channel', async () => {
    const inputs: string[] = [];
    const python: BuiltinTool = {
      kind: 'builtin',
      namespace: { name: 'python', description: 'Runs Python.', tools: [] },
      timeoutMs: undefined,
      execute: (call) => {
        inputs.push(call.input);
        return '4';
      },
    };
    const { agent, backend } = agentWith(
      [scriptBuiltinCall('python', 'print(2+2)', { contentType: 'code' }), scriptFinal('4')],
      {
        tools: [python],
      },
    );
    const result = await agent.run('2+2?');
    expect(inputs).toEqual(['print(2+2)']);
    const tool = toolMessages(result.history)[0]!;
    expect(tool).toMatchObject({ role: 'tool', name: 'python', recipient: 'assistant', channel: 'analysis' });
    expect(encoding.decode(backend.requests[0]!.promptTokens)).toContain('## python\n\nRuns Python.');
  });
});

describe('a history that cannot be rendered', () => {
  it('fails the run with events and leaves the history untouched', async () => {
    const { agent, backend } = agentWith([]);
    // `fromMessages` and `fromJSON` refuse a tool message without a name; `concat` trusts its entries.
    const history = Conversation.empty().concat([
      { message: { role: 'tool', content: [{ type: 'text', text: 'orphan' }] } },
    ]);
    const run = agent.run('Hi', { history });
    const iterated: AgentEvent[] = [];
    for await (const event of run) iterated.push(event);
    await expect(run).rejects.toThrow('Tools should have a name!');
    expect(types(iterated)).toEqual(['run-start', 'error', 'run-end']);
    expect(run.history).toBe(history);
    expect(backend.requests).toHaveLength(0);
  });
});

describe('a backend that runs out of context', () => {
  it('fails with a context_overflow BackendError, not a budget error', async () => {
    const full = createAgent({
      backend: {
        specificationVersion: 'harmony-agents-backend-v1',
        backendId: 'full',
        async *doGenerate(request) {
          yield { type: 'tokens', tokens: [200005] };
          yield {
            type: 'finish',
            reason: 'length',
            usage: { promptTokens: request.promptTokens.length, generatedTokens: 1 },
          };
        },
      },
      currentDate: null,
    });
    const run = full.run('Hi');
    await expect(run).rejects.toMatchObject({ code: 'backend_error', kind: 'context_overflow' });
    expect(run.history.messages).toHaveLength(1);
  });
});

describe('a backend that ignores the abort signal', () => {
  it('does not keep the aborted run waiting', async () => {
    const stuck = createAgent({
      backend: {
        specificationVersion: 'harmony-agents-backend-v1',
        backendId: 'stuck',
        async *doGenerate() {
          yield { type: 'tokens', tokens: [200005] };
          await new Promise(() => undefined);
        },
      },
      currentDate: null,
    });
    const controller = new AbortController();
    const run = stuck.run('Hi', { signal: controller.signal });
    run.on('step-start', () => setTimeout(() => controller.abort(new Error('stop')), 10));
    await expect(run).rejects.toBeInstanceOf(RunAbortedError);
    expect(types(run.events).slice(-2)).toEqual(['abort', 'run-end']);
    expectConsistent(run.history);
  });
});

describe('a tool call the model ends with <|return|>', () => {
  it('is kept in history with <|call|>, as Harmony renders it', async () => {
    const { agent } = agentWith([
      ' to=functions.echo<|channel|>commentary <|constrain|>json<|message|>{"word":"a"}<|return|>',
      scriptFinal('done'),
    ]);
    const result = await agent.run('Echo a');
    const call = result.history.entries.find((entry) => entry.message.recipient === 'functions.echo')!;
    expect(call.tokens).toEqual(encoding.render(call.message));
    expectConsistent(result.history);
  });
});
