/**
 * The context window: a long conversation on a small context (CPU apps run gpt-oss on 8-16k tokens).
 *
 * - a backend declares its context size (`capabilities.contextSize`; the llama.cpp backend declares the one
 *   it allocates); before each model step the runner checks that the prompt plus a reserve for the answer
 *   (`contextReserveTokens`) fits;
 * - `contextOverflow: 'drop-oldest-turns'` leaves whole earlier turns out of the prompt, oldest first, and
 *   emits `history-trimmed`; the run's history keeps every message;
 * - the default, `'error'`, fails with a typed `ContextWindowExceededError` before the backend is called;
 * - a function `(conversation, budget) => Conversation` chooses what the model sees instead;
 * - `maxToolResultTokens` cuts a tool's big result, with a marker the model reads.
 *
 * Run: `node --conditions=@harmony-agents/source --import tsx examples/context-window.ts`
 * (set `HARMONY_AGENTS_GPT_OSS_GGUF` to a gpt-oss GGUF to use a real model instead of scripted turns).
 */
import { pathToFileURL } from 'node:url';
import {
  type AgentOptions,
  type Backend,
  type ContextBudget,
  ContextWindowExceededError,
  Conversation,
  type ConversationEntry,
  createAgent,
  defineTool,
  type HistoryTrimmedEvent,
  type Message,
} from '@harmony-agents/core';
import { scriptFinal, scriptToolCall } from '@harmony-agents/core/testing';
import { z } from 'zod';
import { createExampleBackend } from './example-backend.js';

/** The context the backend declares: small, so the conversation outgrows it in a few turns. */
export const CONTEXT_SIZE = 1024;
/** Tokens kept free for each answer: gpt-oss thinks before it answers. */
export const RESERVE_TOKENS = 512;

/** A trip-planning chat: what the user asks, and what the scripted model answers. */
export const TRIP_CHAT: readonly (readonly [question: string, answer: string])[] = [
  [
    'I am planning a week in Seoul in March. I am vegetarian and I do not like crowds.',
    'Noted: a week in Seoul in March, vegetarian food, quiet places. March is still cool, around 5°C in the ' +
      'morning and 12°C in the afternoon, often dry and windy, with the first cherry blossoms at the very end ' +
      'of the month. Weekdays are much calmer than weekends at every sight, so plan the popular places for ' +
      'Tuesday to Thursday mornings.',
  ],
  [
    'What should I pack?',
    'Layers: a warm jacket for the evenings, a sweater or fleece, a scarf for the wind by the river, ' +
      'comfortable walking shoes (Seoul is hilly and you will walk a lot), a small umbrella, and a power ' +
      'adapter for type C and F sockets at 220 V. Pharmacies and convenience stores sell everything else, ' +
      'and most of them are open late.',
  ],
  [
    'Which neighbourhoods are quiet in the evening?',
    'Seochon, west of Gyeongbokgung, and Buam-dong, on the hill behind it, are calm after dark, with small ' +
      'galleries, bookshops and tea houses. Bukchon is lovely but busy by day. Avoid Myeong-dong and Hongdae ' +
      'on weekend evenings, when they are packed until late at night.',
  ],
  [
    'How do I get from the airport to the city?',
    'Take the AREX express train from Incheon to Seoul Station: 43 minutes, a train every 30 to 40 minutes, ' +
      'reserved seats. The all-stop train is cheaper and takes an hour. Buy a T-money card at a convenience ' +
      'store in the airport: it pays for the subway, the buses and even taxis for the rest of the week.',
  ],
  [
    'Is a day trip to Suwon worth it?',
    'Yes. The walls of Hwaseong Fortress make a quiet two-hour walk with views over the city, and the ' +
      'restored palace is rarely crowded on a weekday. Subway line 1 takes you there in about an hour, or ' +
      'the ITX train in half an hour. Go early, and take the little dragon train only if your feet need it.',
  ],
  [
    'What is a good museum for a rainy day?',
    'The National Museum of Korea is huge, free and rarely crowded on weekday mornings; its ceramics ' +
      'and Buddhist sculpture halls alone fill an afternoon. Leeum, the Samsung museum of art, is smaller, ' +
      'calm and beautifully designed. Both have cafés, so you can wait out the rain inside.',
  ],
  [
    'Where can I see cherry blossoms without the crowds?',
    'Try Seoul Forest or the Anyangcheon stream early in the morning, or the path around Seokchon Lake on ' +
      'a weekday before nine. Yeouido is beautiful but packed during its festival, and Namsan is busy ' +
      'at sunset. If the blossoms are late, Jinhae further south usually flowers a week earlier.',
  ],
];

