/**
 * Attention over encoder outputs, for `seq2seq` (Luong et al. 2015 "global attention", applied
 * after the decoder's recurrent layer, without input feeding, so training runs over all target
 * steps at once and a decoding step is one cell step plus one attention read).
 *
 * For decoder outputs $q_t$ [batch, tgtTime, D] (queries) and encoder outputs $h_s$
 * [batch, srcTime, E] (values):
 * - `dot` (Luong): $\operatorname{score}(t, s) = q_t^\top h_s$ (needs D = E);
 * - `additive` (Bahdanau et al. 2015):
 *   $\operatorname{score}(t, s) = v^\top \tanh(q_t W_q + h_s W_k)$, $W_q$ [D, A], $W_k$ [E, A],
 *   $v$ [A, 1];
 *
 * then the weights $a_{t,s} = \operatorname{softmax}_s \operatorname{score}(t, s)$ over the real
 * source steps only (a padded step s, mask 0, gets weight exactly 0), and the context
 * $c_t = \sum_s a_{t,s} h_s$. Each layer returns
 * [context [batch, tgtTime, E], weights [batch, tgtTime, srcTime]].
 *
 * Inputs are `[query, values]` or `[query, values, mask]`, mask [batch, srcTime] float (1 real,
 * 0 padding). The mask is an input rather than a Keras mask because tfjs's executor hands a
 * multi-input layer only its first input's mask. `PaddingMask` makes it from source ids.
 *
 * Saved as 'rnnkit>DotAttention', 'rnnkit>AdditiveAttention' and 'rnnkit>PaddingMask': a model
 * with attention needs rnnkit (its `customObjects()`) to load.
 *
 * Neighbours in `layers/`: `recurrent.ts` (the recurrent layers over the cells of `cells/`),
 * `recurrent-layer.ts` (their factory), `inputs.ts`, `attention.ts`, the initialisers, and
 * `custom-objects.ts` (what `load` needs to rebuild them).
 *
 * @example
 * ```ts
 * const [context, weights] = new DotAttention().apply([q, h, mask]) as tf.Tensor[];
 * // q [1, 2, 4], h [1, 3, 4], mask [[1, 1, 0]] -> context [1, 2, 4], weights [1, 2, 3], e.g.
 * // [[[0.31, 0.69, 0], [0.5, 0.5, 0]]]: each row sums to 1, the padded step gets 0
 * ```
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { ModelsError } from '../errors.js';
import { FAST } from '../fast-seam.js';
import { MaskingLayer } from './masking-layer.js';

export type AttentionType = 'none' | 'dot' | 'additive';

/** The attention kinds, for messages and CLI choices. */
export const ATTENTION_TYPES: readonly AttentionType[] = ['none', 'dot', 'additive'];

/** Added to the scores of padded source steps: exp(-1e9 - max) is exactly 0 in float32. */
const MASKED_SCORE = -1e9;

type Shape = (number | null)[];

/** Softmax of scores [batch, tgtTime, srcTime] over the source steps, zero where mask is 0. */
function maskedSoftmax(scores: tf.Tensor, mask: tf.Tensor | undefined): tf.Tensor {
  if (!mask) return tf.softmax(scores, -1);
  const m = tf.expandDims(tf.cast(mask, 'float32'), 1); // [batch, 1, srcTime]
  const masked = tf.add(scores, tf.mul(tf.sub(1, m), MASKED_SCORE));
  return tf.mul(tf.softmax(masked, -1), m); // the mul keeps a fully padded row at 0, not uniform
}

/** Common part: output shapes, mask passing and the context read. */
export abstract class AttentionLayer extends MaskingLayer {
  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape[] {
    const [q, v] = inputShape as Shape[];
    if (!q || !v || q.length !== 3 || v.length !== 3) {
      throw new ModelsError(
        'BAD_OPTION',
        `attention needs [query [batch, tgtTime, D], values [batch, srcTime, E]], got shapes ${JSON.stringify(inputShape)}`,
      );
    }
    return [
      [q[0]!, q[1]!, v[2]!],
      [q[0]!, q[1]!, v[1]!],
    ];
  }

