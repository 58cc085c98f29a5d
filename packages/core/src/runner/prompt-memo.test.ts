import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadHarmonyEncoding } from '../harmony/encoding.js';
import type { Message } from '../harmony/types.js';
import { Conversation, type ConversationEntry } from './conversation.js';
import { RunPrompt } from './history-tokens.js';
import {
  assistantStartTokens,
  buildHeaderMessages,
  type PromptHeaderConfig,
  type ReasoningHistory,
  selectPromptEntries,
} from './prompt-builder.js';

const encoding = loadHarmonyEncoding();
const assistantStart = assistantStartTokens(encoding);

const header = (instructions: string): PromptHeaderConfig => ({
  modelIdentity: null,
  knowledgeCutoff: null,
  currentDate: null,
  reasoningEffort: 'low',
  validChannels: ['analysis', 'commentary', 'final'],
  instructions,
  builtinNamespaces: [],
  functionNamespace: null,
  responseFormat: null,
});
const HEADERS = [header('Be brief.'), header('Be thorough.')];
const POLICIES: readonly ReasoningHistory[] = ['harmony', 'keep-all', 'drop-all'];

const text = (value: string) => [{ type: 'text' as const, text: value }];
const user = (n: number): ConversationEntry => ({
  message: { role: 'user', content: text(`Question ${n}?`) },
});
/** Messages a run commits (no user message: within a run the prompt is not re-filtered). */
const stepEntry = (kind: number, n: number): ConversationEntry => {
  const messages: Message[] = [
    { role: 'assistant', channel: 'analysis', content: text(`Thinking ${n}.`) },
    { role: 'assistant', channel: 'final', content: text(`Answer ${n}.`) },
    {
      role: 'assistant',
      channel: 'commentary',
      recipient: 'functions.lookup',
      contentType: '<|constrain|>json',
      content: text(`{"n":${n}}`),
    },
    {
      role: 'tool',
      name: 'functions.lookup',
      recipient: 'assistant',
      channel: 'commentary',
      content: text(`${n}`),
    },
  ];
  return { message: messages[kind % messages.length]! };
};

/** The prompt as rendered from scratch. */
function reference(
  config: PromptHeaderConfig,
  entries: readonly ConversationEntry[],
  policy: ReasoningHistory,
) {
  const renderOptions = { conversationHasFunctionTools: false };
  return [
    ...buildHeaderMessages(config).flatMap((message) => encoding.render(message, renderOptions)),
    ...selectPromptEntries(entries, policy).flatMap((entry) => encoding.render(entry.message)),
    ...assistantStart,
  ];
}

interface ActiveRun {
  readonly prompt: RunPrompt;
  readonly config: PromptHeaderConfig;
  readonly policy: ReasoningHistory;
  readonly base: Conversation;
  readonly entries: ConversationEntry[];
  /** The array the "backend" holds, and what it held when it was given. */
  given: readonly number[];
  seen: number[];
}

const action = fc.record({
  kind: fc.constantFrom('start', 'start', 'step', 'step', 'step', 'end', 'abort'),
  pick: fc.nat(),
  resume: fc.boolean(),
  header: fc.nat({ max: HEADERS.length - 1 }),
  policy: fc.nat({ max: POLICIES.length - 1 }),
  messages: fc.array(fc.nat({ max: 3 }), { minLength: 1, maxLength: 3 }),
});

describe('the prompt memo of conversations', () => {
  it('gives every run the prompt rendered from scratch, never changing an array a backend may read', () => {
    fc.assert(
      fc.property(fc.array(action, { minLength: 1, maxLength: 40 }), (actions) => {
        const pool: Conversation[] = [
          Conversation.empty(),
          Conversation.fromMessages([user(0).message, stepEntry(0, 0).message, stepEntry(1, 0).message]),
        ];
        const active: ActiveRun[] = [];
        const abandoned: { given: readonly number[]; seen: number[] }[] = [];
        let n = 1;
        for (const { kind, pick, resume, header: h, policy: p, messages } of actions) {
          if (kind === 'start' || active.length === 0) {
            const base = pool[pick % pool.length]!;
            const config = HEADERS[h]!;
            const policy = POLICIES[p]!;
            const input = resume && base.length > 0 ? undefined : user(n++);
            const prompt = new RunPrompt(encoding, config, base, input, policy);
            const entries = input === undefined ? [] : [input];
            const given = prompt.forStep();
            expect(given).toEqual(reference(config, [...base.entries, ...entries], policy));
            active.push({ prompt, config, policy, base, entries, given, seen: [...given] });
          } else {
            const run = active[pick % active.length]!;
            if (kind === 'step') {
              const added = messages.map((message) => stepEntry(message, n++));
              run.prompt.append(added);
              run.entries.push(...added);
              const given = run.prompt.forStep();
              // Within a run the prompt only grows.
              expect(given.slice(0, run.seen.length - assistantStart.length)).toEqual(
                run.seen.slice(0, -assistantStart.length),
              );
              expect(given).toEqual(reference(run.config, [...run.base.entries, ...run.entries], run.policy));
              run.given = given;
              run.seen = [...given];
            } else {
              active.splice(active.indexOf(run), 1);
              if (kind === 'abort') {
                run.prompt.abandon();
                abandoned.push(run);
                run.prompt.append([stepEntry(3, n++)]);
              }
              run.prompt.release();
              pool.push(run.base.concat(run.entries));
            }
          }
          // No array a backend may still read has changed.
          for (const run of [...active, ...abandoned]) expect(run.given).toEqual(run.seen);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('extends one history twice, and resumes and trims it, with the tokens of a fresh render', () => {
    const config = HEADERS[0]!;
    const parent = Conversation.fromMessages([
      user(1).message,
      stepEntry(0, 1).message,
      stepEntry(1, 1).message,
    ]);
    const first = parent.concat([user(2), stepEntry(0, 2), stepEntry(1, 2)]);
    const second = parent.concat([user(3), stepEntry(2, 3), stepEntry(3, 3)]);
    for (const policy of POLICIES) {
      for (const history of [first, second, first, parent, second]) {
        const prompt = new RunPrompt(encoding, config, history, user(9), policy);
        expect(prompt.forStep()).toEqual(reference(config, [...history.entries, user(9)], policy));
        prompt.release();
      }
      // A resumed run: the last turn is the current one, kept whole.
      const resumed = new RunPrompt(encoding, config, second, undefined, policy);
      expect(resumed.forStep()).toEqual(reference(config, second.entries, policy));
      // Trimmed to its last turn (context management), in an array of its own.
      const kept = second.entries.slice(3);
      resumed.reset(kept);
      expect(resumed.forStep()).toEqual(reference(config, kept, policy));
      resumed.release();
    }
  });
});
