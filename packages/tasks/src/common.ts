/**
 * What every task shares: the hooks of a run (abort signal, events, logger), the training options
 * every task takes, the one-line log of the defaults chosen, the time budget, and the adapter that
 * lets `@rnnkit/training`'s `train()` (one input tensor per batch) train two-input models.
 *
 * @example
 * ```ts
 * const line = defaultsLine('text', { cell: 'lstm', units: 256 }, {}, 1_100_000, 'chars');
 * line; // 'text: cell lstm, units 256 (defaults for 1.1 MB of text)'
 * ```
 */
import type {
  ArtifactLocation,
  ArtifactOptions,
  CellType,
  LoadedModel,
  WeightsDType,
} from '@rnnkit/models';
import { CELL_TYPES, save, WEIGHTS_DTYPES } from '@rnnkit/models';
import {
  type CheckpointArgs,
  type CheckpointFs,
  type LossFn,
  type OptimizerConfig,
  type Progress,
  type ScheduleConfig,
  type TrainData,
  type TrainHistory,
  train as trainLoop,
  type ValidationResult,
} from '@rnnkit/training';
import type { VocabJSON } from '@rnnkit/vocab';
import { mulberry32, permutation } from '@rnnkit/windowing';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { checkChoice, checkInt, checkRange, TaskError } from './errors.js';

/** What a task run reports as it goes. */
export type TaskEvent =
  /** The defaults chosen (the same line the logger gets). */
  | { type: 'defaults'; line: string; options: Record<string, unknown> }
  /** One training step (every `progressEvery` steps). */
  | { type: 'progress'; progress: Progress }
  /** A validation pass. */
  | { type: 'validation'; result: ValidationResult }
  /**
   * An epoch ended: its mean training loss (weighted by batch size, resumed steps included) and
   * the validation pass at its end, if the task validates.
   */
  | { type: 'epoch'; epoch: number; step: number; loss: number; validation?: ValidationResult }
  /** Training ended (completed, time budget, early stopping or abort). */
  | { type: 'done'; history: TrainHistory; seconds: number };

/** The hooks of one run: `train(data, options, hooks)`. */
export interface TaskHooks {
  /** Stops training after the current step; the task is still returned, trained so far. */
  signal?: AbortSignal;
  /** Progress, validation and the chosen defaults, as events. */
  onEvent?: (event: TaskEvent) => void;
  /** Receives the defaults line and one line per progress report. Default `console.log`. */
  logger?: (line: string) => void;
  /**
   * Checkpoints of the run (weights, optimizer state, step and data position), written on abort,
   * at the end and every `everySteps`; with `resume` (the default) a run whose `dir` holds one
   * continues from it. The task rebuilds the same vocab and model from the same data and seed,
   * then training picks up where it stopped, so the result equals an uninterrupted run's.
   * A hook, not an option: where a run keeps its checkpoints is not part of the model's config.
   */
  checkpoint?: TaskCheckpoint;
}

/** Where and how often a task run checkpoints (see {@link TaskHooks.checkpoint}). */
export interface TaskCheckpoint {
  /** Folder of the checkpoints (`<dir>/last`, and `<dir>/best` when the task early-stops). */
  dir: string;
  /** Also write one every this many steps. Default: only on abort and at the end. */
  everySteps?: number;
  /** Continue from `<dir>/last` when it exists. Default true. */
  resume?: boolean;
  /** The file-system seam of `@rnnkit/training`. Default: Node's fs. */
  fs?: CheckpointFs;
}

/** Training options every task takes (each default is the task's own named constant). */
export interface CommonTaskOptions {
  /** Recurrent cell. */
  cell?: CellType;
  /** Hidden size of each recurrent layer. */
  units?: number;
  /** Stacked recurrent layers. */
  layers?: number;
  /** Dropout between stacked layers, in [0, 1). */
  dropout?: number;
  /** Passes over the training data. */
  epochs?: number;
  /** Examples per update. */
  batchSize?: number;
  /** Adam's learning rate. */
  learningRate?: number;
  /** Clip gradients to this global norm. */
  clipNorm?: number;
  /** Seed of the weights, the data order and the splits. */
  seed?: number;
  /** Stop training after this many seconds (the task keeps what it learnt). Default: no limit. */
  timeBudgetSeconds?: number;
  /** A progress line every this many steps. */
  progressEvery?: number;
}

