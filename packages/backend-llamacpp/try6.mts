import { copyFileSync, truncateSync, writeFileSync } from 'node:fs';
import { loadLlamaCppModel } from './src/index.ts';
import { encodeTensor, GgufWriter, getTinyGptOssModel } from './src/test-models/index.ts';

const path = (await getTinyGptOssModel()).path;
const model = await loadLlamaCppModel({
  model: 'hf:x/y/z.gguf',
  resolveModelFile: async () => path,
  onLoadProgress: () => {},
});
const steps = process.argv.slice(2);
for (const s of steps) {
  if (s === 'missing')
    await loadLlamaCppModel({ model: '/tmp/h3/none.gguf', llama: model.llama }).catch((e) =>
      console.log('err', e.kind),
    );
  if (s === 'text') {
    writeFileSync('/tmp/h3/text.gguf', 'nope');
    await loadLlamaCppModel({ model: '/tmp/h3/text.gguf', llama: model.llama }).catch((e) =>
      console.log('err', e.kind),
    );
  }
  if (s === 'llama') {
    const w = new GgufWriter().setMetadata('general.architecture', { type: 'string', value: 'llama' });
    w.addTensor({
      name: 'token_embd.weight',
      shape: [1, 1],
      type: 'f32',
      data: encodeTensor('f32', new Float32Array(1)),
    });
    w.write('/tmp/h3/llama.gguf');
    await loadLlamaCppModel({ model: '/tmp/h3/llama.gguf', llama: model.llama }).catch((e) =>
      console.log('err', e.kind),
    );
  }
  if (s === 'truncated') {
    copyFileSync(path, '/tmp/h3/trunc.gguf');
    truncateSync('/tmp/h3/trunc.gguf', 20 * 1024 * 1024);
    await loadLlamaCppModel({ model: '/tmp/h3/trunc.gguf', llama: model.llama }).catch((e) =>
      console.log('err', e.kind),
    );
  }
  if (s === 'second') {
    const second = await loadLlamaCppModel({ model: path, llama: model.llama });
    const b = second.createBackend({ contextSize: 256, batchSize: 32, threads: 1 });
    await b.initialize();
    await second.dispose();
  }
}
const t = performance.now();
const timer = setTimeout(() => {
  console.log('HANG');
  process.exit(1);
}, 20000);
await model.model.dispose();
console.log('model disposed');
await model.llama.dispose();
console.log('llama disposed');
clearTimeout(timer);
console.log(steps.join(','), 'disposed', performance.now() - t);
