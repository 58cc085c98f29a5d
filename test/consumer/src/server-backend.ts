// @harmony-agents/backend-server in a user's app: a llama-server backend on loopback whose requests go to the
// app's own fetch (nothing is sent over the network), and the /testing entry point's lookups (no build, no
// process is started).
import { existsSync } from 'node:fs';
import {
  createLlamaServerBackend,
  createSglangBackend,
  createVllmBackend,
  type FetchFunction,
  SERVER_BACKEND_DEFAULTS,
} from '@harmony-agents/backend-server';
import {
  llamaServerCacheDirectory,
  nodeLlamaCppSourceBundle,
  type StartLlamaServerOptions,
} from '@harmony-agents/backend-server/testing';
import { BackendError } from '@harmony-agents/core';
import { BACKEND_SPECIFICATION_VERSION, type Backend } from '@harmony-agents/core/backend';

const requests: string[] = [];
// A server whose model tokenizes the probe text with another vocabulary.
const fetch: FetchFunction = async (input, init) => {
  requests.push(`${init.method ?? 'GET'} ${new URL(input).pathname}`);
  return Response.json({ tokens: [1, 2, 3] });
};
const backend = createLlamaServerBackend({ baseUrl: 'http://127.0.0.1:8080/', fetch, retries: 0 });
const asBackend: Backend = backend;
if (asBackend.specificationVersion !== BACKEND_SPECIFICATION_VERSION)
  throw new Error('specification version');
const capabilities = Object.entries(backend.capabilities)
  .filter(([, value]) => value === true)
  .map(([name]) => name)
  .sort();

let checked = 'no error';
try {
  await backend.checkVocabulary();
} catch (error) {
  // One core in the app: the backend's errors are the app's BackendError.
  checked =
    error instanceof BackendError ? `${error.code} ${error.kind}` : `not a BackendError: ${String(error)}`;
}

const others = [
  createVllmBackend({ baseUrl: 'http://127.0.0.1:8000', model: 'openai/gpt-oss-20b', fetch }),
  createSglangBackend({ baseUrl: 'http://127.0.0.1:30000', fetch }),
].map((other) => other.backendId);

// Types of the entry point that starts a real llama-server; only its lookups run.
const options: StartLlamaServerOptions = { model: '/models/tiny-gpt-oss.gguf', parallel: 2 };
const bundle = nodeLlamaCppSourceBundle();

console.log(
  `backend-server: ${backend.backendId} ${backend.baseUrl} ${asBackend.specificationVersion}, ${capabilities.join('/')}, ${others.join('/')}, retries ${SERVER_BACKEND_DEFAULTS.retries}`,
);
console.log(`backend-server: ${requests.join(', ')} -> ${checked}`);
console.log(
  `backend-server/testing: ${options.parallel} slots, bundle ${existsSync(bundle) && bundle.includes('node_modules') ? 'found' : 'missing'}, cache ${llamaServerCacheDirectory().length > 0 ? 'set' : 'unset'}`,
);
