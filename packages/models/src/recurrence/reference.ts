/**
 * The reference recurrence kernel: the equations of `recurrence.ts` as plain tfjs ops, one cell
 * step per time step, differentiated by tfjs's autodiff. It is the ground truth that faster
 * kernels are tested against, and matches tfjs-layers' SimpleRNN/LSTM/GRU step for step
 * (`rnn()` in tfjs-layers `layers/recurrent.js`), including masks and `goBackwards`.
 *
 * Neighbours in `recurrence/`: `contract.ts` (what a kernel takes and returns), `reference.ts` (the
 * ground truth), `select.ts` (the kernel in use); the fast kernel is in `fast/`.
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
import { ACTIVATIONS, GATE_ACTIVATIONS, OUTPUT_ACTIVATIONS } from '../cells/activations.js';
import { cellOf } from '../cells/index.js';
import { ModelsError } from '../errors.js';
import type { RecurrenceInputs, RecurrenceKernel, RecurrenceOutputs } from './contract.js';

type Fn = (x: tf.Tensor) => tf.Tensor;

function activationFn(name: RecurrenceInputs['activation']): Fn {
  const n = name ?? 'tanh';
  if ((OUTPUT_ACTIVATIONS as readonly string[]).includes(n)) return ACTIVATIONS[n].tf;
  throw new ModelsError(
    'BAD_OPTION',
    `activation must be one of tanh, relu, linear, got ${name}: pick one of those`,
  );
}

function recurrentActivationFn(name: RecurrenceInputs['recurrentActivation']): Fn {
  const n = name ?? 'sigmoid';
  if ((GATE_ACTIVATIONS as readonly string[]).includes(n)) return ACTIVATIONS[n].tf;
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
  const def = cellOf(cell);
  const k = def.layout.gates;
  if (kernel.shape[0] !== features || kernel.shape[1] !== k * units) {
    throw shapeError('kernel', `[${features}, ${k * units}]`, kernel.shape);
  }
  if (recurrentKernel.shape[1] !== k * units) {
    throw shapeError('recurrentKernel', `[${units}, ${k * units}]`, recurrentKernel.shape);
  }
  if (bias != null) {
    const twoRows = def.resetAfter && (inputs.resetAfter ?? true);
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
  // Keras's per-gate dropout masks: one [batch, width] mask per gate
  for (const [what, masks, width] of [
    ['inputDropout', inputs.inputDropout, features],
    ['recurrentDropout', inputs.recurrentDropout, units],
  ] as const) {
    if (masks !== undefined && !tf.util.arraysEqual(masks.shape, [k, batch, width])) {
      throw shapeError(what, `[${k}, ${batch}, ${width}]`, masks.shape);
    }
  }
  return [batch, time, features, units];
}

/** One cell step: (input projection of x_t incl. input bias [batch, k*units], states) -> states. */
type Step = (xt: tf.Tensor2D, h: tf.Tensor2D, c: tf.Tensor2D) => [tf.Tensor2D, tf.Tensor2D];

/** The cell's own tensor step (`cells/`), with this call's weights and activations. */
function makeStep(inputs: RecurrenceInputs, units: number): Step {
  const def = cellOf(inputs.cell);
  const act = activationFn(inputs.activation);
  const rec = recurrentActivationFn(inputs.recurrentActivation);
  const resetAfter = def.resetAfter && (inputs.resetAfter ?? true);
  const k = def.layout.gates;
  // the recurrent bias row of a [2, k*units] bias, added inside the reset gate's product
  const recurrentBias =
    resetAfter && inputs.bias != null ? tf.slice(inputs.bias, [1, 0], [1, k * units]) : null;
  const recurrentKernel = inputs.recurrentKernel; // [units, k*units]
  const recurrentMasks =
    inputs.recurrentDropout === undefined
      ? undefined
      : (tf.unstack(inputs.recurrentDropout) as tf.Tensor2D[]);
  return (xz, h, c) =>
    def.stepTensors({
      units,
      xz,
      h,
      c,
      recurrentKernel,
      recurrentBias,
      resetAfter,
      ...(recurrentMasks === undefined ? {} : { recurrentMasks }),
      act,
      rec,
    });
}

/**
 * Runs the recurrence with per-step tfjs ops. x is projected for all steps in one matMul
 * ([batch*time, features] @ [features, k*units]); the loop then does the recurrent part.
 */
export const referenceRecurrence: RecurrenceKernel = (inputs): RecurrenceOutputs => {
  const [sequence, h, c] = tf.tidy(() => run(inputs));
  return c == null ? { sequence, h } : { sequence, h, c };
};

/**
 * x K for every step [batch*time, k*units]; with per-gate input dropout masks, gate g's block
 * reads x * inputDropout[g] (the mask of each sequence, the same at every step).
 */
function inputProduct(
  inputs: RecurrenceInputs,
  batch: number,
  time: number,
  features: number,
  k: number,
): tf.Tensor2D {
  const flat = (x: tf.Tensor) => tf.reshape(x, [batch * time, features]) as tf.Tensor2D;
  const masks = inputs.inputDropout;
  if (masks === undefined) return tf.matMul(flat(inputs.x), inputs.kernel);
  const n = inputs.kernel.shape[1] / k;
  return tf.concat(
    Array.from({ length: k }, (_, g) => {
      const m = tf.reshape(tf.slice(masks, [g, 0, 0], [1, batch, features]), [batch, 1, features]);
      return tf.matMul(
        flat(tf.mul(inputs.x, m)),
        tf.slice(inputs.kernel, [0, g * n], [features, n]),
      );
    }),
    1,
  ) as tf.Tensor2D;
}

/** [sequence [batch, time, units], h [batch, units], c [batch, units] (lstm only)] */
function run(inputs: RecurrenceInputs): [tf.Tensor3D, tf.Tensor2D, tf.Tensor2D?] {
  const [batch, time, features, units] = checkRecurrenceInputs(inputs);
  if (time === 0) {
    throw new ModelsError(
      'BAD_SHAPE',
      'x has 0 time steps, expected at least 1: give sequences of length >= 1',
    );
  }
  const k = cellOf(inputs.cell).layout.gates;
  const hasC = cellOf(inputs.cell).layout.states.length === 2;
  const { bias } = inputs;
  // [batch*time, k*units]
  let proj: tf.Tensor = inputProduct(inputs, batch, time, features, k);
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
      if (hasC) cNext = tf.add(tf.mul(cNext, m), tf.mul(c, keep));
    }
    h = hNext;
    c = cNext;
    outputs.push(h);
  }
  const sequence = tf.stack(outputs, 1) as tf.Tensor3D; // [batch, time, units]
  return hasC ? [sequence, h, c] : [sequence, h];
}
