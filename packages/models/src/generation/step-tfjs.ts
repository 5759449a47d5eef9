/**
 * The `'tfjs'` step engine: the same cells as small tfjs ops inside `tidy`, on the current backend.
 *
 * Neighbours in `generation/`: `stateful.ts` picks a step engine (`step-js.ts`, `step-tfjs.ts`,
 * `step-fused.ts`, sharing `step-common.ts`) over the weights `lm-weights.ts` reads; `generate.ts`,
 * `sampling.ts`, `beam-search.ts` and `beam-decoders.ts` use them.
 */
import * as tf from '@tensorflow/tfjs-core';
import { ACTIVATIONS } from '../cells/activations.js';
import { cellOf } from '../cells/index.js';
import type { LmWeights } from './lm-weights.js';
import {
  batchOf,
  checkTokens,
  gatesOf,
  hasC,
  type LmState,
  type StatefulLM,
  zeroState,
} from './step-common.js';

export function tfjsEngine(w: LmWeights, batchSize: number): StatefulLM {
  // the weights as tensors, made once and kept until dispose()
  const cells = w.cells.map((c) => {
    const ku = gatesOf(c) * c.units;
    return {
      w: c,
      kernel: tf.tensor2d(c.kernel, [c.inputSize, ku]),
      recurrent: tf.tensor2d(c.recurrentKernel, [c.units, ku]),
      bias: tf.tensor1d(c.bias),
      recurrentBias: c.recurrentBias === null ? null : tf.tensor1d(c.recurrentBias),
      act: ACTIVATIONS[c.activationName].tf,
      rec: ACTIVATIONS[c.recurrentActivationName].tf,
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
      tf.tensor2d(hasC(cw) ? s.c[l]! : new Float32Array(0), [hasC(cw) ? batch : 0, cw.units]),
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
          // [batch, k*units]: one-hot x is a row lookup, else x K
          const xk: tf.Tensor2D =
            x === null ? tf.gather(cell.kernel, ids) : tf.matMul(x, cell.kernel);
          const xz = tf.add(xk, cell.bias) as tf.Tensor2D;
          const hPrev = h[l]!;
          const [hStep, cNew] = cellOf(cell.w.cell).stepTensors({
            units: cell.w.units,
            xz,
            h: hPrev,
            c: c[l]!,
            recurrentKernel: cell.recurrent,
            recurrentBias: cell.recurrentBias,
            resetAfter: cell.w.resetAfter,
            act: cell.act,
            rec: cell.rec,
          });
          if (hasC(cell.w)) next[w.cells.length + l] = keep(cNew, c[l]!);
          const hNew = keep(hStep, hPrev) as tf.Tensor2D;
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
