/**
 * safetensors, read and written in plain TypeScript: an 8-byte little-endian header length N, N
 * bytes of JSON (`{"name": {"dtype": "F32", "shape": [..], "data_offsets": [begin, end]}, ...,
 * "__metadata__": {string: string}}`), then the raw little-endian data, offsets relative to its
 * start. A file read here is untrusted: the header size, every dtype, shape and offset pair is
 * checked against the file before a byte of data is read, and tensors may not overlap or leave
 * gaps.
 *
 * @example
 * ```ts
 * const bytes = writeSafetensors({ w: { shape: [2, 2], values: new Float32Array([1, 2, 3, 4]) } });
 * readSafetensors(bytes).tensors.w.shape; // [2, 2]
 * ```
 */
import { InteropError } from '../errors.js';
import type { WeightArray } from '../model-graph.js';

/** Largest header accepted (the format's own readers cap it at 100 MB). */
export const MAX_HEADER_BYTES = 100 * 1024 * 1024;

/** The dtypes read, with their width in bytes; every tensor is returned as float32 values (ids too: exact below 2^24). */
const DTYPES: Readonly<Record<string, number>> = {
  F32: 4,
  F64: 8,
  F16: 2,
  BF16: 2,
  I64: 8,
  I32: 4,
};

export interface Safetensors {
  /** Tensors by name, in file order, as float32. */
  tensors: Record<string, WeightArray>;
  /** The header's `__metadata__` (string to string), or {}. */
  metadata: Record<string, string>;
}

/** A tensor to write: float32 values, or int32 ids (written as I64, PyTorch's index type). */
export interface TensorArray {
  shape: number[];
  values: Float32Array | Int32Array;
}

/** Writes tensors (in the order given: F32, or I64 for Int32Array ids) and string metadata. */
export function writeSafetensors(
  tensors: Record<string, TensorArray>,
  metadata: Record<string, string> = {},
): Uint8Array {
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length > 0) header['__metadata__'] = metadata;
  let offset = 0;
  for (const [name, t] of Object.entries(tensors)) {
    const n = t.shape.reduce((a, b) => a * b, 1);
    if (n !== t.values.length) {
      throw new InteropError(
        'BAD_OPTION',
        `tensor '${name}' has shape [${t.shape}] (${n} values) but ${t.values.length} values`,
      );
    }
    const width = t.values instanceof Int32Array ? 8 : 4;
    header[name] = {
      dtype: width === 8 ? 'I64' : 'F32',
      shape: t.shape,
      data_offsets: [offset, offset + width * n],
    };
    offset += width * n;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - ((8 + json.length) % 8)) % 8); // data starts 8-byte aligned
  const head = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + head.length + offset);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(head.length), true);
  out.set(head, 8);
  let at = 8 + head.length;
  for (const t of Object.values(tensors)) {
    const v = t.values;
    if (v instanceof Int32Array) {
      for (let i = 0; i < v.length; i++, at += 8) view.setBigInt64(at, BigInt(v[i]!), true);
    } else for (let i = 0; i < v.length; i++, at += 4) view.setFloat32(at, v[i]!, true);
  }
  return out;
}

function malformed(file: string, what: string): InteropError {
  return new InteropError(
    'MALFORMED',
    `${file} is not a valid safetensors file: ${what} (save it with safetensors.torch.save_file)`,
  );
}

