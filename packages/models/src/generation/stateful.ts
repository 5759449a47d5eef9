/**
 * Stateful step-by-step inference for a language model built by `manyToMany`: the weights are
 * read once, then each `step(tokens)` feeds one token per row, advances every layer's (h, c) by
 * one cell step and returns the next-token logits. Generating n tokens costs n cell steps, never a
 * re-run over a growing window. A one-hot x_t is a row lookup into the kernel (no matMul).
 *
 * The engines (`StepEngine`) give the same numbers, within 1e-5 of running the model over the
 * whole sequence; they differ in speed. Measured by bench/packages/models.bench.mjs (LSTM 256,
 * vocab 65, wasm backend): see that file for the figures that chose the `'auto'` default.
 *
 * Neighbours in `generation/`: `stateful.ts` picks a step engine (`step-js.ts`, `step-tfjs.ts`,
 * `step-fused.ts`, sharing `step-common.ts`) over the weights `lm-weights.ts` reads; `generate.ts`,
 * `sampling.ts`, `beam-search.ts` and `beam-decoders.ts` use them.
 *
 * @example
 * ```ts
 * import { manyToMany, statefulLM } from '@rnnkit/models';
 * const { model } = manyToMany({ cell: 'lstm', units: 8, classes: 5,
 *   input: { type: 'oneHot', vocabSize: 5 } });
 * const lm = statefulLM(model);       // batch of 1, zero state
 * const logits = lm.step([3]);        // Float32Array [1 * 5]: the logits after token 3
 * lm.step([1]).length;                // 5 (state carried on: the logits after 3, 1)
 * lm.dispose();
 * ```
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { ModelsError } from '../errors.js';
import { readLmWeights } from './lm-weights.js';
import type { StatefulLM, StepEngine } from './step-common.js';
import { fusedEngine } from './step-fused.js';
import { jsEngine } from './step-js.js';
import { tfjsEngine } from './step-tfjs.js';

export type { LmState, StatefulLM, StepEngine } from './step-common.js';

/** The engine used when none is asked for. */
export const DEFAULT_STEP_ENGINE: StepEngine = 'auto';

const ENGINES: readonly StepEngine[] = ['auto', 'js', 'tfjs', 'fused'];

export interface StatefulLMArgs {
  /** Rows stepped together. Default 1. */
  batchSize?: number;
  /** Default `'auto'`: `'fused'` on the wasm backend, else `'js'`. */
  engine?: StepEngine;
}

/** The engine `'auto'` picks on the current backend (measured, see `StepEngine`). */
export function autoEngine(): Exclude<StepEngine, 'auto'> {
  return tf.getBackend() === 'wasm' ? 'fused' : 'js';
}

/** Reads the model's weights once and returns a stepper with zero initial state. */
export function statefulLM(model: tfl.LayersModel, args: StatefulLMArgs = {}): StatefulLM {
  const batchSize = args.batchSize ?? 1;
  if (!(Number.isInteger(batchSize) && batchSize >= 1)) {
    throw new ModelsError('BAD_OPTION', `batchSize must be an integer >= 1, got ${batchSize}`);
  }
  const asked = args.engine ?? DEFAULT_STEP_ENGINE;
  if (!ENGINES.includes(asked)) {
    throw new ModelsError(
      'BAD_OPTION',
      `engine must be one of ${ENGINES.map((e) => `'${e}'`).join(', ')}, got '${String(asked)}'`,
    );
  }
  const engine = asked === 'auto' ? autoEngine() : asked;
  const w = readLmWeights(model);
  if (engine === 'fused') return fusedEngine(w, batchSize);
  return engine === 'tfjs' ? tfjsEngine(w, batchSize) : jsEngine(w, batchSize);
}