/** Options of every task's `save(dir, options)`. */
export interface TaskSaveOptions {
  /**
   * How the weights are stored: `'float32'` (default), `'float16'` (half the bytes; stock
   * `tf.loadLayersModel` still loads it) or `'int8'` (about a quarter, one scale per output
   * channel; `loadTask` reads it). rnnkit.json records the choice.
   */
  weights?: WeightsDType;
}

/** The artifact options of a task's save options, checked. */
export function artifactOptions(options: TaskSaveOptions = {}): ArtifactOptions {
  checkKnown('save', options, ['weights']);
  return options.weights === undefined
    ? {}
    : { weights: checkChoice('weights', options.weights, WEIGHTS_DTYPES) };
}

/** What a trained task writes into rnnkit.json besides the model's own files. */
export interface TaskArtifact {
  /** The task's name in files (its row of the task table). */
  task: string;
  /** The topology builder that rebuilds the model, and its arguments (the task's `builderArgs`). */
  builder: string;
  args: object;
  /** The vocab of the token ids, when the task reads tokens. */
  vocab?: VocabJSON;
  /** The resolved options and what the task needs to predict again; the final metrics. */
  config: Record<string, unknown>;
  metrics: Record<string, number>;
}

/** Saves a trained task's model with its rnnkit.json (`save`), the save options checked. */
export async function saveTask(
  model: tfl.LayersModel | { model: tfl.LayersModel },
  dir: ArtifactLocation,
  saveOptions: TaskSaveOptions,
  a: TaskArtifact,
): Promise<void> {
  await save(
    model,
    dir,
    {
      task: a.task,
      topology: { builder: a.builder, args: a.args as Record<string, unknown> },
      ...(a.vocab === undefined ? {} : { vocab: a.vocab }),
      training: { config: a.config, metrics: a.metrics },
    },
    artifactOptions(saveOptions),
  );
}

/** What every trained task has besides its own fields. */
export interface SavableTask {
  /** Metrics of the training run or the last `evaluate` (saved into rnnkit.json). */
  metrics: Record<string, number>;
  /** Writes the artifact (model.json, weights.bin, rnnkit.json with the metrics). */
  save(dir: string, options?: TaskSaveOptions): Promise<void>;
  dispose(): void;
}

/**
 * A trained task's `save` and `dispose`: `save` writes `model` with the artifact `artifact()`
 * describes when it is called (so it holds the task's metrics of then), `dispose` frees `owner`
 * (the model, or the builder's result holding it).
 */
export function saveAndDispose(
  model: tfl.LayersModel,
  artifact: () => TaskArtifact,
  owner: { dispose(): void } = model,
): Pick<SavableTask, 'save' | 'dispose'> {
  return {
    async save(dir, saveOptions = {}) {
      await saveTask(model, dir, saveOptions, artifact());
    },
    dispose() {
      owner.dispose();
    },
  };
}

/** The task's config a loaded artifact holds (rnnkit.json `training.config`), if any. */
export function savedConfig<T>(loaded: LoadedModel): T | undefined {
  return loaded.meta.training?.config as unknown as T | undefined;
}

/**
 * The topology `build` rebuilt from a loaded artifact's builder args with the loaded weights, for
 * the parts the loaded model lacks (a step model, encode/decode steps); the loaded model is freed.
 */
export function rebuilt<A, N extends { model: tfl.LayersModel }>(
  loaded: LoadedModel,
  build: (args: A) => N,
): N {
  const net = build(loaded.meta.topology.args as unknown as A);
  net.model.setWeights(loaded.model.getWeights());
  loaded.model.dispose();
  return net;
}

