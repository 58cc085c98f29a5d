/**
 * Encoders from float values to the ggml tensor types the test models use: F32, F16 and Q8_0.
 */

import { ConfigurationError } from '@harmony-agents/core';

/** The ggml type ids (`ggml.h`) of the supported tensor types. */
export const GGML_TYPE = {
  /** 32-bit floats. */
  f32: 0,
  /** 16-bit floats. */
  f16: 1,
  /** 8-bit quantization in blocks of 32 with one 16-bit scale. */
  q8_0: 8,
} as const;

/** A supported ggml tensor type. */
export type GgmlTypeName = keyof typeof GGML_TYPE;

/** Elements per block and bytes per block of each type. */
const BLOCK_LAYOUT: Readonly<Record<GgmlTypeName, { readonly elements: number; readonly bytes: number }>> = {
  f32: { elements: 1, bytes: 4 },
  f16: { elements: 1, bytes: 2 },
  q8_0: { elements: 32, bytes: 34 },
};

/**
 * The size in bytes of a tensor of `type` and `shape` (ggml order).
 * @throws {@link ConfigurationError} when the first dimension is not a multiple of the type's block size.
 */
export function tensorByteLength(type: GgmlTypeName, shape: readonly number[]): number {
  const layout = BLOCK_LAYOUT[type];
  const first = shape[0] ?? 1;
  if (first % layout.elements !== 0) {
    throw new ConfigurationError(`A ${type} tensor needs a first dimension divisible by ${layout.elements}`);
  }
  const elements = shape.reduce((product, dimension) => product * dimension, 1);
  return (elements / layout.elements) * layout.bytes;
}

const float32Scratch = new Float32Array(1);
const uint32Scratch = new Uint32Array(float32Scratch.buffer);

/** Converts a number to IEEE half-precision bits, rounding to nearest even (as ggml does). */
export function float32ToFloat16Bits(value: number): number {
  float32Scratch[0] = value;
  const bits = uint32Scratch[0]!;
  const sign = (bits >>> 16) & 0x8000;
  const exponent = (bits >>> 23) & 0xff;
  let mantissa = bits & 0x7fffff;
  if (exponent === 0xff) return sign | 0x7c00 | (mantissa !== 0 ? 0x200 : 0);
  const halfExponent = exponent - 127 + 15;
  if (halfExponent >= 0x1f) return sign | 0x7c00;
  if (halfExponent <= 0) {
    if (halfExponent < -10) return sign;
    mantissa |= 0x800000;
    const shift = 14 - halfExponent;
    let half = mantissa >>> shift;
    const remainder = mantissa & ((1 << shift) - 1);
    const halfway = 1 << (shift - 1);
    if (remainder > halfway || (remainder === halfway && (half & 1) === 1)) half++;
    return sign | half;
  }
  let half = (halfExponent << 10) | (mantissa >>> 13);
  const remainder = mantissa & 0x1fff;
  if (remainder > 0x1000 || (remainder === 0x1000 && (half & 1) === 1)) half++;
  return sign | half;
}

/**
 * Encodes float values as a tensor of the given ggml type.
 * Q8_0 blocks are 32 values: an F16 scale `max|x| / 127` followed by 32 signed bytes.
 */
export function encodeTensor(type: GgmlTypeName, values: Float32Array): Uint8Array {
  switch (type) {
    case 'f32':
      return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
    case 'f16': {
      const out = new Uint16Array(values.length);
      for (let index = 0; index < values.length; index++) out[index] = float32ToFloat16Bits(values[index]!);
      return new Uint8Array(out.buffer);
    }
    case 'q8_0':
      return encodeQ8(values);
  }
}

function encodeQ8(values: Float32Array): Uint8Array {
  const blocks = values.length / 32;
  const out = new Uint8Array(blocks * 34);
  const view = new DataView(out.buffer);
  const quants = new Int8Array(out.buffer);
  for (let block = 0; block < blocks; block++) {
    const start = block * 32;
    let maximum = 0;
    for (let index = 0; index < 32; index++) maximum = Math.max(maximum, Math.abs(values[start + index]!));
    const scale = maximum / 127;
    const inverse = scale === 0 ? 0 : 1 / scale;
    view.setUint16(block * 34, float32ToFloat16Bits(scale), true);
    const base = block * 34 + 2;
    for (let index = 0; index < 32; index++)
      quants[base + index] = Math.round(values[start + index]! * inverse);
  }
  return out;
}
