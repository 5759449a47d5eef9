/**
 * Sequence to sequence (encoder-decoder with attention): grapheme to phoneme, transliteration,
 * short translation. A source (a string read as characters, or an array of symbols) is encoded;
 * the decoder emits target tokens until `<eos>`, greedily or by beam search. Reports word
 * accuracy (the whole output right) and the token error rate (edit distance / reference length:
 * the phoneme error rate for G2P).
 *
 * @example
 * ```ts
 * import { seq2seq } from '@rnnkit/tasks';
 * const g2p = await seq2seq.train(dict.map((r) => ({ source: r.word, target: r.phonemes })));
 * // seq2seq: cell gru, units 128, epochs 3, attention dot (defaults for 113440 examples)
 * g2p.predict(['whale'], { beamWidth: 4 })[0].tokens; // ['W', 'EY', 'L']
 * g2p.evaluate(test, { beamWidth: 4 }); // { wordAccuracy: 0.594, tokenErrorRate: 0.1062, ... } (bench/quality/seq2seq.mjs)
 * ```
 */
import {
  ATTENTION_TYPES,
  type AttentionType,
  beamSearch,
  seq2seq as buildSeq2seq,
  type CellType,
  type LoadedModel,
  type Seq2SeqArgs,
  type Seq2SeqModel,
  save,
  seq2seqDecoder,
} from '@rnnkit/models';
import { charTokenizer, symbolTokenizer, Vocab } from '@rnnkit/vocab';
import { type ArrayBatch, type ExampleSource, mulberry32, permutation } from '@rnnkit/windowing';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import {
  announce,
  bySize,
  COMMON_OPTION_NAMES,
  type CommonTaskOptions,
  checkKnown,
  defaultsLine,
  describeSize,
  packedInputs,
  type ResolvedCommon,
  resolveCommon,
  runTraining,
  type TaskHooks,
} from './common.js';
import { editDistance } from './edit-distance.js';
import { checkChoice, checkInt, TaskError } from './errors.js';
import {
  DEFAULT_SCHEDULE,
  type LearningRateSchedule,
  SCHEDULES,
  scheduleFor,
} from './lr-schedule.js';

export const SEQ2SEQ = 'seq2seq';

/** A string is read as characters; an array as symbols (e.g. phonemes). */
export type Sequence = string | readonly string[];

export interface Seq2SeqExample {
  source: Sequence;
  target: Sequence;
}

export interface Seq2SeqOptions extends CommonTaskOptions {
  /** `'dot'` (Luong, default), `'additive'` (Bahdanau) or `'none'`. */
  attention?: AttentionType;
  /** Read the source both ways (the decoder then has 2 x units). Default false. */
  bidirectional?: boolean;
  /** Longest source kept, in tokens; longer examples are dropped. Default 24. */
  maxSourceLength?: number;
  /** Longest target kept, in tokens; longer examples are dropped. Default 24. */
  maxTargetLength?: number;
  /**
   * Learning rate over the run: `'cosine'` (default) warms up over the first steps, then decays
   * from `learningRate` to 5% of it at the last planned step (epochs x batches); `'constant'`.
   */
  schedule?: LearningRateSchedule;
  /**
   * Held-out pairs, scored at the end of every epoch with teacher forcing: loss and token
   * accuracy (`validation` and `epoch` events; `evaluate` decodes for word accuracy). Pairs longer
   * than the limits are skipped. Not saved with the model.
   */
  validation?: readonly Seq2SeqExample[];
}

/**
 * Defaults by number of pairs. `large` is tuned for CMUdict G2P (113k pairs) in 15 minutes on 2
 * cores (bench/quality/seq2seq.mjs): a GRU learns faster per second than an LSTM there (about
 * 0.21 CPU-s per batch of 64, and a lower loss at the same step), 8e-3 learns about twice as fast
 * as 3e-3 early on, and 3 epochs of length-bucketed batches (5 300 updates) with a cosine
 * learning rate fit in the time.
 */
export const SEQ2SEQ_DEFAULTS = {
  large: { cell: 'gru' as CellType, units: 128, epochs: 3, batchSize: 64, learningRate: 0.008 },
  medium: { cell: 'lstm' as CellType, units: 96, epochs: 15, batchSize: 32 },
  small: { cell: 'lstm' as CellType, units: 32, epochs: 30, batchSize: 16 },
} as const;
export const SEQ2SEQ_LARGE_EXAMPLES = 50_000;
export const SEQ2SEQ_MEDIUM_EXAMPLES = 5_000;
export const DEFAULT_SEQ2SEQ_ATTENTION: AttentionType = 'dot';
export const DEFAULT_MAX_SEQUENCE_LENGTH = 24;

