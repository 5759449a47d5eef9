/**
 * Scalers fit on the training rows only (pass the train range, so test statistics never leak),
 * per column for multivariate series, with `inverse` and JSON round trips.
 * Standard: (v - mean) / std (population std, as scikit-learn's StandardScaler; std 0 -> 1).
 * Min-max: (v - min) / (max - min) * (hi - lo) + lo (range 0 -> 1, as scikit-learn).
 *
 * @example
 * ```ts
 * import { StandardScaler, scalerFromJSON } from '@rnnkit/windowing';
 * const s = StandardScaler.fit([1, 2, 3, 100], { endIndex: 3 }); // fit on rows 0..2 only
 * s.transform([1, 2, 3]);            // Float32Array [-1.2247449159622192, 0, 1.2247449159622192]
 * s.inverse(s.transform([100]));     // Float32Array [100]
 * scalerFromJSON(JSON.parse(JSON.stringify(s))).transform([2]); // Float32Array [0]
 * ```
 */
import { WindowingError } from './errors.js';
import type { SeriesInput } from './matrix.js';
import { resolveColumns, toMatrix } from './matrix.js';
import { nonNegativeInt } from './validate.js';

/** Rows to fit on, [startIndex, endIndex); spread a chronologicalSplit part here. */
export interface FitArgs {
  /** First row to fit on. Default 0. */
  startIndex?: number;
  /** Rows at or after endIndex are ignored. Default: all rows. */
  endIndex?: number;
  /** Column names, to pick columns by name in transform/inverse. */
  columnNames?: readonly string[];
}

/** Options of transform/inverse. */
export interface ScaleArgs {
  /**
   * The columns of the fitted data that `values` hold, e.g. the target columns of a forecast
   * ([rows, columns.length]). Default: all fitted columns.
   */
  columns?: readonly (number | string)[];
}

/** Serialised scaler. */
export interface ScalerJSON {
  kind: 'standard' | 'minmax';
  /** Per column: subtracted first. */
  offset: number[];
  /** Per column: divided by after the offset. */
  scale: number[];
  /** Target range, for min-max. */
  range?: [number, number];
  columnNames?: string[];
}

/** Shared affine map: scaled = (v - offset) / scale * span + lo. */
abstract class AffineScaler {
  abstract readonly kind: 'standard' | 'minmax';
  protected constructor(
    readonly offset: Float64Array,
    readonly scale: Float64Array,
    readonly range: [number, number],
    readonly columnNames: readonly string[] | undefined,
  ) {}

  /** Number of columns the scaler was fit on. */
  get columns(): number {
    return this.offset.length;
  }

  private picked(args: ScaleArgs | undefined): Int32Array {
    const all = Array.from({ length: this.columns }, (_, c) => c);
    const fake = {
      values: new Float32Array(this.columns),
      rows: 1,
      columns: this.columns,
      ...(this.columnNames ? { names: this.columnNames } : {}),
    };
    return resolveColumns(fake, args?.columns ?? all);
  }

  private apply(values: SeriesInput, args: ScaleArgs | undefined, forward: boolean): Float32Array {
    const cols = this.picked(args);
    const m = toMatrix(values, 'values');
    if (m.columns !== cols.length && !(m.univariate && cols.length === 1)) {
      throw new WindowingError(
        'RAGGED_ROWS',
        `values have ${m.columns} columns, expected ${cols.length} (the scaler's columns): ` +
          'pass columns to say which fitted columns these are',
      );
    }
    const C = cols.length;
    const out = new Float32Array(m.values.length); // [rows, C]
    const [lo, hi] = this.range;
    const span = hi - lo;
    for (let i = 0; i < out.length; i++) {
      const c = cols[i % C]!;
      const off = this.offset[c]!;
      const sc = this.scale[c]!;
      const v = m.values[i]!;
      out[i] = forward ? ((v - off) / sc) * span + lo : ((v - lo) / span) * sc + off;
    }
    return out;
  }

  /** Scales values [rows, columns] (row-major, or rows of numbers) into a new Float32Array. */
  transform(values: SeriesInput, args?: ScaleArgs): Float32Array {
    return this.apply(values, args, true);
  }

  /** Undoes {@link transform}, e.g. on model predictions. */
  inverse(values: SeriesInput, args?: ScaleArgs): Float32Array {
    return this.apply(values, args, false);
  }

  toJSON(): ScalerJSON {
    return {
      kind: this.kind,
      offset: Array.from(this.offset),
      scale: Array.from(this.scale),
      ...(this.kind === 'minmax' ? { range: this.range } : {}),
      ...(this.columnNames ? { columnNames: [...this.columnNames] } : {}),
    };
  }
}

