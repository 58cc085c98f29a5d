/**
 * gpt-oss's built-in `python` tool: the agent writes Python, runs it in the Pyodide sandbox (CPython
 * compiled to WebAssembly, in a separate Node process under the permission model, with no host files
 * and no network) and answers from the output. gpt-oss calls the tool on the `analysis` channel, addressed `to=python`, with the code as
 * the message text.
 *
 * - With `HARMONY_AGENTS_GPT_OSS_GGUF=/path/to/gpt-oss-20b.gguf` (or an `hf:` URI), a real gpt-oss
 *   model decides what to compute, through llama.cpp.
 * - Without it, the model steps are scripted ({@link SCRIPTED_PYTHON_COMPLETIONS}) with the scripted
 *   backend, so the example runs offline; the Python code still really runs.
 *
 * Run: `node --conditions=@harmony-agents/source --import tsx examples/python-compute.ts [question]`
 */
import { fileURLToPath } from 'node:url';
import { type AgentRun, type Backend, createAgent, type RunResult } from '@harmony-agents/core';
import { createScriptedBackend, scriptBuiltinCall, scriptFinal } from '@harmony-agents/core/testing';
import { createPythonTool } from '@harmony-agents/tools';

/** The question the example asks unless another one is given. */
export const DEFAULT_QUESTION = 'What is the sum of the first 1000 prime numbers?';

/** The program the scripted model writes for {@link DEFAULT_QUESTION}. */
export const PRIME_SUM_PROGRAM = [
  'def first_primes(count):',
  '    primes = []',
  '    candidate = 2',
  '    while len(primes) < count:',
  '        if all(candidate % p for p in primes if p * p <= candidate):',
  '            primes.append(candidate)',
  '        candidate += 1',
  '    return primes',
  '',
  'primes = first_primes(1000)',
  'print("largest:", primes[-1])',
  'sum(primes)',
].join('\n');

/** What a model does for {@link DEFAULT_QUESTION}: run the program, then answer from its output. */
export const SCRIPTED_PYTHON_COMPLETIONS: readonly string[] = [
  scriptBuiltinCall('python', PRIME_SUM_PROGRAM, {
    analysis: 'Summing 1000 primes by hand is error-prone. Compute it with python.',
    contentType: 'code',
  }),
  scriptFinal('The sum of the first 1000 prime numbers is **3,682,913** (the 1000th prime is 7,919).', {
    analysis: 'Python printed largest: 7919 and the sum 3682913.',
  }),
];

/** Options of {@link computeWithPython}. */
export interface ComputeWithPythonOptions {
  /** The model. */
  readonly backend: Backend;
  /** The question. @defaultValue {@link DEFAULT_QUESTION} */
  readonly question?: string;
  /** Called with the run before it starts, e.g. to print its events. */
  readonly onRun?: (run: AgentRun) => void;
}

/** Asks a question the agent answers by running Python. The sandbox is disposed afterwards. */
export async function computeWithPython(options: ComputeWithPythonOptions): Promise<RunResult> {
  const python = createPythonTool({ timeoutMs: 30_000 });
  try {
    const agent = createAgent({
      backend: options.backend,
      tools: [python],
      instructions: 'Use the python tool for any arithmetic beyond a single step.',
      reasoningEffort: 'low',
      currentDate: '2025-06-28',
    });
    const run = agent.run(options.question ?? DEFAULT_QUESTION);
    options.onRun?.(run);
    return await run;
  } finally {
    await python.dispose();
  }
}

async function createBackend(): Promise<{
  backend: Backend;
  dispose: () => Promise<void>;
  description: string;
}> {
  const real = process.env.HARMONY_AGENTS_GPT_OSS_GGUF;
  if (real !== undefined && real.length > 0) {
    const { loadLlamaCppModel } = await import('@harmony-agents/backend-llamacpp');
    const model = await loadLlamaCppModel({ model: real, showDownloadProgressBar: true });
    return {
      backend: model.createBackend(),
      dispose: () => model.dispose(),
      description: `gpt-oss from ${real}`,
    };
  }
  const backend = createScriptedBackend({
    steps: SCRIPTED_PYTHON_COMPLETIONS.map((completion) => ({ completion })),
  });
  return {
    backend,
    dispose: async () => undefined,
    description:
      'scripted model steps (set HARMONY_AGENTS_GPT_OSS_GGUF to use a real gpt-oss); the Python runs for real',
  };
}

async function main(): Promise<void> {
  const [question] = process.argv.slice(2);
  const { backend, dispose, description } = await createBackend();
  console.log(`Model: ${description}\n`);
  try {
    const result = await computeWithPython({
      backend,
      ...(question === undefined ? {} : { question }),
      onRun: (run) => {
        console.log(`User: ${question ?? DEFAULT_QUESTION}`);
        run.on('tool-call', (event) => console.log(`\n[${event.recipient}]\n${event.rawArguments}`));
        run.on('tool-result', (event) =>
          console.log(`[output, ${Math.round(event.durationMs)} ms]\n${event.output}`),
        );
        run.on('tool-error', (event) => console.log(`[tool error] ${event.output}`));
      },
    });
    console.log(`\nAssistant: ${result.finalText}`);
  } finally {
    await dispose();
  }
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) await main();
