/**
 * Sliding windows over a series with the semantics of Keras `timeseries_dataset_from_array`
 * (keras/src/utils/timeseries_dataset_utils.py, Keras 3):
 *
 *   end = endIndex ?? rows;  count = end - startIndex - (seqLength - 1) * samplingRate
 *   (and count = min(count, targets.length) when targets are given)
 *   window k starts at s = startIndex + p, p = k * stride for p < count,
 *   x = data[s], data[s + rate], ..., data[s + (seqLength - 1) * rate];  y = targets[s].
 *
 * On top, for forecasting: `horizon` h reads targets from the series itself, h steps after the
 * window's last value (or all of 1..h), for the chosen `targetColumns`; the count shrinks by h so
 * that no target is read at or beyond endIndex (nothing leaks across a chronological split).
 *
 * @example
 * ```ts
 * import { seriesWindows } from '@rnnkit/windowing';
 * // the tutorial: x[j] = data[j .. j+5), y[j] = data[j+5]
 * const data = Array.from({ length: 105 }, (_, j) => j / 100);
 * const w = seriesWindows(data.slice(0, -1), { seqLength: 5, targets: data.slice(5) });
 * w.length; // 100
 * w.shapes; // { x: [ 100, 5, 1 ], y: [ 100 ] }
 * // two features, predict feature 1 two steps after each window of 3
 * const f = seriesWindows([[0, 0], [1, 10], [2, 20], [3, 30], [4, 40], [5, 50]], {
 *   seqLength: 3, horizon: 2, targetColumns: [1],
 * });
 * f.length; // 2
 * f.y; // Float32Array [40, 50]  // [windows, targetColumns]
 * ```
 */
import type { ArrayBatch, Batches, BatchesArgs, ExampleSource } from './batches.js';
import { batches, rows } from './batches.js';
import { WindowingError } from './errors.js';
import type { SeriesInput, SeriesMatrix } from './matrix.js';
import { resolveColumns, toMatrix } from './matrix.js';
import { nonNegativeInt, positiveInt } from './validate.js';

export interface SeriesWindowsArgs {
  /** Values per window (Keras `sequence_length`). */
  seqLength: number;
  /** Distance between consecutive window starts (Keras `sequence_stride`). Default 1. */
  stride?: number;
  /** Distance between consecutive values inside a window (Keras `sampling_rate`). Default 1. */
  samplingRate?: number;
  /** First row windows may read. Default 0. */
  startIndex?: number;
  /** Rows at or after endIndex are never read (exclusive). Default: the number of rows. */
  endIndex?: number;
  /**
   * Keras-style explicit targets: `targets[s]` belongs to the window starting at row s. A list of
   * numbers gives y [windows]; rows of numbers give y [windows, columns]. Not with `horizon`.
   */
  targets?: ArrayLike<number> | readonly ArrayLike<number>[];
  /** Forecast h steps after each window's last value, reading targets from the series. */
  horizon?: number;
  /** With horizon h: `'last'` (default) predicts step h only, `'all'` predicts steps 1..h. */
  horizonSteps?: 'last' | 'all';
  /** Columns to predict with `horizon`, by index or by name. Default all columns. */
  targetColumns?: readonly (number | string)[];
  /** Names of the series' columns, so targetColumns can name them. */
  columnNames?: readonly string[];
}

/** A batch of series windows. */
export interface SeriesBatch extends ArrayBatch {
  /** [size, seqLength, features] windows, row-major. */
  readonly x: Float32Array;
  /** Targets: [size] or [size, columns] (Keras targets), [size, C] or [size, h, C] (horizon). */
  readonly y?: Float32Array;
  readonly shapes: { readonly x: number[]; readonly y?: number[] };
}

/** Lazy series windows: nothing is copied until `get` or `batch`. */
export interface SeriesWindowSource extends ExampleSource<SeriesBatch> {
  readonly length: number;
  readonly seqLength: number;
  /** Features per time step (columns of the series). */
  readonly features: number;
  /** Row of the series where each window starts (absolute, startIndex included). */
  readonly starts: Int32Array;
  /** Shape of one example's target, or undefined without targets/horizon. */
  readonly targetShape: readonly number[] | undefined;
  /** Copies window `index`: x [seqLength, features], y [...targetShape]. */
  get(index: number): { x: Float32Array; y?: Float32Array };
}

