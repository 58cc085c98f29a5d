/**
 * The chat on a real pseudo-terminal, end to end on the smoke model (the real llama.cpp engine): a question
 * with reasoning, a tool call, its result and the answer; Ctrl-C in the middle of an answer; a second
 * question; `/save`, quit, then `--resume` and continue; Ctrl-C twice at the prompt to quit.
 */

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Conversation } from '@harmony-agents/core';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { CliProcess } from './cli-process.js';

const folder = mkdtempSync(join(tmpdir(), 'cli-terminal-'));
const ESC = String.fromCharCode(27);
let cli: CliProcess | undefined;

afterEach(() => cli?.kill());
afterAll(() => rmSync(folder, { recursive: true, force: true }));

describe('harmony-agents chat on a terminal', () => {
  it('streams reasoning, tool calls and answers; Ctrl-C stops an answer; /save then --resume continues', async () => {
    const saved = join(folder, 'chat.json');
    cli = new CliProcess(['chat', '--smoke'], { pty: true, cwd: folder });
    let at = await cli.waitFor('you> ');

    cli.type('What is the weather in Paris?\r');
    at = await cli.waitFor('[thinking] The user asked: "What is the weather in Paris?"', at);
    at = await cli.waitFor('Let me check the weather in Paris.', at);
    at = await cli.waitFor('[tool call] get_current_weather {"city":"Paris","unit":"celsius"}', at);
    at = await cli.waitFor(
      '[tool result] {"city":"Paris","temperature":18,"unit":"celsius","sky":"sunny"}',
      at,
    );
    at = await cli.waitFor('assistant> In Paris it is 18 °C and sunny', at);
    at = await cli.waitFor(
      /\(2 model steps · \d+ prompt tokens, \d+ reused from the KV cache · \d+ generated · [\d.]+ tokens\/s/u,
      at,
    );
    at = await cli.waitFor('you> ', at);
    // A terminal gets styles: the reasoning is faint (SGR 2).
    expect(cli.output).toContain(`${ESC}[2m  [thinking]`);

    // Ctrl-C while the long answer streams: the answer stops, the chat goes on.
    cli.type('Tell me a long story\r');
    at = await cli.waitFor('Sentence 2 of 120', at);
    cli.type('\x03');
    at = await cli.waitFor('(answer stopped; the conversation keeps every completed message)', at);
    at = await cli.waitFor('you> ', at);
    expect(cli.text).not.toContain('The end.');

    cli.type('/think\r');
    at = await cli.waitFor('Reasoning: hidden', at);
    cli.type('And in Seoul?\r');
    at = await cli.waitFor(/\[thinking: \d+ words, hidden; \/think shows it\]/u, at);
    at = await cli.waitFor('assistant> In Seoul it is 5 °C and clear', at);
    at = await cli.waitFor('you> ', at);

    cli.type(`/save ${saved}\r`);
    at = await cli.waitFor(/Saved \d+ messages to /u, at);
    cli.type('/quit\r');
    expect(await cli.exited).toBe(0);

    // The saved file is the SDK's conversation: the aborted answer is not in it, both completed turns are.
    const conversation = Conversation.fromJSON(JSON.parse(readFileSync(saved, 'utf8')));
    const finals = conversation.messages
      .filter((message) => message.role === 'assistant' && message.channel === 'final')
      .map((message) => (message.content[0] as { text: string }).text);
    expect(finals).toEqual([
      'In Paris it is 18 °C and sunny (made-up figures from the demonstration tool).',
      'In Seoul it is 5 °C and clear (made-up figures from the demonstration tool).',
    ]);
    const users = conversation.messages.filter((message) => message.role === 'user');
    expect(users).toHaveLength(3);

    // Resume in a new process and continue; then Ctrl-C twice at the prompt quits.
    cli = new CliProcess(['chat', '--smoke', '--resume', saved], { pty: true, cwd: folder });
    at = await cli.waitFor(`Resumed ${conversation.length} messages`);
    at = await cli.waitFor('you> ', at);
    cli.type('What about London?\r');
    at = await cli.waitFor('assistant> In London it is 14 °C and light rain', at);
    at = await cli.waitFor('you> ', at);
    cli.type('\x03');
    at = await cli.waitFor('(Ctrl-C again to quit, or type /quit)', at);
    cli.type('\x03');
    expect(await cli.exited).toBe(0);
  }, 240_000);

  it('writes no escape code on a terminal when NO_COLOR is set', async () => {
    cli = new CliProcess(['chat', '--smoke'], { pty: true, cwd: folder, env: { NO_COLOR: '1' } });
    let at = await cli.waitFor('you> ');
    cli.type('What is the weather in Tokyo?\r');
    at = await cli.waitFor('assistant> In Tokyo it is 22 °C and cloudy', at);
    at = await cli.waitFor('you> ', at);
    cli.type('/quit\r');
    expect(await cli.exited).toBe(0);
    expect(cli.output).toContain('  [thinking] The user asked');
    expect(cli.output).not.toContain(ESC);
  }, 120_000);
});
