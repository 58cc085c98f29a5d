/**
 * The tools `--tools` names: the demonstration weather tool and the ready-made tools of `@harmony-agents/tools`,
 * with the working folder as the root of everything that reads files.
 */

import { ConfigurationError, type Tool } from '@harmony-agents/core';
import {
  createBrowserTool,
  createCalculatorTool,
  createCurrentTimeTool,
  createHttpPageFetcher,
  createListDirectoryTool,
  createLocalDocumentsProvider,
  createPythonTool,
  createReadFileTool,
  type PageFetcher,
} from '@harmony-agents/tools';
import { createWeatherTool } from './weather-tool.js';

/** The names `--tools` accepts, with what each adds. */
export const TOOL_CHOICES = {
  weather: 'get_current_weather (made-up figures, to see tool calls)',
  python: 'the built-in python tool (CPython in WebAssembly, no network, no host files)',
  browser: 'the built-in browser: searches the documents of the working folder, opens public web pages',
  time: 'get_current_time in any time zone',
  calculator: 'calculate: exact arithmetic',
  files: 'read_file and list_directory, inside the working folder only',
} as const;

/** A tool name `--tools` accepts. */
export type ToolChoice = keyof typeof TOOL_CHOICES;

/** The tools a chat starts with when `--tools` is not given. */
export const DEFAULT_TOOL_CHOICES: readonly ToolChoice[] = ['weather', 'time', 'calculator'];

/**
 * Reads a `--tools` value: comma-separated names, `none` for no tools.
 * @throws {@link ConfigurationError} naming an unknown tool and the known ones.
 */
export function parseToolChoices(value: string): ToolChoice[] {
  const names = value
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter((name) => name !== '');
  if (names.length === 1 && names[0] === 'none') return [];
  const choices: ToolChoice[] = [];
  for (const name of names) {
    if (!Object.hasOwn(TOOL_CHOICES, name)) {
      throw new ConfigurationError(
        `--tools: unknown tool "${name}"; choose from ${Object.keys(TOOL_CHOICES).join(', ')} (or none)`,
      );
    }
    if (!choices.includes(name as ToolChoice)) choices.push(name as ToolChoice);
  }
  return choices;
}

/** The tools of a chat, and how to release them (the python worker). */
export interface ToolSet {
  /** The chosen names, in order. */
  readonly choices: readonly ToolChoice[];
  /** The tools given to the agent. */
  readonly tools: readonly Tool[];
  /** Stops workers the tools started. */
  dispose(): Promise<void>;
}

/** Opens local documents through the provider, anything else through the HTTP fetcher. */
function routedFetcher(localPrefix: string, local: PageFetcher, web: PageFetcher): PageFetcher {
  return {
    fetch: (url, options) => (url.startsWith(localPrefix) ? local : web).fetch(url, options),
  };
}

/** Creates the tools for `choices`; `root` is the folder file-reading tools and the browser's search see. */
export function createToolSet(choices: readonly ToolChoice[], root: string): ToolSet {
  const tools: Tool[] = [];
  const disposers: (() => Promise<void>)[] = [];
  for (const choice of choices) {
    switch (choice) {
      case 'weather':
        tools.push(createWeatherTool());
        break;
      case 'python': {
        const python = createPythonTool();
        tools.push(python);
        disposers.push(() => python.dispose());
        break;
      }
      case 'browser': {
        const documents = createLocalDocumentsProvider({ root });
        const fetch = routedFetcher(documents.baseUrl, documents, createHttpPageFetcher());
        tools.push(createBrowserTool({ search: documents, fetch, sources: `the documents in ${root}` }));
        break;
      }
      case 'time':
        tools.push(createCurrentTimeTool());
        break;
      case 'calculator':
        tools.push(createCalculatorTool());
        break;
      case 'files':
        tools.push(createReadFileTool({ root }), createListDirectoryTool({ root }));
        break;
    }
  }
  return {
    choices,
    tools,
    dispose: async () => {
      await Promise.all(disposers.map((dispose) => dispose()));
    },
  };
}