/** All windows copied out (small series; use {@link seriesWindowSource} for long ones). */
export interface SeriesWindows extends SeriesWindowSource {
  /** [length, seqLength, features] windows, row-major. */
  readonly x: Float32Array;
  /** [length, ...targetShape] targets, when targets or horizon were given. */
  readonly y?: Float32Array;
  /** Shapes of x and y. */
  readonly shapes: { readonly x: number[]; readonly y?: number[] };
}

/**
 * Number of windows, by the Keras formula: ceil(count / stride) with
 * count = end - start - (seqLength - 1) * samplingRate - horizon, capped by targetsLength.
 * Returns 0 (not a negative number) when no window fits.
 */
export function seriesWindowCount(args: {
  rows: number;
  seqLength: number;
  stride?: number;
  samplingRate?: number;
  startIndex?: number;
  endIndex?: number;
  horizon?: number;
  targetsLength?: number;
}): number {
  const start = args.startIndex ?? 0;
  const end = args.endIndex ?? args.rows;
  let count = end - start - (args.seqLength - 1) * (args.samplingRate ?? 1) - (args.horizon ?? 0);
  if (args.targetsLength !== undefined) count = Math.min(count, args.targetsLength);
  return count <= 0 ? 0 : Math.ceil(count / (args.stride ?? 1));
}