export interface Seq2SeqResolved extends ResolvedCommon {
  schedule: LearningRateSchedule;
  attention: AttentionType;
  bidirectional: boolean;
  maxSourceLength: number;
  maxTargetLength: number;
}

export interface DecodeArgs {
  /** 1 = greedy (batched, fast); more = beam search, one source at a time. Default 1. */
  beamWidth?: number;
  /** alpha of the length normalisation logP / length^alpha. Default 1. */
  lengthPenalty?: number;
}

export interface Seq2SeqPrediction {
  /** The target tokens (characters or symbols), without `<eos>`. */
  tokens: string[];
  /** The tokens joined: characters as they are, symbols with spaces. */
  text: string;
}

export interface Seq2SeqMetrics {
  /** Share of examples whose whole output equals the reference. */
  wordAccuracy: number;
  /** Sum of edit distances / sum of reference lengths (phoneme error rate for G2P). */
  tokenErrorRate: number;
  examples: number;
}

export interface Seq2SeqTask {
  readonly task: typeof SEQ2SEQ;
  readonly options: Seq2SeqResolved;
  readonly sourceVocab: Vocab;
  readonly targetVocab: Vocab;
  readonly net: Seq2SeqModel;
  metrics: Record<string, number>;
  evaluate(heldOut: readonly Seq2SeqExample[], args?: DecodeArgs): Seq2SeqMetrics;
  predict(sources: readonly Sequence[], args?: DecodeArgs): Seq2SeqPrediction[];
  save(dir: string): Promise<void>;
  dispose(): void;
}

const OPTION_NAMES = [
  ...COMMON_OPTION_NAMES,
  'attention',
  'bidirectional',
  'maxSourceLength',
  'maxTargetLength',
  'schedule',
  'validation',
];

export function seq2seqDefaults(
  examples: number,
  options: Seq2SeqOptions = {},
): { resolved: Seq2SeqResolved; line: string } {
  checkKnown(SEQ2SEQ, options, OPTION_NAMES);
  const sized = bySize(SEQ2SEQ_DEFAULTS, examples, SEQ2SEQ_LARGE_EXAMPLES, SEQ2SEQ_MEDIUM_EXAMPLES);
  const common = resolveCommon(options, sized);
  const resolved: Seq2SeqResolved = {
    ...common,
    schedule: checkChoice('schedule', options.schedule ?? DEFAULT_SCHEDULE, SCHEDULES),
    attention: checkChoice(
      'attention',
      options.attention ?? DEFAULT_SEQ2SEQ_ATTENTION,
      ATTENTION_TYPES,
    ),
    bidirectional: options.bidirectional ?? false,
    maxSourceLength: checkInt(
      'maxSourceLength',
      options.maxSourceLength ?? DEFAULT_MAX_SEQUENCE_LENGTH,
      1,
      'maxSourceLength: 24',
    ),
    maxTargetLength: checkInt(
      'maxTargetLength',
      options.maxTargetLength ?? DEFAULT_MAX_SEQUENCE_LENGTH,
      1,
      'maxTargetLength: 24',
    ),
  };
  const line = defaultsLine(
    'seq2seq',
    {
      cell: common.cell,
      units: common.units,
      epochs: common.epochs,
      attention: resolved.attention,
    },
    options,
    describeSize(examples, 'examples'),
  );
  return { resolved, line };
}

/** What kind of sequence: characters of a string, or an array of symbols. */
type Kind = 'chars' | 'symbols';

const kindOf = (s: Sequence): Kind => (typeof s === 'string' ? 'chars' : 'symbols');
const asText = (s: Sequence): string => (typeof s === 'string' ? s : s.join(' '));
const lengthOf = (s: Sequence): number => (typeof s === 'string' ? [...s].length : s.length);

function vocabFor(
  kind: Kind,
  texts: string[],
  specials: ('<pad>' | '<unk>' | '<bos>' | '<eos>')[],
) {
  return Vocab.fromTexts(texts, {
    tokenizer: kind === 'chars' ? charTokenizer() : symbolTokenizer(),
    specials,
  });
}

