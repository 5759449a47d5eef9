/**
 * Optimizers by name, with Keras's default hyper-parameters, on tfjs's own optimizer classes (so
 * `getWeights`/`setWeights` serialise their state), plus AdamW, which tfjs lacks.
 *
 * @example
 * ```ts
 * const opt = createOptimizer({ type: 'adamw', learningRate: 1e-3, weightDecay: 0.01 });
 * setLearningRate(opt, 5e-4);
 * getLearningRate(opt); // 0.0005
 * ```
 */
import * as tf from '@tensorflow/tfjs-core';
import type { NamedTensor } from './clipping.js';
import { checkNumber, TrainingError } from './errors.js';

export type OptimizerConfig =
  /** Adam (Kingma & Ba 2015); Keras defaults beta1 0.9, beta2 0.999, epsilon 1e-7. */
  | { type: 'adam'; learningRate?: number; beta1?: number; beta2?: number; epsilon?: number }
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

/** Adam with decoupled weight decay; tfjs has no AdamW. */
export class AdamWOptimizer extends tf.AdamOptimizer {
  static override get className(): string {
    return 'AdamW';
  }
  readonly weightDecay: number;
  constructor(
    learningRate: number,
    beta1: number,
    beta2: number,
    epsilon: number,
    weightDecay: number,
  ) {
    super(learningRate, beta1, beta2, epsilon);
    this.weightDecay = weightDecay;
  }
  override applyGradients(variableGradients: tf.NamedTensorMap | NamedTensor[]): void {
    const names = Array.isArray(variableGradients)
      ? variableGradients.map((v) => v.name)
      : Object.keys(variableGradients);
    // w <- w (1 - lr wd), then the Adam step on the decayed w (PyTorch AdamW, step 1 of the loop)
    const keep = 1 - this.learningRate * this.weightDecay;
    tf.tidy(() => {
      for (const name of names) {
        const v = tf.engine().registeredVariables[name];
        if (v) v.assign(tf.mul(v, keep));
      }
    });
    super.applyGradients(variableGradients as Parameters<tf.AdamOptimizer['applyGradients']>[0]);
  }
  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), weightDecay: this.weightDecay };
  }
}

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
      return tf.train.adam(
        lr,
        checkNumber('beta1', config.beta1 ?? 0.9, 0, 1),
        checkNumber('beta2', config.beta2 ?? 0.999, 0, 1),
        checkNumber('epsilon', config.epsilon ?? KERAS_EPSILON, 0),
      );
    case 'adamw':
      return new AdamWOptimizer(
        lr,
        checkNumber('beta1', config.beta1 ?? 0.9, 0, 1),
        checkNumber('beta2', config.beta2 ?? 0.999, 0, 1),
        checkNumber('epsilon', config.epsilon ?? KERAS_EPSILON, 0),
        checkNumber('weightDecay', config.weightDecay ?? DEFAULT_WEIGHT_DECAY, 0),
      );
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
  const o = optimizer as unknown as OptimizerInternals;
  if (o.accBeta1 && o.accBeta2) {
    return { accBeta1: o.accBeta1.dataSync()[0]!, accBeta2: o.accBeta2.dataSync()[0]! };
  }
  return {};
}

/** Restores what {@link optimizerExtras} saved (call after `setWeights`). */
export function setOptimizerExtras(optimizer: tf.Optimizer, extras: Record<string, number>): void {
  const o = optimizer as unknown as OptimizerInternals;
  tf.tidy(() => {
    if (o.accBeta1 && extras.accBeta1 !== undefined) o.accBeta1.assign(tf.scalar(extras.accBeta1));
    if (o.accBeta2 && extras.accBeta2 !== undefined) o.accBeta2.assign(tf.scalar(extras.accBeta2));
  });
}
