/**
 * The chat's commands: `/effort`, `/think`, `/save`, `/load`, `/clear`, `/tools`, `/help`, `/quit`.
 */

import { isHarmonyAgentsError, type Tool } from '@harmony-agents/core';
import type { ChatRenderer } from './chat-renderer.js';
import type { ChatSession } from './chat-session.js';
import { parseEffort } from './cli-arguments.js';

/** The chat's help text. */
export const CHAT_HELP = `Commands:
  /effort low|medium|high   how hard the model thinks (now: {effort})
  /think                    show or hide the reasoning (hidden reasoning is one line; /think also prints
                            the latest answer's reasoning in full)
  /save FILE                save the conversation (continue it later with --resume FILE)
  /load FILE                continue a saved conversation
  /clear                    start over
  /tools                    the tools the model may call
  /help                     this text
  /quit                     leave (or Ctrl-D; Ctrl-C twice at the prompt)
Ctrl-C while the model answers stops the answer; the conversation keeps every completed message.`;

/** What the chat does after a command. */
export type CommandResult = 'continue' | 'quit';

/** What commands act on. */
export interface CommandContext {
  readonly session: ChatSession;
  readonly renderer: ChatRenderer;
  readonly tools: readonly Tool[];
  /** Writes a line of output. */
  readonly print: (line: string) => void;
}

function describeTool(tool: Tool): string {
  if (tool.kind === 'function') return `${tool.name}: ${tool.description}`;
  return `${tool.namespace.name} (built-in): ${tool.namespace.description?.split('\n')[0] ?? ''}`;
}

/** Whether `line` is a command (starts with `/`). */
export function isCommand(line: string): boolean {
  return line.trimStart().startsWith('/');
}

/** Runs one command line. Errors are printed, never thrown: the chat goes on. */
export async function runCommand(line: string, context: CommandContext): Promise<CommandResult> {
  const [name = '', ...rest] = line.trim().slice(1).split(/\s+/u);
  const argument = rest.join(' ');
  const { session, renderer, print } = context;
  try {
    switch (name.toLowerCase()) {
      case 'quit':
      case 'exit':
        return 'quit';
      case 'help':
        print(CHAT_HELP.replace('{effort}', session.effort));
        break;
      case 'effort':
        if (argument === '') {
          print(`Reasoning effort: ${session.effort} (/effort low|medium|high changes it)`);
        } else {
          session.effort = parseEffort(argument, '/effort');
          print(`Reasoning effort: ${session.effort}`);
        }
        break;
      case 'think':
        renderer.reasoning = renderer.reasoning === 'expanded' ? 'collapsed' : 'expanded';
        print(`Reasoning: ${renderer.reasoning === 'expanded' ? 'shown' : 'hidden (one line per message)'}`);
        if (renderer.reasoning === 'expanded') renderer.printLastReasoning();
        break;
      case 'save':
        if (argument === '') {
          print('/save needs a file name: /save chat.json');
          break;
        }
        print(`Saved ${session.history.length} messages to ${await session.save(argument)}`);
        break;
      case 'load':
        if (argument === '') {
          print('/load needs a file name: /load chat.json');
          break;
        }
        await session.load(argument);
        print(`Loaded ${session.history.length} messages from ${argument}`);
        break;
      case 'clear':
        session.clear();
        print('Started over: the conversation is empty.');
        break;
      case 'tools':
        if (context.tools.length === 0) print('No tools (start with --tools weather,time,... to add some).');
        for (const tool of context.tools) print(`  ${describeTool(tool)}`);
        break;
      default:
        print(`Unknown command /${name}: type /help for the commands.`);
    }
  } catch (error) {
    print(`${isHarmonyAgentsError(error) || error instanceof Error ? error.message : String(error)}`);
  }
  return 'continue';
}
