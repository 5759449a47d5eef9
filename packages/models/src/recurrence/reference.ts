/**
 * The reference recurrence kernel: the equations of `recurrence.ts` as plain tfjs ops, one cell
 * step per time step, differentiated by tfjs's autodiff. It is the ground truth that faster
 * kernels are tested against, and matches tfjs-layers' SimpleRNN/LSTM/GRU step for step
 * (`rnn()` in tfjs-layers `layers/recurrent.js`), including masks and `goBackwards`.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { referenceRecurrence } from './reference.js';
 * const out = referenceRecurrence({
 *   cell: 'rnn',
 *   x: tf.ones([1, 2, 1]),              // [batch 1, time 2, features 1]
 *   kernel: tf.tensor2d([[1]]),          // [features, units]
 *   recurrentKernel: tf.tensor2d([[1]]), // [units, units]
 *   bias: null,
 *   h0: tf.zeros([1, 1]),
 * });
 * out.sequence.arraySync(); // [[[0.7616], [0.9427]]] = [tanh(1), tanh(1 + tanh(1))]
 * ```
 */
import * as tf from '@tensorflow/tfjs-core';
import { ModelsError } from '../errors.js';
import type { RecurrenceInputs, RecurrenceKernel, RecurrenceOutputs } from './contract.js';

/** Gate blocks per cell: rnn 1, lstm 4 (i f c o), gru 3 (z r h). */
export const GATES = { rnn: 1, lstm: 4, gru: 3 } as const;

type Fn = (x: tf.Tensor) => tf.Tensor;

function activationFn(name: RecurrenceInputs['activation']): Fn {
  switch (name ?? 'tanh') {
    case 'tanh':
      return (x) => tf.tanh(x);
    case 'relu':
      return (x) => tf.relu(x);
    case 'linear':
      return (x) => x;
  }
  throw new ModelsError(
    'BAD_OPTION',
    `activation must be one of tanh, relu, linear, got ${name}: pick one of those`,
  );
}

function recurrentActivationFn(name: RecurrenceInputs['recurrentActivation']): Fn {
  switch (name ?? 'sigmoid') {
    case 'sigmoid':
      return (x) => tf.sigmoid(x);
    // tfjs-layers: clip(0.2 x + 0.5, 0, 1)
    case 'hardSigmoid':
      return (x) => tf.clipByValue(tf.add(tf.mul(x, 0.2), 0.5), 0, 1);
  }
  throw new ModelsError(
    'BAD_OPTION',
    `recurrentActivation must be sigmoid or hardSigmoid, got ${name}: pick one of those`,
  );
}

function shapeError(what: string, expected: string, got: readonly number[]): ModelsError {
  return new ModelsError(
    'BAD_SHAPE',
    `${what} must have shape ${expected}, got [${got.join(', ')}]: check the layer's weights and input`,
  );
}

/** Checks the shapes of the inputs; returns [batch, time, features, units]. */
export function checkRecurrenceInputs(inputs: RecurrenceInputs): [number, number, number, number] {
  const { cell, x, kernel, recurrentKernel, bias, h0, c0, mask } = inputs;
  if (x.rank !== 3) throw shapeError('x', '[batch, time, features]', x.shape);
  const [batch, time, features] = x.shape;
  const units = recurrentKernel.shape[0];
  const k = GATES[cell];
  if (kernel.shape[0] !== features || kernel.shape[1] !== k * units) {
    throw shapeError('kernel', `[${features}, ${k * units}]`, kernel.shape);
  }
  if (recurrentKernel.shape[1] !== k * units) {
    throw shapeError('recurrentKernel', `[${units}, ${k * units}]`, recurrentKernel.shape);
  }
  if (bias != null) {
    const twoRows = cell === 'gru' && (inputs.resetAfter ?? true);
    const expected = twoRows ? [2, k * units] : [k * units];
    if (!tf.util.arraysEqual(bias.shape, expected)) {
      throw shapeError('bias', `[${expected.join(', ')}]`, bias.shape);
    }
  }
  if (h0.shape[0] !== batch || h0.shape[1] !== units) {
    throw shapeError('h0', `[${batch}, ${units}]`, h0.shape);
  }
  if (c0 != null && (c0.shape[0] !== batch || c0.shape[1] !== units)) {
    throw shapeError('c0', `[${batch}, ${units}]`, c0.shape);
  }
  if (mask != null && (mask.shape[0] !== batch || mask.shape[1] !== time)) {
    throw shapeError('mask', `[${batch}, ${time}]`, mask.shape);
  }
  return [batch, time, features, units];
}

/** One cell step: (input projection of x_t incl. input bias [batch, k*units], states) -> states. */
type Step = (xt: tf.Tensor2D, h: tf.Tensor2D, c: tf.Tensor2D) => [tf.Tensor2D, tf.Tensor2D];

