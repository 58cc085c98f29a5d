/**
 * The command line: `harmony-agents chat [options]`, read into a checked, fully-filled form.
 */

import { parseArgs } from 'node:util';
import { ConfigurationError, type ReasoningEffort } from '@harmony-agents/core';
import { DEFAULT_TOOL_CHOICES, parseToolChoices, TOOL_CHOICES, type ToolChoice } from './tool-set.js';

/** The reasoning efforts gpt-oss knows. */
export const REASONING_EFFORTS: readonly ReasoningEffort[] = ['low', 'medium', 'high'];

/** `harmony-agents chat` options, checked. */
export interface ChatArguments {
  /** Discriminant: `chat`. */
  readonly command: 'chat';
  /** `--model`: a GGUF path or a model URI; undefined offers the recommended models. */
  readonly model: string | undefined;
  /** `--effort`. */
  readonly effort: ReasoningEffort;
  /** `--tools`. */
  readonly tools: readonly ToolChoice[];
  /** `--mcp`: an MCP servers configuration file. */
  readonly mcp: string | undefined;
  /** `--server`: an inference server URL instead of a local model. */
  readonly server: string | undefined;
  /** `--resume`: a saved conversation to continue. */
  readonly resume: string | undefined;
  /** `--instructions`: developer instructions. */
  readonly instructions: string | undefined;
  /** `--smoke`: a tiny generated model with scripted answers, offline. */
  readonly smoke: boolean;
  /** `-p`: ask one question, print the answer, exit. */
  readonly prompt: string | undefined;
  /** `--models-dir`: where models are downloaded to and looked up in. */
  readonly modelsDirectory: string | undefined;
  /** `--context-size`: tokens of context. */
  readonly contextSize: number | undefined;
  /** `--threads`: CPU threads. */
  readonly threads: number | undefined;
  /** `--confirm`: ask before each call of a function or MCP tool. */
  readonly confirm: boolean;
}

/** What the command line asks for. */
export type CliArguments = ChatArguments | { readonly command: 'help' } | { readonly command: 'version' };

/** The help text. */
export const HELP_TEXT = `harmony-agents: chat with gpt-oss on the CPU, with tools.

Usage:
  harmony-agents chat [options]          an interactive chat (type /help inside)
  harmony-agents chat -p "question"      one answer on standard output, for scripts
  harmony-agents chat --smoke            the whole machinery on a tiny generated model, offline

Options:
  -m, --model PATH|URI     a gpt-oss GGUF file, or hf:<owner>/<repo>/<file>.gguf; without it, a picker
                           offers the recommended gpt-oss GGUFs and downloads the one you choose
      --effort LEVEL       reasoning effort: low, medium (default) or high
      --tools LIST         comma-separated: ${Object.keys(TOOL_CHOICES).join(',')} or none
                           (default: ${DEFAULT_TOOL_CHOICES.join(',')})
      --mcp CONFIG.json    add the tools of MCP servers
      --server URL         use a running llama.cpp llama-server (started with --swa-full) instead of a
                           local model; with --smoke, the smoke answers are played through it
      --resume FILE        continue a conversation saved with /save
      --instructions TEXT  developer instructions for the model
      --confirm            ask before each call of a function tool or an MCP tool (y/N)
  -p, --prompt TEXT        ask one question, print the answer and exit
      --smoke              a tiny generated model with scripted answers: works offline in seconds
      --models-dir DIR     where models are downloaded (default: $HARMONY_AGENTS_MODELS_DIR or
                           ~/.cache/harmony-agents/models)
      --context-size N     context tokens (default 8192)
      --threads N          CPU threads (default: the number of physical cores)
  -h, --help               this text
  -v, --version            the version

Output is plain text (no colours, no redraws) when standard output is not a terminal or NO_COLOR is set.
HF_ENDPOINT sets the Hugging Face endpoint (a mirror); HF_TOKEN is sent for gated repositories.
`;

function positiveInteger(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!Number.isInteger(number) || number <= 0) {
    throw new ConfigurationError(`${name} must be a positive whole number, got ${value}`);
  }
  return number;
}

/** Reads `--effort`. @throws {@link ConfigurationError} for anything but low, medium or high. */
export function parseEffort(value: string, option = '--effort'): ReasoningEffort {
  const effort = value.trim().toLowerCase();
  if (!(REASONING_EFFORTS as readonly string[]).includes(effort)) {
    throw new ConfigurationError(`${option} must be low, medium or high, got ${value}`);
  }
  return effort as ReasoningEffort;
}

/**
 * Reads the command line (without `node` and the script).
 * @throws {@link ConfigurationError} naming the bad option and what it accepts.
 */
export function parseCliArguments(argv: readonly string[]): CliArguments {
  let parsed: ReturnType<typeof parseChatOptions>;
  try {
    parsed = parseChatOptions(argv);
  } catch (error) {
    if (error instanceof ConfigurationError) throw error;
    throw new ConfigurationError(`${(error as Error).message} (see harmony-agents --help)`, { cause: error });
  }
  const { values, positionals } = parsed;
  if (values.help === true) return { command: 'help' };
  if (values.version === true) return { command: 'version' };
  const [command, ...rest] = positionals;
  if (command === undefined) return { command: 'help' };
  if (command !== 'chat') {
    throw new ConfigurationError(
      `Unknown command "${command}": the command is chat (see harmony-agents --help)`,
    );
  }
  if (rest.length > 0) {
    throw new ConfigurationError(`Unexpected argument "${rest[0]}" (a question goes after -p, in quotes)`);
  }
  if (values.smoke === true && values.model !== undefined) {
    throw new ConfigurationError('--smoke uses its own tiny model: leave out --model');
  }
  if (values.model !== undefined && values.server !== undefined) {
    throw new ConfigurationError('Give either --model or --server, not both');
  }
  if (values.prompt !== undefined && values.prompt.trim() === '') {
    throw new ConfigurationError('-p needs a question');
  }
  return {
    command: 'chat',
    model: values.model,
    effort: values.effort === undefined ? 'medium' : parseEffort(values.effort),
    tools: values.tools === undefined ? DEFAULT_TOOL_CHOICES : parseToolChoices(values.tools),
    mcp: values.mcp,
    server: values.server,
    resume: values.resume,
    instructions: values.instructions,
    smoke: values.smoke === true,
    prompt: values.prompt,
    modelsDirectory: values['models-dir'],
    contextSize: positiveInteger('--context-size', values['context-size']),
    threads: positiveInteger('--threads', values.threads),
    confirm: values.confirm === true,
  };
}

function parseChatOptions(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: {
      model: { type: 'string', short: 'm' },
      effort: { type: 'string' },
      tools: { type: 'string' },
      mcp: { type: 'string' },
      server: { type: 'string' },
      resume: { type: 'string' },
      instructions: { type: 'string' },
      prompt: { type: 'string', short: 'p' },
      smoke: { type: 'boolean' },
      confirm: { type: 'boolean' },
      'models-dir': { type: 'string' },
      'context-size': { type: 'string' },
      threads: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
      version: { type: 'boolean', short: 'v' },
    },
  });
}
