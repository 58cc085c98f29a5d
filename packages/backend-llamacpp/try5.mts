import { copyFileSync, truncateSync } from 'node:fs';
import { loadLlamaCppModel } from './src/index.ts';
import { getTinyGptOssModel } from './src/test-models/index.ts';

const path = (await getTinyGptOssModel()).path;
const model = await loadLlamaCppModel({ model: path });
const mode = process.argv[2];
if (mode === 'truncated') {
  copyFileSync(path, '/tmp/h3/trunc.gguf');
  truncateSync('/tmp/h3/trunc.gguf', 20 * 1024 * 1024);
  await loadLlamaCppModel({ model: '/tmp/h3/trunc.gguf', llama: model.llama }).catch((e) =>
    console.log('err', e.kind),
  );
}
if (mode === 'second') {
  const second = await loadLlamaCppModel({ model: path, llama: model.llama });
  const b = second.createBackend({ contextSize: 256, batchSize: 32, threads: 1 });
  await b.initialize();
  await second.dispose();
}
const t = performance.now();
const timer = setTimeout(() => {
  console.log('HANG');
  process.exit(1);
}, 30000);
await model.dispose();
clearTimeout(timer);
console.log(mode, 'disposed', performance.now() - t);
