import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAgent } from '@harmony-agents/core';
import { createScriptedBackend } from '@harmony-agents/core/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { ChatRenderer } from './chat-renderer.js';
import { ChatSession } from './chat-session.js';
import { runCommand } from './slash-commands.js';
import { createTerminalStyle } from './terminal-style.js';
import { createWeatherTool } from './weather-tool.js';

const folder = mkdtempSync(join(tmpdir(), 'cli-commands-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

function setUp() {
  const backend = createScriptedBackend({
    steps: [{ completion: '<|channel|>final<|message|>Hello there.<|return|>' }],
  });
  const tools = [createWeatherTool()];
  const session = new ChatSession(createAgent({ backend, tools }), { effort: 'medium' });
  const output: string[] = [];
  const out = { write: (text: string) => output.push(text) };
  const renderer = new ChatRenderer(out, createTerminalStyle(out, {}));
  const run = (line: string) =>
    runCommand(line, { session, renderer, tools, print: (text) => output.push(`${text}\n`) });
  return { session, renderer, output, run };
}

describe('chat commands', () => {
  it('/effort shows and changes the effort, and names the allowed values', async () => {
    const { session, output, run } = setUp();
    await run('/effort');
    await run('/effort HIGH');
    await run('/effort max');
    expect(session.effort).toBe('high');
    expect(output.join('')).toBe(
      'Reasoning effort: medium (/effort low|medium|high changes it)\n' +
        'Reasoning effort: high\n' +
        '/effort must be low, medium or high, got max\n',
    );
  });

  it('/save, /clear and /load keep and restore the conversation', async () => {
    const { session, output, run } = setUp();
    const outcome = await session.turn('Hi', new AbortController().signal, () => {});
    expect(outcome.status).toBe('completed');
    const file = join(folder, 'chat.json');
    await run(`/save ${file}`);
    await run('/clear');
    expect(session.history.length).toBe(0);
    await run(`/load ${file}`);
    expect(session.history.messages.map((message) => message.role)).toEqual(['user', 'assistant']);
    writeFileSync(join(folder, 'broken.json'), '{ "format": "something else" }');
    await run(`/load ${join(folder, 'broken.json')}`);
    expect(session.history.length).toBe(2);
    await run('/save');
    expect(output.join('')).toMatch(
      new RegExp(
        `^Saved 2 messages to ${file}\\nStarted over: the conversation is empty\\.\\nLoaded 2 messages from ${file}\\n` +
          `${join(folder, 'broken.json')} is not a saved conversation: .+\\n/save needs a file name: /save chat\\.json\\n$`,
        'u',
      ),
    );
  });

  it('/think folds and unfolds the reasoning; /quit quits; unknown commands are named', async () => {
    const { renderer, output, run } = setUp();
    await run('/think');
    expect(renderer.reasoning).toBe('collapsed');
    await run('/think');
    expect(renderer.reasoning).toBe('expanded');
    expect(await run('/quit')).toBe('quit');
    expect(await run('/frobnicate')).toBe('continue');
    await run('/tools');
    expect(output.join('')).toBe(
      'Reasoning: hidden (one line per message)\n' +
        'Reasoning: shown\n' +
        '  (no reasoning in the latest answer)\n' +
        'Unknown command /frobnicate: type /help for the commands.\n' +
        '  get_current_weather: Gets the current weather in a city (demonstration data).\n',
    );
  });
});