/** Reads the fit rows as a matrix; returns the values and the row range. */
function fitRows(data: SeriesInput, args: FitArgs) {
  const m = toMatrix(data, 'series', args.columnNames);
  const start = nonNegativeInt('startIndex', args.startIndex ?? 0);
  const end = nonNegativeInt('endIndex', args.endIndex ?? m.rows);
  if (end > m.rows || start >= end) {
    throw new WindowingError(
      'OUT_OF_RANGE',
      `fit range [${start}, ${end}) is not inside the series of ${m.rows} rows: ` +
        'pass 0 <= startIndex < endIndex <= rows',
    );
  }
  return { m, start, end };
}

/** Standard scaling per column: (v - mean) / std, statistics from the fit rows only. */
export class StandardScaler extends AffineScaler {
  readonly kind = 'standard' as const;

  /** Fits mean and population std per column on rows [startIndex, endIndex). */
  static fit(data: SeriesInput, args: FitArgs = {}): StandardScaler {
    const { m, start, end } = fitRows(data, args);
    const C = m.columns;
    const mean = new Float64Array(C);
    const std = new Float64Array(C);
    const n = end - start;
    for (let r = start; r < end; r++) for (let c = 0; c < C; c++) mean[c]! += m.values[r * C + c]!;
    for (let c = 0; c < C; c++) mean[c]! /= n;
    for (let r = start; r < end; r++) {
      for (let c = 0; c < C; c++) std[c]! += (m.values[r * C + c]! - mean[c]!) ** 2;
    }
    // std 0 (a constant column) would divide by zero: scale by 1, as scikit-learn does
    for (let c = 0; c < C; c++) std[c] = Math.sqrt(std[c]! / n) || 1;
    return new StandardScaler(mean, std, [0, 1], m.names);
  }

  static fromJSON(json: ScalerJSON): StandardScaler {
    return scalerFromJSON({ ...json, kind: 'standard' }) as StandardScaler;
  }

  /** @internal */
  static make(offset: Float64Array, scale: Float64Array, names?: readonly string[]) {
    return new StandardScaler(offset, scale, [0, 1], names);
  }
}

/** Min-max scaling per column into `range` (default [0, 1]), from the fit rows only. */
export class MinMaxScaler extends AffineScaler {
  readonly kind = 'minmax' as const;

  /** Fits min and max per column on rows [startIndex, endIndex). */
  static fit(data: SeriesInput, args: FitArgs & { range?: [number, number] } = {}): MinMaxScaler {
    const range = args.range ?? [0, 1];
    if (!(range[1] > range[0])) {
      throw new WindowingError(
        'BAD_OPTION',
        `range must be [lo, hi] with lo < hi, got [${range.join(', ')}]`,
      );
    }
    const { m, start, end } = fitRows(data, args);
    const C = m.columns;
    const min = new Float64Array(C).fill(Infinity);
    const max = new Float64Array(C).fill(-Infinity);
    for (let r = start; r < end; r++) {
      for (let c = 0; c < C; c++) {
        const v = m.values[r * C + c]!;
        if (v < min[c]!) min[c] = v;
        if (v > max[c]!) max[c] = v;
      }
    }
    // a constant column has range 0: scale by 1, as scikit-learn does
    const scale = max.map((hi, c) => hi - min[c]! || 1);
    return new MinMaxScaler(min, scale, range, m.names);
  }

  static fromJSON(json: ScalerJSON): MinMaxScaler {
    return scalerFromJSON({ ...json, kind: 'minmax' }) as MinMaxScaler;
  }

  /** @internal */
  static make(
    offset: Float64Array,
    scale: Float64Array,
    range: [number, number],
    names?: readonly string[],
  ) {
    return new MinMaxScaler(offset, scale, range, names);
  }
}

/** Any scaler made by this package. */
export type Scaler = StandardScaler | MinMaxScaler;

/** Restores a scaler from {@link ScalerJSON}; checks its fields. */
export function scalerFromJSON(json: ScalerJSON): Scaler {
  const ok =
    json &&
    (json.kind === 'standard' || json.kind === 'minmax') &&
    Array.isArray(json.offset) &&
    Array.isArray(json.scale) &&
    json.offset.length === json.scale.length &&
    json.offset.length > 0 &&
    json.offset.every(Number.isFinite) &&
    json.scale.every((s) => Number.isFinite(s) && s !== 0);
  if (!ok) {
    throw new WindowingError(
      'BAD_OPTION',
      'not a scaler JSON: expected { kind: "standard" | "minmax", offset: number[], ' +
        'scale: number[] (non-zero, same length) }; save it with JSON.stringify(scaler)',
    );
  }
  const offset = Float64Array.from(json.offset);
  const scale = Float64Array.from(json.scale);
  return json.kind === 'standard'
    ? StandardScaler.make(offset, scale, json.columnNames)
    : MinMaxScaler.make(offset, scale, json.range ?? [0, 1], json.columnNames);
}
