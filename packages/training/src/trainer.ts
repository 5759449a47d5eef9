/**
 * A trainer: one model, one loss, one optimizer, an optional learning-rate schedule and gradient
 * clipping; `step` runs one gradient update. Gradients come from `tf.variableGrads`, are clipped,
 * then applied with `optimizer.applyGradients` (what `optimizer.minimize` does, plus clipping and
 * a divergence check before anything is applied).
 *
 * @example
 * ```ts
 * const trainer = createTrainer(model, {
 *   loss: 'meanSquaredError',
 *   optimizer: { type: 'adam', learningRate: 1e-2 },
 *   clipNorm: 5,
 *   schedule: { type: 'cosine', warmupSteps: 10, totalSteps: 1000 },
 * });
 * const loss = trainer.step({ x, y }); // a number; no tensor outlives the call
 * trainer.steps; // 1
 * ```
 */
import { fusedHeadLoss } from '@rnnkit/models';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { clipByGlobalNorm, clipByValue, type NamedTensor } from './clipping.js';
import { mixSeeds } from './data.js';
import { checkInt, checkNumber, DivergenceError, TrainingError } from './errors.js';
import { LOSSES, type LossFn, type LossName } from './losses.js';
import {
  createOptimizer,
  DEFAULT_LEARNING_RATE,
  getLearningRate,
  type OptimizerConfig,
  optimizerExtras,
  setLearningRate,
  setOptimizerExtras,
} from './optimizers.js';
import {
  createSchedule,
  type Schedule,
  type ScheduleConfig,
  type ScheduleState,
} from './schedules.js';

export interface Batch {
  /** Model input, e.g. [batch, time, features], or int32 ids [batch, time] with `inputOneHot`. */
  x: tf.Tensor;
  /** Targets: int32 labels [batch, time] / [batch], or values shaped like the output. */
  y: tf.Tensor;
  /** Optional [batch, time] mask of real steps (1) and padding (0) for sequence losses. */
  mask?: tf.Tensor;
}

export interface TrainerArgs {
  /** A loss name, or your own function of (output, target, mask?) to a scalar. */
  loss: LossName | LossFn;
  optimizer: OptimizerConfig;
  /** Clip gradients to this global L2 norm (PyTorch `clip_grad_norm_`). Default: no clipping. */
  clipNorm?: number;
  /** Clamp every gradient entry to [-clipValue, clipValue]. Default: no clamping. */
  clipValue?: number;
  /** Learning-rate schedule over updates, from the optimizer's learningRate. Default constant. */
  schedule?: ScheduleConfig;
  /**
   * The model reads one-hot vectors but the batches hold int ids: x [batch, time] int32 is turned
   * into [batch, time, inputOneHot] float32 inside the step (for models built with a one-hot
   * input layer of their own). Default: x goes to the model as it is.
   */
  inputOneHot?: number;
  /**
   * Seed of the dropout masks: the mask of update k in Dropout layer j is drawn from a seed
   * derived from (seed, k, j), so runs repeat and a resumed run draws the masks the
   * uninterrupted one would. Default: tfjs's unseeded masks (layer seeds are left alone).
   */
  seed?: number;
  /**
   * Compute a linear Dense output layer and a named loss that has a fused form
   * (`sparseCategoricalCrossentropy`, `meanSquaredError`: `FUSED_LOSSES` of `@rnnkit/models`) as
   * one op, `fusedHeadLoss`: the same loss and gradients, several times less time in the head on
   * wasm. Default true; false runs `model.apply` and the loss as separate ops.
   */
  fuseHead?: boolean;
}

/** One weight or optimizer slot as plain values: what a checkpoint stores. */
export interface NamedValues {
  name: string;
  shape: number[];
  dtype: 'float32' | 'int32';
  values: Float32Array | Int32Array;
}

/** Everything a trainer needs to continue exactly where it was. */
export interface TrainerState {
  /** Updates done. */
  steps: number;
  /** Model weights (all of `model.weights`, in order). */
  weights: NamedValues[];
  /** Optimizer slots from `getWeights()`, without the leading iteration counter. */
  optimizerWeights: NamedValues[];
  /** The optimizer's iteration counter. */
  optimizerIterations: number;
  /** Optimizer state that `getWeights` leaves out (Adam's running beta powers). */
  optimizerExtras: Record<string, number>;
  optimizerType: string;
  learningRate: number;
  schedule: ScheduleState;
}

