/**
 * Optimizers by name, with Keras's default hyper-parameters, on tfjs's own optimizer classes (so
 * `getWeights`/`setWeights` serialise their state), plus AdamW, which tfjs lacks. Adam and AdamW
 * run fused (one JS pass per variable, tfjs's numbers bit for bit: fused-adam.ts).
 *
 * @example
 * ```ts
 * const opt = createOptimizer({ type: 'adamw', learningRate: 1e-3, weightDecay: 0.01 });
 * setLearningRate(opt, 5e-4);
 * getLearningRate(opt); // 0.0005
 * ```
 */
import * as tf from '@tensorflow/tfjs-core';
import { checkNumber, TrainingError } from './errors.js';
import { AdamWOptimizer, asFusedAdam, FusedAdamOptimizer } from './fused-adam.js';

export type OptimizerConfig =
  /**
   * Adam (Kingma & Ba 2015); Keras defaults beta1 0.9, beta2 0.999, epsilon 1e-7. `fused`
   * (default true): one JS pass per variable on cpu and wasm, the same numbers as tfjs's Adam
   * bit for bit (fused-adam.ts); false runs tfjs's op-by-op update.
   */
  | {
      type: 'adam';
      learningRate?: number;
      beta1?: number;
      beta2?: number;
      epsilon?: number;
      fused?: boolean;
    }
  /**
   * AdamW (Loshchilov & Hutter 2019): Adam plus decoupled weight decay, w <- w (1 - lr wd)
   * before the Adam update (PyTorch's `AdamW` order). Decays every trainable weight, as
   * PyTorch does by default. weightDecay default 0.01 (PyTorch).
   */
  | {
      type: 'adamw';
      learningRate?: number;
      beta1?: number;
      beta2?: number;
      epsilon?: number;
      weightDecay?: number;
      fused?: boolean;
    }
  /** RMSprop (Hinton 2012); Keras defaults rho 0.9, momentum 0, epsilon 1e-7, not centered. */
  | {
      type: 'rmsprop';
      learningRate?: number;
      rho?: number;
      momentum?: number;
      epsilon?: number;
      centered?: boolean;
    }
  /** SGD; with `momentum` > 0 the heavy-ball method, with `nesterov` Nesterov's. */
  | { type: 'sgd'; learningRate?: number; momentum?: number; nesterov?: boolean }
  /** Adagrad (Duchi et al. 2011); Keras default initial accumulator 0.1. */
  | { type: 'adagrad'; learningRate?: number; initialAccumulatorValue?: number };

export type OptimizerType = OptimizerConfig['type'];

/** The optimizer names, for messages and CLI choices. */
export const OPTIMIZER_TYPES: readonly OptimizerType[] = [
  'adam',
  'adamw',
  'rmsprop',
  'sgd',
  'adagrad',
];

/** Keras's default Adam learning rate (used for every optimizer when none is given). */
export const DEFAULT_LEARNING_RATE = 0.001;
/** Keras's epsilon (tfjs's own default depends on the backend's float precision). */
const KERAS_EPSILON = 1e-7;
/** PyTorch's default AdamW weight decay. */
export const DEFAULT_WEIGHT_DECAY = 0.01;

function lrOf(config: OptimizerConfig): number {
  return checkNumber(
    'learningRate',
    config.learningRate ?? DEFAULT_LEARNING_RATE,
    0,
    Number.POSITIVE_INFINITY,
    'use a small positive rate such as 1e-3',
  );
}