function builderArgs(o: Seq2SeqResolved, sourceSize: number, targetSize: number): Seq2SeqArgs {
  return {
    cell: o.cell,
    units: o.units,
    layers: o.layers,
    dropout: o.dropout,
    seed: o.seed,
    attention: o.attention,
    bidirectional: o.bidirectional,
    // one-hot on both sides: small vocabs, and it trains on wasm too; id 0 = <pad> is masked
    source: { type: 'oneHot', vocabSize: sourceSize, maskZero: true },
    target: { type: 'oneHot', vocabSize: targetSize },
    classes: targetSize,
  };
}

function checkExamples(data: unknown, what: string): asserts data is Seq2SeqExample[] {
  if (!Array.isArray(data) || data.length === 0) {
    throw new TaskError(
      'BAD_DATA',
      `${what} must be a non-empty array of { source, target }, e.g. dict.map((r) => ({ source: r.word, target: r.phonemes }))`,
    );
  }
  const ok = (s: unknown) =>
    (typeof s === 'string' && s.length > 0) ||
    (Array.isArray(s) && s.length > 0 && s.every((t) => typeof t === 'string'));
  data.forEach((e, i) => {
    if (!ok(e?.source) || !ok(e?.target)) {
      throw new TaskError(
        'BAD_DATA',
        `${what}[${i}] is ${JSON.stringify(e)?.slice(0, 80)}, expected { source, target }, each a non-empty string or array of strings`,
      );
    }
  });
}

/** Trains an encoder-decoder. */
export async function trainSeq2seq(
  data: readonly Seq2SeqExample[],
  options: Seq2SeqOptions = {},
  hooks: TaskHooks = {},
): Promise<Seq2SeqTask> {
  checkExamples(data, 'seq2seq data');
  if (options.validation !== undefined) checkExamples(options.validation, 'validation');
  const { resolved: o } = seq2seqDefaults(data.length, options);
  const fits = (e: Seq2SeqExample) =>
    lengthOf(e.source) <= o.maxSourceLength && lengthOf(e.target) <= o.maxTargetLength;
  const rows = data.filter(fits);
  if (rows.length === 0) {
    throw new TaskError(
      'BAD_DATA',
      `no example fits maxSourceLength ${o.maxSourceLength} and maxTargetLength ${o.maxTargetLength}: raise them`,
    );
  }
  const { line } = seq2seqDefaults(rows.length, options);
  announce(hooks, line, { ...o });
  const sourceKind = kindOf(rows[0]!.source);
  const targetKind = kindOf(rows[0]!.target);
  const sourceVocab = vocabFor(
    sourceKind,
    rows.map((e) => asText(e.source)),
    ['<pad>', '<unk>'],
  );
  const targetVocab = vocabFor(
    targetKind,
    rows.map((e) => asText(e.target)),
    ['<pad>', '<unk>', '<bos>', '<eos>'],
  );
  const net = buildSeq2seq(builderArgs(o, sourceVocab.size, targetVocab.size));
  const source = lengthBuckets(
    rows.map((e) => sourceVocab.encode(asText(e.source))),
    rows.map((e) => targetVocab.encode(asText(e.target), { addBos: true, addEos: true })),
    o.batchSize,
    o.seed,
  );
  const held = (options.validation ?? []).filter(fits);
  const val = held.length
    ? lengthBuckets(
        held.map((e) => sourceVocab.encode(asText(e.source))),
        held.map((e) => targetVocab.encode(asText(e.target), { addBos: true, addEos: true })),
        o.batchSize,
        o.seed,
      )
    : undefined;
  // one "example" of the loop is one bucketed batch, so its seeded shuffle orders the batches
  await runTraining(
    'seq2seq',
    bucketedInputs(net.model),
    source,
    {
      loss: 'sparseCategoricalCrossentropy',
      common: { ...o, batchSize: 1 },
      ...scheduleFor(o, o.epochs * source.length),
      ...(val ? { validation: val, metrics: ['accuracy'] } : {}),
    },
    hooks,
  );
  return seq2seqTask(net, sourceVocab, targetVocab, { sourceKind, targetKind }, o, {});
}

/**
 * A batch of `lengthBuckets`: x = [rows, 1 + S + T] int32, column 0 holding S (the source width of
 * this batch), then the source ids [S] and the target input `<bos> y_1 .. y_n` [T]; y = the
 * target output `y_1 .. y_n <eos>` [rows, T]; mask [rows, T].
 */