/** The question after the long conversation. It needs the first turn. */
export const FOOD_QUESTION = 'Where should I eat tonight, given what I told you about food?';

/** The question whose tool result is too big for the context. */
export const FORECAST_QUESTION = 'What is the hourly forecast for Seoul for the week?';

/** Made-up hourly forecast lines for `days` days: about 2,400 tokens for a week. */
export function hourlyForecast(city: string, days: number): string {
  return Array.from({ length: days * 24 }, (_, hour) => {
    const celsius = 8 + Math.round(4 * Math.sin(((hour % 24) - 9) * (Math.PI / 12)));
    const sky = hour % 24 < 6 ? 'clear' : hour % 7 === 0 ? 'light rain' : 'cloudy';
    return `${city} day ${Math.floor(hour / 24) + 1} ${String(hour % 24).padStart(2, '0')}:00 ${celsius}°C ${sky}`;
  }).join('\n');
}

/** A tool whose result is far larger than the context. */
export const getHourlyForecast = defineTool({
  name: 'get_hourly_forecast',
  description: 'Gets the hourly weather forecast of a city.',
  parameters: z.object({ city: z.string(), days: z.number().int().min(1).max(14) }),
  execute: ({ city, days }) => hourlyForecast(city, days),
});

/** What the scripted model writes, in the order the example asks. */
export const SCRIPTED_CONTEXT_WINDOW_COMPLETIONS: readonly string[] = [
  ...TRIP_CHAT.map(([, answer]) => scriptFinal(answer)),
  scriptFinal('You are vegetarian: try Osegyehyang in Insadong, a quiet vegetarian place, or Sanchon.'),
  scriptToolCall('get_hourly_forecast', { city: 'Seoul', days: 7 }),
  scriptFinal('I can only see the first hours of day 1: clear and 4 to 6°C after midnight.'),
];

/** The first user turn, then the newest turns that fit: what the user said first is never forgotten. */
export function keepFirstTurn(conversation: Conversation, budget: ContextBudget): Conversation {
  const turns: ConversationEntry[][] = [];
  for (const entry of conversation.entries) {
    if (entry.message.role === 'user' || turns.length === 0) turns.push([entry]);
    else turns.at(-1)!.push(entry);
  }
  const [first = [], ...rest] = turns;
  let kept: ConversationEntry[] = [];
  for (const turn of rest.reverse()) {
    const candidate = Conversation.empty().concat([...first, ...turn, ...kept]);
    if (budget.countTokens(candidate) > budget.availableTokens) break;
    kept = [...turn, ...kept];
  }
  return Conversation.empty().concat([...first, ...kept]);
}

/** The text of a message, for printing. */
function textOf(message: Message): string {
  return message.content.map((part) => (part.type === 'text' ? part.text : '')).join('');
}

function describeTrim(event: HistoryTrimmedEvent): string {
  const questions = event.droppedMessages
    .filter((message) => message.role === 'user')
    .map((message) => JSON.stringify(shorten(textOf(message))));
  return (
    `  [history-trimmed] left out ${event.droppedMessages.length} messages: the turns ${questions.join(', ')};` +
    ` prompt ${event.promptTokensBefore} → ${event.promptTokens} tokens` +
    ` (context ${event.contextSize}, ${event.reserveTokens} reserved)\n`
  );
}

function shorten(text: string, length = 24): string {
  return text.length <= length ? text : `${text.slice(0, length - 1)}…`;
}

/** What {@link main} returns, for its test. */
export interface ContextWindowExampleResult {
  /** The whole trip chat: every message, though the later prompts left the oldest out. */
  readonly history: Conversation;
  /** The `history-trimmed` events of the trip chat, one per trimmed prompt. */
  readonly trimmed: readonly HistoryTrimmedEvent[];
  /** The error of the default strategy (undefined if the conversation fit after all). */
  readonly exceeded: ContextWindowExceededError | undefined;
  /** The `history-trimmed` event of the custom strategy (undefined if nothing was left out). */
  readonly custom: HistoryTrimmedEvent | undefined;
  /** The forecast as the model read it, cut to `maxToolResultTokens`. */
  readonly toolResult: string;
}

