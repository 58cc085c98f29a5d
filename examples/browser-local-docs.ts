/**
 * gpt-oss's built-in `browser` tool over a local folder of documents: the agent searches the folder,
 * opens a document, finds the relevant passage and answers with citations `【cursor†L…】`, which the
 * tool resolves back to the document and lines.
 *
 * - With `HARMONY_AGENTS_GPT_OSS_GGUF=/path/to/gpt-oss-20b.gguf` (or an `hf:` URI), a real gpt-oss
 *   model browses the folder through llama.cpp.
 * - Without it, the same code runs through the real llama.cpp engine on a tiny generated gpt-oss model
 *   whose turns are scripted ({@link SCRIPTED_BROWSER_COMPLETIONS}), so the example works offline.
 *
 * Run: `node --conditions=@harmony-agents/source --import tsx examples/browser-local-docs.ts [folder] [question]`
 * (default folder: the documentation fixtures of `@harmony-agents/tools`).
 */
import { fileURLToPath } from 'node:url';
import { type AgentRun, type Backend, createAgent, type RunResult } from '@harmony-agents/core';
import {
  createBrowserTool,
  createLocalDocumentsProvider,
  type ResolvedCitation,
} from '@harmony-agents/tools';

/** The documents the example browses unless another folder is given. */
export const DEFAULT_DOCS_ROOT = fileURLToPath(
  new URL('../packages/tools/test/fixtures/docs', import.meta.url),
);

/** The question the example asks unless another one is given. */
export const DEFAULT_QUESTION =
  'How can I use a different Lumen theme for a single build without editing lumen.toml?';

const call = (recipient: string, args: unknown, analysis: string) =>
  `<|channel|>analysis<|message|>${analysis}<|end|><|start|>assistant to=${recipient}<|channel|>analysis<|message|>${JSON.stringify(args)}<|call|>`;

/**
 * What a model does for {@link DEFAULT_QUESTION} on {@link DEFAULT_DOCS_ROOT}, one completion per model
 * turn: search, open the configuration reference, find the variable, answer with a citation.
 */
export const SCRIPTED_BROWSER_COMPLETIONS: readonly string[] = [
  call(
    'browser.search',
    { query: 'theme for one build environment variable' },
    'The user wants to override the theme for one build. Search the docs.',
  ),
  call('browser.open', { id: 0 }, 'Result 0 is the configuration reference. Open it.'),
  call('browser.find', { pattern: 'LUMEN_THEME' }, 'Look for the environment variable.'),
  '<|channel|>analysis<|message|>Lines 90-91 of the configuration page say LUMEN_THEME overrides theme for one build.<|end|>' +
    '<|start|>assistant<|channel|>final<|message|>Set the `LUMEN_THEME` environment variable when you run the build, ' +
    'for example `LUMEN_THEME=dark lumen build`: it overrides the `theme` key of lumen.toml for that one build only 【1†L90-L91】.<|return|>',
];

/** Options of {@link answerFromLocalDocs}. */
export interface AnswerFromLocalDocsOptions {
  /** The model. */
  readonly backend: Backend;
  /** The folder to browse. @defaultValue {@link DEFAULT_DOCS_ROOT} */
  readonly docsRoot?: string;
  /** The question. @defaultValue {@link DEFAULT_QUESTION} */
  readonly question?: string;
  /** Called with the run before it starts, e.g. to print its events. */
  readonly onRun?: (run: AgentRun) => void;
}

/** The answer and the passages its citations point at. */
export interface LocalDocsAnswer {
  readonly result: RunResult;
  readonly citations: readonly ResolvedCitation[];
}

/** Asks a question about a folder of documents through gpt-oss's `browser` tool. */
export async function answerFromLocalDocs(options: AnswerFromLocalDocsOptions): Promise<LocalDocsAnswer> {
  const documents = createLocalDocumentsProvider({ root: options.docsRoot ?? DEFAULT_DOCS_ROOT });
  // One browser per conversation: cursors in the answer refer to this tool's pages.
  const browser = createBrowserTool({ search: documents });
  const agent = createAgent({
    backend: options.backend,
    tools: [browser],
    instructions: 'Answer from the documentation, using the browser tool. Cite the lines you rely on.',
    reasoningEffort: 'low',
    currentDate: '2025-06-28',
  });
  const run = agent.run(options.question ?? DEFAULT_QUESTION);
  options.onRun?.(run);
  const result = await run;
  return { result, citations: browser.resolveCitations(result.finalText) };
}

async function createBackend(): Promise<{
  backend: Backend;
  dispose: () => Promise<void>;
  description: string;
}> {
  const { loadLlamaCppModel } = await import('@harmony-agents/backend-llamacpp');
  const real = process.env.HARMONY_AGENTS_GPT_OSS_GGUF;
  if (real !== undefined && real.length > 0) {
    const model = await loadLlamaCppModel({ model: real, showDownloadProgressBar: true });
    return {
      backend: model.createBackend(),
      dispose: () => model.dispose(),
      description: `gpt-oss from ${real}`,
    };
  }
  const { createScriptedLlamaCppBackend, getTinyGptOssModel } = await import(
    '@harmony-agents/backend-llamacpp/test-models'
  );
  const file = await getTinyGptOssModel();
  const model = await loadLlamaCppModel({ model: file.path });
  const backend = createScriptedLlamaCppBackend({
    model,
    completions: SCRIPTED_BROWSER_COMPLETIONS,
    threads: 1,
  });
  return {
    backend,
    dispose: () => model.dispose(),
    description:
      'a tiny generated gpt-oss model scripted through llama.cpp; set HARMONY_AGENTS_GPT_OSS_GGUF to use a real one',
  };
}

async function main(): Promise<void> {
  const [docsRoot, question] = process.argv.slice(2);
  const { backend, dispose, description } = await createBackend();
  console.log(`Model: ${description}\nDocuments: ${docsRoot ?? DEFAULT_DOCS_ROOT}\n`);
  try {
    const answer = await answerFromLocalDocs({
      backend,
      ...(docsRoot === undefined ? {} : { docsRoot }),
      ...(question === undefined ? {} : { question }),
      onRun: (run) => {
        console.log(`User: ${question ?? DEFAULT_QUESTION}`);
        run.on('tool-call', (event) => console.log(`\n[${event.recipient}] ${event.rawArguments}`));
        run.on('tool-result', (event) => console.log(event.output));
        run.on('tool-error', (event) => console.log(`[tool error] ${event.output}`));
      },
    });
    console.log(`\nAssistant: ${answer.result.finalText}\n`);
    for (const citation of answer.citations) {
      console.log(`${citation.marker} → ${citation.url} lines ${citation.lineStart}-${citation.lineEnd}:`);
      for (const line of citation.lines) console.log(`    ${line}`);
    }
  } finally {
    await dispose();
  }
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) await main();
