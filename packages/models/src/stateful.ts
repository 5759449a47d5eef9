/**
 * Stateful step-by-step inference for a language model built by `manyToMany`: the weights are
 * read once, then each `step(tokens)` feeds one token per row, advances every layer's (h, c) by
 * one cell step and returns the next-token logits. Generating n tokens costs n cell steps, never a
 * re-run over a growing window. A one-hot x_t is a row lookup into the kernel (no matMul).
 *
 * Two engines give the same numbers (within 1e-5 of running the model over the whole sequence):
 * - `'js'` (default): the cells on Float32Arrays; no tensor is made per step. Measured faster for
 *   generation (bench/packages/models.bench.mjs; PERF-NOTES: 2 769 vs 1 344 chars/s on wasm).
 * - `'tfjs'`: the same cell as small tfjs ops inside `tidy`, on the current backend.
 *
 * @example
 * ```ts
 * import { manyToMany, statefulLM } from '@rnnkit/models';
 * const { model } = manyToMany({ cell: 'lstm', units: 8, classes: 5,
 *   input: { type: 'oneHot', vocabSize: 5 } });
 * const lm = statefulLM(model);       // batch of 1, zero state
 * const logits = lm.step([3]);        // Float32Array [1 * 5]: the logits after token 3
 * lm.step([1]).length;                // 5 (state carried on: the logits after 3, 1)
 * ```
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { ModelsError } from './errors.js';
import { type CellWeights, type LmWeights, readLmWeights } from './lm-weights.js';

export type StepEngine = 'js' | 'tfjs';

/** The engine used when none is asked for (the faster one on generation, see the module doc). */
export const DEFAULT_STEP_ENGINE: StepEngine = 'js';

/** Per layer: h [batch * units] row-major, and c [batch * units] (LSTM; empty for the others). */
export interface LmState {
  h: Float32Array[];
  c: Float32Array[];
}

export interface StatefulLMArgs {
  /** Rows stepped together. Default 1. */
  batchSize?: number;
  /** Default `DEFAULT_STEP_ENGINE` ('js'). */
  engine?: StepEngine;
}

export interface StatefulLM {
  /** Token ids must be in [0, vocabSize). */
  readonly vocabSize: number;
  /** Logits per row. */
  readonly classes: number;
  readonly batchSize: number;
  readonly engine: StepEngine;
  /**
   * Feeds `tokens[b]` to row b and returns the next-token logits [batchSize * classes] (before
   * the output softmax). The returned array is overwritten by the next call: copy what you keep.
   */
  step(tokens: ArrayLike<number>): Float32Array;
  /** Zero state for `batchSize` rows (default: the current batch size). */
  reset(batchSize?: number): void;
  /** A copy of the current state. */
  getState(): LmState;
  /** Replaces the state (and the batch size, taken from the arrays' length). */
  setState(state: LmState): void;
  /** Frees the engine's tensors (the tfjs engine; a no-op for js). */
  dispose(): void;
}

const GATES = { rnn: 1, lstm: 4, gru: 3 } as const;

/** out[k] += sum_j v[j] M[j, k] for k in [c0, c1); M [rows, cols] row-major (rows = v.length). */
function matvecAdd(
  v: Float32Array,
  m: Float32Array,
  cols: number,
  out: Float32Array,
  c0: number,
  c1: number,
): void {
  for (let j = 0; j < v.length; j++) {
    const vj = v[j]!;
    if (vj === 0) continue; // one-hot and ReLU rows are mostly zeros
    const base = j * cols;
    for (let k = c0; k < c1; k++) out[k]! += vj * m[base + k]!;
  }
}

