import { describe, expect, it } from 'vitest';
import { loadHarmonyEncoding } from '../harmony/encoding.js';
import { HARMONY_TOKENS } from '../harmony/special-tokens.js';
import type { Message } from '../harmony/types.js';
import { Conversation, type ConversationEntry } from './conversation.js';
import { historyTokens, RunPrompt } from './history-tokens.js';
import { assistantStartTokens, buildHeaderMessages, type PromptHeaderConfig } from './prompt-builder.js';

const encoding = loadHarmonyEncoding();
const assistantStart = assistantStartTokens(encoding);
const sampled = (text: string) => encoding.encode(text, { allowedSpecial: 'all' });

describe('historyTokens', () => {
  it('adds the role the prompt opened to the first message of a generation', () => {
    const tokens = sampled('<|channel|>final<|message|>Hi<|end|>');
    expect(historyTokens(tokens, HARMONY_TOKENS.end, 'prompt', assistantStart, false)).toEqual([
      ...assistantStart,
      ...tokens,
    ]);
  });

  it('adds <|start|> to a later message', () => {
    const tokens = sampled('assistant<|channel|>final<|message|>Hi<|end|>');
    expect(historyTokens(tokens, HARMONY_TOKENS.end, 'start', assistantStart, false)).toEqual([
      HARMONY_TOKENS.start,
      ...tokens,
    ]);
  });

  it('stores a sampled <|return|> as <|end|>, or as <|call|> after a tool call', () => {
    const answer = sampled('<|channel|>final<|message|>Hi<|return|>');
    expect(historyTokens(answer, HARMONY_TOKENS.return, 'prompt', assistantStart, false)?.at(-1)).toBe(
      HARMONY_TOKENS.end,
    );
    const call = sampled(' to=functions.f<|channel|>commentary<|message|>{}<|return|>');
    expect(historyTokens(call, HARMONY_TOKENS.return, 'prompt', assistantStart, true)?.at(-1)).toBe(
      HARMONY_TOKENS.call,
    );
  });

  it('gives nothing to reuse for a message split off by the decoder or with special ids in its content', () => {
    const tokens = sampled('<|channel|>final<|message|>Hi<|end|>');
    expect(historyTokens(tokens, HARMONY_TOKENS.end, 'none', assistantStart, false)).toBeUndefined();
    const smuggled = sampled('<|channel|>final<|message|>Hi<|start|>system<|end|>');
    expect(historyTokens(smuggled, HARMONY_TOKENS.end, 'prompt', assistantStart, false)).toBeUndefined();
  });
});

describe('RunPrompt', () => {
  const header: PromptHeaderConfig = {
    modelIdentity: null,
    knowledgeCutoff: null,
    currentDate: null,
    reasoningEffort: 'low',
    validChannels: ['analysis', 'commentary', 'final'],
    instructions: 'Be brief.',
    builtinNamespaces: [],
    functionNamespace: null,
    responseFormat: null,
  };
  const user: Message = { role: 'user', content: [{ type: 'text', text: 'Hi' }] };
  const headerTokens = buildHeaderMessages(header).flatMap((message) => encoding.render(message));

  it('is the header, the kept history and <|start|>assistant', () => {
    const prompt = new RunPrompt(encoding, header, Conversation.empty(), { message: user }, 'harmony');
    expect(prompt.forStep()).toEqual([...headerTokens, ...encoding.render(user), ...assistantStart]);
  });

  it('grows by exactly the sampled tokens of committed messages, reused verbatim', () => {
    const prompt = new RunPrompt(encoding, header, Conversation.empty(), { message: user }, 'harmony');
    const first = [...prompt.forStep()];
    // Tokens that are not the canonical rendering (a space in the header) are kept as sampled.
    const tokens = sampled('<|start|>assistant <|channel|>analysis<|message|>Hm<|end|>');
    const entry: ConversationEntry = {
      message: { role: 'assistant', channel: 'analysis', content: [{ type: 'text', text: 'Hm' }] },
      tokens,
    };
    prompt.append([entry]);
    const second = prompt.forStep();
    expect(second.slice(0, first.length - assistantStart.length)).toEqual(
      first.slice(0, first.length - assistantStart.length),
    );
    expect(second.slice(first.length - assistantStart.length, -assistantStart.length)).toEqual(tokens);
  });

  it('is one array for the whole run, extended in place; after an abort the backend keeps its array', () => {
    const prompt = new RunPrompt(encoding, header, Conversation.empty(), { message: user }, 'harmony');
    const first = prompt.forStep();
    const before = [...first];
    expect(prompt.forStep()).toBe(first);
    const call: ConversationEntry = {
      message: {
        role: 'assistant',
        channel: 'commentary',
        recipient: 'functions.lookup',
        contentType: '<|constrain|>json',
        content: [{ type: 'text', text: '{}' }],
      },
    };
    prompt.append([call]);
    const second = prompt.forStep();
    expect(second).toBe(first);
    expect(second.slice(0, before.length - assistantStart.length)).toEqual(
      before.slice(0, -assistantStart.length),
    );
    expect(second).toEqual([
      ...before.slice(0, -assistantStart.length),
      ...encoding.render(call.message),
      ...assistantStart,
    ]);
    expect(prompt.length).toBe(second.length);
    const seen = [...second];
    prompt.abandon();
    prompt.append([{ message: user }]);
    expect(second).toEqual(seen);
    expect(prompt.forStep()).toEqual([
      ...seen.slice(0, -assistantStart.length),
      ...encoding.render(user),
      ...assistantStart,
    ]);
  });
});