export interface Trainer {
  readonly model: tfl.LayersModel;
  /** The optimizer (replaced by a fresh one, with the saved state, by `setState`). */
  readonly optimizer: tf.Optimizer;
  readonly schedule: Schedule;
  /** Updates done so far. */
  readonly steps: number;
  /** The learning rate of the next update (the schedule sets it before every step). */
  readonly learningRate: number;
  /** One update on a batch; returns the batch loss before the update. */
  step(batch: Batch): number;
  /** The loss on a batch without updating. */
  evaluate(batch: Batch): number;
  /** The model output on a batch's x (inference mode); the caller disposes it. */
  predict(x: tf.Tensor): tf.Tensor;
  /** Reports a monitored value (lower is better) to the schedule; true when the rate changed. */
  observe(value: number): boolean;
  /** A copy of the model weights, optimizer state, step count and schedule state. */
  getState(): Promise<TrainerState>;
  /** Restores what `getState` returned (the model must have the same weight shapes). */
  setState(state: TrainerState): Promise<void>;
  /** Frees the optimizer's state. The model stays the caller's. */
  dispose(): void;
}

/** Layers whose randomness comes from a `seed` field. */
const DROPOUT_LAYERS = new Set(['Dropout', 'SpatialDropout1D']);

/** The loss function of a name or function, with a message listing the names. */
export function resolveLoss(loss: LossName | LossFn): LossFn {
  const fn = typeof loss === 'function' ? loss : LOSSES[loss];
  if (!fn) {
    throw new TrainingError(
      'BAD_OPTION',
      `unknown loss ${JSON.stringify(loss)}: expected one of ${Object.keys(LOSSES).join(', ')} or a function`,
    );
  }
  return fn;
}

/** x as the model reads it: one-hot [batch, time, vocab] float32 when ids are given. */
export function modelInput(x: tf.Tensor, inputOneHot: number | undefined): tf.Tensor {
  if (inputOneHot === undefined) return x;
  return tf.cast(tf.oneHot(tf.cast(x, 'int32'), inputOneHot), 'float32');
}

export function toNamedValues(name: string, t: tf.Tensor): NamedValues {
  const dtype = t.dtype === 'int32' ? 'int32' : 'float32';
  const data = t.dataSync();
  const values = dtype === 'int32' ? Int32Array.from(data) : Float32Array.from(data);
  return { name, shape: [...t.shape], dtype, values };
}

function checkShapes(kind: string, expected: readonly number[][], got: NamedValues[]): void {
  const bad =
    expected.length !== got.length ||
    expected.some((s, i) => s.join(',') !== got[i]!.shape.join(','));
  if (bad) {
    throw new TrainingError(
      'CHECKPOINT_READ',
      `the saved ${kind} do not fit this model: expected shapes ${JSON.stringify(expected)}, ` +
        `got ${JSON.stringify(got.map((g) => g.shape))}: resume with the model configuration that wrote the checkpoint`,
    );
  }
}