export function createOptimizer(config: OptimizerConfig): tf.Optimizer {
  const lr = lrOf(config);
  switch (config.type) {
    case 'adam':
    case 'adamw': {
      const beta1 = checkNumber('beta1', config.beta1 ?? 0.9, 0, 1);
      const beta2 = checkNumber('beta2', config.beta2 ?? 0.999, 0, 1);
      const epsilon = checkNumber('epsilon', config.epsilon ?? KERAS_EPSILON, 0);
      const opt =
        config.type === 'adam'
          ? new FusedAdamOptimizer(lr, beta1, beta2, epsilon)
          : new AdamWOptimizer(
              lr,
              beta1,
              beta2,
              epsilon,
              checkNumber('weightDecay', config.weightDecay ?? DEFAULT_WEIGHT_DECAY, 0),
            );
      opt.fused = config.fused ?? true;
      return opt;
    }
    case 'rmsprop':
      return tf.train.rmsprop(
        lr,
        checkNumber('rho', config.rho ?? 0.9, 0, 1),
        checkNumber('momentum', config.momentum ?? 0, 0),
        checkNumber('epsilon', config.epsilon ?? KERAS_EPSILON, 0),
        config.centered ?? false,
      );
    case 'sgd': {
      const momentum = checkNumber('momentum', config.momentum ?? 0, 0);
      // plain SGD when momentum is 0: no accumulator state, and the same numbers as before
      if (momentum === 0 && !config.nesterov) return tf.train.sgd(lr);
      return tf.train.momentum(lr, momentum, config.nesterov ?? false);
    }
    case 'adagrad':
      return tf.train.adagrad(
        lr,
        checkNumber('initialAccumulatorValue', config.initialAccumulatorValue ?? 0.1, 0),
      );
    default:
      throw new TrainingError(
        'BAD_OPTION',
        `unknown optimizer ${JSON.stringify((config as { type: unknown }).type)}: expected one of ${OPTIMIZER_TYPES.join(', ')}`,
      );
  }
}

/** The fields tfjs optimizers keep but do not declare public. */
interface OptimizerInternals {
  learningRate: number;
  setLearningRate?: (lr: number) => void;
  accBeta1?: tf.Variable;
  accBeta2?: tf.Variable;
}

/**
 * Sets the learning rate used by the next update. Adam, RMSprop and Adagrad read their
 * `learningRate` field at every update; SGD and momentum cache -lr in a tensor that only
 * `setLearningRate` refreshes, so that method is called when it exists.
 */
export function setLearningRate(optimizer: tf.Optimizer, learningRate: number): void {
  const o = optimizer as unknown as OptimizerInternals;
  if (o.learningRate === learningRate) return;
  if (typeof o.setLearningRate === 'function') o.setLearningRate(learningRate);
  else o.learningRate = learningRate;
}

/** The learning rate the next update will use. */
export function getLearningRate(optimizer: tf.Optimizer): number {
  return (optimizer as unknown as OptimizerInternals).learningRate;
}

/**
 * State that `getWeights` leaves out. Adam's `setWeights` recomputes beta^t with `pow`, which
 * can differ in the last float32 bit from the running product the uninterrupted run holds; exact
 * resume keeps the running products themselves.
 */
export function optimizerExtras(optimizer: tf.Optimizer): Record<string, number> {
  asFusedAdam(optimizer)?.flush(); // its state may be in JS only
  const o = optimizer as unknown as OptimizerInternals;
  if (o.accBeta1 && o.accBeta2) {
    return { accBeta1: o.accBeta1.dataSync()[0]!, accBeta2: o.accBeta2.dataSync()[0]! };
  }
  return {};
}

/** Restores what {@link optimizerExtras} saved (call after `setWeights`). */
export function setOptimizerExtras(optimizer: tf.Optimizer, extras: Record<string, number>): void {
  const fused = asFusedAdam(optimizer);
  fused?.flush();
  const o = optimizer as unknown as OptimizerInternals;
  tf.tidy(() => {
    if (o.accBeta1 && extras.accBeta1 !== undefined) o.accBeta1.assign(tf.scalar(extras.accBeta1));
    if (o.accBeta2 && extras.accBeta2 !== undefined) o.accBeta2.assign(tf.scalar(extras.accBeta2));
  });
  fused?.reload(); // the next update reads the slots just written
}