/** Reads a safetensors file; `file` names it in errors. */
export function readSafetensors(bytes: Uint8Array, file = 'safetensors'): Safetensors {
  if (bytes.length < 8)
    throw malformed(file, `${bytes.length} bytes, less than the 8-byte header size`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerBytes = view.getBigUint64(0, true);
  if (headerBytes > BigInt(Math.min(MAX_HEADER_BYTES, bytes.length - 8))) {
    throw malformed(file, `header of ${headerBytes} bytes in a file of ${bytes.length}`);
  }
  const n = Number(headerBytes);
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + n)));
  } catch (e) {
    throw malformed(file, `its header is not JSON (${(e as Error).message})`);
  }
  if (header === null || typeof header !== 'object' || Array.isArray(header)) {
    throw malformed(file, 'its header is not a JSON object');
  }
  const dataStart = 8 + n;
  const dataBytes = bytes.length - dataStart;
  const metadata: Record<string, string> = {};
  const spans: [number, number, string][] = [];
  const entries: [string, string, number[], number, number][] = [];
  for (const [name, raw] of Object.entries(header as Record<string, unknown>)) {
    if (name === '__metadata__') {
      if (raw === null || typeof raw !== 'object')
        throw malformed(file, '__metadata__ is not an object');
      for (const [k, v] of Object.entries(raw as Record<string, unknown>)) {
        if (typeof v !== 'string') throw malformed(file, `__metadata__.${k} is not a string`);
        metadata[k] = v;
      }
      continue;
    }
    const e = raw as { dtype?: unknown; shape?: unknown; data_offsets?: unknown } | null;
    const width = typeof e?.dtype === 'string' ? DTYPES[e.dtype] : undefined;
    if (width === undefined) {
      throw new InteropError(
        'UNSUPPORTED',
        `${file}: tensor '${name}' has dtype ${JSON.stringify(e?.dtype)}; rnnkit reads ${Object.keys(DTYPES).join(', ')}: convert it with tensor.float() before saving`,
      );
    }
    const shape = e?.shape;
    if (
      !Array.isArray(shape) ||
      !shape.every((d) => Number.isSafeInteger(d) && (d as number) >= 0)
    ) {
      throw malformed(file, `tensor '${name}' has shape ${JSON.stringify(shape)}`);
    }
    const offsets = e?.data_offsets;
    if (
      !Array.isArray(offsets) ||
      offsets.length !== 2 ||
      !offsets.every((o) => Number.isSafeInteger(o) && (o as number) >= 0)
    ) {
      throw malformed(file, `tensor '${name}' has data_offsets ${JSON.stringify(offsets)}`);
    }
    const [begin, end] = offsets as [number, number];
    const count = (shape as number[]).reduce((a, b) => a * b, 1);
    if (end < begin || end > dataBytes || end - begin !== count * width) {
      throw malformed(
        file,
        `tensor '${name}' [${shape}] ${e?.dtype} needs ${count * width} bytes but data_offsets [${begin}, ${end}] in ${dataBytes} bytes of data`,
      );
    }
    spans.push([begin, end, name]);
    entries.push([name, e?.dtype as string, shape as number[], begin, count]);
  }
  spans.sort((a, b) => a[0] - b[0]);
  let expected = 0;
  for (const [begin, end, name] of spans) {
    if (begin !== expected) {
      throw malformed(
        file,
        `tensor '${name}' starts at ${begin}, expected ${expected} (overlap or gap)`,
      );
    }
    expected = end;
  }
  if (expected !== dataBytes)
    throw malformed(file, `${dataBytes - expected} bytes after the last tensor`);
  const tensors: Record<string, WeightArray> = {};
  const bits = new DataView(new ArrayBuffer(4));
  for (const [name, dtype, shape, begin, count] of entries) {
    const values = new Float32Array(count);
    const at = dataStart + begin;
    for (let i = 0; i < count; i++) {
      if (dtype === 'F32') values[i] = view.getFloat32(at + 4 * i, true);
      else if (dtype === 'F64') values[i] = view.getFloat64(at + 8 * i, true);
      else if (dtype === 'I64') values[i] = Number(view.getBigInt64(at + 8 * i, true));
      else if (dtype === 'I32') values[i] = view.getInt32(at + 4 * i, true);
      else if (dtype === 'BF16') {
        bits.setUint32(0, view.getUint16(at + 2 * i, true) << 16);
        values[i] = bits.getFloat32(0);
      } else values[i] = halfToFloat(view.getUint16(at + 2 * i, true));
    }
    tensors[name] = { shape, values };
  }
  return { tensors, metadata };
}

/** IEEE 754 half to float. */
function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * 2 ** -14 * (frac / 1024);
  if (exp === 31) return frac ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * 2 ** (exp - 15) * (1 + frac / 1024);
}