function makeStep(inputs: RecurrenceInputs, units: number): Step {
  const act = activationFn(inputs.activation);
  const rec = recurrentActivationFn(inputs.recurrentActivation);
  const R = inputs.recurrentKernel; // [units, k*units]
  switch (inputs.cell) {
    case 'rnn':
      return (xt, h, c) => [act(tf.add(xt, tf.matMul(h, R))) as tf.Tensor2D, c];
    case 'lstm':
      return (xt, h, c) => {
        const z = tf.add(xt, tf.matMul(h, R)); // [batch, 4 units], gates i f c o
        const [zi, zf, zc, zo] = tf.split(z, 4, 1) as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];
        const cNext = tf.add(tf.mul(rec(zf), c), tf.mul(rec(zi), act(zc))) as tf.Tensor2D;
        return [tf.mul(rec(zo), act(cNext)) as tf.Tensor2D, cNext];
      };
    case 'gru': {
      if (inputs.resetAfter ?? true) {
        // Keras 2/3 and cuDNN: the reset gate scales the recurrent projection, bias included.
        const bRec = inputs.bias == null ? null : tf.slice(inputs.bias, [1, 0], [1, 3 * units]);
        return (xt, h, c) => {
          let inner: tf.Tensor = tf.matMul(h, R); // [batch, 3 units], gates z r h
          if (bRec != null) inner = tf.add(inner, bRec);
          const [xz, xr, xh] = tf.split(xt, 3, 1) as [tf.Tensor, tf.Tensor, tf.Tensor];
          const [rz, rr, rh] = tf.split(inner, 3, 1) as [tf.Tensor, tf.Tensor, tf.Tensor];
          const z = rec(tf.add(xz, rz));
          const r = rec(tf.add(xr, rr));
          const hh = act(tf.add(xh, tf.mul(r, rh)));
          return [tf.add(tf.mul(z, h), tf.mul(tf.sub(1, z), hh)) as tf.Tensor2D, c];
        };
      }
      // Keras 1 / tfjs-layers: the reset gate scales h_{t-1} before the recurrent matMul.
      const [Rzr, Rh] = tf.split(R, [2 * units, units], 1) as [tf.Tensor2D, tf.Tensor2D];
      return (xt, h, c) => {
        const [xz, xr, xh] = tf.split(xt, 3, 1) as [tf.Tensor, tf.Tensor, tf.Tensor];
        const [rz, rr] = tf.split(tf.matMul(h, Rzr), 2, 1) as [tf.Tensor, tf.Tensor];
        const z = rec(tf.add(xz, rz));
        const r = rec(tf.add(xr, rr));
        const hh = act(tf.add(xh, tf.matMul(tf.mul(r, h) as tf.Tensor2D, Rh)));
        return [tf.add(tf.mul(z, h), tf.mul(tf.sub(1, z), hh)) as tf.Tensor2D, c];
      };
    }
  }
}

/**
 * Runs the recurrence with per-step tfjs ops. x is projected for all steps in one matMul
 * ([batch*time, features] @ [features, k*units]); the loop then does the recurrent part.
 */
export const referenceRecurrence: RecurrenceKernel = (inputs): RecurrenceOutputs => {
  const [sequence, h, c] = tf.tidy(() => run(inputs));
  return c == null ? { sequence, h } : { sequence, h, c };
};

/** [sequence [batch, time, units], h [batch, units], c [batch, units] (lstm only)] */
function run(inputs: RecurrenceInputs): [tf.Tensor3D, tf.Tensor2D, tf.Tensor2D?] {
  const [batch, time, features, units] = checkRecurrenceInputs(inputs);
  if (time === 0) {
    throw new ModelsError(
      'BAD_SHAPE',
      'x has 0 time steps, expected at least 1: give sequences of length >= 1',
    );
  }
  const k = GATES[inputs.cell];
  const { bias } = inputs;
  // [batch*time, k*units]
  let proj: tf.Tensor = tf.matMul(tf.reshape(inputs.x, [batch * time, features]), inputs.kernel);
  if (bias != null) {
    const inputBias =
      bias.rank === 2 ? tf.reshape(tf.slice(bias, [0, 0], [1, k * units]), [k * units]) : bias;
    proj = tf.add(proj, inputBias);
  }
  // [time, batch, k*units] -> time steps of [batch, k*units]
  const steps = tf.unstack(tf.transpose(tf.reshape(proj, [batch, time, k * units]), [1, 0, 2]));
  // [time, batch, 1] masks, 1 = real step
  const masks =
    inputs.mask == null
      ? null
      : tf.unstack(tf.expandDims(tf.transpose(tf.cast(inputs.mask, 'float32')), 2));

  const step = makeStep(inputs, units);
  let h = inputs.h0;
  let c = inputs.c0 ?? tf.zeros([batch, units]);
  const outputs: tf.Tensor2D[] = [];
  for (let i = 0; i < time; i++) {
    // goBackwards reads x from the last step; outputs stay in processing order (Keras, tfjs).
    const t = inputs.goBackwards ? time - 1 - i : i;
    let [hNext, cNext] = step(steps[t] as tf.Tensor2D, h, c);
    const m = masks?.[t];
    if (m != null) {
      // masked step: keep the state and repeat the previous output (tfjs-layers `rnn()`). The
      // "previous output" of a leading masked step is h0 here, as in tfjs; Keras's TF backend
      // emits zeros there instead. The final states are the same either way.
      const keep = tf.sub(1, m);
      hNext = tf.add(tf.mul(hNext, m), tf.mul(h, keep));
      if (inputs.cell === 'lstm') cNext = tf.add(tf.mul(cNext, m), tf.mul(c, keep));
    }
    h = hNext;
    c = cNext;
    outputs.push(h);
  }
  const sequence = tf.stack(outputs, 1) as tf.Tensor3D; // [batch, time, units]
  return inputs.cell === 'lstm' ? [sequence, h, c] : [sequence, h];
}