/** Lazily windows `data`; see the module doc for the exact semantics. */
export function seriesWindowSource(data: SeriesInput, args: SeriesWindowsArgs): SeriesWindowSource {
  const L = positiveInt('seqLength', args.seqLength, 'pass seqLength: 1 or more steps');
  const stride = positiveInt('stride', args.stride ?? 1);
  const rate = positiveInt('samplingRate', args.samplingRate ?? 1);
  const m: SeriesMatrix = toMatrix(data, 'series', args.columnNames);
  const F = m.columns;
  const n = m.rows;
  const start = nonNegativeInt('startIndex', args.startIndex ?? 0);
  const end = nonNegativeInt('endIndex', args.endIndex ?? n);
  if (start >= n) {
    throw new WindowingError(
      'OUT_OF_RANGE',
      `startIndex ${start} is outside the series of ${n} rows: expected 0 .. ${n - 1}`,
    );
  }
  if (end > n || end <= start) {
    throw new WindowingError(
      'OUT_OF_RANGE',
      `endIndex ${end} is outside (startIndex, rows] = (${start}, ${n}]: ` +
        'pass an endIndex after startIndex and at most the number of rows, or leave it out',
    );
  }
  if (args.targets !== undefined && args.horizon !== undefined) {
    throw new WindowingError(
      'BAD_OPTION',
      'targets and horizon were both given: pass targets (Keras style) or horizon ' +
        '(targets read from the series), not both',
    );
  }
  if (args.targetColumns !== undefined && args.horizon === undefined) {
    throw new WindowingError(
      'BAD_OPTION',
      'targetColumns needs a horizon: pass horizon: 1 to predict the next step',
    );
  }
  const horizon = args.horizon === undefined ? 0 : positiveInt('horizon', args.horizon);
  const all = args.horizonSteps === 'all';
  if (args.horizonSteps !== undefined && args.horizonSteps !== 'last' && !all) {
    throw new WindowingError(
      'BAD_OPTION',
      `horizonSteps must be 'last' or 'all', got ${String(args.horizonSteps)}`,
    );
  }
  const targets = args.targets === undefined ? undefined : toMatrix(args.targets, 'targets');
  const targetCols = horizon
    ? resolveColumns(m, args.targetColumns ?? Array.from({ length: F }, (_, c) => c))
    : undefined;

  const span = (L - 1) * rate + 1 + horizon; // rows one example reads, first to last
  const length = seriesWindowCount({
    rows: n,
    seqLength: L,
    stride,
    samplingRate: rate,
    startIndex: start,
    endIndex: end,
    horizon,
    ...(targets ? { targetsLength: targets.rows } : {}),
  });
  if (length === 0) {
    throw new WindowingError(
      'WINDOW_TOO_LONG',
      `window (${span} rows: seqLength ${L}, samplingRate ${rate}` +
        (horizon ? `, horizon ${horizon}` : '') +
        `) is longer than the series (${end - start} rows in [${start}, ${end})): ` +
        'lower seqLength, samplingRate or horizon, or give a longer series',
    );
  }
  const starts = new Int32Array(length);
  for (let k = 0; k < length; k++) starts[k] = start + k * stride;
  if (targets && starts[length - 1]! >= targets.rows) {
    throw new WindowingError(
      'LENGTH_MISMATCH',
      `targets has ${targets.rows} rows, but window ${length - 1} starts at row ` +
        `${starts[length - 1]} and needs targets[${starts[length - 1]}]: give one target per row ` +
        'of the series (targets[s] for the window starting at s)',
    );
  }
  // Per-example target shape and size
  let targetShape: number[] | undefined;
  if (targets) targetShape = targets.univariate ? [] : [targets.columns];
  else if (targetCols) targetShape = all ? [horizon, targetCols.length] : [targetCols.length];
  const ySize = targetShape ? targetShape.reduce((a, b) => a * b, 1) : 0;
  const xSize = L * F;
  const v = m.values;

  const writeX = (k: number, x: Float32Array, o: number): void => {
    const s = starts[k]!;
    for (let t = 0; t < L; t++) {
      const row = (s + t * rate) * F;
      const to = o + t * F;
      for (let c = 0; c < F; c++) x[to + c] = v[row + c]!;
    }
  };
  const writeY = (k: number, y: Float32Array, o: number): void => {
    const s = starts[k]!;
    if (targets) {
      const tc = targets.columns;
      for (let c = 0; c < tc; c++) y[o + c] = targets.values[s * tc + c]!;
      return;
    }
    const cols = targetCols!;
    const last = s + (L - 1) * rate; // row of the window's last value
    const first = all ? 1 : horizon;
    for (let h = first, j = o; h <= horizon; h++) {
      const row = (last + h) * F;
      for (let c = 0; c < cols.length; c++) y[j++] = v[row + cols[c]!]!;
    }
  };
  const check = (k: number): void => {
    if (!Number.isInteger(k) || k < 0 || k >= length) {
      throw new WindowingError(
        'OUT_OF_RANGE',
        `window index ${k} is outside [0, ${length}): ask for 0 .. length - 1`,
      );
    }
  };
  return {
    length,
    seqLength: L,
    features: F,
    starts,
    targetShape,
    get(index) {
      check(index);
      const x = new Float32Array(xSize); // [seqLength, features]
      writeX(index, x, 0);
      if (!targetShape) return { x };
      const y = new Float32Array(ySize);
      writeY(index, y, 0);
      return { x, y };
    },
    batch(indices, into) {
      const size = indices.length;
      const x = rows((c) => new Float32Array(c), into?.x, size, xSize); // [size, L, F]
      const y = targetShape ? rows((c) => new Float32Array(c), into?.y, size, ySize) : undefined;
      for (let r = 0; r < size; r++) {
        const k = indices[r]!;
        check(k);
        writeX(k, x, r * xSize);
        if (y) writeY(k, y, r * ySize);
      }
      const xShape = [size, L, F];
      return y && targetShape
        ? { size, x, y, shapes: { x: xShape, y: [size, ...targetShape] } }
        : { size, x, shapes: { x: xShape } };
    },
  };
}

/** Copies every window of `data` (small series); see the module doc for the exact semantics. */
export function seriesWindows(data: SeriesInput, args: SeriesWindowsArgs): SeriesWindows {
  const source = seriesWindowSource(data, args);
  const everything = source.batch(Int32Array.from({ length: source.length }, (_, k) => k));
  return {
    ...source,
    x: everything.x,
    ...(everything.y ? { y: everything.y } : {}),
    shapes: everything.shapes,
  };
}

/**
 * The one-call Keras equivalent: lazy batches of series windows (x [batch, seqLength, features],
 * y as in {@link SeriesBatch}), smaller last batch unless dropRemainder.
 */
export function seriesBatches(
  data: SeriesInput,
  args: SeriesWindowsArgs & BatchesArgs,
): Batches<SeriesBatch> {
  return batches(seriesWindowSource(data, args), args);
}
