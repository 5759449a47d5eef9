/**
 * What the step engines of `statefulLM` share: the stepper interface, the state layout, the
 * checks, and `arrayLM`, which holds the array state of the js and fused engines. Shapes: per
 * layer, h and c are [batch * units] row-major.
 *
 * Neighbours in `generation/`: `stateful.ts` picks a step engine (`step-js.ts`, `step-tfjs.ts`,
 * `step-fused.ts`, sharing `step-common.ts`) over the weights `lm-weights.ts` reads; `generate.ts`,
 * `sampling.ts`, `beam-search.ts` and `beam-decoders.ts` use them.
 */

import { cellOf } from '../cells/index.js';
import { ModelsError } from '../errors.js';
import type { CellWeights, LmWeights } from './lm-weights.js';

/**
 * - `'js'`: cells and products on Float32Arrays; no tensor per step.
 * - `'tfjs'`: the same cells as tfjs ops inside `tidy`, on the current backend.
 * - `'fused'`: one backend matMul per layer and step, by [R_l | next layer's kernel or the dense
 *   kernel], gates in JS (`step-fused.ts`).
 * - `'auto'`: `'fused'` on the wasm backend, `'js'` on any other, as measured
 *   (apps/docs/guide/performance.md; `bench/packages/models.bench.mjs`, `bench/speed/api.mjs w3`).
 */
export type StepEngine = 'auto' | 'js' | 'tfjs' | 'fused';

/** Per layer: h [batch * units] row-major, and c [batch * units] (LSTM; empty for the others). */
export interface LmState {
  h: Float32Array[];
  c: Float32Array[];
}

export interface StatefulLM {
  /** Token ids must be in [0, vocabSize). */
  readonly vocabSize: number;
  /** Logits per row. */
  readonly classes: number;
  readonly batchSize: number;
  /** The engine running (never 'auto'). */
  readonly engine: Exclude<StepEngine, 'auto'>;
  /**
   * Feeds `tokens[b]` to row b and returns the next-token logits [batchSize * classes] (before
   * the output softmax). The returned array may be overwritten by the next call: copy what you keep.
   */
  step(tokens: ArrayLike<number>): Float32Array;
  /** Zero state for `batchSize` rows (default: the current batch size). */
  reset(batchSize?: number): void;
  /** A copy of the current state. */
  getState(): LmState;
  /** Replaces the state (and the batch size, taken from the arrays' length). */
  setState(state: LmState): void;
  /** Frees the engine's tensors (a no-op for the js engine). */
  dispose(): void;
}

export function checkTokens(tokens: ArrayLike<number>, batchSize: number, vocabSize: number): void {
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

export function zeroState(w: LmWeights, batchSize: number): LmState {
  return {
    h: w.cells.map((c) => new Float32Array(batchSize * c.units)),
    c: w.cells.map((c) => new Float32Array(hasC(c) ? batchSize * c.units : 0)),
  };
}

export function copyState(s: LmState): LmState {
  return { h: s.h.map((a) => a.slice()), c: s.c.map((a) => a.slice()) };
}

export function batchOf(w: LmWeights, s: LmState): number {
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

/**
 * Checks a step's tokens and finds the rows fed padding (id 0 with maskZero), which keep their
 * state as a masked step does in Keras; `before` is a copy of the state to restore them from.
 */
export function beginStep(
  w: LmWeights,
  tokens: ArrayLike<number>,
  n: number,
  state: LmState,
): { masked: number[]; before: LmState | null } {
  checkTokens(tokens, n, w.vocabSize);
  const masked = paddedRows(w, tokens, n);
  return { masked, before: masked.length > 0 ? copyState(state) : null };
}

/** Rows fed padding (id 0 with maskZero): they keep their state, as a masked step does in Keras. */
export function paddedRows(w: LmWeights, tokens: ArrayLike<number>, n: number): number[] {
  const rows: number[] = [];
  if (w.maskZero) for (let b = 0; b < n; b++) if (tokens[b] === 0) rows.push(b);
  return rows;
}

/** Whether the layer's cell carries a c state besides h (LSTM). */
export function hasC(w: CellWeights): boolean {
  return cellOf(w.cell).layout.states.length === 2;
}

/** Gate blocks k of the layer's cell: kernel [in, k*units]. */
export function gatesOf(w: CellWeights): number {
  return cellOf(w.cell).layout.gates;
}

/**
 * Whether the layer runs a cell's reset-before mode (GRU resetAfter false): its last gate block
 * multiplies r * h_{t-1}, so h_{t-1} R is split into R[:, :2u] now and R[:, 2u:] after r.
 */
export function splitRecurrent(w: CellWeights): boolean {
  return cellOf(w.cell).resetAfter && w.recurrentBias === null;
}

/** Puts `rows` of layer l's h (and c, for LSTM) back to their values in `before`. */
export function restoreRows(
  state: LmState,
  before: LmState,
  w: CellWeights,
  l: number,
  rows: readonly number[],
): void {
  const units = w.units;
  const withC = hasC(w);
  for (const b of rows) {
    state.h[l]!.set(before.h[l]!.subarray(b * units, (b + 1) * units), b * units);
    if (withC) state.c[l]!.set(before.c[l]!.subarray(b * units, (b + 1) * units), b * units);
  }
}

/** m [n, cols] += bias [cols] on every row, in place. */
export function addRowBias(m: Float32Array, bias: Float32Array, n: number, cols: number): void {
  for (let b = 0; b < n; b++) for (let k = 0; k < cols; k++) m[b * cols + k]! += bias[k]!;
}

/**
 * What an engine over array state (`step-js.ts`, `step-fused.ts`) computes; {@link arrayLM} holds
 * the state and the batch size around it.
 */
export interface ArrayStepper {
  /**
   * Feeds `tokens` to the `n` rows of `state` (updated in place) and returns the logits
   * [n * classes]. `masked` are the rows fed padding, to be put back from `before` (a copy of the
   * state, null when no row is masked) with `restoreRows`.
   */
  step(
    tokens: ArrayLike<number>,
    n: number,
    state: LmState,
    masked: readonly number[],
    before: LmState | null,
  ): Float32Array;
  /** The state was replaced, for `n` rows: zeroed (`zero`), or set by the caller. */
  stateChanged?(n: number, zero: boolean): void;
  /** Frees what the engine holds. */
  dispose?(): void;
}

/** A `StatefulLM` over array state: the state, the batch size and the checks around `stepper`. */
export function arrayLM(
  w: LmWeights,
  batchSize: number,
  engine: 'js' | 'fused',
  stepper: ArrayStepper,
): StatefulLM {
  let state = zeroState(w, batchSize);
  let batch = batchSize;
  stepper.stateChanged?.(batch, true);
  return {
    vocabSize: w.vocabSize,
    classes: w.classes,
    get batchSize() {
      return batch;
    },
    engine,
    step(tokens) {
      const { masked, before } = beginStep(w, tokens, batch, state);
      return stepper.step(tokens, batch, state, masked, before);
    },
    reset(n = batch) {
      batch = n;
      state = zeroState(w, n);
      stepper.stateChanged?.(n, true);
    },
    getState: () => copyState(state),
    setState(s: LmState) {
      batch = batchOf(w, s);
      state = copyState(s);
      stepper.stateChanged?.(batch, false);
    },
    dispose() {
      stepper.dispose?.();
    },
  };
}
