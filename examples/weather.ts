/**
 * The user's weather example, end to end: two tools, two turns, history saved to a file and resumed.
 *
 * - With `HARMONY_AGENTS_GPT_OSS_GGUF=/path/to/gpt-oss-20b.gguf` (or an `hf:` URI), a real gpt-oss
 *   model answers on the CPU through llama.cpp.
 * - Without it, the same code runs through the real llama.cpp engine on a tiny gpt-oss model generated
 *   on the spot (random weights, real vocabulary), with each model step scripted by a grammar, so the
 *   example works offline in seconds.
 *
 * Run: `pnpm start` (or `node --conditions=@harmony-agents/source --import tsx examples/weather.ts`).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type LlamaCppModel, loadLlamaCppModel } from '@harmony-agents/backend-llamacpp';
import {
  createScriptedLlamaCppBackend,
  getTinyGptOssModel,
} from '@harmony-agents/backend-llamacpp/test-models';
import { type AgentRun, type Backend, Conversation, createAgent } from '@harmony-agents/core';
import { createTerminalStyle } from './terminal-style.js';
import { SCRIPTED_WEATHER_COMPLETIONS, weatherTools } from './weather-tools.js';

// Faint text on a terminal only: plain text when piped or when NO_COLOR is set.
const { dim } = createTerminalStyle(process.stdout);

/** Prints a run's events as they happen. */
function printRun(run: AgentRun, write: (text: string) => void = (text) => process.stdout.write(text)): void {
  run.on('analysis', (event) => write(`${dim(`  [thinking] ${event.text}`)}\n`));
  run.on('preamble', (event) => write(`  [preamble] ${event.text}\n`));
  run.on('tool-call', (event) =>
    write(`  [tool call] ${event.toolName}(${JSON.stringify(event.arguments)})\n`),
  );
  run.on('tool-result', (event) => write(`  [tool result] ${event.output}\n`));
  run.on('tool-error', (event) => write(`  [tool error] ${event.output}\n`));
  run.on('parse-error', (event) => write(`  [parse error] ${event.error.message}\n`));
  run.on('final-delta', (event) => write(event.delta));
  run.on('final', () => write('\n'));
  run.on('step-end', (event) => {
    const { promptTokens, cachedPromptTokens, generatedTokens } = event.usage;
    const cached = cachedPromptTokens === undefined ? '' : `, ${cachedPromptTokens} reused from the KV cache`;
    write(
      `${dim(`  (model step ${event.step}: ${promptTokens} prompt tokens${cached}, ${generatedTokens} generated)`)}\n`,
    );
  });
}

async function createBackend(): Promise<{ backend: Backend; model: LlamaCppModel; description: string }> {
  const real = process.env.HARMONY_AGENTS_GPT_OSS_GGUF;
  if (real !== undefined && real.length > 0) {
    const model = await loadLlamaCppModel({
      model: real,
      showDownloadProgressBar: true,
      showLoadProgressBar: true,
    });
    return { backend: model.createBackend(), model, description: `gpt-oss from ${real}` };
  }
  const file = await getTinyGptOssModel();
  const model = await loadLlamaCppModel({ model: file.path });
  const backend = createScriptedLlamaCppBackend({
    model,
    completions: SCRIPTED_WEATHER_COMPLETIONS,
    threads: 1,
  });
  return {
    backend,
    model,
    description: `a tiny generated gpt-oss model (${(file.bytes / 2 ** 20).toFixed(0)} MiB) scripted through llama.cpp; set HARMONY_AGENTS_GPT_OSS_GGUF to use a real one`,
  };
}

async function main(): Promise<void> {
  const { backend, model, description } = await createBackend();
  console.log(`Model: ${description}\n`);
  const agent = createAgent({
    backend,
    tools: weatherTools,
    instructions:
      'Answer weather questions using the tools. Report temperatures in the unit the user asks for.',
    reasoningEffort: 'low',
  });
  const folder = mkdtempSync(join(tmpdir(), 'harmony-agents-weather-'));
  try {
    const question = 'What is the current temperature in Fahrenheit where user john123 is?';
    console.log(`User: ${question}`);
    const first = agent.run(question);
    printRun(first);
    const firstResult = await first;

    const saved = join(folder, 'history.json');
    await firstResult.history.save(saved);
    console.log(`\n${dim(`(history saved to ${saved}, ${firstResult.history.length} messages)`)}\n`);

    const history = await Conversation.load(saved);
    console.log('User: and for jay_lee?');
    const second = agent.run('and for jay_lee?', { history });
    printRun(second);
    const secondResult = await second;
    const usage = secondResult.usage;
    console.log(
      dim(
        `\nSecond turn: ${usage.promptTokens} prompt tokens over ${secondResult.steps} model steps, ` +
          `${usage.cachedPromptTokens ?? 'unknown'} reused from the KV cache, ${usage.evaluatedPromptTokens ?? 'unknown'} evaluated.`,
      ),
    );
  } finally {
    rmSync(folder, { recursive: true, force: true });
    await model.dispose();
  }
}

await main();
