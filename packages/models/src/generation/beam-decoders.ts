/**
 * Adapters from tfjs decoders to `beamSearch`'s step interface.
 *
 * `tensorStep(step)` adapts any decoder whose one-token step is
 * `(prev ids [n], state: Tensor[] each [n, ...]) -> { logits [n, classes], state }` (the shape of
 * `oneToMany(...).step`; a seq2seq decoder fits by closing over its encoder outputs, tiled to the
 * n rows it is asked for). A beam's state is its own list of [1, ...] tensors; the adapter
 * concatenates the beams into one batch, steps once, and splits the result back, all in `tidy`.
 *
 * `oneToManyDecoder(net, condition)` and `seq2seqDecoder(net, source)` are the ready-made adapters
 * for `oneToMany` and `seq2seq`.
 *
 * Neighbours in `generation/`: `stateful.ts` picks a step engine (`step-js.ts`, `step-tfjs.ts`,
 * `step-fused.ts`, sharing `step-common.ts`) over the weights `lm-weights.ts` reads; `generate.ts`,
 * `sampling.ts`, `beam-search.ts` and `beam-decoders.ts` use them.
 *
 * @example
 * ```ts
 * import { beamSearch, oneToMany, oneToManyDecoder } from '@rnnkit/models';
 * const net = oneToMany({ cell: 'gru', units: 16, classes: 30,
 *   condition: { type: 'class', classes: 4 }, input: { type: 'embedding', vocabSize: 30, dims: 8 } });
 * const dec = oneToManyDecoder(net, tf.tensor1d([2], 'int32'));
 * const best = beamSearch({ ...dec, startToken: 2, eosToken: 3, beamWidth: 4, maxLength: 20 });
 * dec.dispose(); // frees the initial state
 * best[0].tokens; // e.g. [17, 5, 9]: the most likely sequence for condition class 2
 * ```
 */
import * as tf from '@tensorflow/tfjs-core';
import type { BeamStep } from './beam-search.js';

/** A decoder step over a batch of n rows, with a flat list of state tensors. */
export type TensorDecoderStep = (
  prev: tf.Tensor1D,
  state: tf.Tensor[],
) => { logits: tf.Tensor; state: tf.Tensor[] };

/** What `beamSearch` needs from a tensor decoder, plus `dispose` for the initial state. */
export interface BeamDecoder {
  step: BeamStep<tf.Tensor[]>;
  initialState: tf.Tensor[];
  disposeState: (state: tf.Tensor[]) => void;
  /** Frees the initial state (call after `beamSearch`). */
  dispose(): void;
}

/** Adapts a batched tensor decoder step to `beamSearch` (state per beam: tensors of batch 1). */
export function tensorStep(step: TensorDecoderStep): BeamStep<tf.Tensor[]> {
  return (tokens, states) => {
    const n = tokens.length;
    const out = tf.tidy(() => {
      const prev = tf.tensor1d(Array.from(tokens), 'int32');
      const slots = states[0]?.length ?? 0;
      // [n, ...] per state slot: the beams side by side
      const batched = Array.from({ length: slots }, (_, k) =>
        n === 1
          ? states[0]![k]!
          : tf.concat(
              states.map((s) => s[k]!),
              0,
            ),
      );
      const r = step(prev, batched);
      const logProbs = tf.logSoftmax(tf.reshape(r.logits, [n, -1]));
      // back to one [1, ...] tensor per beam and slot
      const rows = r.state.map((t) => (n === 1 ? [tf.clone(t)] : tf.split(t, n, 0)));
      return { logProbs, rows };
    });
    const values = out.logProbs.dataSync() as Float32Array;
    const classes = values.length / n;
    out.logProbs.dispose();
    return {
      logProbs: Array.from({ length: n }, (_, i) =>
        values.subarray(i * classes, (i + 1) * classes),
      ),
      states: Array.from({ length: n }, (_, i) => out.rows.map((slot) => slot[i]!)),
    };
  };
}

/**
 * The parts of `oneToMany(...)` that decoding uses (`OneToManyModel` extends it with `T`
 * `tf.Tensor2D`; a decoder takes any tensors).
 */
export interface OneToManyLike<T extends tf.Tensor = tf.Tensor> {
  /** Initial state from a condition: class ids [batch] or [batch, 1], or features [batch, k]. */
  conditionToState(condition: tf.Tensor): T[];
  /**
   * One decoder step from the previous token: ids [batch] (or [batch, features] for a features
   * input) and the state; returns logits [batch, classes] and the next state. `condition` is
   * needed only with `conditionEveryStep`. Inputs are not disposed; outputs are the caller's.
   */
  step(prev: tf.Tensor, state: tf.Tensor2D[], condition?: tf.Tensor): { logits: T; state: T[] };
}

/**
 * Beam-search decoder for one condition of a `oneToMany` model: `condition` is one class id
 * ([1] int32) or one feature vector ([1, features]). It is repeated for every beam when the model
 * joins it to each step. The caller keeps ownership of `condition`.
 */
export function oneToManyDecoder(net: OneToManyLike, condition: tf.Tensor): BeamDecoder {
  const initialState = net.conditionToState(condition);
  const step = tensorStep((prev, state) => {
    const n = prev.shape[0];
    const c =
      n === 1
        ? condition
        : tf.concat(
            Array.from({ length: n }, () => condition),
            0,
          );
    return net.step(prev, state as tf.Tensor2D[], c);
  });
  return {
    step,
    initialState,
    disposeState: (s) => tf.dispose(s),
    dispose: () => tf.dispose(initialState),
  };
}

/** The parts of `seq2seq(...)` that decoding uses. */
export interface Seq2SeqLike {
  encode(source: tf.Tensor): { outputs: tf.Tensor; state: tf.Tensor[]; mask: tf.Tensor };
  decodeStep(
    prev: tf.Tensor,
    state: tf.Tensor2D[],
    encoded: { outputs: tf.Tensor3D; mask: tf.Tensor2D },
  ): { logits: tf.Tensor; state: tf.Tensor[]; attention: tf.Tensor | null };
}

/**
 * Beam-search decoder for one source sequence of a `seq2seq` model: `source` is [1, srcTime] ids
 * (or [1, srcTime, features]). Encodes once; the encoder outputs and mask are tiled to the beams
 * at each step (attention reads them). The caller keeps ownership of `source`.
 */
export function seq2seqDecoder(net: Seq2SeqLike, source: tf.Tensor): BeamDecoder {
  const enc = net.encode(source);
  const step = tensorStep((prev, state) => {
    const n = prev.shape[0];
    // [n, srcTime, D] and [n, srcTime]: the one source, once per beam
    const outputs = (n === 1 ? enc.outputs : tf.tile(enc.outputs, [n, 1, 1])) as tf.Tensor3D;
    const mask = (n === 1 ? enc.mask : tf.tile(enc.mask, [n, 1])) as tf.Tensor2D;
    const r = net.decodeStep(prev, state as tf.Tensor2D[], { outputs, mask });
    return { logits: r.logits, state: r.state }; // attention is dropped (and disposed by tidy)
  });
  return {
    step,
    initialState: enc.state,
    disposeState: (s) => tf.dispose(s),
    dispose: () => tf.dispose([enc.outputs, enc.mask, ...enc.state]),
  };
}