/** Advances one layer by one step for one row: h, c updated in place from input x (or a one-hot id). */
function cellStep(
  w: CellWeights,
  x: Float32Array | number,
  h: Float32Array,
  c: Float32Array,
  z: Float32Array,
  hz: Float32Array,
): void {
  const u = w.units;
  const ku = GATES[w.cell] * u;
  // z = x_t K + b   [k*units]
  if (typeof x === 'number') z.set(w.kernel.subarray(x * ku, x * ku + ku));
  else {
    z.fill(0);
    matvecAdd(x, w.kernel, ku, z, 0, ku);
  }
  for (let k = 0; k < ku; k++) z[k]! += w.bias[k]!;
  const act = w.activation;
  const rec = w.recurrentActivation;
  if (w.cell === 'rnn') {
    matvecAdd(h, w.recurrentKernel, ku, z, 0, ku);
    for (let j = 0; j < u; j++) h[j] = act(z[j]!);
  } else if (w.cell === 'lstm') {
    matvecAdd(h, w.recurrentKernel, ku, z, 0, ku);
    for (let j = 0; j < u; j++) {
      // gates [i, f, c, o]
      const cj = rec(z[u + j]!) * c[j]! + rec(z[j]!) * act(z[2 * u + j]!);
      c[j] = cj;
      h[j] = rec(z[3 * u + j]!) * act(cj);
    }
  } else if (w.recurrentBias !== null) {
    // GRU resetAfter: hh = act(x K_h + b_h + r * (h R_h + rb_h))
    hz.set(w.recurrentBias);
    matvecAdd(h, w.recurrentKernel, ku, hz, 0, ku);
    for (let j = 0; j < u; j++) {
      const zg = rec(z[j]! + hz[j]!);
      const r = rec(z[u + j]! + hz[u + j]!);
      const hh = act(z[2 * u + j]! + r * hz[2 * u + j]!);
      h[j] = zg * h[j]! + (1 - zg) * hh;
    }
  } else {
    // GRU resetAfter false: hh = act(x K_h + b_h + (r * h) R_h)
    matvecAdd(h, w.recurrentKernel, ku, z, 0, 2 * u);
    const rh = hz.subarray(0, u);
    for (let j = 0; j < u; j++) rh[j] = rec(z[u + j]!) * h[j]!;
    matvecAdd(rh, w.recurrentKernel, ku, z, 2 * u, 3 * u);
    for (let j = 0; j < u; j++) {
      const zg = rec(z[j]!);
      h[j] = zg * h[j]! + (1 - zg) * act(z[2 * u + j]!);
    }
  }
}

function checkTokens(tokens: ArrayLike<number>, batchSize: number, vocabSize: number): void {
  if (tokens.length !== batchSize) {
    throw new ModelsError(
      'BAD_INPUT',
      `step() got ${tokens.length} tokens for a batch of ${batchSize}: give one token per row, or reset(${tokens.length}) first`,
    );
  }
  for (let b = 0; b < batchSize; b++) {
    const t = tokens[b]!;
    if (!(Number.isInteger(t) && t >= 0 && t < vocabSize)) {
      throw new ModelsError(
        'BAD_INPUT',
        `token id ${t} (row ${b}) is outside [0, ${vocabSize}): encode the text with the vocab the model was trained with`,
      );
    }
  }
}

function zeroState(w: LmWeights, batchSize: number): LmState {
  return {
    h: w.cells.map((c) => new Float32Array(batchSize * c.units)),
    c: w.cells.map((c) => new Float32Array(c.cell === 'lstm' ? batchSize * c.units : 0)),
  };
}

function copyState(s: LmState): LmState {
  return { h: s.h.map((a) => a.slice()), c: s.c.map((a) => a.slice()) };
}

function batchOf(w: LmWeights, s: LmState): number {
  const h0 = s.h[0];
  const units = w.cells[0]!.units;
  if (s.h.length !== w.cells.length || h0 === undefined || h0.length % units !== 0) {
    throw new ModelsError(
      'BAD_INPUT',
      `setState() got ${s.h.length} layers of h, expected ${w.cells.length} of [batch * ${units}]: pass a state from getState()`,
    );
  }
  return h0.length / units;
}