interface BucketBatch extends ArrayBatch {
  x: Int32Array;
  y: Int32Array;
  mask: Uint8Array;
}

/**
 * Training batches of pairs of similar length, each padded only to its own longest source and
 * target (CMUdict words average 7.5 letters against a cap of 24: padding every batch to the cap
 * cost about 3x in time). Pairs are sorted by (source, target) length after a seeded shuffle and
 * cut into batches of `batchSize`; the source's "examples" are those batches, which the training
 * loop shuffles every epoch (so each epoch sees every pair once, batches in a new order).
 */
export function lengthBuckets(
  sources: readonly Int32Array[],
  targets: readonly Int32Array[],
  batchSize: number,
  seed: number,
): ExampleSource<BucketBatch> {
  const order = Array.from(permutation(sources.length, mulberry32(seed)));
  order.sort(
    (a, b) => sources[a]!.length - sources[b]!.length || targets[a]!.length - targets[b]!.length,
  );
  const buckets: number[][] = [];
  for (let s = 0; s < order.length; s += batchSize) buckets.push(order.slice(s, s + batchSize));
  return {
    length: buckets.length,
    batch(indices) {
      const rows = Array.from(indices, (k) => buckets[k]!).flat();
      const S = Math.max(1, ...rows.map((r) => sources[r]!.length));
      const T = Math.max(...rows.map((r) => targets[r]!.length - 1)); // + <eos>, - <bos>
      const n = rows.length;
      const w = 1 + S + T;
      const x = new Int32Array(n * w);
      const y = new Int32Array(n * T);
      const mask = new Uint8Array(n * T);
      rows.forEach((r, i) => {
        const ids = targets[r]!; // <bos> y_1 .. y_n <eos>
        x[i * w] = S;
        x.set(sources[r]!, i * w + 1);
        x.set(ids.subarray(0, ids.length - 1), i * w + 1 + S);
        y.set(ids.subarray(1), i * T);
        mask.fill(1, i * T, i * T + ids.length - 1);
      });
      return { size: n, shapes: { x: [n, w], y: [n, T], mask: [n, T] }, x, y, mask };
    },
  };
}

/** The training model fed `lengthBuckets` batches: x's header column gives the source width. */
function bucketedInputs(model: tfl.LayersModel): tfl.LayersModel {
  const base = packedInputs(model, 1);
  const apply = (x: tf.Tensor, kwargs?: Record<string, unknown>) => {
    const [head, rest] = tf.split(x, [1, x.shape[1]! - 1], 1);
    const S = head!.dataSync()[0]!;
    return packedInputs(model, S).apply(rest!, kwargs);
  };
  // no `outputs`: the view has no single output layer for a trainer to fuse with its loss
  return Object.create(base, {
    apply: { value: apply },
    outputs: { value: [] },
  }) as tfl.LayersModel;
}

