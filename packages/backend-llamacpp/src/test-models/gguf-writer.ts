/**
 * A GGUF version 3 writer: metadata key/value pairs, tensor infos, and aligned tensor data.
 *
 * Layout (little-endian): `GGUF`, u32 version, u64 tensor count, u64 metadata count, the metadata,
 * the tensor infos (name, dimensions in ggml order, ggml type, offset), padding to the alignment,
 * then every tensor's data at an aligned offset.
 */

import { closeSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { ConfigurationError } from '@harmony-agents/core';
import { GGML_TYPE, type GgmlTypeName, tensorByteLength } from './tensor-encoding.js';

/** A metadata value with its GGUF type. Arrays hold one scalar type. */
export type GgufMetadataValue =
  | {
      /** The GGUF value type. */
      readonly type: 'uint8';
      /** The value. */
      readonly value: number;
    }
  | {
      /** The GGUF value type. */
      readonly type: 'int32';
      /** The value. */
      readonly value: number;
    }
  | {
      /** The GGUF value type. */
      readonly type: 'uint32';
      /** The value. */
      readonly value: number;
    }
  | {
      /** The GGUF value type. */
      readonly type: 'uint64';
      /** The value. */
      readonly value: bigint;
    }
  | {
      /** The GGUF value type. */
      readonly type: 'float32';
      /** The value. */
      readonly value: number;
    }
  | {
      /** The GGUF value type. */
      readonly type: 'bool';
      /** The value. */
      readonly value: boolean;
    }
  | {
      /** The GGUF value type. */
      readonly type: 'string';
      /** The value. */
      readonly value: string;
    }
  | {
      /** The GGUF value type. */
      readonly type: 'string-array';
      /** The value. */
      readonly value: readonly string[];
    }
  | {
      /** The GGUF value type. */
      readonly type: 'int32-array';
      /** The value. */
      readonly value: Int32Array | readonly number[];
    }
  | {
      /** The GGUF value type. */
      readonly type: 'float32-array';
      /** The value. */
      readonly value: Float32Array | readonly number[];
    };

/** One tensor to write. */
export interface GgufTensor {
  /** The tensor name, e.g. `blk.0.attn_q.weight`. */
  readonly name: string;
  /** Dimensions in ggml order: the contiguous dimension (`ne0`) first. */
  readonly shape: readonly number[];
  /** The ggml type of `data`. */
  readonly type: GgmlTypeName;
  /** The encoded tensor data (see `encodeTensor`). */
  readonly data: Uint8Array;
}

const VALUE_TYPE = {
  uint8: 0,
  int32: 5,
  uint32: 4,
  float32: 6,
  bool: 7,
  string: 8,
  array: 9,
  uint64: 10,
} as const;

const GGUF_MAGIC = 0x46554747; // "GGUF" read as a little-endian u32
const GGUF_VERSION = 3;
const CHUNK_SIZE = 4 * 1024 * 1024;

/** Accumulates little-endian bytes in fixed-size chunks, so a 20 MB header never needs one big copy. */
class ByteSink {
  readonly chunks: Uint8Array[] = [];
  #current = Buffer.allocUnsafe(CHUNK_SIZE);
  #offset = 0;
  length = 0;

  #reserve(size: number): Buffer {
    if (this.#offset + size > this.#current.length) {
      this.chunks.push(this.#current.subarray(0, this.#offset));
      this.#current = Buffer.allocUnsafe(Math.max(CHUNK_SIZE, size));
      this.#offset = 0;
    }
    return this.#current;
  }

  uint8(value: number): void {
    this.#reserve(1).writeUInt8(value, this.#offset);
    this.#advance(1);
  }
  int32(value: number): void {
    this.#reserve(4).writeInt32LE(value, this.#offset);
    this.#advance(4);
  }
  uint32(value: number): void {
    this.#reserve(4).writeUInt32LE(value, this.#offset);
    this.#advance(4);
  }
  uint64(value: bigint | number): void {
    this.#reserve(8).writeBigUInt64LE(BigInt(value), this.#offset);
    this.#advance(8);
  }
  float32(value: number): void {
    this.#reserve(4).writeFloatLE(value, this.#offset);
    this.#advance(4);
  }
  string(value: string): void {
    const size = Buffer.byteLength(value, 'utf8');
    this.uint64(size);
    this.#reserve(size).write(value, this.#offset, 'utf8');
    this.#advance(size);
  }
  padTo(alignment: number): void {
    const remainder = this.length % alignment;
    if (remainder === 0) return;
    const padding = alignment - remainder;
    this.#reserve(padding).fill(0, this.#offset, this.#offset + padding);
    this.#advance(padding);
  }
  finish(): Uint8Array[] {
    this.chunks.push(this.#current.subarray(0, this.#offset));
    return this.chunks;
  }

  #advance(size: number): void {
    this.#offset += size;
    this.length += size;
  }
}

/**
 * Builds a GGUF v3 file in memory and writes it atomically.
 *
 * @example
 * ```ts
 * const writer = new GgufWriter();
 * writer.setMetadata('general.architecture', { type: 'string', value: 'gpt-oss' });
 * writer.addTensor({ name: 'output_norm.weight', shape: [64], type: 'f32', data: encodeTensor('f32', ones) });
 * writer.write('/tmp/model.gguf');
 * ```
 */
export class GgufWriter {
  readonly #alignment: number;
  readonly #metadata = new Map<string, GgufMetadataValue>();
  readonly #tensors: GgufTensor[] = [];

  /** @param options - `alignment` of tensor data in bytes (written as `general.alignment`). @defaultValue 32 */
  constructor(options: { readonly alignment?: number } = {}) {
    this.#alignment = options.alignment ?? 32;
    this.setMetadata('general.alignment', { type: 'uint32', value: this.#alignment });
  }

  /** Sets (or replaces) one metadata key. Keys are written in insertion order. */
  setMetadata(key: string, value: GgufMetadataValue): this {
    this.#metadata.set(key, value);
    return this;
  }

  /**
   * Adds a tensor.
   * @throws {@link ConfigurationError} when the data length does not match the shape and type, or the name repeats.
   */
  addTensor(tensor: GgufTensor): this {
    const expected = tensorByteLength(tensor.type, tensor.shape);
    if (tensor.data.length !== expected) {
      throw new ConfigurationError(
        `Tensor ${tensor.name} has ${tensor.data.length} bytes, expected ${expected} for ${tensor.type} [${tensor.shape.join(', ')}]`,
      );
    }
    if (this.#tensors.some((existing) => existing.name === tensor.name)) {
      throw new ConfigurationError(`Tensor ${tensor.name} was added twice`);
    }
    this.#tensors.push(tensor);
    return this;
  }

  /**
   * Writes the file through a temporary file and a rename, so concurrent writers never expose a partial file.
   * @returns the file size in bytes.
   */
  write(path: string): number {
    const header = this.#encodeHeader();
    const temporaryPath = `${path}.${process.pid}.${Date.now()}.tmp`;
    const descriptor = openSync(temporaryPath, 'w');
    let written = 0;
    try {
      for (const chunk of header) written += writeSync(descriptor, chunk);
      const padding = new Uint8Array(this.#alignment);
      for (const tensor of this.#tensors) {
        written += writeSync(descriptor, tensor.data);
        const remainder = written % this.#alignment;
        if (remainder !== 0) written += writeSync(descriptor, padding, 0, this.#alignment - remainder);
      }
    } catch (error) {
      closeSync(descriptor);
      rmSync(temporaryPath, { force: true });
      throw error;
    }
    closeSync(descriptor);
    renameSync(temporaryPath, path);
    return written;
  }

  #encodeHeader(): Uint8Array[] {
    const sink = new ByteSink();
    sink.uint32(GGUF_MAGIC);
    sink.uint32(GGUF_VERSION);
    sink.uint64(this.#tensors.length);
    sink.uint64(this.#metadata.size);
    for (const [key, value] of this.#metadata) {
      sink.string(key);
      writeMetadataValue(sink, value);
    }
    let offset = 0;
    for (const tensor of this.#tensors) {
      sink.string(tensor.name);
      sink.uint32(tensor.shape.length);
      for (const dimension of tensor.shape) sink.uint64(dimension);
      sink.uint32(GGML_TYPE[tensor.type]);
      sink.uint64(offset);
      offset += tensor.data.length;
      offset = Math.ceil(offset / this.#alignment) * this.#alignment;
    }
    sink.padTo(this.#alignment);
    return sink.finish();
  }
}

function writeMetadataValue(sink: ByteSink, entry: GgufMetadataValue): void {
  switch (entry.type) {
    case 'uint8':
      sink.uint32(VALUE_TYPE.uint8);
      sink.uint8(entry.value);
      return;
    case 'int32':
      sink.uint32(VALUE_TYPE.int32);
      sink.int32(entry.value);
      return;
    case 'uint32':
      sink.uint32(VALUE_TYPE.uint32);
      sink.uint32(entry.value);
      return;
    case 'uint64':
      sink.uint32(VALUE_TYPE.uint64);
      sink.uint64(entry.value);
      return;
    case 'float32':
      sink.uint32(VALUE_TYPE.float32);
      sink.float32(entry.value);
      return;
    case 'bool':
      sink.uint32(VALUE_TYPE.bool);
      sink.uint8(entry.value ? 1 : 0);
      return;
    case 'string':
      sink.uint32(VALUE_TYPE.string);
      sink.string(entry.value);
      return;
    case 'string-array':
      sink.uint32(VALUE_TYPE.array);
      sink.uint32(VALUE_TYPE.string);
      sink.uint64(entry.value.length);
      for (const item of entry.value) sink.string(item);
      return;
    case 'int32-array':
      sink.uint32(VALUE_TYPE.array);
      sink.uint32(VALUE_TYPE.int32);
      sink.uint64(entry.value.length);
      for (const item of entry.value) sink.int32(item);
      return;
    case 'float32-array':
      sink.uint32(VALUE_TYPE.array);
      sink.uint32(VALUE_TYPE.float32);
      sink.uint64(entry.value.length);
      for (const item of entry.value) sink.float32(item);
      return;
  }
}