/** Defaults every task shares. */
export const DEFAULT_LEARNING_RATE = 3e-3;
export const DEFAULT_CLIP_NORM = 5;
export const DEFAULT_SEED = 0;
export const DEFAULT_DROPOUT = 0;
export const DEFAULT_LAYERS = 1;
export const DEFAULT_PROGRESS_EVERY = 50;

/** The common options, checked, with the defaults filled in. */
export interface ResolvedCommon {
  cell: CellType;
  units: number;
  layers: number;
  dropout: number;
  epochs: number;
  batchSize: number;
  learningRate: number;
  clipNorm: number;
  seed: number;
  timeBudgetSeconds: number | null;
  progressEvery: number;
}

/** What every size tier sets: the cell, its units and the batch size. */
export interface SizeTier {
  cell: CellType;
  units: number;
  batchSize: number;
}

/**
 * The tiers most tasks start from: an LSTM of 128, 64 or 32 units in batches of 64, 32 or 16.
 * A task's own table is `sizeTiers(...)` over these.
 */
export const BASE_TIERS = {
  large: { cell: 'lstm' as CellType, units: 128, batchSize: 64 },
  medium: { cell: 'lstm' as CellType, units: 64, batchSize: 32 },
  small: { cell: 'lstm' as CellType, units: 32, batchSize: 16 },
} as const;

/** A tier's own fields: its epochs, and whatever it sets over `BASE_TIERS` (units, seqLength...). */
export type OwnTier = { epochs: number } & Partial<SizeTier>;

/** `Base` with the fields of `Own` over it (one object type, `& {}` so that it reads as one). */
export type Over<Base, Own> = {
  readonly [K in keyof (Omit<Base, keyof Own> & Own)]: (Omit<Base, keyof Own> & Own)[K];
} & {};

/**
 * A task's defaults by size: each tier of `BASE_TIERS` with the task's own fields over it.
 *
 * @example
 * ```ts
 * const tiers = sizeTiers({ large: { epochs: 6 }, medium: { epochs: 10 }, small: { epochs: 15 } });
 * tiers.medium; // { cell: 'lstm', units: 64, batchSize: 32, epochs: 10 }
 * ```
 */
export function sizeTiers<
  const L extends OwnTier,
  const M extends OwnTier,
  const S extends OwnTier,
>(own: {
  large: L;
  medium: M;
  small: S;
}): {
  readonly large: Over<typeof BASE_TIERS.large, L>;
  readonly medium: Over<typeof BASE_TIERS.medium, M>;
  readonly small: Over<typeof BASE_TIERS.small, S>;
} {
  return {
    large: { ...BASE_TIERS.large, ...own.large },
    medium: { ...BASE_TIERS.medium, ...own.medium },
    small: { ...BASE_TIERS.small, ...own.small },
  };
}

/**
 * The task's size tier for `size` (characters, examples or steps): `large` from `largeFrom` on,
 * `medium` from `mediumFrom` on, else `small`.
 */
export function bySize<
  Tiers extends { readonly large: unknown; readonly medium: unknown; readonly small: unknown },
>(
  tiers: Tiers,
  size: number,
  largeFrom: number,
  mediumFrom: number,
): Tiers['large' | 'medium' | 'small'] {
  return size >= largeFrom ? tiers.large : size >= mediumFrom ? tiers.medium : tiers.small;
}

/** What a size tier gives `resolveCommon`: the cell, units, epochs, batch size and maybe a rate. */
type Sized = Pick<ResolvedCommon, 'cell' | 'units' | 'epochs' | 'batchSize'> &
  Partial<Pick<ResolvedCommon, 'learningRate'>>;

/**
 * The task's tier for `size` (`bySize`) and the common options checked over it (`resolveCommon`):
 * what every task's defaults start from.
 */
export function resolveSized<
  Tiers extends { readonly large: Sized; readonly medium: Sized; readonly small: Sized },
>(
  options: CommonTaskOptions,
  tiers: Tiers,
  size: number,
  largeFrom: number,
  mediumFrom: number,
): { sized: Tiers['large' | 'medium' | 'small']; common: ResolvedCommon } {
  const sized = bySize(tiers, size, largeFrom, mediumFrom);
  return { sized, common: resolveCommon(options, sized) };
}

