import type { Llama, LlamaModel } from 'node-llama-cpp';
import { expectTypeOf, test } from 'vitest';
import type { LlamaEngine, LlamaEngineModel } from './llama-engine.js';

test("node-llama-cpp's objects are assignable to the public types that stand for them", () => {
  expectTypeOf<Llama>().toExtend<LlamaEngine>();
  expectTypeOf<LlamaModel>().toExtend<LlamaEngineModel>();
});
