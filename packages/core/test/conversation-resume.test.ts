import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { Conversation, createAgent, defineTool } from '../src/index.js';
import { createScriptedBackend, scriptFinal, scriptToolCall } from '../src/testing/index.js';

const lookup = defineTool({
  name: 'lookup',
  description: 'Looks a user up.',
  parameters: z.object({ id: z.string() }),
  execute: ({ id }) => ({ id, city: 'Paris' }),
});

describe('a saved conversation (format v2)', () => {
  it('links every call to its result by call id, and a reloaded history gives the same next prompt', async () => {
    const backend = createScriptedBackend({
      steps: [
        { completion: scriptToolCall('lookup', { id: 'a' }, { analysis: 'Look a up.' }) },
        { completion: scriptToolCall('lookup', { id: 'b' }) },
        { completion: scriptFinal('Both in Paris.') },
        { completion: scriptFinal('Yes.') },
      ],
    });
    let ids = 0;
    const agent = createAgent({
      backend,
      tools: [lookup],
      currentDate: null,
      generateId: (kind) => `${kind}_${++ids}`,
    });
    const run = agent.run('Where are a and b?');
    const first = await run;
    const callIds = run.events.flatMap((event) => (event.type === 'tool-call' ? [event.callId] : []));
    expect(callIds).toEqual(['call_2', 'call_3']);
    const json = JSON.parse(JSON.stringify(first.history));
    expect(
      json.messages.map((message: { role: string; call_id?: string }) => [message.role, message.call_id]),
    ).toEqual([
      ['user', undefined],
      ['assistant', undefined],
      ['assistant', 'call_2'],
      ['tool', 'call_2'],
      ['assistant', 'call_3'],
      ['tool', 'call_3'],
      ['assistant', undefined],
    ]);
    const history = Conversation.fromJSON(json);
    expect(history.entries).toEqual(first.history.entries);
    await agent.run('Sure?', { history });
    // The same turn from the history kept in memory: the prompt is token for token the same.
    const inMemory = createScriptedBackend({ steps: [{ completion: scriptFinal('Yes.') }] });
    await createAgent({ backend: inMemory, tools: [lookup], currentDate: null }).run('Sure?', {
      history: first.history,
    });
    expect(backend.requests[3]!.promptTokens).toEqual(inMemory.requests[0]!.promptTokens);
    backend.assertComplete();
  });
});
