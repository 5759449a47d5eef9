/**
 * How each cell lays out its weights, and the order in which Keras, PyTorch and ONNX stack the
 * same gates, gathered from the cells' own files (`rnn.ts`, `lstm.ts`, `gru.ts`): the table every
 * format converter reads a cell's layout from.
 *
 * rnnkit stores a cell as Keras and tfjs do: kernel [features, k*units], recurrent_kernel
 * [units, k*units] and bias [k*units] (GRU resetAfter: [2, 3*units], input then recurrent bias),
 * the k gate blocks side by side along the last axis. Gates are named by their Keras letter
 * everywhere, so a PyTorch LSTM's `g` is `c` here and a PyTorch GRU's `n` is `h`.
 *
 * - rnn:  one block, h.
 * - lstm: Keras i, f, c, o; PyTorch i, f, g(=c), o (weight_ih [4u, features], two biases that add);
 *         ONNX i, o, f, c (W [dirs, 4u, features], B = [Wb; Rb]).
 * - gru:  Keras z, r, h; PyTorch r, z, n(=h) (always reset-after); ONNX z, r, h
 *         (linear_before_reset = 1 for reset-after).
 *
 * ONNX's bias B [dirs, 2*k*units] is [Wb; Rb], the input then the recurrent bias, each in ONNX
 * gate order (`onnxBias`). rnnkit's single bias is the input bias (Rb = 0); a reset-after GRU's
 * [2, 3*units] maps row 0 to Wb and row 1 to Rb, which `linear_before_reset = 1` applies inside
 * r * (h R_h + Rb_h) exactly as Keras does.
 *
 * @example
 * ```ts
 * import { CELL_LAYOUTS, gatePermutation } from '@rnnkit/models';
 * CELL_LAYOUTS.lstm.torch;                                   // ['i', 'f', 'c', 'o']
 * gatePermutation(CELL_LAYOUTS.lstm.keras, CELL_LAYOUTS.lstm.onnx.gates); // [0, 3, 1, 2]
 * ```
 */
import type { CellLayout, GateName } from './cell.js';
import { CELL_TYPES, CELLS, type CellType } from './index.js';

export type { CellLayout, GateName } from './cell.js';

/** Each built-in cell's layout, as its file in `cells/` defines it. */
export const CELL_LAYOUTS: Readonly<Record<CellType, CellLayout>> = Object.fromEntries(
  CELL_TYPES.map((c) => [c, CELLS[c].layout]),
) as Record<CellType, CellLayout>;

/**
 * For each block of the `to` order, the index of the same gate in the `from` order: block j of
 * the result is block `perm[j]` of the source.
 */
export function gatePermutation(from: readonly GateName[], to: readonly GateName[]): number[] {
  if (from.length !== to.length) {
    throw new Error(`gate orders differ in length: ${from.join('')} vs ${to.join('')}`);
  }
  return to.map((g) => {
    const i = from.indexOf(g);
    if (i < 0) throw new Error(`gate ${g} of ${to.join('')} is not in ${from.join('')}`);
    return i;
  });
}

/**
 * Reorders the gate blocks of a row-major matrix [rows, k*units] (blocks along the last axis,
 * the Keras layout) from one gate order to another. A bias is a matrix of one row.
 */
export function permuteGateColumns(
  values: Float32Array,
  rows: number,
  units: number,
  from: readonly GateName[],
  to: readonly GateName[],
): Float32Array {
  const perm = gatePermutation(from, to);
  const k = perm.length;
  const cols = k * units;
  if (values.length !== rows * cols) {
    throw new Error(`expected ${rows} x ${cols} values, got ${values.length}`);
  }
  const out = new Float32Array(values.length);
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < k; j++) {
      const src = r * cols + perm[j]! * units;
      out.set(values.subarray(src, src + units), r * cols + j * units);
    }
  }
  return out;
}

/**
 * ONNX's B for one direction, [Wb; Rb] ([2*k*units]) in ONNX gate order, from rnnkit's bias:
 * [k*units] (Rb = 0), or a reset-after GRU's [2, 3*units] (row 0 Wb, row 1 Rb).
 */
export function onnxBias(cell: CellType, bias: Float32Array, units: number): Float32Array {
  const layout = CELL_LAYOUTS[cell];
  const cols = layout.gates * units;
  const rows = bias.length / cols;
  if (rows !== 1 && !(rows === 2 && cell === 'gru')) {
    throw new Error(
      `expected a ${cell} bias of ${cols} values (gru: or 2 x ${cols}), got ${bias.length}`,
    );
  }
  const out = new Float32Array(2 * cols);
  out.set(permuteGateColumns(bias, rows, units, layout.keras, layout.onnx.gates));
  return out;
}