  override computeMask(
    _inputs: tf.Tensor | tf.Tensor[],
    mask?: tf.Tensor | tf.Tensor[],
  ): tf.Tensor[] {
    // the context keeps the query's (target) mask; the weights have none
    const q = Array.isArray(mask) ? mask[0] : mask;
    return [q ?? null, null] as unknown as tf.Tensor[]; // null means "no mask" at run time
  }

  /** Scores [batch, tgtTime, srcTime] of queries against values. */
  protected abstract scores(query: tf.Tensor, values: tf.Tensor): tf.Tensor;

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor[] {
    return tf.tidy(() => {
      const [query, values, mask] = inputs as tf.Tensor[];
      const weights = maskedSoftmax(this.scores(query!, values!), mask); // [batch, tgt, src]
      const context = tf.matMul(weights, values!); // [batch, tgt, E]
      return [context, weights];
    });
  }
}

/** [batch, rows, cols] -> [batch, cols, rows], transposed in JS (wasm's Transpose is slow). */
function transposeLast2(t: tf.Tensor): tf.Tensor3D {
  const [batch, rows, cols] = t.shape as [number, number, number];
  const src = t.dataSync() as Float32Array;
  const out = new Float32Array(src.length);
  const n = rows * cols;
  for (let b = 0; b < batch; b++) {
    out.set(FAST.transpose(src.subarray(b * n, (b + 1) * n), rows, cols), b * n);
  }
  return tf.tensor3d(out, [batch, cols, rows]);
}

/**
 * The context of dot attention, c = softmax_masked(q h^T) h, as one op whose forward and backward
 * multiply only plain (untransposed) operands: wasm's matMul leaves XNNPACK's fast path for a
 * transposed operand (apps/docs/guide/performance.md), so the transposes are made in JS. q [batch,
 * tgt, D], h [batch, src, D], mask [batch, src] (float, 1 real) -> [batch, tgt, D]. Gradients (w
 * the weights, dW = dc h^T): dq = dS h, dh = w^T dc + dS^T q, dS = w * (dW - rowsum(dW * w)).
 */
function dotContext(query: tf.Tensor, values: tf.Tensor, mask: tf.Tensor): tf.Tensor {
  const op = tf.customGrad((q, v, m, save) => {
    const [ctx, w, vT] = tf.tidy(() => {
      const vT = transposeLast2(v as tf.Tensor); // [batch, D, src]
      const w = maskedSoftmax(tf.matMul(q as tf.Tensor3D, vT), m as tf.Tensor); // [batch, tgt, src]
      return [tf.matMul(w as tf.Tensor3D, v as tf.Tensor3D), w, vT];
    });
    (save as tf.GradSaveFunc)([q as tf.Tensor, v as tf.Tensor, w!, vT!]);
    tf.dispose([w!, vT!]);
    return {
      value: ctx!,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [sq, sv, sw, svT] = saved as [tf.Tensor3D, tf.Tensor3D, tf.Tensor3D, tf.Tensor3D];
        const dc = dy as tf.Tensor3D; // [batch, tgt, D]
        const dW = tf.matMul(dc, svT); // [batch, tgt, src]
        const dS = tf.mul(sw, tf.sub(dW, tf.sum(tf.mul(dW, sw), -1, true))) as tf.Tensor3D;
        const dq = tf.matMul(dS, sv); // [batch, tgt, D]
        const dv = tf.add(tf.matMul(transposeLast2(sw), dc), tf.matMul(transposeLast2(dS), sq));
        return [dq, dv, tf.zerosLike(m as tf.Tensor)];
      },
    };
  });
  return op(query, values, mask);
}

/** Luong dot-product attention: $\operatorname{score}(t, s) = q_t^\top h_s$; no weights. */
export class DotAttention extends AttentionLayer {
  static className = 'rnnkit>DotAttention';

  /**
   * The context through `dotContext` (transpose-free gradients); the weights output is for
   * reading (plots, decoding) and is computed again without a gradient path to the values.
   */
  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor[] {
    return tf.tidy(() => {
      const [query, values, given] = inputs as tf.Tensor[];
      const [batch, src] = values!.shape as number[];
      const mask = given ? tf.cast(given, 'float32') : tf.ones([batch!, src!]);
      const context = dotContext(query!, values!, mask);
      const weights = maskedSoftmax(
        tf.matMul(query as tf.Tensor3D, transposeLast2(values!)),
        given ? mask : undefined,
      );
      return [context, weights];
    });
  }

