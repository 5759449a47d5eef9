/**
 * Reference cases for series windows against Keras `timeseries_dataset_from_array`.
 *
 * Keras is not installable here (no Python/TensorFlow in this workspace), so the expected arrays
 * are derived in this file from the documented Keras 3 algorithm, keras/src/utils/
 * timeseries_dataset_utils.py (`_timeseries_dataset_tf`), transcribed step by step:
 *
 *   start_index = start_index or 0;  end_index = end_index or len(data)
 *   num_seqs = end_index - start_index - (sequence_length - 1) * sampling_rate
 *   if targets is not None: num_seqs = min(num_seqs, len(targets))
 *   start_positions = np.arange(0, num_seqs, sequence_stride)
 *   window i = data[start_index:end_index][range(p_i, p_i + sequence_length * sampling_rate, sampling_rate)]
 *   target i = targets[start_index:end_index][p_i]
 *   then .batch(batch_size): consecutive batches, the last one smaller
 *
 * so the number of windows is ceil(num_seqs / stride). The reference below slices and gathers
 * exactly like that (positions relative to the sliced array), independently of the
 * implementation's absolute `starts`. The docstring examples 1-3 are checked literally too.
 */
import { describe, expect, it } from 'vitest';
import { seriesBatches, seriesWindows } from '../series-windows.js';

interface Case {
  n: number; // rows of data
  features?: number; // columns; default univariate
  seqLength: number;
  stride?: number;
  samplingRate?: number;
  startIndex?: number;
  endIndex?: number;
  /** 'same': targets = data column 0 * 10 (same length); a number: that many targets. */
  targets?: 'same' | number;
  batchSize: number;
}

/** The Keras algorithm, transcribed (see the header). Returns the batches as nested arrays. */
function kerasReference(
  data: number[][],
  targets: number[] | null,
  c: Case,
): { x: number[][][][]; y: number[][] | null } {
  const start = c.startIndex ?? 0;
  const end = c.endIndex ?? data.length;
  const rate = c.samplingRate ?? 1;
  const stride = c.stride ?? 1;
  let numSeqs = end - start - (c.seqLength - 1) * rate;
  if (targets !== null) numSeqs = Math.min(numSeqs, targets.length);
  const positions: number[] = [];
  for (let p = 0; p < numSeqs; p += stride) positions.push(p); // np.arange(0, num_seqs, stride)
  const sliced = data.slice(start, end); // data[start_index:end_index]
  const windows = positions.map((p) => {
    const w: number[][] = [];
    for (let i = p; i < p + c.seqLength * rate; i += rate) w.push(sliced[i]!); // tf.range
    return w;
  });
  const ys = targets === null ? null : positions.map((p) => targets.slice(start, end)[p]!);
  const x: number[][][][] = [];
  const y: number[][] = [];
  for (let b = 0; b < windows.length; b += c.batchSize) {
    x.push(windows.slice(b, b + c.batchSize));
    if (ys) y.push(ys.slice(b, b + c.batchSize));
  }
  return { x, y: ys ? y : null };
}

// >= 30 combinations: strides and sampling rates > 1, start/end indices, targets (same length,
// shorter, longer), windows equal to the series, multivariate rows, batch sizes with remainders.
const cases: Case[] = [
  { n: 10, seqLength: 3, batchSize: 4 },
  { n: 10, seqLength: 10, batchSize: 4 }, // window equal to the series: one window
  { n: 10, seqLength: 1, batchSize: 3 },
  { n: 10, seqLength: 3, stride: 2, batchSize: 2 },
  { n: 10, seqLength: 3, stride: 3, batchSize: 128 },
  { n: 11, seqLength: 3, stride: 4, batchSize: 1 },
  { n: 10, seqLength: 3, samplingRate: 2, batchSize: 3 },
  { n: 10, seqLength: 4, samplingRate: 3, batchSize: 5 }, // span 10 = series: one window
  { n: 99, seqLength: 10, stride: 3, samplingRate: 2, batchSize: 128 }, // docstring example 1
  { n: 30, seqLength: 5, stride: 2, samplingRate: 3, batchSize: 4 },
  { n: 20, seqLength: 4, startIndex: 3, batchSize: 5 },
  { n: 20, seqLength: 4, endIndex: 15, batchSize: 5 },
  { n: 20, seqLength: 4, startIndex: 2, endIndex: 17, batchSize: 3 },
  { n: 20, seqLength: 5, startIndex: 5, endIndex: 10, batchSize: 3 }, // window = [start, end)
  { n: 25, seqLength: 3, stride: 2, samplingRate: 2, startIndex: 4, endIndex: 21, batchSize: 2 },
  { n: 50, seqLength: 7, stride: 5, samplingRate: 3, startIndex: 1, endIndex: 49, batchSize: 4 },
  { n: 10, seqLength: 3, targets: 'same', batchSize: 4 },
  { n: 10, seqLength: 10, targets: 'same', batchSize: 4 },
  { n: 12, seqLength: 3, stride: 2, targets: 'same', batchSize: 2 },
  { n: 12, seqLength: 3, samplingRate: 2, targets: 'same', batchSize: 3 },
  { n: 20, seqLength: 4, startIndex: 3, targets: 'same', batchSize: 5 },
  { n: 20, seqLength: 4, startIndex: 2, endIndex: 18, targets: 'same', batchSize: 4 },
  {
    n: 20,
    seqLength: 3,
    stride: 3,
    samplingRate: 2,
    startIndex: 1,
    endIndex: 19,
    targets: 'same',
    batchSize: 2,
  },
  { n: 20, seqLength: 3, targets: 5, batchSize: 2 }, // fewer targets than windows: min(...)
  { n: 20, seqLength: 3, stride: 2, targets: 7, batchSize: 3 },
  { n: 20, seqLength: 3, targets: 40, batchSize: 8 }, // more targets than rows
  { n: 15, seqLength: 15, targets: 'same', batchSize: 1 }, // window equal to the series, target
  { n: 12, features: 3, seqLength: 4, batchSize: 4 },
  { n: 12, features: 2, seqLength: 3, stride: 2, samplingRate: 2, batchSize: 2 },
  { n: 16, features: 3, seqLength: 4, startIndex: 2, endIndex: 14, targets: 'same', batchSize: 3 },
  { n: 40, features: 2, seqLength: 6, stride: 4, samplingRate: 2, startIndex: 5, batchSize: 3 },
  { n: 8, features: 4, seqLength: 8, targets: 'same', batchSize: 2 }, // multivariate, whole series
  { n: 33, seqLength: 8, stride: 7, samplingRate: 4, batchSize: 2 },
];

