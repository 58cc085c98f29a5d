/**
 * Opening the model of a chat: a path, an `hf:` URI, or a recommended model chosen in the picker; downloaded
 * (resumably) into the models folder after checking free disk space, then loaded after checking memory.
 * Without network, it says exactly which file to fetch, where to put it and which flag to pass.
 */

import { existsSync, statSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { isModelUri, type LlamaCppModel, loadLlamaCppModel } from '@harmony-agents/backend-llamacpp';
import { ModelDownloadError } from '@harmony-agents/core';
import type { ChatArguments } from './cli-arguments.js';
import { createDownloadProgress } from './download-progress.js';
import {
  filePath,
  fileUrl,
  formatBytes,
  type HuggingFaceFile,
  huggingFaceEndpoint,
  memoryNeeded,
  modelsDirectory,
  parseHuggingFaceFileUri,
  RECOMMENDED_MODELS,
  type RecommendedModel,
} from './model-catalog.js';
import { downloadModelFile, partialBytes } from './model-download.js';
import type { CliIo } from './run-cli.js';
import { SYSTEM_RESOURCES, type SystemResources } from './system-resources.js';
import { createTerminalStyle } from './terminal-style.js';

/** The context size the CLI asks for unless `--context-size` says otherwise. */
export const DEFAULT_CONTEXT_SIZE = 8192;

interface Setup {
  readonly io: CliIo;
  readonly directory: string;
  readonly endpoint: string;
  readonly contextSize: number;
  readonly resources: SystemResources;
}

/** Loads the model `--model` names or the picker chooses; undefined when the chat cannot start (said why). */
export async function openModel(
  args: ChatArguments,
  io: CliIo,
  resources: SystemResources = SYSTEM_RESOURCES,
): Promise<LlamaCppModel | undefined> {
  const setup: Setup = {
    io,
    directory: modelsDirectory(args.modelsDirectory, io.env, io.cwd),
    endpoint: huggingFaceEndpoint(io.env),
    contextSize: args.contextSize ?? DEFAULT_CONTEXT_SIZE,
    resources,
  };
  let path: string | undefined;
  if (args.model === undefined) {
    const choice = await pickModel(setup);
    if (choice === undefined) return undefined;
    path = await ensureDownloaded(setup, choice, `hf:${choice.owner}/${choice.repository}/${choice.file}`);
  } else {
    const source = parseHuggingFaceFileUri(args.model);
    if (source !== undefined) {
      path = await ensureDownloaded(setup, source, args.model);
    } else if (isModelUri(args.model)) {
      return loadOtherUri(setup, args.model);
    } else {
      path = args.model;
    }
  }
  if (path === undefined) return undefined;
  if (existsSync(path)) warnAboutMemory(setup, statSync(path).size);
  return loadLlamaCppModel({ model: path, showLoadProgressBar: true });
}

/** A URI node-llama-cpp resolves (`hf:<owner>/<repo>:<quant>`, `https://...`). */
async function loadOtherUri(setup: Setup, uri: string): Promise<LlamaCppModel | undefined> {
  try {
    return await loadLlamaCppModel({
      model: uri,
      modelsDirectory: setup.directory,
      huggingFaceEndpoint: setup.endpoint,
      showDownloadProgressBar: true,
      showLoadProgressBar: true,
    });
  } catch (error) {
    if (!(error instanceof ModelDownloadError)) throw error;
    setup.io.stderr.write(
      `${error.message}\nWithout network: download the GGUF file elsewhere, then run harmony-agents chat --model /path/to/file.gguf\n`,
    );
    return undefined;
  }
}

function headers(setup: Setup): Record<string, string> {
  const token = setup.io.env.HF_TOKEN;
  return token !== undefined && token !== '' ? { authorization: `Bearer ${token}` } : {};
}

/** Downloads a repository file unless the models folder has it; undefined after explaining a failure. */
async function ensureDownloaded(
  setup: Setup,
  source: HuggingFaceFile,
  uri: string,
): Promise<string | undefined> {
  const path = filePath(setup.directory, source);
  if (existsSync(path)) return path;
  const { io } = setup;
  const url = fileUrl(setup.endpoint, source);
  const already = partialBytes(path);
  io.stderr.write(
    `${already > 0 ? `Resuming the download at ${formatBytes(already)}` : 'Downloading'} ${source.file} into ${setup.directory}\n`,
  );
  const controller = new AbortController();
  const onInterrupt = () => controller.abort();
  io.signals.on('SIGINT', onInterrupt);
  try {
    const rich = createTerminalStyle(io.stderr, io.env).rich;
    await downloadModelFile({
      uri,
      url,
      path,
      headers: headers(setup),
      signal: controller.signal,
      resources: setup.resources,
      onProgress: createDownloadProgress(source.file, io.stderr, rich),
    });
    return path;
  } catch (error) {
    if (controller.signal.aborted) {
      io.stderr.write(
        `\nDownload stopped at ${formatBytes(partialBytes(path))}: run the same command again to resume.\n`,
      );
      return undefined;
    }
    if (!(error instanceof ModelDownloadError)) throw error;
    io.stderr.write(`\n${offlineHelp(setup, source, error, url, path)}`);
    return undefined;
  } finally {
    io.signals.off('SIGINT', onInterrupt);
  }
}

/** What to do when the download failed: resume, or fetch the file by other means and where to put it. */
export function offlineHelp(
  setup: Pick<Setup, 'directory'>,
  source: HuggingFaceFile,
  error: ModelDownloadError,
  url: string,
  path: string,
): string {
  const lines = [
    `Could not download ${source.file}: ${error.message.replace(`Could not download ${error.uri}: `, '')}`,
  ];
  const partial = partialBytes(path);
  if (partial > 0)
    lines.push(`${formatBytes(partial)} are downloaded: run the same command again to resume.`);
  if (error.reason !== 'http_status') {
    lines.push(
      `To chat without network, download this file on a machine that has network:`,
      `  ${url.replace(/\?download=true$/u, '')}`,
      'put it here:',
      `  ${path}`,
      'and run:',
      `  harmony-agents chat --model ${path}`,
      `(a model in ${setup.directory} is found by the picker too: harmony-agents chat)`,
      'Meanwhile, harmony-agents chat --smoke shows the whole chat offline on a tiny generated model.',
    );
  }
  return `${lines.join('\n')}\n`;
}

function warnAboutMemory(setup: Setup, fileBytes: number): void {
  const needed = memoryNeeded(fileBytes, setup.contextSize);
  const available = setup.resources.availableMemoryBytes();
  if (available >= needed) return;
  setup.io.stderr.write(
    `Warning: the model needs about ${formatBytes(needed)} of memory with ${setup.contextSize} tokens of context, ` +
      `and ${formatBytes(available)} are available: loading may swap or fail. Close other programs, or lower --context-size.\n`,
  );
}

function describeChoice(setup: Setup, model: RecommendedModel, index: number): string {
  const path = filePath(setup.directory, model);
  const partial = partialBytes(path);
  const state = existsSync(path)
    ? ' [downloaded]'
    : partial > 0
      ? ` [${formatBytes(partial)} downloaded, will resume]`
      : '';
  const needed = memoryNeeded(model.approximateBytes, setup.contextSize);
  return (
    `  ${index + 1}) ${model.label}: ${formatBytes(model.approximateBytes)} download, ` +
    `needs about ${formatBytes(needed)} of memory${state}\n     ${model.note}\n`
  );
}

/** The picker: the recommended models with sizes, memory and what is downloaded; undefined to quit. */
async function pickModel(setup: Setup): Promise<RecommendedModel | undefined> {
  const { io, resources } = setup;
  const downloaded = RECOMMENDED_MODELS.find((model) => existsSync(filePath(setup.directory, model)));
  if (io.stdin.isTTY !== true) {
    if (downloaded !== undefined) return downloaded;
    io.stderr.write(
      'harmony-agents: no model. Give --model PATH|hf:URI (or run in a terminal to pick and download one):\n' +
        RECOMMENDED_MODELS.map(
          (model) =>
            `  --model hf:${model.owner}/${model.repository}/${model.file}   (${formatBytes(model.approximateBytes)})\n`,
        ).join('') +
        'or try harmony-agents chat --smoke (offline, a tiny generated model).\n',
    );
    return undefined;
  }
  const free = await resources.freeDiskBytes(setup.directory);
  io.stdout.write(
    `No model given. Recommended gpt-oss models (downloaded into ${setup.directory}):\n` +
      RECOMMENDED_MODELS.map((model, index) => describeChoice(setup, model, index)).join('') +
      `This machine: ${formatBytes(resources.availableMemoryBytes())} of memory available ` +
      `(${formatBytes(resources.totalMemoryBytes())} in all), ${formatBytes(free)} of free disk.\n`,
  );
  const readline = createInterface({
    input: io.stdin,
    output: io.stdout,
    terminal: createTerminalStyle(io.stdout, io.env).rich,
  });
  try {
    for (;;) {
      const answer = await new Promise<string | undefined>((resolve) => {
        readline.once('close', () => resolve(undefined));
        readline.once('SIGINT', () => resolve(undefined));
        readline.question(`Choose 1-${RECOMMENDED_MODELS.length} (Enter for 1), or q to quit: `, resolve);
      });
      const text = answer?.trim().toLowerCase();
      if (text === undefined || text === 'q' || text === 'quit') return undefined;
      const index = text === '' ? 0 : Number(text) - 1;
      const model = RECOMMENDED_MODELS[index];
      if (Number.isInteger(index) && model !== undefined) return model;
      io.stdout.write(`Type a number from 1 to ${RECOMMENDED_MODELS.length}.\n`);
    }
  } finally {
    readline.close();
  }
}
