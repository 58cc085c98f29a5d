/**
 * The interactive chat: reads lines, runs turns and commands one after the other, and handles Ctrl-C (stop the
 * answer; at the prompt, twice to quit) and Ctrl-D / end of input (quit once the current turn is done).
 */

import { createInterface, type Interface } from 'node:readline';
import type { ApprovalDecision, ApprovalDecisions, PendingApproval, Tool } from '@harmony-agents/core';
import { type ChatRenderer, shorten } from './chat-renderer.js';
import type { ChatSession } from './chat-session.js';
import { isCommand, runCommand } from './slash-commands.js';
import type { OutputStream, TerminalStyle } from './terminal-style.js';

/** What the chat reads from: a readable stream, with `isTTY` when it is a terminal. */
export type InputStream = NodeJS.ReadableStream & {
  /** Whether standard input is a terminal. */
  readonly isTTY?: boolean | undefined;
};

/** Options of {@link runChatLoop}. */
export interface ChatLoopOptions {
  readonly session: ChatSession;
  readonly renderer: ChatRenderer;
  readonly tools: readonly Tool[];
  readonly input: InputStream;
  readonly output: OutputStream & NodeJS.WritableStream;
  readonly style: TerminalStyle;
  /** Where `SIGINT` comes from when input is not a terminal (Ctrl-C in a pipe). */
  readonly signals: NodeJS.EventEmitter;
}

const PROMPT = 'you> ';

/** Runs the chat until `/quit`, end of input, or Ctrl-C twice at the prompt. */
export function runChatLoop(options: ChatLoopOptions): Promise<void> {
  const { session, renderer, input, output, style } = options;
  // A person types (Ctrl-C twice at the prompt quits); line editing by readline only with rich output: with
  // NO_COLOR or a piped stdout, not one escape code is written, and the terminal itself echoes what is typed.
  const interactive = input.isTTY === true;
  const terminal = interactive && style.rich;
  const readline: Interface = createInterface({ input, output, terminal, prompt: style.bold(PROMPT) });
  const queue: string[] = [];
  let turn: AbortController | undefined;
  let busy = false;
  let closed = false;
  let quitting = false;
  let interruptedAtPrompt = false;
  /** Set while a tool call waits for y/n: the next line answers it. */
  let answer: ((line: string | undefined) => void) | undefined;
  const print = (line: string) => {
    renderer.endLine();
    output.write(`${line}\n`);
  };

  return new Promise<void>((resolve) => {
    const finish = () => {
      if (quitting) return;
      quitting = true;
      options.signals.off('SIGINT', onInterrupt);
      readline.close();
      resolve();
    };
    const showPrompt = () => {
      if (closed) return;
      if (terminal) readline.prompt();
      else if (interactive) output.write(PROMPT);
    };
    const pump = async () => {
      if (busy) return;
      busy = true;
      while (queue.length > 0 && !quitting) {
        const line = queue.shift() ?? '';
        if (await handle(line)) {
          busy = false;
          finish();
          return;
        }
        if (queue.length === 0) showPrompt();
      }
      busy = false;
      if (closed) finish();
    };
    /** Handles one line; true to quit. */
    const handle = async (line: string): Promise<boolean> => {
      const text = line.trim();
      if (text === '') return false;
      if (!interactive) output.write(`${PROMPT}${text}\n`);
      if (isCommand(text)) {
        return (await runCommand(text, { session, renderer, tools: options.tools, print })) === 'quit';
      }
      turn = new AbortController();
      const signal = turn.signal;
      const approve = async (pending: readonly PendingApproval[]): Promise<ApprovalDecisions> => {
        const decisions: Record<string, ApprovalDecision> = {};
        for (const call of pending) {
          renderer.endLine();
          output.write(
            style.bold(`Allow ${call.toolName} ${shorten(JSON.stringify(call.arguments) ?? '')}? [y/N] `),
          );
          const reply = await nextAnswer(signal);
          if (!interactive) output.write(`${reply ?? ''}\n`);
          const approved = /^\s*y(es)?\s*$/iu.test(reply ?? '');
          decisions[call.callId] = approved
            ? { approved: true }
            : { approved: false, reason: 'the user said no' };
        }
        return decisions;
      };
      const outcome = await session.turn(text, signal, (run) => renderer.attach(run), approve);
      turn = undefined;
      if (outcome.status === 'aborted') {
        renderer.note('  (answer stopped; the conversation keeps every completed message)');
      } else if (outcome.status === 'failed') {
        const error = outcome.error;
        print(style.red(`Error: ${error instanceof Error ? error.message : String(error)}`));
      }
      return false;
    };
    /** The next line typed (or already queued), or undefined when the turn is aborted or input ends. */
    function nextAnswer(signal: AbortSignal): Promise<string | undefined> {
      if (queue.length > 0) return Promise.resolve(queue.shift());
      if (closed || signal.aborted) return Promise.resolve(undefined);
      return new Promise((resolve) => {
        const onAbort = () => {
          answer = undefined;
          resolve(undefined);
        };
        signal.addEventListener('abort', onAbort, { once: true });
        answer = (line) => {
          signal.removeEventListener('abort', onAbort);
          answer = undefined;
          resolve(line);
        };
      });
    }
    function onInterrupt() {
      if (turn !== undefined) {
        turn.abort();
        return;
      }
      if (busy) return;
      if (interruptedAtPrompt || !interactive) {
        print('');
        finish();
        return;
      }
      interruptedAtPrompt = true;
      print('\n(Ctrl-C again to quit, or type /quit)');
      if (terminal) readline.write(null, { ctrl: true, name: 'u' });
      showPrompt();
    }
    readline.on('line', (line) => {
      interruptedAtPrompt = false;
      if (answer !== undefined) {
        answer(line);
        return;
      }
      queue.push(line);
      void pump();
    });
    readline.on('SIGINT', onInterrupt);
    options.signals.on('SIGINT', onInterrupt);
    readline.on('close', () => {
      closed = true;
      answer?.(undefined);
      if (!busy && queue.length === 0) finish();
    });
    showPrompt();
  });
}
