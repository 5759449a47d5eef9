/**
 * Smaller weights: the float32 weights of a model's artifacts stored as float16 or as int8 with
 * one scale per output channel, and read back to float32.
 *
 * - `float16`: each float32 weight as IEEE half precision (round to nearest even), marked with
 *   tfjs's own `quantization: { dtype: 'float16' }` in model.json's weights manifest. Stock
 *   `tf.loadLayersModel` dequantizes it (tfjs-core io_utils `decodeWeights`), so a float16 folder
 *   still loads in plain tfjs. Relative error per weight <= 2^-11 (about 4.9e-4) in half's normal
 *   range; half the bytes.
 * - `int8`: each weight of rank >= 2 as int8 codes q in [-127, 127] with a float32 scale per
 *   channel of its last axis (the output channel of a Keras `[in, out]` kernel, the dimension of an
 *   `Embedding` row): w = q * scale[c], scale[c] = max |w[..., c]| / 127, so the error per weight
 *   is at most scale[c] / 2. The codes, then the scales (float32, little-endian), are the weight's
 *   bytes in weights.bin; its manifest entry says `quantization: { dtype: 'int8' }`. Weights of
 *   rank < 2 (biases) stay float32: a scale per element would cost more than the value. About a
 *   quarter of the bytes. tfjs has no per-channel quantization (its uint8 has one scale and min
 *   per tensor), so stock tfjs refuses an int8 folder with its own "unknown quantization dtype
 *   int8" error rather than loading wrong numbers; rnnkit's `load` reads it.
 *
 * @example
 * ```ts
 * import { save } from '@rnnkit/models';
 * await save(model, 'out/small', meta, { weights: 'int8' }); // rnnkit.json: weights { dtype: 'int8' }
 * ```
 */
import type * as tf from '@tensorflow/tfjs-core';
import { ModelsError } from '../errors.js';
import { ArtifactError } from './errors.js';

/** How `save` stores float32 weights: as they are, as half floats, or as per-channel int8. */
export type WeightsDType = 'float32' | 'float16' | 'int8';
/** The choices of {@link WeightsDType}, for messages and the CLI. */
export const WEIGHTS_DTYPES: readonly WeightsDType[] = ['float32', 'float16', 'int8'];

/** The largest int8 code used (symmetric: -127 .. 127, so -128 never appears). */
const INT8_MAX = 127;

type Spec = tf.io.WeightsManifestEntry;
/** A manifest entry's quantization, widened to the int8 rnnkit adds. */
type Quantization = { dtype: string; scale?: number; min?: number };

const quantOf = (s: Spec): Quantization | undefined =>
  (s as { quantization?: Quantization }).quantization;

const sizeOf = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/** Channels of an int8 weight (its last axis); 0 for a shape that cannot be int8. */
export function int8Channels(shape: readonly number[]): number {
  return shape.length >= 2 ? shape[shape.length - 1]! : 0;
}

/** Bytes an int8 weight takes in weights.bin: a code per element, a float32 scale per channel. */
export function int8Bytes(shape: readonly number[]): number {
  return sizeOf(shape) + 4 * int8Channels(shape);
}

/** Throws `BAD_OPTION` unless `dtype` is a {@link WeightsDType}. */
export function checkWeightsDType(dtype: unknown): WeightsDType {
  if (!WEIGHTS_DTYPES.includes(dtype as WeightsDType)) {
    throw new ModelsError(
      'BAD_OPTION',
      `weights must be one of ${WEIGHTS_DTYPES.map((d) => `'${d}'`).join(', ')}, got ${JSON.stringify(dtype)}: e.g. save(model, dir, meta, { weights: 'float16' })`,
    );
  }
  return dtype as WeightsDType;
}

