/**
 * One recurrent cell step by step on plain arrays, keeping every gate and state, for the cell
 * explorer (demo 5). The weights are an rnnkit (and Keras) layer's own, in its layout:
 * `kernel` [features][k * units], `recurrentKernel` [units][k * units], gate blocks i f c o (LSTM)
 * or z r h (GRU), `bias` [k * units], or for a GRU with `resetAfter` (rnnkit's default) two rows,
 * [input bias, recurrent bias]. The step is the one of `@rnnkit/models`' reference kernel
 * (sigmoid gates, tanh), which `test/cell-trace.test.ts` checks it against.
 *
 * @example
 * ```ts
 * const t = traceCell('gru', weights, [[1, 0], [0, 1]]); // two one-hot steps
 * t.gates.z[0].length; // units
 * t.gates.h[1]; // h_2, as the layer outputs it
 * ```
 */

export type TraceCell = 'rnn' | 'lstm' | 'gru';

export interface CellWeights {
  kernel: number[][];
  recurrentKernel: number[][];
  bias: number[] | number[][] | null;
}

/** The values each cell shows, in the order of its equations (`c~`/`h~`: the candidates). */
export const CELL_GATES: Record<TraceCell, readonly string[]> = {
  rnn: ['h'],
  lstm: ['i', 'f', 'o', 'c~', 'c', 'h'],
  gru: ['z', 'r', 'h~', 'h'],
};

export interface CellTrace {
  cell: TraceCell;
  units: number;
  /** Per name of CELL_GATES[cell]: [time][unit]. */
  gates: Record<string, number[][]>;
}

const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));

/** v (length n) times m ([n][cols]), plus `add` when given. */
function vecMat(v: readonly number[], m: readonly number[][], add?: readonly number[]): number[] {
  const out = add ? [...add] : new Array<number>(m[0]?.length ?? 0).fill(0);
  v.forEach((vi, i) => {
    if (vi === 0) return;
    const row = m[i]!;
    for (let j = 0; j < out.length; j++) out[j]! += vi * row[j]!;
  });
  return out;
}

/** Runs the cell from zero state over `xs` ([time][features]) and returns every gate and state. */
export function traceCell(cell: TraceCell, w: CellWeights, xs: readonly number[][]): CellTrace {
  const units = w.recurrentKernel.length;
  const twoRows = Array.isArray(w.bias?.[0]);
  const inBias = w.bias == null ? undefined : ((twoRows ? w.bias[0] : w.bias) as number[]);
  const recBias = twoRows ? (w.bias as number[][])[1] : undefined;
  const gates: Record<string, number[][]> = Object.fromEntries(
    CELL_GATES[cell].map((g) => [g, [] as number[][]]),
  );
  let h = new Array<number>(units).fill(0);
  let c = new Array<number>(units).fill(0);
  const block = (v: number[], k: number) => v.slice(k * units, (k + 1) * units);
  for (const x of xs) {
    const px = vecMat(x, w.kernel, inBias); // W x + b, all gate blocks
    if (cell === 'rnn') {
      const ph = vecMat(h, w.recurrentKernel);
      h = px.map((v, j) => Math.tanh(v + ph[j]!));
    } else if (cell === 'lstm') {
      const z = vecMat(h, w.recurrentKernel, px);
      const [i, f, cc, o] = [0, 1, 2, 3].map((k) => block(z, k)) as [
        number[],
        number[],
        number[],
        number[],
      ];
      const ig = i.map(sigmoid);
      const fg = f.map(sigmoid);
      const og = o.map(sigmoid);
      const cand = cc.map(Math.tanh);
      c = c.map((cj, j) => fg[j]! * cj + ig[j]! * cand[j]!);
      h = c.map((cj, j) => og[j]! * Math.tanh(cj));
      gates.i!.push(ig);
      gates.f!.push(fg);
      gates.o!.push(og);
      gates['c~']!.push(cand);
      gates.c!.push(c);
    } else {
      // resetAfter: the reset gate scales the recurrent projection, its bias included
      const ph = vecMat(h, w.recurrentKernel, recBias);
      const zg = block(px, 0).map((v, j) => sigmoid(v + block(ph, 0)[j]!));
      const rg = block(px, 1).map((v, j) => sigmoid(v + block(ph, 1)[j]!));
      const cand = block(px, 2).map((v, j) => Math.tanh(v + rg[j]! * block(ph, 2)[j]!));
      h = h.map((hj, j) => zg[j]! * hj + (1 - zg[j]!) * cand[j]!);
      gates.z!.push(zg);
      gates.r!.push(rg);
      gates['h~']!.push(cand);
    }
    gates.h!.push(h);
  }
  return { cell, units, gates };
}