function jsEngine(w: LmWeights, batchSize: number): StatefulLM {
  let state = zeroState(w, batchSize);
  let batch = batchSize;
  let logits = new Float32Array(batch * w.classes);
  const z = w.cells.map((c) => new Float32Array(GATES[c.cell] * c.units));
  const hz = w.cells.map((c) => new Float32Array(GATES[c.cell] * c.units));
  const emb = w.embedding;
  const embDim = emb === null ? 0 : emb.length / w.vocabSize;
  return {
    vocabSize: w.vocabSize,
    classes: w.classes,
    get batchSize() {
      return batch;
    },
    engine: 'js',
    step(tokens) {
      checkTokens(tokens, batch, w.vocabSize);
      const C = w.classes;
      for (let b = 0; b < batch; b++) {
        const t = tokens[b]!;
        const top = w.cells.length - 1;
        const out = logits.subarray(b * C, (b + 1) * C);
        if (t === 0 && w.maskZero) {
          // a masked step keeps every state; the output is the dense of the unchanged top h
          const u = w.cells[top]!.units;
          out.set(w.denseBias);
          matvecAdd(state.h[top]!.subarray(b * u, (b + 1) * u), w.denseKernel, C, out, 0, C);
          continue;
        }
        let x: Float32Array | number =
          emb === null ? t : emb.subarray(t * embDim, (t + 1) * embDim);
        for (let l = 0; l < w.cells.length; l++) {
          const u = w.cells[l]!.units;
          const h = state.h[l]!.subarray(b * u, (b + 1) * u);
          const c = state.c[l]!.subarray(b * u, (b + 1) * u);
          cellStep(w.cells[l]!, x, h, c, z[l]!, hz[l]!);
          x = h;
        }
        // logits = h W + b   [classes]
        out.set(w.denseBias);
        matvecAdd(x as Float32Array, w.denseKernel, C, out, 0, C);
      }
      return logits;
    },
    reset(n = batch) {
      batch = n;
      state = zeroState(w, n);
      logits = new Float32Array(n * w.classes);
    },
    getState: () => copyState(state),
    setState(s) {
      batch = batchOf(w, s);
      state = copyState(s);
      if (logits.length !== batch * w.classes) logits = new Float32Array(batch * w.classes);
    },
    dispose() {},
  };
}

/** tfjs ops for an activation name (tfjs's hardSigmoid: clip(0.2 x + 0.5, 0, 1)). */
function tfAct(name: string): (x: tf.Tensor) => tf.Tensor {
  switch (name) {
    case 'tanh':
      return tf.tanh;
    case 'sigmoid':
      return tf.sigmoid;
    case 'relu':
      return tf.relu;
    case 'hardSigmoid':
      return (x) => tf.clipByValue(tf.add(tf.mul(x, 0.2), 0.5), 0, 1);
    default:
      return (x) => x;
  }
}

