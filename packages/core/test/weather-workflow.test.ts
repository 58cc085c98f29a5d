import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { HARMONY_TOKENS, loadHarmonyEncoding } from '../src/harmony/index.js';
import { type AgentEvent, Conversation, createAgent, defineTool, type Message } from '../src/index.js';
import { createScriptedBackend, scriptFinal, scriptToolCall } from '../src/testing/index.js';

const encoding = loadHarmonyEncoding();
const LOCATIONS: Record<string, string> = { john123: 'San Francisco, CA', jay_lee: 'Seoul, South Korea' };
const TEMPERATURES_C: Record<string, number> = { 'San Francisco, CA': 18, 'Seoul, South Korea': 5 };

function weatherTools() {
  const calls: { tool: string; args: unknown }[] = [];
  const getCurrentLocation = defineTool({
    name: 'get_current_location',
    description: 'Gets the current location of a user.',
    parameters: z.object({
      userid: z.string().describe('The id of the user'),
      max_len: z.number().int().optional().describe('Truncate the location to this many characters'),
    }),
    execute: ({ userid, max_len }) => {
      calls.push({ tool: 'get_current_location', args: { userid, max_len } });
      const location = LOCATIONS[userid] ?? 'unknown';
      return max_len === undefined ? location : location.slice(0, max_len);
    },
  });
  const getCurrentTemperature = defineTool({
    name: 'get_current_temperature',
    description: 'Gets the current temperature at a location.',
    parameters: z.object({
      location: z.string().describe('The city and region, e.g. San Francisco, CA'),
      format: z.enum(['celsius', 'fahrenheit']).default('celsius'),
    }),
    execute: ({ location, format }) => {
      calls.push({ tool: 'get_current_temperature', args: { location, format } });
      const celsius = TEMPERATURES_C[location] ?? 20;
      return { temperature: format === 'fahrenheit' ? Math.round((celsius * 9) / 5 + 32) : celsius, format };
    },
  });
  return { calls, tools: [getCurrentLocation, getCurrentTemperature] as const };
}

const turnOneSteps = [
  scriptToolCall(
    'get_current_location',
    { userid: 'john123' },
    { analysis: 'The user wants the temperature in Fahrenheit where john123 is. I need the location first.' },
  ),
  scriptToolCall(
    'get_current_temperature',
    { location: 'San Francisco, CA', format: 'fahrenheit' },
    { analysis: 'john123 is in San Francisco, CA. Now the temperature in Fahrenheit.' },
  ),
  scriptFinal('It is currently 64°F in San Francisco, CA, where john123 is.', {
    analysis: 'The temperature is 64 F. Answer.',
  }),
];
const turnTwoSteps = [
  scriptToolCall(
    'get_current_location',
    { userid: 'jay_lee' },
    { analysis: 'Same question for jay_lee: location first.' },
  ),
  scriptToolCall(
    'get_current_temperature',
    { location: 'Seoul, South Korea', format: 'fahrenheit' },
    { analysis: 'jay_lee is in Seoul. Temperature in Fahrenheit.' },
  ),
  scriptFinal('It is currently 41°F in Seoul, South Korea, where jay_lee is.', {
    analysis: 'Seoul is 41 F.',
  }),
];

const INSTRUCTIONS = 'Use the tools to answer questions about the weather.';

/** The system and developer messages the agent must render, written out independently of the runner. */
function headerMessages(tools: ReturnType<typeof weatherTools>['tools']): Message[] {
  return [
    {
      role: 'system',
      content: [
        {
          type: 'system_content',
          modelIdentity: 'You are ChatGPT, a large language model trained by OpenAI.',
          reasoningEffort: 'low',
          knowledgeCutoff: '2024-06',
          conversationStartDate: '2026-11-28',
          channelConfig: { validChannels: ['analysis', 'commentary', 'final'], channelRequired: true },
        },
      ],
    },
    {
      role: 'developer',
      content: [
        {
          type: 'developer_content',
          instructions: INSTRUCTIONS,
          tools: {
            functions: {
              name: 'functions',
              tools: tools.map((tool) => ({
                name: tool.name,
                description: tool.description,
                parameters: tool.parameters,
              })),
            },
          },
        },
      ],
    },
  ];
}

const summarize = (events: readonly AgentEvent[]) =>
  events
    .filter((event) => !event.type.endsWith('-delta') && event.type !== 'message')
    .map((event) => event.type);

