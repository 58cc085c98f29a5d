/**
 * The llama-server backend against recorded llama-server streams: the quirks of its `/completion` stream that
 * a small model rarely shows, replayed exactly (see `process_token` and `send_partial_response` in llama.cpp's
 * `tools/server/server-context.cpp`).
 */

import { BackendError } from '@harmony-agents/core';
import { HARMONY_TOKENS } from '@harmony-agents/core/harmony';
import { afterEach, describe, expect, it } from 'vitest';
import { createLlamaServerBackend } from '../src/index.js';
import { type LoopbackServer, startLoopbackServer } from './fixtures/loopback-server.js';
import { collect, encode, QUESTION_PROMPT, request } from './support.js';

const servers: LoopbackServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

/** A server that answers /completion with these events (then the final one). */
async function replay(events: readonly Record<string, unknown>[], predicted: number, stopType = 'eos') {
  const server = await startLoopbackServer({
    'POST /completion': async (context) => {
      context.startEvents();
      for (const event of events) await context.event({ index: 0, stop: false, id_slot: -1, ...event });
      await context.event({
        index: 0,
        content: '',
        tokens: [],
        id_slot: 0,
        stop: true,
        stop_type: stopType,
        tokens_predicted: predicted,
        timings: { cache_n: 0, prompt_n: QUESTION_PROMPT.length },
      });
    },
  });
  servers.push(server);
  return createLlamaServerBackend({ baseUrl: server.baseUrl, checkVocabulary: false });
}

const [HI] = encode('Hi');
const [BANG] = encode('!');

describe('llama-server streams', () => {
  it('recovers a token held back because it ends inside a UTF-8 character', async () => {
    // 🤖 is [50378, 244]; 50378 ends inside the character, so llama-server streams it with 244.
    const backend = await replay(
      [
        { content: 'Hi', tokens: [HI], tokens_predicted: 1 },
        { content: '🤖', tokens: [244], tokens_predicted: 3 },
        { content: '!', tokens: [BANG], tokens_predicted: 4 },
        { content: '', tokens: [HARMONY_TOKENS.return], tokens_predicted: 5 },
      ],
      5,
    );
    const result = await collect(backend, request({ promptTokens: QUESTION_PROMPT }));
    expect(result.tokens).toEqual([HI, 50378, 244, BANG, HARMONY_TOKENS.return]);
    expect(result.finish).toMatchObject({
      reason: 'stop',
      usage: { generatedTokens: 5, cachedPromptTokens: 0 },
    });
  });

  it('reports the stop token llama-server held back after an unfinished character', async () => {
    const backend = await replay([{ content: 'Hi', tokens: [HI], tokens_predicted: 1 }], 2);
    const result = await collect(backend, request({ promptTokens: QUESTION_PROMPT }));
    expect(result.tokens).toEqual([HI, HARMONY_TOKENS.return]);
  });

  it('fails with protocol_error when more than one token was held back', async () => {
    // 🦜 is [4103, 99, 250]: two tokens end inside the character.
    const backend = await replay([{ content: '🦜', tokens: [250], tokens_predicted: 3 }], 3);
    const error = await collect(backend, request({ promptTokens: QUESTION_PROMPT })).catch(
      (caught) => caught,
    );
    expect(error).toBeInstanceOf(BackendError);
    expect(error).toMatchObject({ kind: 'protocol_error' });
  });

  it('ends with length when the server stops at n_predict', async () => {
    const backend = await replay(
      [
        { content: 'Hi', tokens: [HI], tokens_predicted: 1 },
        { content: '!', tokens: [BANG], tokens_predicted: 2 },
      ],
      2,
      'limit',
    );
    const result = await collect(backend, request({ promptTokens: QUESTION_PROMPT, maxTokens: 5 }));
    expect(result.tokens).toEqual([HI, BANG]);
    expect(result.finish.reason).toBe('length');
  });
});