function makeData(c: Case): { rows: number[][]; targets: number[] | null } {
  const F = c.features ?? 1;
  const rows = Array.from({ length: c.n }, (_, r) =>
    Array.from({ length: F }, (_, f) => r * 100 + f),
  );
  const t = c.targets;
  const targets =
    t === undefined ? null : Array.from({ length: t === 'same' ? c.n : t }, (_, r) => r * 10 + 0.5);
  return { rows, targets };
}

describe('seriesWindows against the documented Keras timeseries_dataset_from_array', () => {
  it('has at least 30 reference combinations', () => {
    expect(cases.length).toBeGreaterThanOrEqual(30);
  });

  for (const c of cases) {
    it(`matches for ${JSON.stringify(c)}`, () => {
      const { rows, targets } = makeData(c);
      const ref = kerasReference(rows, targets, c);
      const data = (c.features ?? 1) === 1 ? rows.map((r) => r[0]!) : rows;
      const args = {
        seqLength: c.seqLength,
        batchSize: c.batchSize,
        ...(c.stride ? { stride: c.stride } : {}),
        ...(c.samplingRate ? { samplingRate: c.samplingRate } : {}),
        ...(c.startIndex !== undefined ? { startIndex: c.startIndex } : {}),
        ...(c.endIndex !== undefined ? { endIndex: c.endIndex } : {}),
        ...(targets ? { targets } : {}),
      };
      const got = [...seriesBatches(data, args)];
      expect(got.length).toBe(ref.x.length);
      got.forEach((b, i) => {
        const F = c.features ?? 1;
        expect(b.shapes.x).toEqual([ref.x[i]!.length, c.seqLength, F]);
        expect(Array.from(b.x)).toEqual(ref.x[i]!.flat(2));
        if (ref.y) expect(Array.from(b.y!)).toEqual(ref.y[i]!);
        else expect(b.y).toBeUndefined();
      });
      // the eager form gives the same windows
      const all = seriesWindows(data, args);
      expect(Array.from(all.x)).toEqual(ref.x.flat(3));
    });
  }

  it('docstring example 1: indices 0..98, seqLength 10, samplingRate 2, stride 3', () => {
    const data = Array.from({ length: 99 }, (_, i) => i);
    const w = seriesWindows(data, { seqLength: 10, samplingRate: 2, stride: 3 });
    const row = (k: number) => Array.from(w.x.subarray(k * 10, k * 10 + 10));
    expect(row(0)).toEqual([0, 2, 4, 6, 8, 10, 12, 14, 16, 18]);
    expect(row(1)).toEqual([3, 5, 7, 9, 11, 13, 15, 17, 19, 21]);
    expect(row(2)).toEqual([6, 8, 10, 12, 14, 16, 18, 20, 22, 24]);
    expect(row(w.length - 1)).toEqual([78, 80, 82, 84, 86, 88, 90, 92, 94, 96]);
  });

  it('docstring example 2: input_data = data[:-10], targets = data[10:], seqLength 10', () => {
    const data = Array.from({ length: 20 }, (_, i) => i);
    const w = seriesWindows(data.slice(0, -10), { seqLength: 10, targets: data.slice(10) });
    expect(w.length).toBe(1);
    expect(Array.from(w.x)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(Array.from(w.y!)).toEqual([10]);
  });

  it('docstring example 3: non-overlapping samples of 20, stride 20', () => {
    const X = Array.from({ length: 100 }, (_, i) => i);
    const Y = X.map((v) => v * 2);
    const xs = seriesWindows(X, { seqLength: 20, stride: 20 });
    const ys = seriesWindows(Y, { seqLength: 20, stride: 20 });
    expect(Array.from(xs.x.subarray(0, 20))).toEqual(X.slice(0, 20));
    expect(Array.from(ys.x.subarray(20, 40))).toEqual(Y.slice(20, 40));
  });
});
