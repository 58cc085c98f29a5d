/**
 * Opening the model of a chat: a path or URI given with `--model`.
 */

import { type LlamaCppModel, loadLlamaCppModel } from '@harmony-agents/backend-llamacpp';
import type { ChatArguments } from './cli-arguments.js';
import type { CliIo } from './run-cli.js';

/** Loads `--model`; undefined when there is nothing to load. */
export async function openModel(args: ChatArguments, io: CliIo): Promise<LlamaCppModel | undefined> {
  if (args.model === undefined) {
    io.stderr.write('harmony-agents: no model: give --model PATH|hf:URI, or try --smoke\n');
    return undefined;
  }
  return loadLlamaCppModel({ model: args.model, showDownloadProgressBar: true, showLoadProgressBar: true });
}
