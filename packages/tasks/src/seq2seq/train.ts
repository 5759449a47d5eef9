/**
 * Sequence to sequence's training: the length buckets the training batches come from and the
 * training run. Beside it: options.ts (the options and defaults), predict.ts (the task it returns).
 */
import { seq2seq as buildSeq2seq } from '@rnnkit/models';
import { type ArrayBatch, type ExampleSource, mulberry32, permutation } from '@rnnkit/windowing';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { keptExamples, packedInputs, runTraining, type TaskHooks } from '../common.js';
import { scheduleFor } from '../lr-schedule.js';
import {
  asText,
  builderArgs,
  checkExamples,
  kindOf,
  lengthOf,
  type Seq2SeqExample,
  type Seq2SeqOptions,
  type Seq2SeqResolved,
  seq2seqDefaults,
  vocabFor,
} from './options.js';
import { type Seq2SeqTask, seq2seqTask } from './predict.js';

/** Whether a pair is within the options' source and target lengths. */
const fitsIn = (o: Seq2SeqResolved) => (e: Seq2SeqExample) =>
  lengthOf(e.source) <= o.maxSourceLength && lengthOf(e.target) <= o.maxTargetLength;

/** Trains an encoder-decoder. */
export async function trainSeq2seq(
  data: readonly Seq2SeqExample[],
  options: Seq2SeqOptions = {},
  hooks: TaskHooks = {},
): Promise<Seq2SeqTask> {
  checkExamples(data, 'seq2seq data');
  if (options.validation !== undefined) checkExamples(options.validation, 'validation');
  const { o, rows } = keptExamples(
    data,
    (n) => seq2seqDefaults(n, options),
    (o) => data.filter(fitsIn(o)),
    (o) =>
      `no example fits maxSourceLength ${o.maxSourceLength} and maxTargetLength ${o.maxTargetLength}: raise them`,
    hooks,
  );
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
  const held = (options.validation ?? []).filter(fitsIn(o));
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
export interface BucketBatch extends ArrayBatch {
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
export function bucketedInputs(model: tfl.LayersModel): tfl.LayersModel {
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