/** Checks the common options over the task's size-dependent defaults. */
export function resolveCommon(options: CommonTaskOptions, sized: Sized): ResolvedCommon {
  const o = { ...sized, ...definedOnly(options) };
  return {
    cell: checkChoice('cell', o.cell, CELL_TYPES),
    units: checkInt('units', o.units, 1, 'units: 128'),
    layers: checkInt('layers', o.layers ?? DEFAULT_LAYERS, 1, 'layers: 1'),
    dropout: checkRange('dropout', o.dropout ?? DEFAULT_DROPOUT, 0, 0.99, 'dropout: 0.2'),
    epochs: checkInt('epochs', o.epochs, 1, 'epochs: 3'),
    batchSize: checkInt('batchSize', o.batchSize, 1, 'batchSize: 32'),
    learningRate: checkRange(
      'learningRate',
      o.learningRate ?? DEFAULT_LEARNING_RATE,
      1e-8,
      10,
      'learningRate: 0.003',
    ),
    clipNorm: checkRange('clipNorm', o.clipNorm ?? DEFAULT_CLIP_NORM, 1e-8, 1e6, 'clipNorm: 5'),
    seed: checkInt('seed', o.seed ?? DEFAULT_SEED, 0, 'seed: 0'),
    timeBudgetSeconds:
      o.timeBudgetSeconds === undefined
        ? null
        : checkRange('timeBudgetSeconds', o.timeBudgetSeconds, 0, 1e9, 'timeBudgetSeconds: 900'),
    progressEvery: checkInt(
      'progressEvery',
      o.progressEvery ?? DEFAULT_PROGRESS_EVERY,
      1,
      'progressEvery: 50',
    ),
  };
}

/** What every topology builder takes for its recurrent stack, from the resolved common options. */
export interface StackArgs {
  cell: CellType;
  units: number;
  layers: number;
  dropout: number;
  seed: number;
}

/** The recurrent stack's arguments of a task's builder (`builderArgs` adds the topology's own). */
export function stackArgs(o: ResolvedCommon): StackArgs {
  return { cell: o.cell, units: o.units, layers: o.layers, dropout: o.dropout, seed: o.seed };
}

/** The options object without its undefined fields (so they do not hide defaults). */
export function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Throws `BAD_OPTION` for option names the task does not know, listing the known ones. */
export function checkKnown(task: string, options: object, known: readonly string[]): void {
  for (const k of Object.keys(options)) {
    if (!known.includes(k)) {
      throw new TaskError(
        'BAD_OPTION',
        `${task}: unknown option ${JSON.stringify(k)}: expected one of ${known.join(', ')}`,
      );
    }
  }
}

/** Names of the common options, which every task knows (`checkTaskOptions`). */
export const COMMON_OPTION_NAMES = [
  'cell',
  'units',
  'layers',
  'dropout',
  'epochs',
  'batchSize',
  'learningRate',
  'clipNorm',
  'seed',
  'timeBudgetSeconds',
  'progressEvery',
] as const;

/**
 * Throws `BAD_OPTION` for option names a task does not know: the common ones and the task's own
 * (`own`, its `OPTION_NAMES`), listing them.
 */
export function checkTaskOptions(task: string, options: object, own: readonly string[]): void {
  checkKnown(task, options, [...COMMON_OPTION_NAMES, ...own]);
}

/** A human size: '1.1 MB of text', '215 k words', '2 400 examples'. */
/** What a task's size counts. */
export type SizeUnit = 'chars' | 'words' | 'examples' | 'steps';

export function describeSize(n: number, unit: SizeUnit): string {
  if (unit === 'chars') {
    if (n >= 1e6) return `${(n / 1e6).toFixed(1)} MB of text`;
    if (n >= 1e3) return `${(n / 1e3).toFixed(0)} kB of text`;
    return `${n} chars of text`;
  }
  if (unit === 'words' && n >= 1e3) return `${(n / 1e3).toFixed(0)} k words`;
  return `${n} ${unit === 'steps' ? 'time steps' : unit}`;
}

