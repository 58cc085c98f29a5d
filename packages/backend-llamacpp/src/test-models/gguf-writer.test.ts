import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readGgufFileInfo } from 'node-llama-cpp';
import { afterAll, describe, expect, it } from 'vitest';
import { GgufWriter } from './gguf-writer.js';
import { encodeTensor, float32ToFloat16Bits, tensorByteLength } from './tensor-encoding.js';

const directory = mkdtempSync(join(tmpdir(), 'gguf-writer-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

describe('GgufWriter', () => {
  it('writes metadata and tensors that node-llama-cpp reads back', async () => {
    const path = join(directory, 'small.gguf');
    const writer = new GgufWriter();
    writer
      .setMetadata('general.architecture', { type: 'string', value: 'gpt-oss' })
      .setMetadata('general.name', { type: 'string', value: 'Tiny ☃' })
      .setMetadata('gpt-oss.block_count', { type: 'uint32', value: 2 })
      .setMetadata('gpt-oss.rope.freq_base', { type: 'float32', value: 150000 })
      .setMetadata('tokenizer.ggml.add_bos_token', { type: 'bool', value: false })
      .setMetadata('tokenizer.ggml.tokens', { type: 'string-array', value: ['a', 'Ġb', '<|start|>'] })
      .setMetadata('tokenizer.ggml.token_type', { type: 'int32-array', value: [1, 1, 3] });
    writer.addTensor({
      name: 'norm.weight',
      shape: [3],
      type: 'f32',
      data: encodeTensor('f32', new Float32Array([1, 2, 3])),
    });
    writer.addTensor({
      name: 'matrix.weight',
      shape: [32, 2],
      type: 'q8_0',
      data: encodeTensor('q8_0', new Float32Array(64).fill(0.5)),
    });
    const size = writer.write(path);

    expect(readFileSync(path).length).toBe(size);
    expect(readFileSync(path).subarray(0, 4).toString('latin1')).toBe('GGUF');
    const info = await readGgufFileInfo(path, { logWarnings: false });
    expect(info.version).toBe(3);
    const metadata = info.metadata as unknown as Record<string, Record<string, unknown>>;
    expect(metadata.general).toMatchObject({ architecture: 'gpt-oss', name: 'Tiny ☃', alignment: 32 });
    expect(metadata['gpt-oss']).toMatchObject({ block_count: 2, rope: { freq_base: 150000 } });
    expect(metadata.tokenizer).toMatchObject({
      ggml: { add_bos_token: false, tokens: ['a', 'Ġb', '<|start|>'], token_type: [1, 1, 3] },
    });
    expect(
      info.tensorInfo?.map((tensor) => [tensor.name, tensor.dimensions.map(Number), Number(tensor.offset)]),
    ).toEqual([
      ['norm.weight', [3], 0],
      ['matrix.weight', [32, 2], 32],
    ]);
  });

  it('rejects data of the wrong size and duplicate names', () => {
    const writer = new GgufWriter();
    expect(() => writer.addTensor({ name: 'x', shape: [4], type: 'f32', data: new Uint8Array(8) })).toThrow(
      /8 bytes, expected 16/,
    );
    writer.addTensor({ name: 'x', shape: [2], type: 'f16', data: new Uint8Array(4) });
    expect(() => writer.addTensor({ name: 'x', shape: [2], type: 'f16', data: new Uint8Array(4) })).toThrow(
      /twice/,
    );
  });
});

describe('tensor encoding', () => {
  it('converts to half precision with round-to-nearest-even', () => {
    expect(float32ToFloat16Bits(1)).toBe(0x3c00);
    expect(float32ToFloat16Bits(-2)).toBe(0xc000);
    expect(float32ToFloat16Bits(65504)).toBe(0x7bff);
    expect(float32ToFloat16Bits(1e6)).toBe(0x7c00);
    expect(float32ToFloat16Bits(2 ** -24)).toBe(0x0001);
    expect(float32ToFloat16Bits(1 + 2 ** -11)).toBe(0x3c00);
    expect(float32ToFloat16Bits(1 + 3 * 2 ** -11)).toBe(0x3c02);
  });

  it('encodes Q8_0 blocks as a half scale and 32 signed bytes', () => {
    const values = Float32Array.from({ length: 32 }, (_, index) => (index - 16) / 16);
    const encoded = encodeTensor('q8_0', values);
    expect(encoded.length).toBe(34);
    const view = new DataView(encoded.buffer, encoded.byteOffset);
    expect(view.getUint16(0, true)).toBe(float32ToFloat16Bits(1 / 127));
    expect(view.getInt8(2)).toBe(-127);
    expect(view.getInt8(2 + 16)).toBe(0);
    expect(tensorByteLength('q8_0', [64, 3])).toBe(6 * 34);
    expect(() => tensorByteLength('q8_0', [48])).toThrow(/divisible by 32/);
  });
});
