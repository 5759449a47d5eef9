/**
 * Sliding windows over a univariate series with the semantics of Keras
 * `timeseries_dataset_from_array`: window k starts at startIndex + k * stride and reads
 * seqLength values sampled every samplingRate steps; its target is targets[start of window k].
 *
 * @example
 * ```ts
 * import { seriesWindows } from '@rnnkit/windowing';
 * // the tutorial's program 2: x[j] = data[j .. j+5), y[j] = data[j+5]
 * const data = Array.from({ length: 105 }, (_, j) => j / 100);
 * const w = seriesWindows(data.slice(0, -1), { seqLength: 5, targets: data.slice(5) });
 * w.length; // 100
 * ```
 */
import { WindowingError } from './errors.js';

export interface SeriesWindowsArgs {
  /** Values per window. */
  seqLength: number;
  /** Target per window start (optional), `targets[k]` belongs to the window starting at k. */
  targets?: ArrayLike<number>;
  /** Distance between consecutive window starts. Default 1. */
  stride?: number;
  /** Distance between consecutive values inside a window. Default 1. */
  samplingRate?: number;
}

export interface SeriesWindows {
  readonly length: number;
  /** [length, seqLength] windows, row-major. */
  readonly x: Float32Array;
  /** [length] targets, when `targets` was given. */
  readonly y?: Float32Array;
}

/** Copies every window of `data` (small series); see the module doc for the exact semantics. */
export function seriesWindows(data: ArrayLike<number>, args: SeriesWindowsArgs): SeriesWindows {
  const L = args.seqLength;
  const stride = args.stride ?? 1;
  const rate = args.samplingRate ?? 1;
  const span = (L - 1) * rate + 1;
  if (span > data.length) {
    throw new WindowingError(
      'WINDOW_TOO_LONG',
      `window (${span} values) is longer than the series (${data.length}): ` +
        'lower seqLength or samplingRate, or give a longer series',
    );
  }
  const length = Math.floor((data.length - span) / stride) + 1;
  const x = new Float32Array(length * L);
  const y = args.targets ? new Float32Array(length) : undefined;
  for (let k = 0; k < length; k++) {
    const start = k * stride;
    for (let t = 0; t < L; t++) x[k * L + t] = data[start + t * rate]!;
    if (y && args.targets) y[k] = args.targets[start]!;
  }
  return y ? { length, x, y } : { length, x };
}