describe("the user's weather workflow on the scripted backend", () => {
  it('runs two turns with two tools each, with exact prompts and events', async () => {
    const { calls, tools } = weatherTools();
    const backend = createScriptedBackend({
      steps: [...turnOneSteps, ...turnTwoSteps].map((completion) => ({ completion })),
    });
    let ids = 0;
    const agent = createAgent({
      backend,
      tools,
      instructions: INSTRUCTIONS,
      reasoningEffort: 'low',
      currentDate: '2026-11-28',
      generateId: (kind) => `${kind}_${++ids}`,
    });

    const first = agent.run('What is the temperature in Fahrenheit where user john123 is?');
    const finals: string[] = [];
    first.on('final', (event) => finals.push(event.text));
    const firstResult = await first;
    expect(firstResult.finalText).toBe('It is currently 64°F in San Francisco, CA, where john123 is.');
    expect(finals).toEqual([firstResult.finalText]);
    expect(summarize(first.events)).toEqual([
      'run-start',
      'step-start',
      'analysis',
      'step-end',
      'tool-call',
      'tool-result',
      'step-start',
      'analysis',
      'step-end',
      'tool-call',
      'tool-result',
      'step-start',
      'analysis',
      'final',
      'step-end',
      'run-end',
    ]);
    const toolCall = first.events.find((event) => event.type === 'tool-call');
    expect(toolCall).toMatchObject({
      recipient: 'functions.get_current_location',
      arguments: { userid: 'john123' },
    });

    // Save and resume the history through JSON, as an app would.
    const saved = JSON.parse(JSON.stringify(firstResult.history));
    const history = Conversation.fromJSON(saved);
    const second = await agent.run('and for jay_lee?', { history });
    expect(second.finalText).toBe('It is currently 41°F in Seoul, South Korea, where jay_lee is.');
    backend.assertComplete();

    expect(calls).toEqual([
      { tool: 'get_current_location', args: { userid: 'john123', max_len: undefined } },
      { tool: 'get_current_temperature', args: { location: 'San Francisco, CA', format: 'fahrenheit' } },
      { tool: 'get_current_location', args: { userid: 'jay_lee', max_len: undefined } },
      { tool: 'get_current_temperature', args: { location: 'Seoul, South Korea', format: 'fahrenheit' } },
    ]);

    // Every prompt equals the Harmony renderer's output for the conversation so far.
    const header = headerMessages(tools);
    const all = second.history.messages;
    const turnTwoStart = all.findIndex((message, index) => index > 0 && message.role === 'user');
    const prompts = backend.requests.map((request) => request.promptTokens);
    expect(prompts).toHaveLength(6);
    const expectedPrompt = (upTo: number, dropEarlierAnalysis: boolean) => {
      const messages = all
        .slice(0, upTo)
        .filter(
          (message, index) =>
            !(dropEarlierAnalysis && index < turnTwoStart && message.channel === 'analysis'),
        );
      return encoding.renderConversationForCompletion([...header, ...messages], 'assistant', {
        autoDropAnalysis: false,
      });
    };
    // The messages before each request: user (1), +analysis+call+result (4), +analysis+call+result (7) ...
    const cut = [1, 4, 7];
    for (const [index, upTo] of cut.entries()) {
      expect(prompts[index]).toEqual(expectedPrompt(upTo, false));
      expect(prompts[3 + index]).toEqual(expectedPrompt(turnTwoStart + upTo, true));
    }

    for (const prompt of prompts) {
      expect(prompt.slice(-2)).toEqual([HARMONY_TOKENS.start, ...encoding.encodeOrdinary('assistant')]);
      expect(prompt).not.toContain(HARMONY_TOKENS.return);
    }
    expect(prompts[1]!.filter((token) => token === HARMONY_TOKENS.call)).toHaveLength(1);
    const turnTwoText = encoding.decode(prompts[3]!);
    expect(turnTwoText).not.toContain('I need the location first');
    expect(turnTwoText).toContain('It is currently 64°F in San Francisco, CA, where john123 is.<|end|>');
    // Turn one's first prompt with turn one's analysis dropped, as openai-harmony does after a final answer.
    expect(prompts[3]).toEqual(
      encoding.renderConversationForCompletion([...header, ...all.slice(0, turnTwoStart + 1)], 'assistant'),
    );
  });

  it('reuses the prompt prefix within a turn: each prompt extends the previous one', async () => {
    const { tools } = weatherTools();
    const backend = createScriptedBackend({ steps: turnOneSteps.map((completion) => ({ completion })) });
    const agent = createAgent({ backend, tools, currentDate: null });
    const run = agent.run('What is the temperature in Fahrenheit where user john123 is?');
    await run;
    const prompts = backend.requests.map((request) => request.promptTokens);
    const usages = run.events.flatMap((event) => (event.type === 'step-end' ? [event.usage] : []));
    for (let index = 1; index < prompts.length; index++) {
      const previous = prompts[index - 1]!;
      expect(prompts[index]!.slice(0, previous.length)).toEqual(previous);
      // Only what the previous turn added is new: its stop token (not in a KV cache), the tool result, <|start|>assistant.
      const reused = previous.length + usages[index - 1]!.generatedTokens - 1;
      expect(usages[index]!.cachedPromptTokens).toBe(reused);
      expect(usages[index]!.evaluatedPromptTokens).toBe(prompts[index]!.length - reused);
    }
  });
});