/** float32 -> IEEE 754 half bits, round to nearest even; overflow to +-Infinity, NaN kept. */
export function toHalfBits(value: number): number {
  const f = new Float32Array([value]);
  const x = new Uint32Array(f.buffer)[0]!;
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  let mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0); // Inf or NaN
  let e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00; // too large: Infinity
  if (e <= 0) {
    // subnormal half (or zero): shift the implicit 1 in, round to nearest even
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    const half = 1 << (shift - 1);
    const rest = mant & ((1 << shift) - 1);
    let m = mant >>> shift;
    if (rest > half || (rest === half && m & 1)) m++;
    return sign | m;
  }
  const rest = mant & 0x1fff;
  let m = mant >>> 13;
  if (rest > 0x1000 || (rest === 0x1000 && m & 1)) {
    m++;
    if (m === 0x400) {
      m = 0;
      e++;
      if (e >= 0x1f) return sign | 0x7c00;
    }
  }
  return sign | (e << 10) | m;
}

/** Per-channel int8 of a float32 weight [..., channels]: the codes and a scale per channel. */
export function quantizeInt8(
  values: Float32Array,
  channels: number,
): { codes: Int8Array; scales: Float32Array } {
  const scales = new Float32Array(channels);
  for (let i = 0; i < values.length; i++) {
    const c = i % channels;
    const a = Math.abs(values[i]!);
    if (a > scales[c]!) scales[c] = a;
  }
  // an all-zero channel keeps scale 0 (its codes are 0; a scale of 0 decodes them to 0)
  for (let c = 0; c < channels; c++) scales[c] = scales[c]! / INT8_MAX;
  const codes = new Int8Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const s = scales[i % channels]!;
    codes[i] = s === 0 ? 0 : Math.max(-INT8_MAX, Math.min(INT8_MAX, Math.round(values[i]! / s)));
  }
  return { codes, scales };
}

/**
 * The weights of `specs`/`data` stored as `dtype`: new manifest entries and bytes. Only float32
 * weights change (float16: all of them; int8: those of rank >= 2).
 */
export function encodeWeights(
  specs: readonly Spec[],
  data: ArrayBuffer,
  dtype: WeightsDType,
): { specs: Spec[]; data: ArrayBuffer } {
  if (dtype === 'float32') return { specs: [...specs], data };
  const parts: Uint8Array[] = [];
  const out: Spec[] = [];
  let offset = 0;
  for (const s of specs) {
    const n = sizeOf(s.shape);
    const bytes = entryBytes(s) ?? 0;
    if (quantOf(s) !== undefined || s.dtype !== 'float32') {
      // not a plain float32 weight (tfjs's save writes none, but a handler may): kept as is
      parts.push(new Uint8Array(data, offset, bytes));
      out.push({ ...s });
      offset += bytes;
      continue;
    }
    const values = new Float32Array(data.slice(offset, offset + bytes));
    offset += bytes;
    if (dtype === 'float16') {
      const half = new Uint16Array(n);
      for (let i = 0; i < n; i++) half[i] = toHalfBits(values[i]!);
      parts.push(littleEndian16(half));
      out.push({ ...s, quantization: { dtype: 'float16' } });
    } else if (int8Channels(s.shape) > 0) {
      const { codes, scales } = quantizeInt8(values, int8Channels(s.shape));
      const b = new Uint8Array(int8Bytes(s.shape));
      b.set(new Uint8Array(codes.buffer), 0);
      const view = new DataView(b.buffer);
      for (const [c, v] of scales.entries()) view.setFloat32(n + 4 * c, v, true);
      parts.push(b);
      out.push({ ...s, quantization: { dtype: 'int8' } } as unknown as Spec);
    } else {
      parts.push(new Uint8Array(values.buffer));
      out.push({ ...s });
    }
  }
  return { specs: out, data: concat(parts) };
}

function concat(parts: readonly Uint8Array[]): ArrayBuffer {
  const joined = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let at = 0;
  for (const p of parts) {
    joined.set(p, at);
    at += p.length;
  }
  return joined.buffer;
}

function littleEndian16(a: Uint16Array): Uint8Array {
  const b = new Uint8Array(a.length * 2);
  const view = new DataView(b.buffer);
  for (const [i, v] of a.entries()) view.setUint16(2 * i, v, true);
  return b;
}

/**
 * Bytes one manifest entry takes in the weights file, or undefined when the entry cannot be read
 * (an unknown dtype, or a quantization tfjs or rnnkit does not define for it). Entries come from
 * untrusted files: the quantization is checked here, before tfjs's decoder sees it.
 */
