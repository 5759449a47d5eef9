/**
 * `train(model, data, options)`: the whole loop. Epochs of seeded batches, one update per batch
 * (schedule, clipping, divergence check), validation metrics every epoch or every N steps, early
 * stopping with best-weights restore, atomic checkpoints (every N steps, best, last) and exact
 * resume, progress events, user callbacks, and an AbortSignal that stops after the current step
 * and saves a checkpoint.
 *
 * @example
 * ```ts
 * const history = await train(model, nextTokenWindows(ids, { seqLength: 64 }), {
 *   loss: 'sparseCategoricalCrossentropy',
 *   optimizer: { type: 'adam', learningRate: 2e-3 },
 *   clipNorm: 5,
 *   inputOneHot: vocab.size,
 *   epochs: 10,
 *   batchSize: 32,
 *   seed: 1,
 *   validation: heldOut,
 *   metrics: ['accuracy', 'bitsPerChar'],
 *   earlyStopping: { patience: 2 },
 *   checkpoint: { dir: 'ckpt', everySteps: 100, best: true },
 *   onProgress: (p) => console.log(`step ${p.step} loss ${p.loss.toFixed(3)}`),
 * });
 * history.stopReason; // 'completed' | 'steps' | 'earlyStopping' | 'aborted' | 'callback'
 * ```
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import {
  type CheckpointFs,
  type LoopState,
  loadCheckpoint,
  nodeFs,
  saveCheckpoint,
} from './checkpoint.js';
import { type EpochPlan, planEpochs, type TrainData } from './data.js';
import { checkInt, checkNumber, TrainingError } from './errors.js';
import { createMetrics, higherIsBetter, type MetricName } from './metrics.js';
import {
  type Batch,
  createTrainer,
  resolveLoss,
  type Trainer,
  type TrainerArgs,
} from './trainer.js';

export interface EarlyStoppingArgs {
  /** Evaluations without improvement before stopping. */
  patience: number;
  /** Smallest change that counts as an improvement. Default 0 (Keras). */
  minDelta?: number;
  /** Put back the weights of the best evaluation when stopping early. Default true. */
  restoreBestWeights?: boolean;
}

export interface CheckpointArgs {
  /** Folder of the checkpoints: `<dir>/last`, `<dir>/best`. */
  dir: string;
  /** Write `last` every this many steps. Default: only at the end (and on abort). */
  everySteps?: number;
  /** Write `best` whenever the monitored value improves. Default false. */
  best?: boolean;
  /** Continue from `<dir>/last` when it exists. Default true. */
  resume?: boolean;
  /** The file-system seam. Default: Node's fs (fsync, then rename). */
  fs?: CheckpointFs;
}

export interface Progress {
  /** Updates done (1-based number of the one just finished). */
  step: number;
  /** 0-based epoch and the batches of it done. */
  epoch: number;
  batchInEpoch: number;
  batchesPerEpoch: number | undefined;
  /** Loss of the step just done (before its update). */
  loss: number;
  /** Learning rate used by that step. */
  learningRate: number;
  /** Target tokens (steps x sequences) per second in this run, and examples per second. */
  tokensPerSecond: number;
  examplesPerSecond: number;
  elapsedMs: number;
  /** Estimated time to the end, when the number of steps is known. */
  etaMs: number | undefined;
  totalSteps: number | undefined;
}

export interface ValidationResult {
  step: number;
  epoch: number;
  /** `loss` plus the requested metrics, over the whole validation set. */
  metrics: Record<string, number>;
}

/** Return 'stop' from any callback to end training after the current step. */
// biome-ignore lint/suspicious/noConfusingVoidType: a callback that returns nothing is the common case
export type CallbackResult = void | 'stop' | Promise<void | 'stop'>;

export interface TrainCallbacks {
  onStepEnd?(progress: Progress): CallbackResult;
  onEpochEnd?(info: { epoch: number; loss: number; step: number }): CallbackResult;
  onValidation?(result: ValidationResult): CallbackResult;
  onCheckpoint?(info: { name: string; step: number; dir: string }): CallbackResult;
}