/** The agent options every part shares. */
type SharedOptions = Pick<AgentOptions, 'backend' | 'reasoningEffort' | 'contextReserveTokens'>;
type Write = (text: string) => void;

/** 1. A long chat: the oldest turns leave the prompt; the history keeps them. */
async function chatDroppingOldestTurns(shared: SharedOptions, write: Write) {
  const chat = createAgent({ ...shared, contextOverflow: 'drop-oldest-turns' });
  let history = Conversation.empty();
  const trimmed: HistoryTrimmedEvent[] = [];
  for (const [question] of TRIP_CHAT) {
    write(`User: ${question}\n`);
    const run = chat.run(question, { history });
    run.on('history-trimmed', (event) => {
      trimmed.push(event);
      write(describeTrim(event));
    });
    const result = await run;
    write(`Assistant: ${shorten(result.finalText, 60)}\n`);
    history = result.history;
  }
  write(`(the history still holds all ${history.length} messages)\n`);
  return { history, trimmed };
}

/** 2. The default: a typed error with the numbers, before the backend is called. */
async function failByDefault(shared: SharedOptions, history: Conversation, write: Write) {
  const strict = createAgent(shared);
  try {
    await strict.run(FOOD_QUESTION, { history });
    return undefined;
  } catch (error) {
    if (!ContextWindowExceededError.isInstance(error)) throw error;
    const { promptTokens, reserveTokens, contextSize } = error;
    write(
      `ContextWindowExceededError: ${promptTokens} prompt tokens + ${reserveTokens} reserved > ${contextSize}\n`,
    );
    return error;
  }
}

/** 3. A policy of your own: keep the first turn, where the user said what matters. */
async function answerWithFirstTurn(shared: SharedOptions, history: Conversation, write: Write) {
  const pinned = createAgent({ ...shared, contextOverflow: keepFirstTurn });
  write(`User: ${FOOD_QUESTION}\n`);
  const run = pinned.run(FOOD_QUESTION, { history });
  run.on('history-trimmed', (event) => write(describeTrim(event)));
  write(`Assistant: ${(await run).finalText}\n`);
  return run.events.find((event) => event.type === 'history-trimmed');
}

/** 4. A tool result larger than the context, cut with a marker the model reads. */
async function cutBigToolResult(shared: SharedOptions, write: Write) {
  const forecaster = createAgent({ ...shared, tools: [getHourlyForecast], maxToolResultTokens: 200 });
  write(`User: ${FORECAST_QUESTION}\n`);
  const run = forecaster.run(FORECAST_QUESTION);
  run.on('tool-result', (event) => {
    const lines = event.output.split('\n');
    write(`  [tool result] ${lines.length} lines, ending: ${lines.at(-1)}\n`);
  });
  write(`Assistant: ${(await run).finalText}\n`);
  return run.events.find((event) => event.type === 'tool-result')?.output ?? '';
}

/** Runs the four parts of the example and prints what happens. */
export async function main(
  backend?: Backend,
  write: Write = (text) => process.stdout.write(text),
): Promise<ContextWindowExampleResult> {
  const example =
    backend === undefined
      ? await createExampleBackend(SCRIPTED_CONTEXT_WINDOW_COMPLETIONS, { contextSize: CONTEXT_SIZE })
      : undefined;
  const model = backend ?? example!.backend;
  const shared = { backend: model, reasoningEffort: 'low', contextReserveTokens: RESERVE_TOKENS } as const;
  try {
    write(`1. A chat on a ${model.capabilities?.contextSize}-token context, dropping the oldest turns\n`);
    const { history, trimmed } = await chatDroppingOldestTurns(shared, write);
    write('\n2. The default, contextOverflow: error\n');
    const exceeded = await failByDefault(shared, history, write);
    write('\n3. A custom policy: the first turn, then the newest turns that fit\n');
    const custom = await answerWithFirstTurn(shared, history, write);
    write('\n4. maxToolResultTokens: 200\n');
    const toolResult = await cutBigToolResult(shared, write);
    return { history, trimmed, exceeded, custom, toolResult };
  } finally {
    await example?.dispose();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
