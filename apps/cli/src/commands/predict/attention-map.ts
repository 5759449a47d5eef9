/**
 * The attention map of a seq2seq model for one input: decode it greedily (as `predict` does), then
 * run the model's attention head on (source, <bos> + output) and draw the weights, one row per
 * output token (its <eos> included) and one column per source token, as an SVG heat map.
 *
 * @example
 * ```ts
 * await writeAttentionMap(task, 'cat', 'att.svg'); // rows K AE1 T <eos>, columns c a t
 * ```
 */

import { heatMap } from '@rnnkit/demo';
import type { Seq2SeqTask } from '@rnnkit/tasks';
import * as tf from '@tensorflow/tfjs-core';
import { CliError } from '../../errors.js';
import { writeFileAtomic } from '../../util/atomic-write.js';

export interface AttentionMap {
  source: string[];
  output: string[];
  /** weights[outputStep][sourceStep], each row summing to 1. */
  weights: number[][];
}

export function attentionMap(s: Seq2SeqTask, source: string): AttentionMap {
  const head = s.net.attentionModel;
  if (!head) {
    throw new CliError(
      'this seq2seq model has no attention (trained with attention none): no map to draw',
      2,
    );
  }
  const tokens = s.predict([source])[0]!.tokens;
  const src = s.sourceVocab.encode(source);
  const bos = s.targetVocab.bosId!;
  const unk = s.targetVocab.unkId ?? 0;
  const tgtIn = Int32Array.from([bos, ...tokens.map((t) => s.targetVocab.idOf(t) ?? unk)]);
  const weights = tf.tidy(() => {
    const w = head.predict([
      tf.tensor2d(src, [1, src.length], 'int32'),
      tf.tensor2d(tgtIn, [1, tgtIn.length], 'int32'),
    ]) as tf.Tensor; // [1, tgtTime, srcTime]
    return (w.arraySync() as number[][][])[0]!;
  });
  return {
    source: Array.from(src, (id) => s.sourceVocab.tokenOf(id) ?? '?'),
    output: [...tokens, '<eos>'],
    weights,
  };
}

/** Decodes `source`, draws its attention map into `path`; returns the map. */
export async function writeAttentionMap(
  s: Seq2SeqTask,
  source: string,
  path: string,
): Promise<AttentionMap> {
  const m = attentionMap(s, source);
  const svg = heatMap({
    title: `attention: ${source} -> ${m.output.slice(0, -1).join(' ')}`,
    rows: m.output,
    cols: m.source,
    values: m.weights,
    rowLabel: 'output',
    colLabel: 'input',
  });
  await writeFileAtomic(path, svg);
  return m;
}
