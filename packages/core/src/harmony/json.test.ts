import { describe, expect, it } from 'vitest';
import { loadCases } from '../../test/vectors.js';
import { HarmonyJSONError } from '../errors.js';
import { createMessage } from './create-message.js';
import { createDeveloperContent } from './developer-content.js';
import {
  harmonyConversationFromJSON,
  harmonyConversationToJSON,
  harmonyMessageFromJSON,
  harmonyMessageToJSON,
} from './json.js';
import { createSystemContent } from './system-content.js';

type JsonObject = Record<string, unknown>;

/** Every message JSON in cases.json (render inputs and parser expectations). */
function caseMessages(): { id: string; json: JsonObject }[] {
  const found: { id: string; json: JsonObject }[] = [];
  for (const vector of loadCases()) {
    const input = vector.input as { message?: JsonObject; messages?: JsonObject[] } | undefined;
    if (input?.message !== undefined) found.push({ id: `${vector.id} message`, json: input.message });
    for (const [index, json] of (input?.messages ?? []).entries()) {
      found.push({ id: `${vector.id} messages[${index}]`, json });
    }
    const expected = vector.expected as { messages?: unknown } | undefined;
    if (Array.isArray(expected?.messages)) {
      for (const [index, json] of (expected.messages as JsonObject[]).entries()) {
        found.push({ id: `${vector.id} expected[${index}]`, json });
      }
    }
  }
  return found;
}

/** What Rust writes for a message read from `json`: nulls dropped, a single text item as a string. */
function rustShape(json: JsonObject): JsonObject {
  const content = json.content as JsonObject[] | string;
  const only = Array.isArray(content) && content.length === 1 ? content[0] : undefined;
  const out: JsonObject = { role: json.role };
  for (const key of ['name', 'recipient']) if (json[key] != null) out[key] = json[key];
  out.content = only?.type === 'text' ? only.text : content;
  for (const key of ['channel', 'content_type']) if (json[key] != null) out[key] = json[key];
  return out;
}

describe('harmonyMessageFromJSON / harmonyMessageToJSON: cases.json round trips', () => {
  const messages = caseMessages();

  it('finds the messages of cases.json', () => {
    expect(messages).toHaveLength(70);
  });

  it.each(messages.map(({ id, json }) => [id, json] as const))('%s', (_id, json) => {
    const message = harmonyMessageFromJSON(json);
    const written = harmonyMessageToJSON(message);
    expect(harmonyMessageFromJSON(written)).toEqual(message);
    expect(harmonyMessageFromJSON(JSON.stringify(written))).toEqual(message);
    // Deep equality with the input after Rust's normalisation, with Rust's key order.
    const expected = rustShape(json);
    expect(written).toEqual(expected);
    expect(Object.keys(written)).toEqual(Object.keys(expected));
    expect(JSON.stringify(written)).toBe(JSON.stringify(expected));
  });
});