  override build(inputShape: tfl.Shape | tfl.Shape[]): void {
    const [q, v] = inputShape as Shape[];
    if (q?.[2] !== v?.[2]) {
      throw new ModelsError(
        'BAD_OPTION',
        `dot attention needs queries and values of the same width, got ${q?.[2]} and ${v?.[2]}: use attention: 'additive'`,
      );
    }
    this.built = true;
  }

  protected scores(query: tf.Tensor, values: tf.Tensor): tf.Tensor {
    return tf.matMul(query, values, false, true); // [batch, tgt, D] x [batch, src, D]^T
  }
}

export interface AdditiveAttentionArgs {
  /** Width A of the hidden layer of the score. */
  units: number;
  name?: string;
}

/**
 * Bahdanau additive attention: $\operatorname{score}(t, s) = v^\top \tanh(q_t W_q + h_s W_k)$.
 */
export class AdditiveAttention extends AttentionLayer {
  static className = 'rnnkit>AdditiveAttention';
  readonly units: number;
  private wq: tfl.LayerVariable | null = null;
  private wk: tfl.LayerVariable | null = null;
  private v: tfl.LayerVariable | null = null;

  constructor(args: AdditiveAttentionArgs) {
    super(args);
    this.units = args.units;
  }

  override build(inputShape: tfl.Shape | tfl.Shape[]): void {
    const [q, v] = inputShape as Shape[];
    const zeros = tfl.initializers.zeros(); // initializeWeights() sets glorot from the seed
    this.wq = this.addWeight('query_kernel', [q![2]!, this.units], 'float32', zeros);
    this.wk = this.addWeight('key_kernel', [v![2]!, this.units], 'float32', zeros);
    this.v = this.addWeight('score_kernel', [this.units, 1], 'float32', zeros);
    this.built = true;
  }

  protected scores(query: tf.Tensor, values: tf.Tensor): tf.Tensor {
    const [batch, tgt] = query.shape as number[];
    const src = values.shape[1]!;
    const a = this.units;
    const qw = tf.reshape(tf.matMul(tf.reshape(query, [-1, query.shape[2]!]), this.wq!.read()), [
      batch!,
      tgt!,
      1,
      a,
    ]); // [batch, tgt, 1, A]
    const kw = tf.reshape(tf.matMul(tf.reshape(values, [-1, values.shape[2]!]), this.wk!.read()), [
      batch!,
      1,
      src,
      a,
    ]); // [batch, 1, src, A]
    const hidden = tf.tanh(tf.add(qw, kw)); // [batch, tgt, src, A]
    return tf.reshape(tf.matMul(tf.reshape(hidden, [-1, a]), this.v!.read()), [batch!, tgt!, src]);
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), units: this.units };
  }
}

/** Source ids [batch, srcTime] -> mask [batch, srcTime] float32: 1 where id != 0, else 0. */
export class PaddingMask extends tfl.layers.Layer {
  static className = 'rnnkit>PaddingMask';

  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape {
    return inputShape as tfl.Shape;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const ids = Array.isArray(inputs) ? inputs[0]! : inputs;
      return tf.cast(tf.notEqual(ids, 0), 'float32');
    });
  }
}

/** The attention layer of a kind, or null for 'none'; throws `BAD_OPTION` listing the kinds. */
export function attentionLayer(type: AttentionType, units: number): AttentionLayer | null {
  switch (type) {
    case 'none':
      return null;
    case 'dot':
      return new DotAttention({ name: 'attention' });
    case 'additive':
      return new AdditiveAttention({ units, name: 'attention' });
    default:
      throw new ModelsError(
        'BAD_OPTION',
        `attention must be one of ${ATTENTION_TYPES.map((a) => `'${a}'`).join(', ')}, got ${JSON.stringify(type)}: e.g. attention: 'dot'`,
      );
  }
}