export function createTrainer(model: tfl.LayersModel, args: TrainerArgs): Trainer {
  const lossFn = resolveLoss(args.loss);
  const clipNorm =
    args.clipNorm === undefined
      ? undefined
      : checkNumber('clipNorm', args.clipNorm, Number.MIN_VALUE);
  const clipValue =
    args.clipValue === undefined
      ? undefined
      : checkNumber('clipValue', args.clipValue, Number.MIN_VALUE);
  const oneHot =
    args.inputOneHot === undefined ? undefined : checkInt('inputOneHot', args.inputOneHot, 1);
  let optimizer = createOptimizer(args.optimizer);
  const baseLr = args.optimizer.learningRate ?? DEFAULT_LEARNING_RATE;
  const schedule = createSchedule(args.schedule, baseLr);
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  let steps = 0;
  const seed = args.seed === undefined ? undefined : checkInt('seed', args.seed, 0);
  // tfjs-layers' Dropout draws its mask with `this.seed` (core.ts, K.dropout(..., this.seed))
  const dropouts = model.layers.filter((l) => DROPOUT_LAYERS.has(l.getClassName())) as unknown as {
    seed?: number;
  }[];
  const seedDropout = (): void => {
    if (seed === undefined) return;
    dropouts.forEach((layer, j) => {
      layer.seed = mixSeeds(mixSeeds(seed, steps), j);
    });
  };
  const fused =
    typeof args.loss === 'string' && args.fuseHead !== false
      ? fusedHeadLoss(model, args.loss)
      : null;
  const forwardLoss = (batch: Batch, training: boolean): tf.Scalar => {
    const x = modelInput(batch.x, oneHot);
    const unfused = (out: tf.Tensor): tf.Scalar => lossFn(out, batch.y, batch.mask);
    if (fused) return fused(x, batch.y, batch.mask, training, unfused);
    return unfused(model.apply(x, { training }) as tf.Tensor);
  };

  return {
    model,
    get optimizer() {
      return optimizer;
    },
    schedule,
    get steps() {
      return steps;
    },
    get learningRate() {
      return schedule.learningRate(steps);
    },
    step(batch) {
      setLearningRate(optimizer, schedule.learningRate(steps));
      seedDropout();
      const { value, grads } = tf.variableGrads(() => forwardLoss(batch, true), vars);
      // in the order of vars, as minimize(f, true, vars) passes them
      let list: NamedTensor[] = vars.map((v) => ({ name: v.name, tensor: grads[v.name]! }));
      const owned: tf.Tensor[] = [value, ...Object.values(grads)];
      try {
        let norm: tf.Scalar | undefined;
        if (clipNorm !== undefined) {
          const c = clipByGlobalNorm(list, clipNorm);
          norm = c.norm;
          list = c.grads;
          owned.push(c.norm, ...c.grads.map((g) => g.tensor));
        }
        if (clipValue !== undefined) {
          list = clipByValue(list, clipValue);
          owned.push(...list.map((g) => g.tensor));
        }
        // one read for the loss and the norm; nothing is applied unless both are finite
        const read = norm ? tf.tidy(() => tf.stack([value, norm]).dataSync()) : value.dataSync();
        const loss = read[0]!;
        if (!Number.isFinite(loss)) throw new DivergenceError(steps + 1, 'loss', loss);
        if (norm && !Number.isFinite(read[1]!)) {
          throw new DivergenceError(steps + 1, 'gradient norm', read[1]!);
        }
        optimizer.applyGradients(list);
        steps++;
        return loss;
      } finally {
        tf.dispose(owned);
      }
    },
    evaluate(batch) {
      const loss = tf.tidy(() => forwardLoss(batch, false));
      const value = loss.dataSync()[0]!;
      loss.dispose();
      return value;
    },
    predict(x) {
      return tf.tidy(() => model.apply(modelInput(x, oneHot), { training: false }) as tf.Tensor);
    },
    observe(value) {
      return schedule.observe(value);
    },
    async getState() {
      const weights = model.weights.map((w) => toNamedValues(w.name, w.read()));
      const slots = await optimizer.getWeights();
      const iter = slots[0];
      const optimizerWeights = slots.slice(1).map((s) => toNamedValues(s.name, s.tensor));
      const optimizerIterations = iter ? iter.tensor.dataSync()[0]! : 0;
      if (iter) iter.tensor.dispose(); // a fresh scalar; the other slots are live variables
      return {
        steps,
        weights,
        optimizerWeights,
        optimizerIterations,
        optimizerExtras: optimizerExtras(optimizer),
        optimizerType: args.optimizer.type,
        learningRate: getLearningRate(optimizer),
        schedule: schedule.state(),
      };
    },
    async setState(state) {
      if (state.optimizerType !== args.optimizer.type) {
        throw new TrainingError(
          'CHECKPOINT_READ',
          `the checkpoint's optimizer is ${state.optimizerType}, this trainer's is ${args.optimizer.type}: ` +
            'resume with the optimizer the checkpoint was written with',
        );
      }
      checkShapes(
        'weights',
        model.weights.map((w) => w.shape as number[]),
        state.weights,
      );
      const slotShapes = state.optimizerWeights.map((_, i) => vars[i % vars.length]!.shape);
      checkShapes('optimizer slots', slotShapes, state.optimizerWeights);
      const values = state.weights.map((w) => tf.tensor(w.values, w.shape, w.dtype));
      model.setWeights(values);
      tf.dispose(values);
      // a fresh optimizer: tfjs's setWeights makes new slot variables without freeing the old
      const next = createOptimizer(args.optimizer);
      const slots = [
        { name: 'iter', tensor: tf.scalar(state.optimizerIterations, 'int32') },
        ...state.optimizerWeights.map((w) => ({
          name: w.name,
          tensor: tf.tensor(w.values, w.shape, w.dtype),
        })),
      ];
      try {
        await next.setWeights(slots);
      } finally {
        tf.dispose(slots.map((s) => s.tensor)); // setWeights made variables of its own
      }
      setOptimizerExtras(next, state.optimizerExtras);
      optimizer.dispose();
      optimizer = next;
      schedule.restore(state.schedule);
      steps = state.steps;
      setLearningRate(optimizer, state.learningRate);
    },
    dispose() {
      optimizer.dispose();
    },
  };
}