describe('harmonyMessageFromJSON', () => {
  it('reads snake_case fields and capitalised reasoning effort', () => {
    const message = harmonyMessageFromJSON({
      role: 'system',
      content: [
        {
          type: 'system_content',
          model_identity: 'Bot',
          reasoning_effort: 'High',
          conversation_start_date: '2025-01-01',
          knowledge_cutoff: null,
          channel_config: { valid_channels: ['final'], channel_required: false },
          tools: { python: { name: 'python', description: null, tools: [] } },
        },
      ],
    });
    expect(message).toEqual({
      role: 'system',
      content: [
        {
          type: 'system_content',
          modelIdentity: 'Bot',
          reasoningEffort: 'high',
          conversationStartDate: '2025-01-01',
          channelConfig: { validChannels: ['final'], channelRequired: false },
          tools: { python: { name: 'python', tools: [] } },
        },
      ],
    });
  });

  it('reads a plain string content as one text item and null fields as absent', () => {
    expect(harmonyMessageFromJSON('{"role":"user","name":null,"channel":null,"content":"Hi"}')).toEqual({
      role: 'user',
      content: [{ type: 'text', text: 'Hi' }],
    });
  });

  it('reads tool parameters and treats null parameters as absent', () => {
    const message = harmonyMessageFromJSON({
      role: 'developer',
      content: [
        {
          type: 'developer_content',
          instructions: 'x',
          tools: {
            functions: {
              name: 'functions',
              tools: [
                { name: 'a', description: 'A', parameters: null },
                { name: 'b', description: 'B', parameters: { type: 'object' } },
              ],
            },
          },
        },
      ],
    });
    expect(message.content[0]).toEqual({
      type: 'developer_content',
      instructions: 'x',
      tools: {
        functions: {
          name: 'functions',
          tools: [
            { name: 'a', description: 'A' },
            { name: 'b', description: 'B', parameters: { type: 'object' } },
          ],
        },
      },
    });
  });

  it('keeps a namespace keyed __proto__ as an own property', () => {
    const message = harmonyMessageFromJSON(
      '{"role":"developer","content":[{"type":"developer_content","tools":{"__proto__":{"name":"odd","tools":[]}}}]}',
    );
    const content = message.content[0];
    if (content?.type !== 'developer_content' || content.tools == null) throw new TypeError('no tools');
    expect(Object.keys(content.tools)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(content.tools)).toBe(Object.prototype);
    expect(JSON.stringify(harmonyMessageToJSON(message))).toBe(
      '{"role":"developer","content":[{"type":"developer_content","instructions":null,"tools":{"__proto__":{"name":"odd","description":null,"tools":[]}}}]}',
    );
  });

  it('ignores unknown keys like serde', () => {
    expect(harmonyMessageFromJSON({ role: 'user', content: 'x', extra: 1 })).toEqual({
      role: 'user',
      content: [{ type: 'text', text: 'x' }],
    });
  });

  it.each([
    ['{"role":', 'invalid message JSON: '],
    ['[]', 'invalid message JSON: expected a message object, got an array'],
    [{ content: 'x' }, 'invalid message JSON: missing field `role`'],
    [{ role: 'robot', content: 'x' }, 'invalid message JSON: unknown role: robot'],
    [{ role: 'User', content: 'x' }, 'invalid message JSON: unknown role: User'],
    [{ role: 'user' }, 'invalid message JSON: missing field `content`'],
    [
      { role: 'user', content: null },
      'invalid message JSON: content: expected a string or a list of content, got null',
    ],
    [
      { role: 'user', content: [{ type: 'image' }] },
      'invalid message JSON: content[0]: unknown content type: "image"',
    ],
    [{ role: 'user', content: [{ type: 'text' }] }, 'invalid message JSON: content[0]: missing field `text`'],
    [{ role: 'user', name: 5, content: 'x' }, 'invalid message JSON: name: expected a string or null, got 5'],
    [
      { role: 'system', content: [{ type: 'system_content', reasoning_effort: 'medium' }] },
      'invalid message JSON: content[0].reasoning_effort: expected "Low", "Medium" or "High", got "medium"',
    ],
    [
      { role: 'system', content: [{ type: 'system_content', channel_config: { valid_channels: ['a'] } }] },
      'invalid message JSON: content[0].channel_config.channel_required: expected a boolean, got undefined',
    ],
    [
      {
        role: 'developer',
        content: [{ type: 'developer_content', tools: { functions: { name: 'functions' } } }],
      },
      'invalid message JSON: content[0].tools.functions: missing field `tools`',
    ],
    [
      {
        role: 'developer',
        content: [
          { type: 'developer_content', tools: { functions: { name: 'functions', tools: [{ name: 'f' }] } } },
        ],
      },
      'invalid message JSON: content[0].tools.functions.tools[0]: missing field `description`',
    ],
  ])('rejects %j', (json, message) => {
    expect(() => harmonyMessageFromJSON(json)).toThrow(HarmonyJSONError);
    expect(() => harmonyMessageFromJSON(json)).toThrow(message);
  });

  it('keeps the JSON.parse error as the cause', () => {
    try {
      harmonyMessageFromJSON('{');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(HarmonyJSONError);
      expect((error as HarmonyJSONError).cause).toBeInstanceOf(SyntaxError);
    }
  });
});

