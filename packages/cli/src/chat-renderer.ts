/**
 * Prints a run as it happens: reasoning (dimmed, or collapsed to one line), preambles, tool calls and results,
 * the answer streamed, and the figures of the turn.
 */

import type { AgentRun, Usage } from '@harmony-agents/core';
import type { OutputStream, TerminalStyle } from './terminal-style.js';

/** How reasoning is shown: streamed in full, or one line per message (`/think` switches). */
export type ReasoningDisplay = 'expanded' | 'collapsed';

const INDENT = '  ';

/** Text of a JSON value on one line, shortened for display. */
export function shorten(text: string, limit = 300): string {
  const line = text.replace(/\s+/gu, ' ').trim();
  return line.length <= limit ? line : `${line.slice(0, limit - 1)}…`;
}

function wordCount(text: string): number {
  return text.split(/\s+/u).filter((word) => word !== '').length;
}

/** The figures line after an answer: tokens, KV-cache reuse and speed. */
export function formatUsage(usage: Usage, steps: number): string {
  const parts = [`${steps} model step${steps === 1 ? '' : 's'}`];
  const reused =
    usage.cachedPromptTokens === undefined ? '' : `, ${usage.cachedPromptTokens} reused from the KV cache`;
  parts.push(`${usage.promptTokens} prompt tokens${reused}`);
  parts.push(`${usage.generatedTokens} generated`);
  if (usage.decodeMs !== undefined && usage.decodeMs > 0) {
    parts.push(`${((usage.generatedTokens * 1000) / usage.decodeMs).toFixed(1)} tokens/s`);
  }
  if (
    usage.prefillMs !== undefined &&
    usage.prefillMs > 0 &&
    usage.evaluatedPromptTokens !== undefined &&
    usage.evaluatedPromptTokens > 0
  ) {
    parts.push(`prompt ${((usage.evaluatedPromptTokens * 1000) / usage.prefillMs).toFixed(0)} tokens/s`);
  }
  return `(${parts.join(' · ')})`;
}

/** Writes the events of runs to a stream. One renderer serves a whole chat. */
export class ChatRenderer {
  /** How reasoning is shown. */
  reasoning: ReasoningDisplay = 'expanded';
  readonly #out: OutputStream;
  readonly #style: TerminalStyle;
  /** The reasoning of the latest turn, for `/think` to show after the fact. */
  #lastReasoning: string[] = [];
  /** Whether the cursor is in the middle of a line this renderer started. */
  #openLine = false;

  constructor(out: OutputStream, style: TerminalStyle) {
    this.#out = out;
    this.#style = style;
  }

  /** The reasoning messages of the latest turn. */
  get lastReasoning(): readonly string[] {
    return this.#lastReasoning;
  }

  /** Writes a line of side information (dimmed), ending any open line first. */
  note(text: string): void {
    this.endLine();
    this.#out.write(`${this.#style.dim(text)}\n`);
  }

  /** Ends the line the answer or reasoning left open. */
  endLine(): void {
    if (this.#openLine) this.#out.write('\n');
    this.#openLine = false;
  }

  /** Prints the latest turn's reasoning in full. */
  printLastReasoning(): void {
    if (this.#lastReasoning.length === 0) {
      this.note(`${INDENT}(no reasoning in the latest answer)`);
      return;
    }
    for (const text of this.#lastReasoning) this.#writeReasoningBlock(text);
  }

  #write(text: string): void {
    if (text === '') return;
    this.#out.write(text);
    this.#openLine = !text.endsWith('\n');
  }

  #writeReasoningBlock(text: string): void {
    this.endLine();
    const body = text.trim().replace(/\n/gu, `\n${INDENT}           `);
    this.#out.write(`${this.#style.dim(`${INDENT}[thinking] ${body}`)}\n`);
  }

  /** Subscribes to `run`'s events. `assistantLabel` prefixes the answer. */
  attach(run: AgentRun, assistantLabel = 'assistant> '): void {
    const style = this.#style;
    this.#lastReasoning = [];
    let reasoningOpen = false;
    let answerOpen = false;
    run.on('analysis-delta', (event) => {
      if (this.reasoning !== 'expanded') return;
      if (!reasoningOpen) {
        this.endLine();
        this.#write(style.dim(`${INDENT}[thinking] `));
        reasoningOpen = true;
      }
      this.#write(style.dim(event.delta.replace(/\n/gu, `\n${INDENT}           `)));
    });
    run.on('analysis', (event) => {
      this.#lastReasoning.push(event.text);
      if (this.reasoning === 'expanded') {
        if (!reasoningOpen) this.#writeReasoningBlock(event.text);
        this.endLine();
      } else {
        this.note(`${INDENT}[thinking: ${wordCount(event.text)} words, hidden; /think shows it]`);
      }
      reasoningOpen = false;
    });
    run.on('preamble', (event) => {
      this.endLine();
      this.#write(`${INDENT}${event.text.trim()}\n`);
    });
    run.on('tool-call', (event) => {
      this.endLine();
      const name = event.recipient.startsWith('functions.') ? event.toolName : event.recipient;
      const input = typeof event.arguments === 'string' ? event.arguments : JSON.stringify(event.arguments);
      this.#write(`${style.cyan(`${INDENT}[tool call] ${name}`)} ${shorten(input ?? '')}\n`);
    });
    run.on('tool-result', (event) => {
      this.#write(`${style.cyan(`${INDENT}[tool result]`)} ${shorten(event.output)}\n`);
    });
    run.on('tool-error', (event) => {
      this.#write(`${style.red(`${INDENT}[tool error]`)} ${shorten(event.output)}\n`);
    });
    run.on('parse-error', (event) => {
      this.note(`${INDENT}[malformed output${event.recovered ? ', recovered' : ''}] ${event.error.message}`);
    });
    run.on('final-delta', (event) => {
      if (!answerOpen) {
        this.endLine();
        this.#write(style.bold(assistantLabel));
        answerOpen = true;
      }
      this.#write(event.delta);
    });
    run.on('final', () => {
      this.endLine();
      answerOpen = false;
    });
    run.on('run-end', (event) => {
      this.endLine();
      if (event.status === 'completed') this.note(`${INDENT}${formatUsage(event.usage, stepCount(run))}`);
    });
  }
}

function stepCount(run: AgentRun): number {
  let steps = 0;
  for (const event of run.events) if (event.type === 'step-start') steps++;
  return steps;
}