export interface TrainOptions extends TrainerArgs {
  /** Passes over the data. Default 1, or unlimited when `steps` is given. */
  epochs?: number;
  /** Stop after this many updates in all (resumed ones included). Default: no limit. */
  steps?: number;
  /** Examples per update (index-based data). Default 32 (Keras). */
  batchSize?: number;
  /** Reshuffle each epoch (index-based data). Default true (Keras). */
  shuffle?: boolean;
  /**
   * Seed of the data order (epoch e is shuffled by a seed derived from (seed, e)) and of the
   * dropout masks (see {@link TrainerArgs.seed}). Weight initialisation is the model builder's
   * own `seed`. Default 0.
   */
  seed?: number;
  /** Held-out data, in any form `data` accepts; evaluated in order, without updates. */
  validation?: TrainData;
  /** Default: batchSize. */
  validationBatchSize?: number;
  /** Validate every this many steps. Default: at the end of every epoch. */
  validateEvery?: number;
  /** Metrics computed on the validation data (its loss always is). */
  metrics?: MetricName[];
  /** k of topKAccuracy. Default 5. */
  topK?: number;
  /**
   * What early stopping, `best` checkpoints and reduce-on-plateau watch: `val_loss`,
   * `val_<metric>` or `loss` (the epoch's training loss). Default `val_loss` with validation
   * data, else `loss`. Accuracies are maximised, everything else minimised.
   */
  monitor?: string;
  earlyStopping?: EarlyStoppingArgs;
  checkpoint?: CheckpointArgs;
  /** Stops training after the current step; `last` is saved when checkpoints are on. */
  signal?: AbortSignal;
  /** Progress events every this many steps. Default 1. */
  progressEvery?: number;
  onProgress?: (progress: Progress) => void;
  callbacks?: TrainCallbacks | readonly TrainCallbacks[];
  /** Receives one greppable line per progress event and notes (resume, stop). Default: none. */
  logger?: (line: string) => void;
}

export type StopReason = 'completed' | 'steps' | 'earlyStopping' | 'aborted' | 'callback';

export interface TrainHistory {
  /** Loss of every step (resumed runs include the steps before the checkpoint). */
  loss: number[];
  /** Learning rate of every step. */
  learningRate: number[];
  /** Mean training loss of each completed epoch, weighted by batch size. */
  epochLoss: number[];
  validation: ValidationResult[];
  /** Updates done in all. */
  steps: number;
  stopReason: StopReason;
  /** The best monitored value and its step, when something was monitored. */
  best?: { monitor: string; value: number; step: number };
  /** Step of the checkpoint this run resumed from, if any. */
  resumedFrom?: number;
}

/** What the loop keeps in a checkpoint besides the trainer state. */
interface SavedLoop extends LoopState {
  seed: number;
  epochSum: number;
  epochCount: number;
  wait: number;
  history: Omit<TrainHistory, 'stopReason' | 'resumedFrom'>;
}

function noNodeFs(e: unknown): never {
  throw new TrainingError(
    'BAD_OPTION',
    `checkpoints need a file system and node:fs is not available here (${(e as Error).message}): ` +
      'pass checkpoint.fs, an object with mkdir, writeFile, readFile, rename and rm',
    { cause: e },
  );
}

