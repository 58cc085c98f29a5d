/**
 * `harmony-agents`: reads the command line, opens the model (or the smoke model), then chats or answers once.
 */

import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { type LlamaCppModel, loadLlamaCppModel } from '@harmony-agents/backend-llamacpp';
import { getTinyGptOssModel } from '@harmony-agents/backend-llamacpp/test-models';
import { createLlamaServerBackend } from '@harmony-agents/backend-server';
import { type Backend, type Conversation, createAgent, isHarmonyAgentsError } from '@harmony-agents/core';
import { ChatRenderer } from './chat-renderer.js';
import { type InputStream, runChatLoop } from './chat-repl.js';
import { ChatSession, readConversation } from './chat-session.js';
import { type ChatArguments, HELP_TEXT, parseCliArguments } from './cli-arguments.js';
import { connectMcpServers, type McpServers } from './mcp-config.js';
import { openModel } from './model-setup.js';
import { createSmokeBackend, smokeGrammar } from './smoke-backend.js';
import { createTerminalStyle, type OutputStream } from './terminal-style.js';
import { createToolSet, type ToolChoice } from './tool-set.js';

/** The process the CLI talks to; tests pass their own streams and environment. */
export interface CliIo {
  /** Questions and commands. */
  readonly stdin: InputStream;
  /** The chat, or the one-shot answer. */
  readonly stdout: OutputStream & NodeJS.WritableStream;
  /** Progress, warnings and errors. */
  readonly stderr: OutputStream & NodeJS.WritableStream;
  /** The environment (`NO_COLOR`, `HF_ENDPOINT`, `HF_TOKEN`, `HARMONY_AGENTS_MODELS_DIR`, ...). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The working folder: the root of the file tools and of relative paths. */
  readonly cwd: string;
  /** Emits `SIGINT` (Ctrl-C). */
  readonly signals: NodeJS.EventEmitter;
}

/** The real process. */
export function processIo(): CliIo {
  return {
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    cwd: process.cwd(),
    signals: process,
  };
}

/** Exit codes: 0 done, 1 a failure, 2 a usage error, 130 stopped by Ctrl-C. */
export type ExitCode = 0 | 1 | 2 | 130;

function version(): string {
  const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return manifest.version;
}

/** What a chat talks to, and how to release it. */
interface OpenedBackend {
  readonly backend: Backend;
  readonly description: string;
  release(): Promise<void>;
}

async function openSmokeBackend(args: ChatArguments, io: CliIo): Promise<OpenedBackend> {
  const file = await getTinyGptOssModel();
  if (!file.cached) {
    io.stderr.write(
      `Generated a tiny gpt-oss model in ${(file.generationMs / 1000).toFixed(1)} s: ${file.path}\n`,
    );
  }
  const model = await loadLlamaCppModel({ model: file.path });
  const backend = createSmokeBackend(model, {
    contextSize: args.contextSize ?? 8192,
    threads: args.threads ?? 1,
  });
  return {
    backend,
    description: `smoke: a tiny generated gpt-oss model (${(file.bytes / 2 ** 20).toFixed(0)} MiB, random weights) with scripted answers, through llama.cpp`,
    release: async () => {
      await backend.dispose();
      await model.dispose();
    },
  };
}

async function openLocalBackend(args: ChatArguments, io: CliIo): Promise<OpenedBackend | undefined> {
  const model: LlamaCppModel | undefined = await openModel(args, io);
  if (model === undefined) return undefined;
  const backend = model.createBackend({
    ...(args.contextSize === undefined ? {} : { contextSize: args.contextSize }),
    ...(args.threads === undefined ? {} : { threads: args.threads }),
  });
  return {
    backend,
    description: `${model.fileInfo.name ?? 'gpt-oss'} from ${model.path}`,
    release: async () => {
      await backend.dispose();
      await model.dispose();
    },
  };
}

/**
 * `--server`: a llama-server, checked before the chat starts (reachable, o200k_harmony vocabulary). With
 * `--smoke`, the server is expected to serve a tiny generated model, and the smoke answers are forced there.
 */
async function openServerBackend(url: string, smoke: boolean): Promise<OpenedBackend> {
  const backend = createLlamaServerBackend({
    baseUrl: url,
    ...(smoke ? { grammarForRequest: smokeGrammar, constrainToolArguments: false } : {}),
  });
  await backend.checkVocabulary();
  return {
    backend,
    description: `llama-server at ${backend.baseUrl}${smoke ? ' (smoke: scripted answers)' : ''}`,
    release: async () => {},
  };
}