describe('harmonyMessageToJSON', () => {
  it('writes every content field, with nulls, and tools sorted by key', () => {
    const system = createSystemContent({
      tools: [
        { name: 'python', tools: [] },
        { name: 'browser', description: 'B', tools: [{ name: 'open', description: 'Open.' }] },
      ],
    });
    const json = harmonyMessageToJSON(createMessage('system', system));
    expect(JSON.stringify(json)).toBe(
      JSON.stringify({
        role: 'system',
        content: [
          {
            type: 'system_content',
            model_identity: 'You are ChatGPT, a large language model trained by OpenAI.',
            reasoning_effort: 'Medium',
            tools: {
              browser: {
                name: 'browser',
                description: 'B',
                tools: [{ name: 'open', description: 'Open.', parameters: null }],
              },
              python: { name: 'python', description: null, tools: [] },
            },
            conversation_start_date: null,
            knowledge_cutoff: '2024-06',
            channel_config: { valid_channels: ['analysis', 'commentary', 'final'], channel_required: true },
          },
        ],
      }),
    );
  });

  it('writes developer content and several text items as a list', () => {
    expect(harmonyMessageToJSON(createMessage('developer', createDeveloperContent()))).toEqual({
      role: 'developer',
      content: [{ type: 'developer_content', instructions: null, tools: null }],
    });
    const twoItems = createMessage('user', [
      { type: 'text', text: 'a' },
      { type: 'text', text: 'b' },
    ]);
    expect(harmonyMessageToJSON(twoItems).content).toEqual([
      { type: 'text', text: 'a' },
      { type: 'text', text: 'b' },
    ]);
  });

  it('writes header fields in Rust order and drops null ones', () => {
    const message = {
      contentType: '<|constrain|>json',
      channel: 'commentary',
      content: [{ type: 'text' as const, text: '{}' }],
      recipient: 'functions.f',
      name: null,
      role: 'assistant' as const,
    };
    expect(JSON.stringify(harmonyMessageToJSON(message))).toBe(
      '{"role":"assistant","recipient":"functions.f","content":"{}","channel":"commentary","content_type":"<|constrain|>json"}',
    );
  });

  it('rejects an invalid message with a HarmonyJSONError', () => {
    expect(() => harmonyMessageToJSON({ role: 'robot', content: [] } as never)).toThrow(
      new HarmonyJSONError('invalid message: unknown role: robot'),
    );
  });
});

describe('harmonyConversationFromJSON / harmonyConversationToJSON', () => {
  it('round-trips every render conversation of cases.json', () => {
    let conversations = 0;
    for (const vector of loadCases()) {
      const input = vector.input as { messages?: unknown[] } | undefined;
      if (!vector.op.startsWith('render') || input?.messages === undefined) continue;
      const messages = harmonyConversationFromJSON({ messages: input.messages });
      expect(messages).toHaveLength(input.messages.length);
      const json = harmonyConversationToJSON(messages);
      expect(harmonyConversationFromJSON(JSON.stringify(json))).toEqual(messages);
      conversations++;
    }
    expect(conversations).toBe(21);
  });

  it('reports errors with the conversation prefix and the message index', () => {
    expect(() => harmonyConversationFromJSON('nope')).toThrow('invalid conversation JSON: ');
    expect(() => harmonyConversationFromJSON({})).toThrow(
      'invalid conversation JSON: missing field `messages`',
    );
    expect(() =>
      harmonyConversationFromJSON({ messages: [{ role: 'user', content: 'x' }, { role: 'bot' }] }),
    ).toThrow(new HarmonyJSONError('invalid conversation JSON: messages[1]: unknown role: bot'));
  });

  it('rejects a conversation that is not an array', () => {
    expect(() => harmonyConversationToJSON('x' as never)).toThrow(HarmonyJSONError);
  });
});
