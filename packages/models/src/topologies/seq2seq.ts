/**
 * Sequence to sequence (many-to-many, unaligned: translation, grapheme to phoneme): an encoder
 * reads the source, its final state starts the decoder, and the decoder, fed the previous target
 * token (teacher forcing in training), emits logits for the next one, optionally reading the
 * encoder outputs through attention (Sutskever et al. 2014; Luong et al. 2015).
 *
 * Training model: inputs `[source, targetIn]`:
 * - source: ids [batch, srcTime] (or [batch, srcTime, features]); with `maskZero`, id 0 is padding
 *   (ignored by the encoder and by attention);
 * - targetIn: the target shifted right, `<bos> y_1 .. y_{n-1}`, ids [batch, tgtTime];
 *
 * output: logits [batch, tgtTime, classes] for `y_1 .. y_n`.
 *
 * Inside: encoder stack (`encoder_l`, optionally bidirectional) -> outputs [batch, srcTime, D]
 * and each layer's final state, D = units * (bidirectional ? 2 : 1); decoder stack (`decoder_l`,
 * D units, its own `decoderCell` if given, layer l starts from encoder layer l's state) -> [batch, tgtTime, D]; with attention,
 * context $c_t$ from the encoder outputs and $\tilde h_t = \tanh([c_t; h_t] W_c + b)$ (`attentional`) ->
 * `logits`. The decoder has D units so that the (concatenated) encoder state fits it as it is.
 *
 * Decoding (greedy or beam search, the caller's loop): `enc = encode(source)` once, then
 * `{ logits, state, attention } = decodeStep(prev, state, enc)` per token starting from
 * `state = enc.state`. `state` is flat: [h_1, c_1, h_2, c_2, ...] (lstm) or [h_1, h_2, ...],
 * each [batch, D].
 *
 * Neighbours in `topologies/`: the four builders (`many-to-one.ts`, `many-to-many.ts`,
 * `one-to-many.ts`, `seq2seq.ts`) over one stack of recurrent layers (`stack.ts`).
 *
 * @example
 * ```ts
 * import { seq2seq } from '@rnnkit/models';
 * const net = seq2seq({ cell: 'gru', units: 16, classes: 12, attention: 'dot',
 *   source: { type: 'embedding', vocabSize: 10, dims: 8, maskZero: true },
 *   target: { type: 'embedding', vocabSize: 12, dims: 8 } });
 * net.model.outputs[0].shape; // [null, null, 12]
 * const enc = net.encode(tf.tensor2d([[4, 5, 6, 0]], [1, 4], 'int32'));
 * const { logits, attention } = net.decodeStep(tf.tensor1d([1], 'int32'), enc.state, enc);
 * // logits [1, 12]; attention [1, 4], summing to 1, with attention[0][3] = 0 (padding)
 * ```
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { CellType } from '../cells/index.js';
import { checkInt } from '../errors.js';
import { type AttentionType, attentionLayer, PaddingMask } from '../layers/attention.js';
import { initializeWeights } from '../layers/init-weights.js';
import { type InputSpec, masksZero, noMaskInput, sequenceInput } from '../layers/inputs.js';
import type { RecurrentModel } from './many-to-many.js';
import { seq2seqDense } from './seq2seq-head.js';
import {
  type CommonArgs,
  checkCell,
  commonOptions,
  disposeModels,
  recurrentStack,
  stateCount,
} from './stack.js';

/** Default attention: none, the plain encoder-decoder. */
export const DEFAULT_ATTENTION: AttentionType = 'none';

export interface Seq2SeqArgs extends CommonArgs {
  /** What the encoder reads: source ids (embedding or one-hot, `maskZero` for padding) or features. */
  source: InputSpec;
  /** What the decoder reads: the previous target token (embedding or one-hot) or features. */
  target: InputSpec;
  /** Output classes per target step (the target vocab size, including `<eos>`). */
  classes: number;
  /**
   * The decoder's cell, if not `cell` (the encoder's). An lstm decoder after an rnn or gru encoder
   * gets $c_0 = \tanh(h W + b)$ from the encoder's h (`bridge_c_l`); a non-lstm decoder after an lstm
   * encoder takes h and leaves c. Default: `cell`.
   */
  decoderCell?: CellType;
  /** Read the source both ways; the decoder then has 2 * units. Default false. */
  bidirectional?: boolean;
  /** `'none'`, `'dot'` (Luong) or `'additive'` (Bahdanau). Default `'none'`. */
  attention?: AttentionType;
  /** Hidden width of the additive score. Default: the decoder's units. */
  attentionUnits?: number;
  /** Fixed source length, or null (default) for any length. */
  sourceLength?: number | null;
  /** Fixed target length, or null (default) for any length. */
  targetLength?: number | null;
}