export function entryBytes(s: Spec): number | undefined {
  const q: unknown = (s as { quantization?: unknown }).quantization;
  let stored: string = s.dtype;
  if (q !== undefined) {
    if (typeof q !== 'object' || q === null) return undefined;
    const { dtype, scale, min } = q as Quantization;
    const float = s.dtype === 'float32';
    if (dtype === 'int8')
      return float && int8Channels(s.shape) > 0 ? int8Bytes(s.shape) : undefined;
    if (dtype === 'float16') {
      if (!float) return undefined;
    } else if (dtype === 'uint8' || dtype === 'uint16') {
      const finite = Number.isFinite(scale) && Number.isFinite(min);
      if (!(float || s.dtype === 'int32') || !finite) return undefined;
    } else return undefined;
    stored = dtype;
  }
  const per = { float32: 4, int32: 4, bool: 1, uint8: 1, uint16: 2, float16: 2 }[stored];
  return per === undefined ? undefined : sizeOf(s.shape) * per;
}

/**
 * The int8 weights of untrusted artifacts turned back into float32 entries (codes times their
 * channel's scale), so tfjs's `decodeWeights` reads the rest (float32, and float16/uint8 in its own
 * quantization). Checks every int8 entry: float32 weight, rank >= 2, finite scales >= 0.
 */
export function decodeInt8Weights(
  specs: readonly Spec[],
  data: ArrayBuffer,
  file: string,
): { specs: Spec[]; data: ArrayBuffer } {
  if (!specs.some((s) => quantOf(s)?.dtype === 'int8')) return { specs: [...specs], data };
  const parts: Uint8Array[] = [];
  const out: Spec[] = [];
  let offset = 0;
  for (const s of specs) {
    const bytes = entryBytes(s);
    if (bytes === undefined || offset + bytes > data.byteLength) {
      throw new ArtifactError(
        'MALFORMED',
        file,
        `${file}: weight '${s.name}' (dtype ${s.dtype}, quantization ${JSON.stringify(quantOf(s))}, shape [${s.shape}]) cannot be read from the weights: int8 needs a float32 weight of rank >= 2; save the model again`,
      );
    }
    if (quantOf(s)?.dtype !== 'int8') {
      parts.push(new Uint8Array(data, offset, bytes));
      out.push(s);
      offset += bytes;
      continue;
    }
    if (s.dtype !== 'float32') {
      throw new ArtifactError(
        'MALFORMED',
        file,
        `${file}: weight '${s.name}' is int8-quantized but its dtype is '${s.dtype}', expected 'float32': save the model again`,
      );
    }
    const n = sizeOf(s.shape);
    const channels = int8Channels(s.shape);
    const codes = new Int8Array(data.slice(offset, offset + n));
    const view = new DataView(data, offset + n, 4 * channels);
    const scales = Float32Array.from({ length: channels }, (_, c) => view.getFloat32(4 * c, true));
    const bad = scales.findIndex((v) => !(Number.isFinite(v) && v >= 0));
    if (bad >= 0) {
      throw new ArtifactError(
        'MALFORMED',
        file,
        `${file}: weight '${s.name}' has int8 scale ${scales[bad]} for channel ${bad}, expected a finite number >= 0: the weights file is damaged; save the model again`,
      );
    }
    const values = new Float32Array(n);
    for (let i = 0; i < n; i++) values[i] = codes[i]! * scales[i % channels]!;
    parts.push(new Uint8Array(values.buffer));
    const { quantization: _, ...plain } = s as Spec & { quantization?: unknown };
    out.push(plain);
    offset += bytes;
  }
  return { specs: out, data: concat(parts) };
}

/** What the manifest holds: 'int8' if any weight is int8, 'float16' if any is half, else float32. */
export function manifestDType(specs: readonly Spec[]): WeightsDType {
  const qs = specs.map((s) => quantOf(s)?.dtype);
  return qs.includes('int8') ? 'int8' : qs.includes('float16') ? 'float16' : 'float32';
}