/**
 * The one-line log of a run's settings: `text: cell lstm, units 256, seqLength 100, epochs 3
 * (defaults for 1.1 MB of text)`, with the options the caller set marked `(set)`.
 */
export function defaultsLine(
  task: string,
  shown: Record<string, unknown>,
  given: object,
  size: number,
  unit: SizeUnit,
  more = '',
): string {
  const parts = Object.entries(shown).map(
    ([k, v]) => `${k} ${v}${k in definedOnly(given) ? ' (set)' : ''}`,
  );
  return `${task}: ${parts.join(', ')} (defaults for ${describeSize(size, unit)}${more})`;
}

/** Sends the defaults line to the logger and the events. */
export function announce(hooks: TaskHooks, line: string, options: Record<string, unknown>): void {
  (hooks.logger ?? console.log)(line);
  hooks.onEvent?.({ type: 'defaults', line, options });
}

/**
 * The examples a run trains on and its options: `defaults(n)` resolves the options for n
 * examples (the tier of all `data`), `keep(o)` selects the examples they allow (e.g. those within
 * a maximum length); none kept is a `BAD_DATA` saying `none(o)` (what to raise). The defaults line
 * announced is the one for the examples kept.
 */
export function keptExamples<T, R extends object>(
  data: readonly T[],
  defaults: (n: number) => { resolved: R; line: string },
  keep: (o: R) => T[],
  none: (o: R) => string,
  hooks: TaskHooks,
): { o: R; rows: T[] } {
  const { resolved: o } = defaults(data.length);
  const rows = keep(o);
  if (rows.length === 0) throw new TaskError('BAD_DATA', none(o));
  announce(hooks, defaults(rows.length).line, { ...o } as Record<string, unknown>);
  return { o, rows };
}

export interface RunArgs {
  /** A loss name, or a function of (output, target, mask) (e.g. a task's fused output layer). */
  loss: 'sparseCategoricalCrossentropy' | 'meanSquaredError' | 'binaryCrossentropy' | LossFn;
  common: ResolvedCommon;
  /** Learning-rate schedule over the updates, from `common.learningRate`. Default constant. */
  schedule?: ScheduleConfig;
  validation?: TrainData;
  metrics?: ('accuracy' | 'bitsPerChar' | 'perplexity' | 'rmse')[];
  /** Stop early when the validation loss has not improved for this many evaluations. */
  patience?: number;
}

/**
 * Runs `@rnnkit/training`'s loop with the task's settings: Adam, clipping, the time budget and
 * the abort signal as a 'stop' from a step callback, progress as events and log lines.
 */
export async function runTraining(
  task: string,
  model: tfl.LayersModel,
  data: TrainData,
  args: RunArgs,
  hooks: TaskHooks,
): Promise<TrainHistory> {
  const c = args.common;
  const started = Date.now();
  const log = hooks.logger ?? console.log;
  const optimizer: OptimizerConfig = { type: 'adam', learningRate: c.learningRate };
  let lastValidation: ValidationResult | undefined;
  const history = await trainLoop(model, data, {
    loss: args.loss,
    optimizer,
    clipNorm: c.clipNorm,
    ...(args.schedule ? { schedule: args.schedule } : {}),
    epochs: c.epochs,
    batchSize: c.batchSize,
    seed: c.seed,
    ...(args.validation ? { validation: args.validation, metrics: args.metrics ?? [] } : {}),
    ...(args.validation && args.patience
      ? { earlyStopping: { patience: args.patience, restoreBestWeights: true } }
      : {}),
    ...(hooks.signal ? { signal: hooks.signal } : {}),
    ...(hooks.checkpoint ? { checkpoint: checkpointArgs(hooks.checkpoint, !!args.patience) } : {}),
    progressEvery: c.progressEvery,
    onProgress: (p) => {
      log(
        `${task} step ${p.step}${p.totalSteps ? `/${p.totalSteps}` : ''} epoch ${p.epoch + 1} loss ${p.loss.toFixed(4)}`,
      );
      hooks.onEvent?.({ type: 'progress', progress: p });
    },
    callbacks: {
      onStepEnd: () =>
        c.timeBudgetSeconds !== null && (Date.now() - started) / 1000 >= c.timeBudgetSeconds
          ? 'stop'
          : undefined,
      onValidation: (result) => {
        lastValidation = result;
        hooks.onEvent?.({ type: 'validation', result });
      },
      onEpochEnd: ({ epoch, loss, step }) => {
        // train() validates at the end of every epoch, just before this callback
        const validation = lastValidation?.step === step ? lastValidation : undefined;
        hooks.onEvent?.({
          type: 'epoch',
          epoch,
          step,
          loss,
          ...(validation ? { validation } : {}),
        });
      },
    },
  });
  const seconds = (Date.now() - started) / 1000;
  log(
    `${task}: stopped (${history.stopReason}) after ${history.steps} steps, ${seconds.toFixed(1)}s`,
  );
  hooks.onEvent?.({ type: 'done', history, seconds });
  return history;
}