/** What `encode` returns; the caller disposes it (`tf.dispose([outputs, mask, ...state])`). */
export interface Encoded {
  /** Encoder outputs [batch, srcTime, D], what attention reads. */
  outputs: tf.Tensor3D;
  /** The decoder's initial state (flat, per layer [h] or [h, c], each [batch, D]). */
  state: tf.Tensor2D[];
  /** [batch, srcTime]: 1 for real source steps, 0 for padding (all 1 without `maskZero`). */
  mask: tf.Tensor2D;
}

export interface DecodedStep {
  /** Next-token logits [batch, classes]. */
  logits: tf.Tensor2D;
  /** The state after this step. */
  state: tf.Tensor2D[];
  /** Attention weights [batch, srcTime] of this step, or null without attention. */
  attention: tf.Tensor2D | null;
}

export interface Seq2SeqModel extends RecurrentModel {
  /**
   * Frees the weights of all the models here (they share layers). Use this rather than
   * `model.dispose()`, which leaves the shared layers' weights allocated.
   */
  dispose(): void;
  /** Training model: [source, targetIn] -> logits [batch, tgtTime, classes]. */
  model: tfl.LayersModel;
  /** [source, targetIn] -> attention weights [batch, tgtTime, srcTime] (for plotting); null for 'none'. */
  attentionModel: tfl.LayersModel | null;
  /** source -> [outputs [batch, srcTime, D], ...state]. */
  encoderModel: tfl.LayersModel;
  /**
   * One decoder step: [token [batch, 1](, features), (encoder outputs, source mask if attention),
   * ...state] -> [logits [batch, 1, classes], ...state, (weights [batch, 1, srcTime])].
   */
  decoderStepModel: tfl.LayersModel;
  /** The encoder's cell. */
  cell: CellType;
  /** The decoder's cell (its state: [h, c] per layer for lstm, [h] otherwise). */
  decoderCell: CellType;
  /** Decoder hidden size D. */
  units: number;
  /** Layers of the encoder and of the decoder. */
  layers: number;
  attention: AttentionType;
  /** Runs the encoder once over a batch of sources ([batch, srcTime] ids or features). */
  encode(source: tf.Tensor): Encoded;
  /**
   * One decoder step from the previous target tokens (ids [batch], or [batch, features]) and the
   * state; `encoded` supplies the encoder outputs and mask (rows must match `prev`: tile them for
   * beams). Inputs are not disposed; outputs are the caller's.
   */
  decodeStep(
    prev: tf.Tensor,
    state: tf.Tensor2D[],
    encoded: Pick<Encoded, 'outputs' | 'mask'>,
  ): DecodedStep;
}

function asList(y: tf.Tensor | tf.Tensor[]): tf.Tensor[] {
  return Array.isArray(y) ? y : [y];
}