function seq2seqTask(
  net: Seq2SeqModel,
  sourceVocab: Vocab,
  targetVocab: Vocab,
  kinds: { sourceKind: Kind; targetKind: Kind },
  o: Seq2SeqResolved,
  metrics: Record<string, number>,
): Seq2SeqTask {
  const bos = targetVocab.bosId!;
  const eos = targetVocab.eosId!;
  const maxOut = o.maxTargetLength + 1;
  const toPrediction = (ids: number[]): Seq2SeqPrediction => {
    const tokens = ids.map((id) => targetVocab.tokenOf(id) ?? '<unk>');
    return { tokens, text: kinds.targetKind === 'chars' ? tokens.join('') : tokens.join(' ') };
  };
  const encodeSources = (sources: readonly Sequence[]): tf.Tensor2D => {
    const texts = sources.map(asText);
    const width = Math.max(1, ...sources.map(lengthOf));
    const b = sourceVocab.encodeBatch(texts, { length: width });
    return tf.tensor2d(b.ids, b.shape, 'int32');
  };
  /** Greedy decoding of a batch: encode once, then argmax token by token. */
  const greedy = (sources: readonly Sequence[]): number[][] => {
    const out: number[][] = sources.map(() => []);
    const done = new Array<boolean>(sources.length).fill(false);
    const src = encodeSources(sources);
    const enc = net.encode(src);
    src.dispose();
    let state = enc.state;
    let prev = new Int32Array(sources.length).fill(bos);
    try {
      for (let t = 0; t < maxOut && done.includes(false); t++) {
        const p = tf.tensor1d(prev, 'int32');
        const r = net.decodeStep(p, state, enc);
        p.dispose();
        if (state !== enc.state) tf.dispose(state);
        state = r.state;
        const best = tf.tidy(() => tf.argMax(r.logits, 1));
        prev = Int32Array.from(best.dataSync());
        tf.dispose([best, r.logits, ...(r.attention ? [r.attention] : [])]);
        prev.forEach((tok, i) => {
          if (done[i]) return;
          if (tok === eos) done[i] = true;
          else out[i]!.push(tok);
        });
      }
    } finally {
      tf.dispose([enc.outputs, enc.mask, ...enc.state, ...(state !== enc.state ? state : [])]);
    }
    return out;
  };
  const beam = (source: Sequence, args: DecodeArgs): number[] => {
    const src = encodeSources([source]);
    const dec = seq2seqDecoder(net, src);
    try {
      const best = beamSearch({
        ...dec,
        startToken: bos,
        eosToken: eos,
        beamWidth: args.beamWidth!,
        maxLength: maxOut,
        ...(args.lengthPenalty !== undefined ? { lengthPenalty: args.lengthPenalty } : {}),
      });
      return best[0]?.tokens ?? [];
    } finally {
      dec.dispose();
      src.dispose();
    }
  };
  const task: Seq2SeqTask = {
    task: SEQ2SEQ,
    options: o,
    sourceVocab,
    targetVocab,
    net,
    metrics,
    predict(sources, args = {}) {
      const width = checkInt('beamWidth', args.beamWidth ?? 1, 1, 'beamWidth: 4');
      if (width === 1) {
        const out: Seq2SeqPrediction[] = [];
        const B = 256;
        for (let s = 0; s < sources.length; s += B) {
          out.push(...greedy(sources.slice(s, s + B)).map(toPrediction));
        }
        return out;
      }
      return sources.map((s) => toPrediction(beam(s, { ...args, beamWidth: width })));
    },
    evaluate(heldOut, args = {}) {
      checkExamples(heldOut, 'held-out data');
      const preds = task.predict(
        heldOut.map((e) => e.source),
        args,
      );
      let right = 0;
      let dist = 0;
      let len = 0;
      preds.forEach((p, i) => {
        const ref = targetVocab.tokenizer.tokenize(asText(heldOut[i]!.target));
        const d = editDistance(p.tokens, ref);
        if (d === 0) right++;
        dist += d;
        len += ref.length;
      });
      const m = {
        wordAccuracy: right / preds.length,
        tokenErrorRate: dist / len,
        examples: preds.length,
      };
      task.metrics = { ...m, beamWidth: args.beamWidth ?? 1 };
      return m;
    },
    async save(dir) {
      await save(net.model, dir, {
        task: SEQ2SEQ,
        topology: {
          builder: 'seq2seq',
          args: builderArgs(o, sourceVocab.size, targetVocab.size) as unknown as Record<
            string,
            unknown
          >,
        },
        vocab: sourceVocab.toJSON(),
        training: {
          config: { ...o, ...kinds, targetVocab: targetVocab.toJSON() },
          metrics: task.metrics,
        },
      });
    },
    dispose() {
      net.dispose();
    },
  };
  return task;
}

/** The task from a loaded artifact: the builder rebuilt (for encode/decodeStep), weights copied. */
export function restoreSeq2seq(loaded: LoadedModel): Seq2SeqTask {
  const config = loaded.meta.training?.config as unknown as
    | (Seq2SeqResolved & { sourceKind: Kind; targetKind: Kind; targetVocab: unknown })
    | undefined;
  if (!loaded.vocab || !config?.targetVocab) {
    throw new TaskError(
      'BAD_ARTIFACT',
      'a seq2seq artifact must hold its source vocab and target vocab (training.config.targetVocab): save it again',
    );
  }
  const { sourceKind, targetKind, targetVocab, ...o } = config;
  const net = buildSeq2seq(loaded.meta.topology.args as unknown as Seq2SeqArgs);
  net.model.setWeights(loaded.model.getWeights());
  loaded.model.dispose();
  return seq2seqTask(
    net,
    loaded.vocab,
    Vocab.fromJSON(targetVocab),
    { sourceKind, targetKind },
    o,
    loaded.meta.training?.metrics ?? {},
  );
}

export const seq2seq = {
  name: SEQ2SEQ,
  train: trainSeq2seq,
  defaults: seq2seqDefaults,
} as const;
