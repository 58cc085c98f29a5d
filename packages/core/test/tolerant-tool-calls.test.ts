import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { loadHarmonyEncoding } from '../src/harmony/index.js';
import {
  type BuiltinTool,
  Conversation,
  createAgent,
  defineTool,
  type Tool,
  type ToolCallEvent,
} from '../src/index.js';
import {
  createScriptedBackend,
  scriptBuiltinCall,
  scriptFinal,
  scriptToolCall,
} from '../src/testing/index.js';

const encoding = loadHarmonyEncoding();
const calls: unknown[] = [];

const getWeather = defineTool({
  name: 'get_weather',
  description: 'Gets the weather.',
  parameters: z.object({ city: z.string() }),
  execute: ({ city }) => {
    calls.push(['get_weather', city]);
    return `sunny in ${city}`;
  },
});
const getWeatherJson = defineTool({
  name: 'get_weatherjson',
  description: 'A tool whose name ends in json.',
  parameters: z.object({ city: z.string() }),
  execute: ({ city }) => {
    calls.push(['get_weatherjson', city]);
    return `json ${city}`;
  },
});
const python: BuiltinTool = {
  kind: 'builtin',
  namespace: { name: 'python', tools: [] },
  timeoutMs: undefined,
  execute: ({ recipient, input }) => {
    calls.push([recipient, input]);
    return 'ran';
  },
};
/** `to=<recipient>` as the model writes it, JSON arguments. */
const rawCall = (recipient: string, args: string) =>
  ` to=${recipient}<|channel|>commentary <|constrain|>json<|message|>${args}<|call|>`;

async function runOne(completion: string, tools: readonly Tool[] = [getWeather, python]) {
  calls.length = 0;
  const backend = createScriptedBackend({ steps: [{ completion }, { completion: scriptFinal('Done.') }] });
  const run = createAgent({ backend, tools: [...tools], currentDate: null }).run('Weather?');
  const result = await run;
  const call = run.events.find((event): event is ToolCallEvent => event.type === 'tool-call');
  const toolMessage = result.history.messages.find((message) => message.role === 'tool');
  expect(() => encoding.renderConversationForCompletion(result.history.messages, 'assistant')).not.toThrow();
  expect(Conversation.fromJSON(JSON.parse(JSON.stringify(result.history))).messages).toEqual(
    result.history.messages,
  );
  return { call, toolMessage, executed: [...calls], events: run.events };
}

describe('tolerant tool calls: recipients', () => {
  it('reads a bare function name as functions.<name>, and reports it', async () => {
    const { call, toolMessage, executed } = await runOne(rawCall('get_weather', '{"city":"Paris"}'));
    expect(executed).toEqual([['get_weather', 'Paris']]);
    expect(call).toMatchObject({
      recipient: 'get_weather',
      toolName: 'get_weather',
      repairs: ['bare-function-name'],
    });
    expect(toolMessage?.name).toBe('functions.get_weather');
  });

  it('reads a content type glued onto the name, unless a tool has that exact name', async () => {
    const glued = await runOne(rawCall('functions.get_weatherjson', '{"city":"Oslo"}'));
    expect(glued.executed).toEqual([['get_weather', 'Oslo']]);
    expect(glued.call).toMatchObject({ toolName: 'get_weather', repairs: ['content-type-in-name'] });
    const exact = await runOne(rawCall('functions.get_weatherjson', '{"city":"Oslo"}'), [
      getWeather,
      getWeatherJson,
      python,
    ]);
    expect(exact.executed).toEqual([['get_weatherjson', 'Oslo']]);
    expect(exact.call?.repairs).toBeUndefined();
  });

  it('routes functions.python and functions.browser.* to the built-in when no function has that name', async () => {
    const { call, toolMessage, executed } = await runOne(scriptBuiltinCall('functions.python', 'print(1)'));
    expect(executed).toEqual([['python', 'print(1)']]);
    expect(call).toMatchObject({ toolName: 'python', repairs: ['builtin-in-functions-namespace'] });
    expect(toolMessage?.name).toBe('python');
  });

  it('never guesses: unknown names stay unknown tools and nothing runs', async () => {
    for (const recipient of [
      'functions.get_weath',
      'get_weatherjson',
      'functions.browser.search',
      'weather',
      'functions.',
    ]) {
      const { executed, events } = await runOne(rawCall(recipient, '{"city":"Paris"}'));
      expect(executed).toEqual([]);
      expect(events.some((event) => event.type === 'tool-error' && event.error.code === 'unknown_tool')).toBe(
        true,
      );
    }
  });

  it('keeps the call as written when a built-in namespace has the bare name', async () => {
    const { call, executed } = await runOne(scriptBuiltinCall('python', 'x = 1'));
    expect(executed).toEqual([['python', 'x = 1']]);
    expect(call?.repairs).toBeUndefined();
  });
});

