/**
 * Sequence to sequence's trained task: what a trained or restored encoder-decoder does: greedy or
 * beam decoding, word accuracy and token error rate, save; and `restoreSeq2seq` for `loadTask`.
 * Beside it: options.ts (the options and defaults), train.ts (how it was trained).
 */
import {
  beamSearch,
  seq2seq as buildSeq2seq,
  type LoadedModel,
  type Seq2SeqModel,
  seq2seqDecoder,
} from '@rnnkit/models';
import { Vocab } from '@rnnkit/vocab';
import * as tf from '@tensorflow/tfjs-core';
import { rebuilt, type SavableTask, saveAndDispose, savedConfig } from '../common.js';
import { editDistance } from '../edit-distance.js';
import { checkInt, TaskError } from '../errors.js';
import {
  asText,
  builderArgs,
  checkExamples,
  type Kind,
  lengthOf,
  SEQ2SEQ,
  type Seq2SeqExample,
  type Seq2SeqResolved,
  type Sequence,
} from './options.js';

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

export interface Seq2SeqTask extends SavableTask {
  readonly task: typeof SEQ2SEQ;
  readonly options: Seq2SeqResolved;
  readonly sourceVocab: Vocab;
  readonly targetVocab: Vocab;
  readonly net: Seq2SeqModel;
  evaluate(heldOut: readonly Seq2SeqExample[], args?: DecodeArgs): Seq2SeqMetrics;
  predict(sources: readonly Sequence[], args?: DecodeArgs): Seq2SeqPrediction[];
}

export function seq2seqTask(
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
    ...saveAndDispose(
      net.model,
      () => ({
        task: SEQ2SEQ,
        builder: 'seq2seq',
        args: builderArgs(o, sourceVocab.size, targetVocab.size),
        vocab: sourceVocab.toJSON(),
        config: { ...o, ...kinds, targetVocab: targetVocab.toJSON() },
        metrics: task.metrics,
      }),
      net,
    ),
  };
  return task;
}

/** The task from a loaded artifact: the builder rebuilt (for encode/decodeStep), weights copied. */
export function restoreSeq2seq(loaded: LoadedModel): Seq2SeqTask {
  const config = savedConfig<
    Seq2SeqResolved & { sourceKind: Kind; targetKind: Kind; targetVocab: unknown }
  >(loaded);
  if (!loaded.vocab || !config?.targetVocab) {
    throw new TaskError(
      'BAD_ARTIFACT',
      'a seq2seq artifact must hold its source vocab and target vocab (training.config.targetVocab): save it again',
    );
  }
  const { sourceKind, targetKind, targetVocab, ...o } = config;
  const net = rebuilt(loaded, buildSeq2seq);
  return seq2seqTask(
    net,
    loaded.vocab,
    Vocab.fromJSON(targetVocab),
    { sourceKind, targetKind },
    o,
    loaded.meta.training?.metrics ?? {},
  );
}