/** Builds a seq2seq model and its encode / decodeStep pieces. */
export function seq2seq(args: Seq2SeqArgs): Seq2SeqModel {
  const o = commonOptions(args);
  checkInt('classes', args.classes, 1, 'give the target vocab size, e.g. classes: vocab.size');
  const decoderCell = args.decoderCell ?? o.cell;
  checkCell(decoderCell);
  const bidirectional = args.bidirectional ?? false;
  const d = o.units * (bidirectional ? 2 : 1); // decoder units = encoder output width
  const attentionType = args.attention ?? DEFAULT_ATTENTION;
  const attentionUnits = args.attentionUnits ?? d;
  checkInt('attentionUnits', attentionUnits, 1, 'give the width of the additive score, e.g. 32');
  const attention = attentionLayer(attentionType, attentionUnits);

  noMaskInput(args.source, 'seq2seq');
  noMaskInput(args.target, 'seq2seq');
  const src = sequenceInput(args.source, args.sourceLength ?? null, 'source');
  const tgt = sequenceInput(args.target, args.targetLength ?? null, 'target');
  const enc = recurrentStack(src.x, {
    ...o,
    bidirectional,
    returnSequences: true,
    returnState: true,
    name: 'encoder',
  });
  // the decoder's initial state per layer, from the encoder's final state [h] or [h, c]
  const initialState = enc.states.map(([h, c], l): tfl.SymbolicTensor[] => {
    if (stateCount(decoderCell) === 1) return [h!];
    const bridge = () =>
      tfl.layers.dense({ units: d, activation: 'tanh', name: `bridge_c_${l + 1}` }).apply(h!);
    return [h!, c ?? (bridge() as tfl.SymbolicTensor)];
  });
  const dec = recurrentStack(tgt.x, {
    ...o,
    cell: decoderCell,
    units: d,
    bidirectional: false,
    returnSequences: true,
    returnState: true, // the same layers serve the step model
    initialState,
    name: 'decoder',
  });
  const paddingMask = masksZero(args.source) ? new PaddingMask({ name: 'source_mask' }) : null;
  const srcMask = paddingMask ? (paddingMask.apply(src.input) as tfl.SymbolicTensor) : null;
  const join = tfl.layers.concatenate({ name: 'context_and_output' });
  // transpose-free gradients on wasm; saved as the stock Dense
  const attentional = seq2seqDense({ units: d, activation: 'tanh', name: 'attentional' });
  const logits = seq2seqDense({ units: args.classes, name: 'logits' });
  /** Decoder outputs [batch, tgt, D] -> [logits, weights | null], reading `values` if attention. */
  const head = (
    h: tfl.SymbolicTensor,
    values: tfl.SymbolicTensor,
    mask: tfl.SymbolicTensor | null,
  ): [tfl.SymbolicTensor, tfl.SymbolicTensor | null] => {
    if (!attention) return [logits.apply(h) as tfl.SymbolicTensor, null];
    const [context, weights] = attention.apply(
      mask ? [h, values, mask] : [h, values],
    ) as tfl.SymbolicTensor[];
    const ht = attentional.apply(join.apply([context!, h])) as tfl.SymbolicTensor;
    return [logits.apply(ht) as tfl.SymbolicTensor, weights!];
  };
  const [y, weights] = head(dec.output, enc.output, srcMask);
  const model = tfl.model({ inputs: [src.input, tgt.input], outputs: y, name: 'seq2seq' });
  const attentionModel = weights
    ? tfl.model({ inputs: [src.input, tgt.input], outputs: weights, name: 'seq2seq_attention' })
    : null;
  const encoderModel = tfl.model({
    inputs: src.input,
    outputs: [enc.output, ...initialState.flat()],
    name: 'seq2seq_encoder',
  });

  // The decoder step model: the same layers on one step, state and encoder outputs as inputs.
  const token = sequenceInput(args.target, 1, 'token', tgt.layer);
  const valuesIn = tfl.input({ shape: [null, d], name: 'encoder_outputs' });
  const maskIn = tfl.input({ shape: [null], name: 'source_mask_in' });
  const stateInputs = dec.states.map((s, l) =>
    s.map((_, k) => tfl.input({ shape: [d], name: `state_${k === 0 ? 'h' : 'c'}_${l + 1}` })),
  );
  let h = token.x;
  const stateOutputs: tfl.SymbolicTensor[] = [];
  for (const [l, [layer]] of dec.layers.entries()) {
    const [seq, ...s] = layer!.apply(h, { initialState: stateInputs[l] }) as tfl.SymbolicTensor[];
    h = seq!;
    stateOutputs.push(...s);
  }
  const [stepLogits, stepWeights] = head(h, valuesIn, maskIn);
  const decoderStepModel = tfl.model({
    inputs: [token.input, ...(attention ? [valuesIn, maskIn] : []), ...stateInputs.flat()],
    outputs: [stepLogits, ...stateOutputs, ...(stepWeights ? [stepWeights] : [])],
    name: 'seq2seq_decoder_step',
  });
  initializeWeights(model, o.seed);

  const source = args.source;
  const target = args.target;
  return {
    model,
    dispose: () =>
      disposeModels([
        model,
        encoderModel,
        decoderStepModel,
        ...(attentionModel ? [attentionModel] : []),
      ]),
    attentionModel,
    encoderModel,
    decoderStepModel,
    cell: o.cell,
    decoderCell,
    units: d,
    layers: o.layers,
    attention: attentionType,
    encode: (s) =>
      tf.tidy(() => {
        const x = source.type === 'features' ? s : tf.cast(s, 'int32');
        const [outputs, ...state] = asList(encoderModel.predictOnBatch(x));
        const mask = masksZero(source)
          ? tf.cast(tf.notEqual(x, 0), 'float32')
          : tf.ones([s.shape[0]!, s.shape[1]!]);
        return {
          outputs: outputs as tf.Tensor3D,
          state: state as tf.Tensor2D[],
          mask: mask as tf.Tensor2D,
        };
      }),
    decodeStep: (prev, state, encoded) => {
      const n = state.length;
      const [logitsOut, ...rest] = tf.tidy(() => {
        const batch = prev.shape[0]!;
        const x =
          target.type === 'features'
            ? tf.reshape(prev, [batch, 1, target.features])
            : tf.reshape(tf.cast(prev, 'int32'), [batch, 1]);
        const extra = attention ? [encoded.outputs, encoded.mask] : [];
        const out = asList(decoderStepModel.predictOnBatch([x, ...extra, ...state]));
        // [logits [batch, classes], ...state, (weights [batch, srcTime])]
        return [
          tf.reshape(out[0]!, [batch, args.classes]),
          ...out.slice(1, n + 1),
          ...(attention ? [tf.reshape(out[n + 1]!, [batch, -1])] : []),
        ];
      });
      return {
        logits: logitsOut as tf.Tensor2D,
        state: rest.slice(0, n) as tf.Tensor2D[],
        attention: (rest[n] as tf.Tensor2D | undefined) ?? null,
      };
    },
  };
}