describe('tolerant tool calls: arguments', () => {
  it.each([
    [
      'an envelope with parameters',
      '{"name":"get_weather","parameters":{"city":"Rome"}}',
      'arguments-envelope',
    ],
    [
      'an envelope with arguments',
      '{"name":"functions.get_weather","arguments":{"city":"Rome"}}',
      'arguments-envelope',
    ],
    [
      'an envelope with arguments as JSON text',
      '{"name":"get_weather","arguments":"{\\"city\\":\\"Rome\\"}"}',
      'arguments-envelope',
    ],
    ['JSON encoded twice', JSON.stringify(JSON.stringify({ city: 'Rome' })), 'arguments-encoded-twice'],
  ])('repairs %s', async (_, args, repair) => {
    const { call, executed } = await runOne(scriptToolCall('get_weather', args));
    expect(executed).toEqual([['get_weather', 'Rome']]);
    expect(call).toMatchObject({ arguments: { city: 'Rome' }, rawArguments: args, repairs: [repair] });
  });

  it('repairs nothing when the value as written validates, or the repaired one does not', async () => {
    const enveloped = defineTool({
      name: 'get_weather',
      description: 'Takes an envelope on purpose.',
      parameters: z.object({ name: z.string(), parameters: z.object({ city: z.string() }) }),
      execute: (args) => {
        calls.push(['enveloped', args]);
        return 'ok';
      },
    });
    const asWritten = await runOne(
      scriptToolCall('get_weather', { name: 'get_weather', parameters: { city: 'Rome' } }),
      [enveloped],
    );
    expect(asWritten.executed).toEqual([
      ['enveloped', { name: 'get_weather', parameters: { city: 'Rome' } }],
    ]);
    expect(asWritten.call?.repairs).toBeUndefined();
    for (const args of [
      '{"name":"other_tool","parameters":{"city":"Rome"}}',
      '{"name":"get_weather","parameters":{"town":"Rome"}}',
      '{"name":"get_weather","parameters":{"city":"Rome"},"extra":1}',
      JSON.stringify(JSON.stringify({ town: 'Rome' })),
    ]) {
      const { executed, events } = await runOne(scriptToolCall('get_weather', args));
      expect(executed).toEqual([]);
      expect(
        events.some((event) => event.type === 'tool-error' && event.error.code === 'invalid_tool_arguments'),
      ).toBe(true);
    }
  });

  it('asks for approval of a repaired call as of the call as written', async () => {
    const guarded = defineTool({
      name: 'get_weather',
      description: 'Needs approval.',
      parameters: z.object({ city: z.string() }),
      needsApproval: true,
      execute: ({ city }) => {
        calls.push(['guarded', city]);
        return 'ok';
      },
    });
    calls.length = 0;
    const backend = createScriptedBackend({
      steps: [
        { completion: scriptToolCall('get_weather', '{"name":"get_weather","parameters":{"city":"Rome"}}') },
      ],
    });
    const run = createAgent({ backend, tools: [guarded], currentDate: null }).run('Weather?');
    const result = await run;
    expect(calls).toEqual([]);
    expect(run.events.some((event) => event.type === 'approval-required')).toBe(true);
    expect(run.events.at(-1)).toMatchObject({ type: 'run-end', status: 'interrupted' });
    expect(result.history.messages.some((message) => message.role === 'tool')).toBe(false);
  });
});