/** Runs the CLI with `argv` (without `node` and the script) and returns the exit code. */
export async function runCli(argv: readonly string[], io: CliIo = processIo()): Promise<ExitCode> {
  let args: ChatArguments;
  try {
    const parsed = parseCliArguments(argv);
    if (parsed.command === 'help') {
      io.stdout.write(HELP_TEXT);
      return 0;
    }
    if (parsed.command === 'version') {
      io.stdout.write(`${version()}\n`);
      return 0;
    }
    args = parsed;
  } catch (error) {
    io.stderr.write(`harmony-agents: ${(error as Error).message}\n`);
    return 2;
  }
  return chat(args, io);
}

async function chat(args: ChatArguments, io: CliIo): Promise<ExitCode> {
  const style = createTerminalStyle(io.stdout, io.env);
  const errorStyle = createTerminalStyle(io.stderr, io.env);
  const fail = (error: unknown): ExitCode => {
    const message = isHarmonyAgentsError(error) || error instanceof Error ? error.message : String(error);
    io.stderr.write(`${errorStyle.red('harmony-agents:')} ${message}\n`);
    return isHarmonyAgentsError(error) && error.code === 'configuration_error' ? 2 : 1;
  };
  let history: Conversation | undefined;
  try {
    if (args.resume !== undefined) history = await readConversation(args.resume);
  } catch (error) {
    return fail(error);
  }
  const choices: ToolChoice[] = [...args.tools];
  if (args.smoke && !choices.includes('weather')) choices.unshift('weather');
  const toolSet = createToolSet(choices, io.cwd);
  let opened: OpenedBackend | undefined;
  let mcp: McpServers | undefined;
  try {
    if (args.mcp !== undefined) mcp = await connectMcpServers(resolve(io.cwd, args.mcp), args.confirm);
    opened =
      args.server !== undefined
        ? await openServerBackend(args.server, args.smoke)
        : args.smoke
          ? await openSmokeBackend(args, io)
          : await openLocalBackend(args, io);
    if (opened === undefined) return 1;
    // --confirm: function tools wait for a y/n (built-in tools have no approval policy).
    const own = args.confirm
      ? toolSet.tools.map((tool) => (tool.kind === 'function' ? { ...tool, needsApproval: true } : tool))
      : toolSet.tools;
    const tools = [...own, ...(mcp?.tools ?? [])];
    const instructions = [args.instructions, mcp?.instructions].filter(
      (text) => text !== undefined && text !== '',
    );
    const agent = createAgent({
      backend: opened.backend,
      tools,
      reasoningEffort: args.effort,
      ...(instructions.length === 0 ? {} : { instructions: instructions.join('\n\n') }),
    });
    const session = new ChatSession(agent, { effort: args.effort, ...(history ? { history } : {}) });
    if (args.prompt !== undefined) return await answerOnce(session, args.prompt, io);
    const renderer = new ChatRenderer(io.stdout, style);
    io.stdout.write(
      `${style.dim(`harmony-agents chat · ${opened.description}`)}\n` +
        `${style.dim(`tools: ${choices.join(', ') || 'none'}${mcp === undefined ? '' : ` · mcp: ${mcp.summary}`} · effort: ${args.effort} · /help for commands, /quit to leave`)}\n`,
    );
    if (history !== undefined) {
      io.stdout.write(`${style.dim(`Resumed ${history.length} messages from ${args.resume}`)}\n`);
    }
    await runChatLoop({
      session,
      renderer,
      tools,
      input: io.stdin,
      output: io.stdout,
      style,
      signals: io.signals,
    });
    return 0;
  } catch (error) {
    return fail(error);
  } finally {
    await toolSet.dispose();
    await mcp?.close();
    await opened?.release();
  }
}

/** `-p`: the answer alone on standard output; Ctrl-C stops it (exit 130). */
async function answerOnce(session: ChatSession, question: string, io: CliIo): Promise<ExitCode> {
  const controller = new AbortController();
  const onInterrupt = () => controller.abort();
  io.signals.on('SIGINT', onInterrupt);
  try {
    let open = false;
    const outcome = await session.turn(question, controller.signal, (run) => {
      run.on('final-delta', (event) => {
        io.stdout.write(event.delta);
        open = true;
      });
    });
    if (open) io.stdout.write('\n');
    if (outcome.status === 'aborted') return 130;
    if (outcome.status === 'failed') throw outcome.error;
    return 0;
  } finally {
    io.signals.off('SIGINT', onInterrupt);
  }
}
