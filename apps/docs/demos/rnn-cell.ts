/**
 * The RNN cell of the tutorial in plain numbers, for the cell explorer (demo 3):
 * h_t = tanh(W_x x_t + W_h h_{t-1} + b), with d = D_h = 4 and batch 1, on plain arrays so that every
 * intermediate value can be shown. The weights start as a Keras `SimpleRNN` layer's do (and
 * rnnkit's): W_x Glorot-uniform, drawn in [-limit, limit] with limit sqrt(6 / (fanIn + fanOut)) =
 * sqrt(6 / 8) ≈ 0.866; W_h orthogonal (a random rotation: its rows are unit vectors at right
 * angles, so W_h neither grows nor shrinks h); b zero. The draws come from a seeded stream.
 *
 * @example
 * ```ts
 * const cell = createCell({ d: 4, units: 4, seed: 0 });
 * const steps = runCell(cell, [[1, 0, 0, 0], [0, 1, 0, 0]]); // 'h', 'e' one-hot
 * steps[1].hPrev; // = steps[0].h
 * steps[0].h.every((v) => v > -1 && v < 1); // true
 * cell.b; // [0, 0, 0, 0]
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
  const limit = Math.sqrt(6 / (args.d + args.units));
  const Wx = Array.from({ length: args.units }, () =>
    Array.from({ length: args.d }, () => (2 * rand() - 1) * limit),
  );
  return { Wx, Wh: orthogonal(args.units, rand), b: Array.from({ length: args.units }, () => 0) };
}

/** A standard normal draw from a uniform stream (Box-Muller). */
function normal(rand: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
}

/**
 * A random n × n orthogonal matrix as Keras's `Orthogonal` initializer makes one: Q of the QR
 * decomposition of a matrix of normal draws, with R's diagonal made positive (Gram-Schmidt on the
 * rows gives exactly that Q).
 */
export function orthogonal(n: number, rand: () => number): Matrix {
  const rows: Matrix = [];
  for (let i = 0; i < n; i++) {
    let v = Array.from({ length: n }, () => normal(rand));
    for (const q of rows) {
      const dot = q.reduce((s, qj, j) => s + qj * v[j]!, 0);
      v = v.map((vj, j) => vj - dot * q[j]!);
    }
    const norm = Math.hypot(...v);
    rows.push(v.map((vj) => vj / norm));
  }
  return rows;
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

/** The characters of `text` in `alphabet` (`kept`) and the others (`left`, each once, in order). */
export function splitKnown(
  text: string,
  alphabet: readonly string[],
): { kept: string[]; left: string[] } {
  const chars = Array.from(text);
  return {
    kept: chars.filter((c) => alphabet.includes(c)),
    left: [...new Set(chars.filter((c) => !alphabet.includes(c)))],
  };
}

/** One-hot rows for `chars` over `alphabet`; every character must be in it (see `splitKnown`). */
export function oneHotText(chars: readonly string[], alphabet: readonly string[]): Vector[] {
  return chars.map((c) => {
    if (!alphabet.includes(c)) throw new Error(`"${c}" is not one of ${alphabet.join(', ')}`);
    return alphabet.map((a) => (a === c ? 1 : 0));
  });
}

/** A colour for a value in about [-1.5, 1.5]: blue for negative, red for positive, white at 0. */
export function valueColor(v: number): string {
  const a = Math.min(1, Math.abs(v) / 1.5);
  return v >= 0 ? `rgba(214, 39, 40, ${a.toFixed(2)})` : `rgba(31, 119, 180, ${a.toFixed(2)})`;
}
