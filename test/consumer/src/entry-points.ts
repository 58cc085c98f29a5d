// The entry points the other files leave out, compiled like them with skipLibCheck: false: the llama
// backend's test models (types and a constant; no model is generated) and the CLI's programmatic API, run
// in-process with the app's own output stream.
import { Writable } from 'node:stream';
import {
  GPT_OSS_VOCABULARY_SIZE,
  type TinyGptOssModelOptions,
} from '@harmony-agents/backend-llamacpp/test-models';
import { type CliIo, type ExitCode, processIo, runCli } from '@harmony-agents/cli';

const modelOptions: TinyGptOssModelOptions = {};
let written = '';
const stdout = new Writable({
  write(chunk: Buffer, _encoding, done) {
    written += chunk.toString();
    done();
  },
});
const io: CliIo = { ...processIo(), stdout };
const code: ExitCode = await runCli(['--version'], io);
console.log(
  `test-models: ${GPT_OSS_VOCABULARY_SIZE} tokens, ${Object.keys(modelOptions).length} options; cli runCli: exit ${code}, ${written.trim()}`,
);
