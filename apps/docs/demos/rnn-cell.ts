/**
 * The RNN cell of the tutorial in plain numbers, for the cell explorer (demo 3):
 * h_t = tanh(W_x x_t + W_h h_{t-1} + b), with d = D_h = 4 and batch 1, on plain arrays so that every
 * intermediate value can be shown. The weights are drawn uniformly in [-limit, limit]
 * (Glorot's limit sqrt(6 / (fanIn + fanOut)) = sqrt(6 / 8) ≈ 0.866) from a seeded stream.
 *
 * @example
 * ```ts
 * const cell = createCell({ d: 4, units: 4, seed: 0 });
 * const steps = runCell(cell, [[1, 0, 0, 0], [0, 1, 0, 0]]); // 'h', 'e' one-hot
 * steps[1].hPrev; // = steps[0].h
 * steps[0].h.every((v) => v > -1 && v < 1); // true
 * ```
 */
import { mulberry32 } from '@rnnkit/windowing';

export type Vector = number[];
/** Row-major: `m[i][j]` is row i, column j. */
export type Matrix = number[][];

export interface Cell {
  /** [D_h, d] input weights. */
  Wx: Matrix;
  /** [D_h, D_h] recurrent weights. */
  Wh: Matrix;
  /** [D_h] bias. */
  b: Vector;
}

export interface CellStep {
  t: number;
  x: Vector; // [d]
  hPrev: Vector; // [D_h]
  Wxx: Vector; // W_x x_t, [D_h]
  Whh: Vector; // W_h h_{t-1}, [D_h]
  z: Vector; // W_x x_t + W_h h_{t-1} + b, [D_h]
  h: Vector; // tanh(z), [D_h]
}

export function createCell(args: { d: number; units: number; seed: number }): Cell {
  const rand = mulberry32(args.seed);
  const draw = (rows: number, cols: number, limit: number): Matrix =>
    Array.from({ length: rows }, () =>
      Array.from({ length: cols }, () => (2 * rand() - 1) * limit),
    );
  return {
    Wx: draw(args.units, args.d, Math.sqrt(6 / (args.d + args.units))),
    Wh: draw(args.units, args.units, Math.sqrt(6 / (2 * args.units))),
    b: Array.from({ length: args.units }, () => (2 * rand() - 1) * 0.1),
  };
}

export const matVec = (m: Matrix, v: Vector): Vector =>
  m.map((row) => row.reduce((s, w, j) => s + w * v[j]!, 0));

/** Runs the cell over the inputs from h_0 = 0 and returns every step's intermediate values. */
export function runCell(cell: Cell, xs: Vector[]): CellStep[] {
  let hPrev: Vector = cell.b.map(() => 0);
  return xs.map((x, t) => {
    const Wxx = matVec(cell.Wx, x);
    const Whh = matVec(cell.Wh, hPrev);
    const z = Wxx.map((v, i) => v + Whh[i]! + cell.b[i]!);
    const h = z.map(Math.tanh);
    const step = { t: t + 1, x, hPrev, Wxx, Whh, z, h };
    hPrev = h;
    return step;
  });
}

/** One-hot rows for the characters of `text` over `alphabet` (unknown characters: all zeros). */
export function oneHotText(text: string, alphabet: readonly string[]): Vector[] {
  return Array.from(text).map((c) => alphabet.map((a) => (a === c ? 1 : 0)));
}

/** A colour for a value in about [-1.5, 1.5]: blue for negative, red for positive, white at 0. */
export function valueColor(v: number): string {
  const a = Math.min(1, Math.abs(v) / 1.5);
  return v >= 0 ? `rgba(214, 39, 40, ${a.toFixed(2)})` : `rgba(31, 119, 180, ${a.toFixed(2)})`;
}
