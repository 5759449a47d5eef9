/** The `'tfjs'` step engine: the same cells as small tfjs ops inside `tidy`, on the current backend. */
import * as tf from '@tensorflow/tfjs-core';
import type { LmWeights } from './lm-weights.js';
import {
  batchOf,
  checkTokens,
  GATES,
  type LmState,
  type StatefulLM,
  zeroState,
} from './step-common.js';

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

export function tfjsEngine(w: LmWeights, batchSize: number): StatefulLM {
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
