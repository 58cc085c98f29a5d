/**
 * History: save a conversation to a file, resume it later (even in another process), and choose which
 * chain of thought of earlier turns the prompt keeps.
 *
 * - A run's `history` is an immutable `Conversation`; `JSON.stringify` it to save it.
 * - `Conversation.fromJSON` loads it back and checks the saved token ids of every sampled message, so a
 *   tampered file is refused with a `HarmonyJSONError`.
 * - `reasoningHistory`: `'harmony'` (default) drops the chain of thought of earlier turns that ended in
 *   a final answer; `'keep-all'` keeps it; `'drop-all'` drops all of it.
 *
 * Run: `node --conditions=@harmony-agents/source --import tsx examples/history.ts`
 * (set `HARMONY_AGENTS_GPT_OSS_GGUF` to a gpt-oss GGUF to use a real model instead of scripted model steps).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  type AgentOptions,
  type Backend,
  Conversation,
  createAgent,
  HarmonyJSONError,
  type ReasoningHistory,
} from '@harmony-agents/core';
import { scriptFinal } from '@harmony-agents/core/testing';
import { createExampleBackend } from './example-backend.js';

/** The questions of the example, one per run. */
export const QUESTIONS = [
  'What is the capital of France?',
  'How many people live there?',
  'And what is its best-known museum?',
] as const;

/** Reasoning-history policies compared in the third run. */
export const POLICIES: readonly ReasoningHistory[] = ['harmony', 'keep-all', 'drop-all'];

/** What the scripted model writes: one answer per run (the third question is asked once per policy). */
export const SCRIPTED_HISTORY_COMPLETIONS: readonly string[] = [
  scriptFinal('The capital of France is Paris.', { analysis: 'A geography question: Paris.' }),
  scriptFinal('About 2.1 million people live in Paris proper.', {
    analysis: '"There" means Paris, from the previous turn.',
  }),
  ...POLICIES.map(() =>
    scriptFinal('The Louvre.', { analysis: 'Paris again. The Louvre is the best-known museum.' }),
  ),
];

/** Agent settings shared by every run (a fixed date keeps the prompts identical from day to day). */
const settings = {
  instructions: 'Answer in one short sentence.',
  currentDate: '2025-06-28',
} satisfies Omit<AgentOptions, 'backend'>;

/** What {@link main} returns. */
export interface HistoryExampleResult {
  /** The history after the resumed run. */
  readonly history: Conversation;
  /** Prompt tokens of the third run's model step, per policy. */
  readonly promptTokens: Readonly<Record<ReasoningHistory, number>>;
  /** The error a tampered file gave. */
  readonly tamperError: HarmonyJSONError | undefined;
}

/** Saves, resumes, refuses a tampered file and compares the policies. */
export async function main(
  backend?: Backend,
  write: (line: string) => void = (line) => console.log(line),
): Promise<HistoryExampleResult> {
  const example =
    backend === undefined ? await createExampleBackend(SCRIPTED_HISTORY_COMPLETIONS) : undefined;
  const model = backend ?? example!.backend;
  const folder = mkdtempSync(join(tmpdir(), 'harmony-agents-history-'));
  try {
    // 1. Run, then save the history to a file.
    const first = await createAgent({ backend: model, ...settings }).run(QUESTIONS[0]);
    const file = join(folder, 'conversation.json');
    await first.history.save(file);
    write(`saved ${first.history.length} messages`);

    // 2. Later, maybe in another process: load the file and continue the conversation.
    const history = await Conversation.load(file);
    const agent = createAgent({ backend: model, ...settings });
    const second = await agent.run(QUESTIONS[1], { history });
    write(`resumed: ${second.finalText}`);
    for (const message of second.history.messages) {
      const text = message.content.map((item) => (item.type === 'text' ? item.text : '')).join('');
      write(`  ${[message.role, message.channel].filter(Boolean).join('/')}: ${text}`);
    }

    // 3. A file whose text was changed no longer matches its saved tokens: it is refused.
    const saved = JSON.parse(readFileSync(file, 'utf8'));
    saved.messages[saved.messages.length - 1].content = 'The capital of France is Lyon.';
    let tamperError: HarmonyJSONError | undefined;
    try {
      Conversation.fromJSON(saved);
    } catch (error) {
      if (!(error instanceof HarmonyJSONError)) throw error;
      tamperError = error;
      write(`tampered file refused: ${error.message}`);
    }

    // 4. The same history under each chain-of-thought policy: how long is the next prompt?
    const promptTokens = {} as Record<ReasoningHistory, number>;
    for (const reasoningHistory of POLICIES) {
      const run = createAgent({ backend: model, ...settings, reasoningHistory }).run(QUESTIONS[2], {
        history: second.history,
      });
      run.once('step-start', (event) => {
        promptTokens[reasoningHistory] = event.promptTokens;
      });
      await run;
      write(`reasoningHistory '${reasoningHistory}': ${promptTokens[reasoningHistory]} prompt tokens`);
    }
    return { history: second.history, promptTokens, tamperError };
  } finally {
    rmSync(folder, { recursive: true, force: true });
    await example?.dispose();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
