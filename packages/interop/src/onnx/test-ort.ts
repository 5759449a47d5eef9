/**
 * Test helpers: run an exported model on onnxruntime-node, and compare with rnnkit.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as ort from 'onnxruntime-node';

export type Feed = { data: Float32Array | Int32Array; shape: number[] };

/** Runs `bytes` on onnxruntime-node (CPU) with the feeds by input name; outputs by name. */
export async function runOrt(
  bytes: Uint8Array,
  feeds: Record<string, Feed>,
): Promise<Record<string, { data: Float32Array; dims: readonly number[] }>> {
  const session = await ort.InferenceSession.create(bytes);
  try {
    const inputs: Record<string, ort.Tensor> = {};
    for (const [k, f] of Object.entries(feeds)) {
      inputs[k] = new ort.Tensor(
        f.data instanceof Int32Array ? 'int32' : 'float32',
        f.data,
        f.shape,
      );
    }
    const out = await session.run(inputs);
    return Object.fromEntries(
      Object.entries(out).map(([k, t]) => [k, { data: t.data as Float32Array, dims: t.dims }]),
    );
  } finally {
    await session.release();
  }
}

/** A feed as a tfjs tensor. */
export function tensorOf(f: Feed): tf.Tensor {
  return tf.tensor(f.data, f.shape, f.data instanceof Int32Array ? 'int32' : 'float32');
}

/** Largest |a - b| over the positions where `keep` (if given) is true. */
export function maxDiff(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  keep?: (i: number) => boolean,
): number {
  if (a.length !== b.length) throw new Error(`lengths differ: ${a.length} vs ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    if (keep && !keep(i)) continue;
    m = Math.max(m, Math.abs((a[i] as number) - (b[i] as number)));
  }
  return m;
}

/** Seeded ids in [1, vocab) [batch, time], each row padded with 0 after its length. */
export function paddedIds(batch: number, time: number, vocab: number, lengths: number[]): Feed {
  const data = new Int32Array(batch * time);
  let s = 7;
  for (let b = 0; b < batch; b++) {
    for (let t = 0; t < lengths[b]!; t++) {
      s = (s * 1103515245 + 12345) >>> 0;
      data[b * time + t] = 1 + (s % (vocab - 1));
    }
  }
  return { data, shape: [batch, time] };
}

/** Seeded values in [-1, 1) of a shape. */
export function floats(shape: number[], seed = 3): Feed {
  const n = shape.reduce((a, b) => a * b, 1);
  let s = seed;
  const data = Float32Array.from({ length: n }, () => {
    s = (s * 1103515245 + 12345) >>> 0;
    return (s / 2 ** 32) * 2 - 1;
  });
  return { data, shape };
}