function tfjsEngine(w: LmWeights, batchSize: number): StatefulLM {
  // the weights as tensors, made once and kept until dispose()
  const cells = w.cells.map((c) => {
    const ku = GATES[c.cell] * c.units;
    return {
      w: c,
      kernel: tf.tensor2d(c.kernel, [c.inputSize, ku]),
      recurrent: tf.tensor2d(c.recurrentKernel, [c.units, ku]),
      bias: tf.tensor1d(c.bias),
      recurrentBias: c.recurrentBias === null ? null : tf.tensor1d(c.recurrentBias),
      act: tfAct(c.activationName),
      rec: tfAct(c.recurrentActivationName),
    };
  });
  const emb =
    w.embedding === null
      ? null
      : tf.tensor2d(w.embedding, [w.vocabSize, w.embedding.length / w.vocabSize]);
  const dense = tf.tensor2d(w.denseKernel, [w.denseKernel.length / w.classes, w.classes]);
  const denseBias = tf.tensor1d(w.denseBias);
  let batch = batchSize;
  let h: tf.Tensor2D[] = [];
  let c: tf.Tensor2D[] = [];
  const setState = (s: LmState) => {
    tf.dispose([...h, ...c]);
    batch = batchOf(w, s);
    h = w.cells.map((cw, l) => tf.tensor2d(s.h[l]!, [batch, cw.units]));
    c = w.cells.map((cw, l) =>
      tf.tensor2d(cw.cell === 'lstm' ? s.c[l]! : new Float32Array(0), [
        cw.cell === 'lstm' ? batch : 0,
        cw.units,
      ]),
    );
  };
  setState(zeroState(w, batchSize));
  return {
    vocabSize: w.vocabSize,
    classes: w.classes,
    get batchSize() {
      return batch;
    },
    engine: 'tfjs',
    step(tokens) {
      checkTokens(tokens, batch, w.vocabSize);
      const out = tf.tidy(() => {
        const ids = tf.tensor1d(Array.from(tokens), 'int32');
        // [batch] bool: false where id 0 is padding (maskZero), whose step keeps the state
        const live = w.maskZero ? tf.notEqual(ids, 0) : null;
        const keep = (next: tf.Tensor, prev: tf.Tensor) =>
          live === null ? next : tf.where(live, next, prev);
        let x: tf.Tensor2D | null = emb === null ? null : (tf.gather(emb, ids) as tf.Tensor2D);
        const next: tf.Tensor[] = [];
        cells.forEach((cell, l) => {
          const u = cell.w.units;
          const gate = (t: tf.Tensor2D, g: number) => tf.slice(t, [0, g * u], [batch, u]);
          // [batch, k*units]: one-hot x is a row lookup, else x K
          const xk: tf.Tensor2D =
            x === null ? tf.gather(cell.kernel, ids) : tf.matMul(x, cell.kernel);
          const xz = tf.add(xk, cell.bias) as tf.Tensor2D;
          const hPrev = h[l]!;
          let hNew: tf.Tensor2D;
          if (cell.w.cell === 'rnn') {
            hNew = cell.act(tf.add(xz, tf.matMul(hPrev, cell.recurrent))) as tf.Tensor2D;
          } else if (cell.w.cell === 'lstm') {
            const zz = tf.add(xz, tf.matMul(hPrev, cell.recurrent)) as tf.Tensor2D;
            const cNew = tf.add(
              tf.mul(cell.rec(gate(zz, 1)), c[l]!),
              tf.mul(cell.rec(gate(zz, 0)), cell.act(gate(zz, 2))),
            );
            hNew = tf.mul(cell.rec(gate(zz, 3)), cell.act(cNew)) as tf.Tensor2D;
            next[w.cells.length + l] = keep(cNew, c[l]!);
          } else {
            let hr = tf.matMul(hPrev, cell.recurrent) as tf.Tensor2D; // [batch, 3u]
            if (cell.recurrentBias !== null) hr = tf.add(hr, cell.recurrentBias);
            const zg = cell.rec(tf.add(gate(xz, 0), gate(hr, 0)));
            const r = cell.rec(tf.add(gate(xz, 1), gate(hr, 1)));
            const hh =
              cell.recurrentBias !== null
                ? cell.act(tf.add(gate(xz, 2), tf.mul(r, gate(hr, 2))))
                : cell.act(
                    tf.add(
                      gate(xz, 2),
                      tf.matMul(tf.mul(r, hPrev), tf.slice(cell.recurrent, [0, 2 * u], [u, u])),
                    ),
                  );
            hNew = tf.add(tf.mul(zg, hPrev), tf.mul(tf.sub(1, zg), hh)) as tf.Tensor2D;
          }
          hNew = keep(hNew, hPrev) as tf.Tensor2D;
          next[l] = hNew;
          x = hNew;
        });
        const logits = tf.add(tf.matMul(x!, dense), denseBias);
        return [
          logits,
          ...w.cells.map((_, l) => next[l]!),
          ...w.cells.map((_, l) => next[w.cells.length + l] ?? c[l]!.clone()),
        ];
      });
      const logits = out[0]!;
      tf.dispose([...h, ...c]);
      h = out.slice(1, 1 + w.cells.length) as tf.Tensor2D[];
      c = out.slice(1 + w.cells.length) as tf.Tensor2D[];
      const values = logits.dataSync() as Float32Array;
      logits.dispose();
      return values;
    },
    reset(n = batch) {
      setState(zeroState(w, n));
    },
    getState: () => ({
      h: h.map((t) => (t.dataSync() as Float32Array).slice()),
      c: c.map((t) => (t.dataSync() as Float32Array).slice()),
    }),
    setState,
    dispose() {
      tf.dispose([...h, ...c, dense, denseBias, ...(emb ? [emb] : [])]);
      for (const cell of cells) {
        tf.dispose([
          cell.kernel,
          cell.recurrent,
          cell.bias,
          ...(cell.recurrentBias ? [cell.recurrentBias] : []),
        ]);
      }
      h = [];
      c = [];
    },
  };
}

/** Reads the model's weights once and returns a stepper with zero initial state. */
export function statefulLM(model: tfl.LayersModel, args: StatefulLMArgs = {}): StatefulLM {
  const batchSize = args.batchSize ?? 1;
  if (!(Number.isInteger(batchSize) && batchSize >= 1)) {
    throw new ModelsError('BAD_OPTION', `batchSize must be an integer >= 1, got ${batchSize}`);
  }
  const engine = args.engine ?? DEFAULT_STEP_ENGINE;
  if (engine !== 'js' && engine !== 'tfjs') {
    throw new ModelsError('BAD_OPTION', `engine must be 'js' or 'tfjs', got '${String(engine)}'`);
  }
  const w = readLmWeights(model);
  return engine === 'js' ? jsEngine(w, batchSize) : tfjsEngine(w, batchSize);
}