function formatMs(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/** Examples and target tokens of a batch ([batch, time] labels count batch x time tokens). */
function sizeOf(b: Batch): { examples: number; tokens: number } {
  const examples = b.y.shape[0] ?? 1;
  const tokens = b.y.rank >= 2 && b.y.dtype === 'int32' ? examples * b.y.shape[1]! : examples;
  return { examples, tokens };
}

/** Mean loss and metrics over a whole data set, without updates. */
export function evaluateData(
  trainer: Trainer,
  plan: EpochPlan,
  loss: TrainerArgs['loss'],
  metrics: readonly MetricName[],
  topK?: number,
): Record<string, number> {
  const lossFn = resolveLoss(loss);
  const acc = createMetrics(metrics, topK === undefined ? {} : { topK });
  let sum = 0;
  let weight = 0;
  for (const b of plan.epoch(0, 0)) {
    const out = trainer.predict(b.x);
    try {
      const [l, w] = tf.tidy(() => {
        const w = b.mask ? tf.sum(b.mask) : tf.scalar(b.y.size);
        return tf.stack([lossFn(out, b.y, b.mask), w]).dataSync();
      });
      sum += l! * w!;
      weight += w!;
      if (metrics.length) acc.add(out, b.y, b.mask);
    } finally {
      out.dispose();
    }
  }
  return { loss: sum / weight, ...(metrics.length ? acc.result() : {}) };
}

export async function train(
  model: tfl.LayersModel,
  data: TrainData,
  options: TrainOptions,
): Promise<TrainHistory> {
  const batchSize = checkInt('batchSize', options.batchSize ?? 32, 1);
  const seed = checkInt('seed', options.seed ?? 0, 0);
  const maxSteps =
    options.steps === undefined ? Number.POSITIVE_INFINITY : checkInt('steps', options.steps, 0);
  const epochs =
    options.epochs === undefined
      ? options.steps === undefined
        ? 1
        : Number.POSITIVE_INFINITY
      : checkInt('epochs', options.epochs, 0);
  const validateEvery =
    options.validateEvery === undefined
      ? undefined
      : checkInt('validateEvery', options.validateEvery, 1);
  const progressEvery = checkInt('progressEvery', options.progressEvery ?? 1, 1);
  const metrics = options.metrics ?? [];
  const monitor = options.monitor ?? (options.validation ? 'val_loss' : 'loss');
  if (monitor.startsWith('val_') && !options.validation) {
    throw new TrainingError(
      'BAD_OPTION',
      `monitor ${JSON.stringify(monitor)} needs validation data: pass options.validation, or monitor 'loss'`,
    );
  }
  const valMetric = monitor.startsWith('val_') ? monitor.slice(4) : undefined;
  if (valMetric && valMetric !== 'loss' && !metrics.includes(valMetric as MetricName)) {
    throw new TrainingError(
      'BAD_OPTION',
      `monitor ${JSON.stringify(monitor)} is not computed: add '${valMetric}' to options.metrics`,
    );
  }
  const higher = higherIsBetter(monitor);
  const es = options.earlyStopping;
  const patience = es ? checkInt('earlyStopping.patience', es.patience, 0) : 0;
  const minDelta = es ? checkNumber('earlyStopping.minDelta', es.minDelta ?? 0, 0) : 0;
  const ck = options.checkpoint;
  const everySteps =
    ck?.everySteps === undefined ? undefined : checkInt('checkpoint.everySteps', ck.everySteps, 1);
  const callbacks = options.callbacks
    ? Array.isArray(options.callbacks)
      ? (options.callbacks as readonly TrainCallbacks[])
      : [options.callbacks as TrainCallbacks]
    : [];
  const log = options.logger ?? (() => {});
  const stepListeners = callbacks.some((c) => c.onStepEnd);
  const intLabels = options.loss === 'sparseCategoricalCrossentropy';
  const shuffle = options.shuffle ?? true;

  const trainer = createTrainer(model, { ...options, seed });
  let plan: EpochPlan | undefined;
  let valPlan: EpochPlan | undefined;
  let bestWeights: tf.Tensor[] | undefined;
  const keepBest = !!es && es.restoreBestWeights !== false;
  try {
    plan = planEpochs(data, { batchSize, shuffle, seed, intLabels });
    if (options.validation) {
      const vbs = checkInt('validationBatchSize', options.validationBatchSize ?? batchSize, 1);
      valPlan = planEpochs(options.validation, { batchSize: vbs, shuffle: false, seed, intLabels });
    }
    const fs = ck ? (ck.fs ?? (await nodeFs().catch(noNodeFs))) : undefined;

    // --- loop state (all of it goes into checkpoints) ---
    let epoch = 0;
    let batchInEpoch = 0;
    let epochSum = 0;
    let epochCount = 0;
    let wait = 0;
    const history: TrainHistory = {
      loss: [],
      learningRate: [],
      epochLoss: [],
      validation: [],
      steps: 0,
      stopReason: 'completed',
    };

    if (ck && fs && ck.resume !== false) {
      const loaded = await loadCheckpoint(fs, ck.dir, 'last');
      if (loaded) {
        await trainer.setState(loaded.state);
        const l = loaded.loop as SavedLoop;
        epoch = l.epoch;
        batchInEpoch = l.batchInEpoch;
        epochSum = l.epochSum;
        epochCount = l.epochCount;
        wait = l.wait;
        Object.assign(history, l.history);
        history.resumedFrom = loaded.state.steps;
        if (l.seed !== seed) {
          log(
            `warning: the checkpoint was written with seed ${l.seed}, this run uses ${seed}: the data order differs from an uninterrupted run`,
          );
        }
        if (keepBest && history.best) {
          const best = await loadCheckpoint(fs, ck.dir, 'best').catch(() => null);
          if (best)
            bestWeights = best.state.weights.map((w) => tf.tensor(w.values, w.shape, w.dtype));
        }
        log(
          `resumed from ${loaded.path} at step ${loaded.state.steps} (epoch ${epoch + 1}, batch ${batchInEpoch})`,
        );
      }
    }

    const loopState = (): SavedLoop => ({
      epoch,
      batchInEpoch,
      seed,
      epochSum,
      epochCount,
      wait,
      history: {
        loss: history.loss,
        learningRate: history.learningRate,
        epochLoss: history.epochLoss,
        validation: history.validation,
        steps: trainer.steps,
        ...(history.best ? { best: history.best } : {}),
      },
    });
    const save = async (name: string): Promise<void> => {
      if (!ck || !fs) return;
      await saveCheckpoint(fs, ck.dir, name, await trainer.getState(), loopState());
      for (const c of callbacks) await c.onCheckpoint?.({ name, step: trainer.steps, dir: ck.dir });
    };
    let stop: StopReason | undefined;
    const run = async (fn: ((c: TrainCallbacks) => CallbackResult) | undefined): Promise<void> => {
      if (!fn) return;
      for (const c of callbacks) if ((await fn(c)) === 'stop') stop ??= 'callback';
    };

    /** Monitored value seen: early stopping, best checkpoint, plateau schedule. */
    const watch = async (value: number): Promise<void> => {
      if (!Number.isFinite(value)) return;
      trainer.observe(higher ? -value : value);
      const best = history.best?.value;
      const improved =
        best === undefined || (higher ? value > best + minDelta : value < best - minDelta);
      if (improved) {
        history.best = { monitor, value, step: trainer.steps };
        wait = 0;
        if (keepBest) {
          tf.dispose(bestWeights ?? []);
          bestWeights = model.weights.map((w) => tf.clone(w.read()));
        }
        if (ck?.best) await save('best');
      } else if (es && ++wait >= patience) {
        // Keras: stop once `patience` evaluations in a row brought no improvement
        stop ??= 'earlyStopping';
      }
    };

    const validate = async (): Promise<void> => {
      if (!valPlan) return;
      const m = evaluateData(trainer, valPlan, options.loss, metrics, options.topK);
      const result: ValidationResult = { step: trainer.steps, epoch, metrics: m };
      history.validation.push(result);
      log(
        `validation step ${trainer.steps}: ${Object.entries(m)
          .map(([k, v]) => `${k} ${v.toFixed(4)}`)
          .join(', ')}`,
      );
      await run((c) => c.onValidation?.(result));
      if (valMetric) await watch(m[valMetric]!);
    };

    const started = performance.now();
    let tokens = 0;
    let examples = 0;
    let stepsThisRun = 0;
    const total = () => {
      const perEpoch = plan!.batchesPerEpoch;
      const byEpochs = perEpoch === undefined ? Number.POSITIVE_INFINITY : epochs * perEpoch;
      const t = Math.min(maxSteps, byEpochs);
      return Number.isFinite(t) ? t : undefined;
    };

    while (epoch < epochs && trainer.steps < maxSteps) {
      if (options.signal?.aborted) {
        stop = 'aborted';
        break;
      }
      for (const batch of plan.epoch(epoch, batchInEpoch)) {
        const lr = trainer.learningRate;
        const loss = trainer.step(batch); // throws DivergenceError before applying a NaN update
        const size = sizeOf(batch);
        batchInEpoch++;
        stepsThisRun++;
        tokens += size.tokens;
        examples += size.examples;
        epochSum += loss * size.examples;
        epochCount += size.examples;
        history.loss.push(loss);
        history.learningRate.push(lr);
        history.steps = trainer.steps;
        // progress is built (and awaited) only for someone who reads it: W2-sized steps are
        // a millisecond, and an object and a promise a step are not free there
        const report =
          trainer.steps % progressEvery === 0 && (!!options.onProgress || !!options.logger);
        if (report || stepListeners) {
          const elapsedMs = performance.now() - started;
          const totalSteps = total();
          const progress: Progress = {
            step: trainer.steps,
            epoch,
            batchInEpoch,
            batchesPerEpoch: plan.batchesPerEpoch,
            loss,
            learningRate: lr,
            tokensPerSecond: (tokens * 1000) / elapsedMs,
            examplesPerSecond: (examples * 1000) / elapsedMs,
            elapsedMs,
            etaMs:
              totalSteps === undefined
                ? undefined
                : ((totalSteps - trainer.steps) * elapsedMs) / stepsThisRun,
            totalSteps,
          };
          if (report) {
            options.onProgress?.(progress);
            // the line is only built for a logger (three number formats a step otherwise)
            if (options.logger)
              log(
                `step ${progress.step}${totalSteps ? `/${totalSteps}` : ''} epoch ${epoch + 1} ` +
                  `loss ${loss.toFixed(4)} lr ${lr.toPrecision(3)} tok/s ${progress.tokensPerSecond.toFixed(0)}` +
                  (progress.etaMs === undefined ? '' : ` eta ${formatMs(progress.etaMs)}`),
              );
          }
          if (stepListeners) await run((c) => c.onStepEnd?.(progress));
        }
        if (validateEvery && trainer.steps % validateEvery === 0) await validate();
        if (trainer.steps >= maxSteps) stop ??= 'steps';
        if (options.signal?.aborted) stop ??= 'aborted';
        if (everySteps && trainer.steps % everySteps === 0 && stop === undefined)
          await save('last');
        if (stop) break;
      }
      const perEpoch = plan.batchesPerEpoch;
      if (stop && (perEpoch === undefined || batchInEpoch < perEpoch)) break;
      // --- the epoch is complete ---
      const epochLoss = epochCount ? epochSum / epochCount : Number.NaN;
      history.epochLoss.push(epochLoss);
      if (!validateEvery) await validate();
      if (!valMetric) await watch(epochLoss);
      await run((c) => c.onEpochEnd?.({ epoch, loss: epochLoss, step: trainer.steps }));
      epoch++;
      batchInEpoch = 0;
      epochSum = 0;
      epochCount = 0;
      if (stop) break;
    }
    history.stopReason = stop ?? 'completed';
    history.steps = trainer.steps;
    if (history.stopReason === 'earlyStopping' && keepBest && bestWeights) {
      model.setWeights(bestWeights);
      log(
        `early stopping at step ${trainer.steps}: restored the weights of step ${history.best?.step}`,
      );
    }
    await save('last');
    log(`stopped: ${history.stopReason} at step ${trainer.steps}`);
    return history;
  } finally {
    tf.dispose(bestWeights ?? []);
    plan?.dispose();
    valPlan?.dispose();
    trainer.dispose();
  }
}