/**
 * The training loop's checkpoint options for a task run. With early stopping the best weights
 * are checkpointed too: a resumed run that stops early restores the same best weights as an
 * uninterrupted one.
 */
function checkpointArgs(ck: TaskCheckpoint, earlyStopping: boolean): CheckpointArgs {
  if (typeof ck.dir !== 'string' || ck.dir.length === 0) {
    throw new TaskError(
      'BAD_OPTION',
      `checkpoint.dir is ${JSON.stringify(ck.dir)}, expected a folder path: e.g. checkpoint: { dir: 'ckpt' }`,
    );
  }
  return {
    dir: ck.dir,
    ...(ck.everySteps !== undefined
      ? { everySteps: checkInt('checkpoint.everySteps', ck.everySteps, 1, 'everySteps: 100') }
      : {}),
    resume: ck.resume ?? true,
    best: earlyStopping,
    ...(ck.fs ? { fs: ck.fs } : {}),
  };
}

/**
 * Lets `train()`, which feeds each batch's single `x` to `model.apply`, train a model with two
 * inputs: x is the two int inputs side by side, [batch, widthA + widthB], and is cut back into
 * [x[:, :widthA], x[:, widthA:]] before the model. Only what the loop reads is provided
 * (apply, weights, trainableWeights, layers, setWeights; `outputs` is empty).
 */
export function packedInputs(
  model: tfl.LayersModel,
  widthA: number,
  /** Turns the first block into what the model reads (e.g. ids -> one-hot rows). */
  mapA: (a: tf.Tensor) => tf.Tensor = (a) => a,
): tfl.LayersModel {
  const adapter = {
    apply: (x: tf.Tensor, kwargs?: Record<string, unknown>) => {
      const [a, b] = tf.split(x, [widthA, x.shape[1]! - widthA], 1);
      return model.apply([mapA(a!), b!], kwargs);
    },
    get weights() {
      return model.weights;
    },
    get trainableWeights() {
      return model.trainableWeights;
    },
    get layers() {
      return model.layers;
    },
    // no symbolic graph of its own (x is packed): code that rebuilds a model from the graph
    // (e.g. a fused output head) must take the ordinary path here
    outputs: [],
    setWeights: (w: tf.Tensor[]) => model.setWeights(w),
  };
  return adapter as unknown as tfl.LayersModel;
}

/** Two int32 row-major blocks [n, wa] and [n, wb] side by side: [n, wa + wb]. */
export function sideBySide(a: Int32Array, wa: number, b: Int32Array, wb: number): Int32Array {
  const n = a.length / wa;
  const out = new Int32Array(n * (wa + wb));
  for (let i = 0; i < n; i++) {
    out.set(a.subarray(i * wa, (i + 1) * wa), i * (wa + wb));
    out.set(b.subarray(i * wb, (i + 1) * wb), i * (wa + wb) + wa);
  }
  return out;
}

/** A seeded shuffle of 0 .. n-1 (the same seed, the same order on every backend). */
export function shuffled(n: number, seed: number): Int32Array {
  return permutation(n, mulberry32(seed));
}
