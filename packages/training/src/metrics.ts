/**
 * Metrics over a whole data set, accumulated as sums over batches (exact, not a mean of batch
 * means). Classification metrics read logits [..., classes] and int labels [...]; regression
 * metrics read outputs and targets of the same size. A mask (1 = real step) restricts both.
 *
 * - accuracy: share of real steps whose argmax is the label; topKAccuracy: label among the k
 *   largest logits (ties count in the label's favour, as `tf.math.in_top_k`);
 * - lossPerToken: mean cross-entropy in nats per real step; perplexity = exp(lossPerToken);
 *   bitsPerChar = lossPerToken / ln 2 (bits per token: per char for a char model);
 * - mae, rmse; mape = 100 * mean(|y - p| / max(|y|, 1e-7)) (Keras's epsilon).
 *
 * @example
 * ```ts
 * const m = createMetrics(['accuracy', 'perplexity']);
 * m.add(tf.tensor2d([[2, 0], [0, 2]]), tf.tensor1d([0, 1], 'int32'));
 * m.result(); // { accuracy: 1, perplexity: 1.1269... }
 * ```
 */
import * as tf from '@tensorflow/tfjs-core';
import { checkInt, TrainingError } from './errors.js';

export type MetricName =
  | 'accuracy'
  | 'topKAccuracy'
  | 'lossPerToken'
  | 'perplexity'
  | 'bitsPerChar'
  | 'mae'
  | 'rmse'
  | 'mape';

export const METRIC_NAMES: readonly MetricName[] = [
  'accuracy',
  'topKAccuracy',
  'lossPerToken',
  'perplexity',
  'bitsPerChar',
  'mae',
  'rmse',
  'mape',
];

const CLASSIFICATION = new Set<MetricName>([
  'accuracy',
  'topKAccuracy',
  'lossPerToken',
  'perplexity',
  'bitsPerChar',
]);

/** Keras's default k for top-k accuracy. */
export const DEFAULT_TOP_K = 5;
const MAPE_EPSILON = 1e-7;

export interface Metrics {
  /** Adds one batch: model output, targets and an optional mask. */
  add(output: tf.Tensor, target: tf.Tensor, mask?: tf.Tensor): void;
  /** The metrics over everything added so far (NaN before anything was added). */
  result(): Record<string, number>;
}

/** Higher is better for these; lower for every other metric and for losses. */
export function higherIsBetter(name: string): boolean {
  return /accuracy$/i.test(name);
}

export function createMetrics(names: readonly MetricName[], args: { topK?: number } = {}): Metrics {
  for (const n of names) {
    if (!METRIC_NAMES.includes(n)) {
      throw new TrainingError(
        'BAD_OPTION',
        `unknown metric ${JSON.stringify(n)}: expected one of ${METRIC_NAMES.join(', ')}`,
      );
    }
  }
  const k = checkInt('topK', args.topK ?? DEFAULT_TOP_K, 1);
  const classify = names.some((n) => CLASSIFICATION.has(n));
  const regress = names.some((n) => !CLASSIFICATION.has(n));
  // running sums: [tokens, correct, inTopK, nats] and [elements, |e|, e^2, |e|/|y|]
  const sums = new Float64Array(8);
  return {
    add(output, target, mask) {
      const read = tf.tidy(() => {
        const parts: tf.Tensor[] = [];
        if (classify) {
          const classes = output.shape[output.shape.length - 1]!;
          const logits = tf.reshape(output, [-1, classes]); // [n, classes]
          const labels = tf.cast(tf.reshape(target, [-1]), 'int32'); // [n]
          const m = mask ? tf.cast(tf.reshape(mask, [-1]), 'float32') : tf.ones([labels.shape[0]!]); // [n]
          const hot = tf.oneHot(labels, classes);
          const picked = tf.sum(tf.mul(logits, hot), 1); // [n] the label's logit
          const above = tf.sum(tf.cast(tf.greater(logits, tf.expandDims(picked, 1)), 'float32'), 1);
          const nats = tf.neg(tf.sum(tf.mul(tf.logSoftmax(logits), hot), 1)); // [n]
          parts.push(
            tf.sum(m),
            tf.sum(tf.mul(tf.cast(tf.equal(above, 0), 'float32'), m)),
            tf.sum(tf.mul(tf.cast(tf.less(above, k), 'float32'), m)),
            tf.sum(tf.mul(nats, m)),
          );
        } else parts.push(tf.zeros([4]));
        if (regress) {
          const p = tf.cast(output, 'float32');
          const y = tf.reshape(tf.cast(target, 'float32'), p.shape);
          let e = tf.abs(tf.sub(p, y));
          let rel = tf.div(e, tf.maximum(tf.abs(y), MAPE_EPSILON));
          let count: tf.Tensor = tf.scalar(e.size);
          if (mask) {
            // a [batch, time] mask on [batch, time, features] values: every feature of a step
            const m = tf.cast(mask.rank < p.rank ? tf.expandDims(mask, -1) : mask, 'float32');
            const full = tf.mul(tf.onesLike(p), m);
            e = tf.mul(e, full);
            rel = tf.mul(rel, full);
            count = tf.sum(full);
          }
          parts.push(count, tf.sum(e), tf.sum(tf.square(e)), tf.sum(rel));
        } else parts.push(tf.zeros([4]));
        return tf.concat(parts.map((t) => tf.reshape(t, [-1]))).dataSync();
      });
      for (let i = 0; i < 8; i++) sums[i]! += read[i]!;
    },
    result() {
      const [tokens, correct, topk, nats, count, abs, sq, rel] = sums as unknown as number[];
      const out: Record<string, number> = {};
      const perToken = nats! / tokens!;
      for (const n of names) {
        if (n === 'accuracy') out[n] = correct! / tokens!;
        else if (n === 'topKAccuracy') out[n] = topk! / tokens!;
        else if (n === 'lossPerToken') out[n] = perToken;
        else if (n === 'perplexity') out[n] = Math.exp(perToken);
        else if (n === 'bitsPerChar') out[n] = perToken / Math.LN2;
        else if (n === 'mae') out[n] = abs! / count!;
        else if (n === 'rmse') out[n] = Math.sqrt(sq! / count!);
        else if (n === 'mape') out[n] = (100 * rel!) / count!;
      }
      return out;
    },
  };
}
