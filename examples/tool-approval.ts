/**
 * Tool approval across processes: a run stops before a call that needs a person's approval, saves its
 * history and exits; a new process loads it, shows the waiting call, approves it, and the turn goes
 * on until the next call that needs approval; a third process denies that one, with a reason, and the
 * model finishes its answer.
 *
 * - `needsApproval: true` (or a function of the arguments) on a tool;
 * - the run resolves with `status: 'interrupted'` and `pendingApprovals`; the history holds the call;
 * - `history.save(path)`, then `Conversation.load(path)` in any process, `agent.pendingApprovals(history)`;
 * - `agent.resume(history, { [callId]: { approved: true } })` or `{ approved: false, reason }`.
 *
 * Run: `node --conditions=@harmony-agents/source --import tsx examples/tool-approval.ts`
 * (it runs each phase in its own process; set `HARMONY_AGENTS_GPT_OSS_GGUF` to a gpt-oss GGUF to use a
 * real model instead of scripted model steps).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type Agent, Conversation, createAgent, defineTool, type RunResult } from '@harmony-agents/core';
import { scriptFinal, scriptToolCall } from '@harmony-agents/core/testing';
import { z } from 'zod';
import { createExampleBackend } from './example-backend.js';

/** The question of the example. */
export const QUESTION = 'Delete my two drafts, draft-1.txt and draft-2.txt.';

/** What the scripted model writes in each phase: a call, then the next call, then the answer. */
export const SCRIPTED_PHASES = {
  start: [
    scriptToolCall('delete_file', { name: 'draft-1.txt' }, { analysis: 'Delete both, one at a time.' }),
  ],
  approve: [scriptToolCall('delete_file', { name: 'draft-2.txt' })],
  deny: [scriptFinal('I deleted draft-1.txt. draft-2.txt was kept: you still need it for the report.')],
} as const;

/** The phases, each run by its own process. */
export type Phase = keyof typeof SCRIPTED_PHASES;

/** A tool that really deletes files in `folder`, and only after a person approved the call. */
export function createDeleteFileTool(folder: string) {
  return defineTool({
    name: 'delete_file',
    description: 'Deletes a file from the user’s folder.',
    parameters: z.object({ name: z.string().describe('The file name, e.g. notes.txt') }),
    needsApproval: true,
    execute: ({ name }) => {
      unlinkSync(join(folder, name));
      return `deleted ${name}`;
    },
  });
}

function createFolderAgent(folder: string, backend: Parameters<typeof createAgent>[0]['backend']): Agent {
  return createAgent({
    backend,
    tools: [createDeleteFileTool(folder)],
    instructions: 'Files: draft-1.txt, draft-2.txt.',
  });
}

/** Says what the run did, and saves its history when it waits for approval. */
async function report(result: RunResult, agent: Agent, file: string, write: (line: string) => void) {
  if (result.status === 'interrupted') {
    await result.history.save(file);
    for (const call of agent.pendingApprovals(result.history))
      write(`waiting for approval: ${call.toolName} ${JSON.stringify(call.arguments)}`);
    write('saved; exiting');
  } else {
    write(`Assistant: ${result.finalText}`);
  }
}

/** One phase, in this process: start the run, or load the saved history and decide the waiting call. */
export async function runPhase(
  phase: Phase,
  folder: string,
  write: (line: string) => void = (line) => console.log(line),
): Promise<void> {
  const example = await createExampleBackend(SCRIPTED_PHASES[phase]);
  try {
    const agent = createFolderAgent(folder, example.backend);
    const file = join(folder, 'conversation.json');
    if (phase === 'start') {
      await report(await agent.run(QUESTION), agent, file, write);
      return;
    }
    const history = await Conversation.load(file);
    const [call] = agent.pendingApprovals(history);
    const decision =
      phase === 'approve'
        ? ({ approved: true } as const)
        : ({ approved: false, reason: 'I still need draft-2.txt for the report' } as const);
    write(
      `${decision.approved ? 'approved' : 'denied'}: ${call!.toolName} ${JSON.stringify(call!.arguments)}`,
    );
    const run = agent.resume(history, { [call!.callId]: decision });
    run.on('tool-result', (event) => write(`  result: ${event.output}`));
    run.on('tool-error', (event) => write(`  error (${event.error.code}): ${event.output}`));
    await report(await run, agent, file, write);
  } finally {
    await example.dispose();
  }
}

/** Runs the three phases, each in a new Node.js process, and prints what each wrote. */
export function main(write: (line: string) => void = (line) => console.log(line)): string[] {
  const folder = mkdtempSync(join(tmpdir(), 'harmony-agents-approval-'));
  try {
    writeFileSync(join(folder, 'draft-1.txt'), 'first draft');
    writeFileSync(join(folder, 'draft-2.txt'), 'second draft');
    for (const phase of Object.keys(SCRIPTED_PHASES) as Phase[]) {
      const child = spawnSync(
        process.execPath,
        [...process.execArgv, fileURLToPath(import.meta.url), phase, folder],
        { encoding: 'utf8', env: process.env },
      );
      if (child.status !== 0) throw new Error(`phase ${phase} failed: ${child.stderr}`);
      write(`[process ${phase}]`);
      for (const line of child.stdout.trimEnd().split('\n')) write(`  ${line}`);
    }
    const left = readdirSync(folder).filter((name) => name.endsWith('.txt'));
    write(`files left: ${left.join(', ')}`);
    return left;
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const [phase, folder] = process.argv.slice(2);
  if (phase === undefined) main();
  else await runPhase(phase as Phase, folder!);
}
