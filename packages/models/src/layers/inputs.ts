/**
 * What a model reads at each time step, and the layers that turn it into x_t.
 *
 * - `embedding`: token ids [batch, time] -> trainable table -> [batch, time, dims]; with `maskZero`
 *   id 0 is padding and the mask it makes reaches the recurrent layers (masked steps keep the state).
 * - `oneHot`: token ids [batch, time] -> a frozen identity `Embedding` -> [batch, time, vocabSize].
 *   x_t W is the same as the tutorial's one-hot vector times W, but as a row lookup: no [vocab]
 *   floats per step to build, no gradient into the table, and the file loads in stock tfjs/Keras.
 * - `features`: numeric series [batch, time, features] used as they are.
 *
 * Neighbours in `layers/`: `recurrent.ts` (the recurrent layers over the cells of `cells/`),
 * `recurrent-layer.ts` (their factory), `inputs.ts`, `attention.ts`, the initialisers, and
 * `custom-objects.ts` (what `load` needs to rebuild them).
 *
 * @example
 * ```ts
 * import { manyToOne } from '@rnnkit/models';
 * const { model } = manyToOne({ units: 8, head: { type: 'binary' },
 *   input: { type: 'embedding', vocabSize: 100, dims: 16, maskZero: true } });
 * model.inputs[0].shape; // [null, null]: int ids, 0 = padding
 * model.getLayer('tokens_embedding').getWeights()[0].shape; // [100, 16]
 * ```
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { Kwargs } from '@tensorflow/tfjs-layers/dist/types.js';
import { checkInt, ModelsError } from '../errors.js';
import { MaskingLayer } from './masking-layer.js';
import { ensureWasmSegmentSum } from './segment-sum.js';

/** Keras's `Embedding` default: uniform(-0.05, 0.05) (set by `initializeWeights`). */
export const EMBEDDING_INIT_LIMIT = 0.05;

export type InputSpec =
  /** Token ids [batch, time] through a trainable embedding table [vocabSize, dims]. */
  | {
      type: 'embedding';
      /** Number of token ids (ids are 0 .. vocabSize - 1). */
      vocabSize: number;
      /** Width of each embedding vector. */
      dims: number;
      /** Treat id 0 as padding: masked steps keep the previous state. Default false. */
      maskZero?: boolean;
    }
  /**
   * Token ids [batch, time] given one-hot: x_t is [vocabSize], as in the tutorial. Built as a
   * non-trainable identity `Embedding`, so pass ids, not one-hot vectors.
   */
  | {
      type: 'oneHot';
      /** Number of token ids, the width of x_t. */
      vocabSize: number;
      /** Treat id 0 as padding, as for `embedding`. Default false. */
      maskZero?: boolean;
    }
  /** Numeric series [batch, time, features]: x_t is [features]. */
  | {
      type: 'features';
      /** Width of x_t. */
      features: number;
      /**
       * Padding value, as Keras's `Masking`: a step whose every feature equals it is masked (it
       * keeps the state, so padding before or after a sequence does not change its outputs).
       */
      maskValue?: number;
      /**
       * Take an explicit mask: the model gets a second input `<name>_mask` [batch, time] (1 for a
       * real step, 0 for padding) after the features. Default false.
       */
      mask?: boolean;
    };

/** The three input kinds, for messages. */
export const INPUT_TYPES = ['embedding', 'oneHot', 'features'] as const;

/** Width of x_t after the input layer. */
export function inputWidth(input: InputSpec): number {
  checkInputSpec(input);
  switch (input.type) {
    case 'embedding':
      return input.dims;
    case 'oneHot':
      return input.vocabSize;
    case 'features':
      return input.features;
  }
}

/** Throws `BAD_OPTION` unless the spec is complete and its sizes are positive integers. */
export function checkInputSpec(input: InputSpec, what = 'input'): void {
  const type = (input as { type?: unknown } | undefined)?.type;
  if (!INPUT_TYPES.includes(type as InputSpec['type'])) {
    throw new ModelsError(
      'BAD_OPTION',
      `${what}.type must be one of ${INPUT_TYPES.map((t) => `'${t}'`).join(', ')}, got ${JSON.stringify(type)}: e.g. ${what}: { type: 'embedding', vocabSize: 100, dims: 32 }`,
    );
  }
  if (input.type === 'features') {
    checkInt(`${what}.features`, input.features, 1, 'give the number of values per time step');
    if (input.maskValue !== undefined && !Number.isFinite(input.maskValue)) {
      throw new ModelsError(
        'BAD_OPTION',
        `${what}.maskValue must be a finite number, got ${input.maskValue}: give the padding value, e.g. maskValue: 0`,
      );
    }
    if (input.mask !== undefined && typeof input.mask !== 'boolean') {
      throw new ModelsError(
        'BAD_OPTION',
        `${what}.mask must be true or false, got ${JSON.stringify(input.mask)}: mask: true adds a [batch, time] mask input`,
      );
    }
    return;
  }
  checkInt(`${what}.vocabSize`, input.vocabSize, 1, 'give the number of token ids (vocab.size)');
  if (input.type === 'embedding') {
    checkInt(`${what}.dims`, input.dims, 1, 'give the embedding width, e.g. dims: 32');
  }
}

/**
 * The name of the model input that reads `spec`: `tokens` for ids (embedding, one-hot), `features`
 * for numbers. The Keras and ONNX exports take their input names from it. Models saved before
 * numeric inputs were named `features` call theirs `tokens`: they load as saved (a model's names
 * come from its file, and an input layer has no weights to match by name).
 */
export function inputName(spec: InputSpec): 'tokens' | 'features' {
  return spec.type === 'features' ? 'features' : 'tokens';
}

/** Whether the input spec treats id 0 as padding. */
export function masksZero(input: InputSpec): boolean {
  return input.type !== 'features' && input.maskZero === true;
}

/** Throws `BAD_OPTION` for a features spec with `mask: true` where `topology` takes no mask input. */
export function noMaskInput(spec: InputSpec, topology: string): void {
  if (spec.type === 'features' && spec.mask === true) {
    throw new ModelsError(
      'BAD_OPTION',
      `${topology} takes no explicit mask input (mask: true): pad with a maskValue instead, e.g. { type: 'features', features: ${spec.features}, maskValue: 0 }`,
    );
  }
}

export interface SequenceInput {
  /** The model input: ids [batch, time] (int32) or features [batch, time, features]. */
  input: tfl.SymbolicTensor;
  /** The explicit mask input [batch, time] of a features spec with `mask: true`, else null. */
  maskInput: tfl.SymbolicTensor | null;
  /** x_t for every step: [batch, time, inputWidth]. */
  x: tfl.SymbolicTensor;
  /** The embedding layer (`${name}_embedding` or `${name}_one_hot`), null for features. */
  layer: tfl.layers.Layer | null;
}

/**
 * Builds the input layer for `spec` on a fresh model input named `name`; pass `layer` to reuse
 * an existing table (a step model sharing the training model's embedding).
 */
export function sequenceInput(
  spec: InputSpec,
  seqLength: number | null,
  name: string,
  shared?: tfl.layers.Layer | null,
): SequenceInput {
  checkInputSpec(spec);
  if (spec.type === 'features') {
    const input = tfl.input({ shape: [seqLength, spec.features], name });
    let x = input;
    if (spec.maskValue !== undefined) {
      const masking = tfl.layers.masking({ maskValue: spec.maskValue, name: `${name}_masking` });
      x = masking.apply(x) as tfl.SymbolicTensor;
    }
    if (spec.mask !== true) return { input, maskInput: null, x, layer: null };
    const maskInput = tfl.input({ shape: [seqLength], name: `${name}_mask` });
    const given = new GivenMask({ name: `${name}_given_mask` }).apply([x, maskInput]);
    return { input, maskInput, x: given as tfl.SymbolicTensor, layer: null };
  }
  const input = tfl.input({ shape: [seqLength], dtype: 'int32', name });
  const layer = shared ?? tokenLayer(spec, name);
  return { input, maskInput: null, x: layer.apply(input) as tfl.SymbolicTensor, layer };
}

/**
 * [x [batch, time, features], mask [batch, time]] -> x, masked by the mask (1 real, 0 padding;
 * combined with any mask x already carries, as Keras combines masks): how a features input
 * takes an explicit mask. Padded steps of x pass unchanged; the recurrent layers keep the state
 * there. Saved as `rnnkit>GivenMask`.
 */
export class GivenMask extends MaskingLayer {
  static className = 'rnnkit>GivenMask';

  override computeOutputShape(shape: tfl.Shape | tfl.Shape[]): tfl.Shape {
    return (Array.isArray(shape[0]) ? shape[0] : shape) as tfl.Shape;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = Array.isArray(inputs) ? (inputs[0] as tf.Tensor) : inputs;
    return tf.clone(x);
  }

  override computeMask(
    inputs: tf.Tensor | tf.Tensor[],
    mask?: tf.Tensor | tf.Tensor[],
  ): tf.Tensor | tf.Tensor[] {
    return tf.tidy(() => {
      const given = tf.notEqual((inputs as tf.Tensor[])[1] as tf.Tensor, 0);
      const carried = Array.isArray(mask) ? mask[0] : mask;
      return carried == null ? given : tf.logicalAnd(given, tf.cast(carried, 'bool'));
    });
  }
}
tf.serialization.registerClass(GivenMask);

/** The embedding layer of a token input spec (one-hot: frozen identity table). */
export function tokenLayer(
  spec: Exclude<InputSpec, { type: 'features' }>,
  name: string,
): tfl.layers.Layer {
  if (spec.type === 'embedding') {
    ensureWasmSegmentSum(); // its gradient, on the wasm backend too
    return tfl.layers.embedding({
      inputDim: spec.vocabSize,
      outputDim: spec.dims,
      maskZero: spec.maskZero ?? false,
      embeddingsInitializer: 'zeros', // initializeWeights() sets uniform(-0.05, 0.05) from the seed
      name: `${name}_embedding`,
    });
  }
  const n = spec.vocabSize;
  // The identity table comes from the initializer when the layer is first applied, so its weight
  // is named under the layer (`<name>_one_hot/embeddings`) and saves and loads like any other.
  // Building it by hand before that gives the weight a bare name that no loader can match.
  const layer = tfl.layers.embedding({
    inputDim: n,
    outputDim: n,
    maskZero: spec.maskZero ?? false,
    embeddingsInitializer: 'identity',
    trainable: false, // initializeWeights() leaves non-trainable weights alone
    name: `${name}_one_hot`,
  });
  return oneHotLookup(layer);
}

/** The fields of tfjs's Embedding read here (private in tfjs's typings, public at run time). */
interface EmbeddingFields {
  inputDim: number;
  outputDim: number;
  embeddings: tfl.LayerVariable | null;
}

/** Layers whose `call` {@link oneHotLookup} replaced, with their table's last identity check. */
const patched = new WeakMap<tfl.layers.Layer, { dataId: object; identity: boolean } | null>();

/** Whether a [n, n] table is the identity. */
function isIdentity(table: tf.Tensor, n: number): boolean {
  const v = table.dataSync();
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) if (v[i * n + j] !== (i === j ? 1 : 0)) return false;
  }
  return true;
}

/**
 * Makes a one-hot input layer (a frozen identity `Embedding`) produce its output with `tf.oneHot`
 * instead of a row gather: the same values ([batch, time, n], row i of the identity is one-hot i),
 * about 50x less time on wasm (a [2048]-row gather of a [65, 65] table costs about 8 ms there; the
 * one-hot 0.2 ms). Only this instance's `call` changes, so the layer saves and loads as a stock
 * `Embedding`. The table is checked to still be the identity whenever its value changes (a
 * loaded or `setWeights` table); any other table is gathered as before. Returns the layer.
 */
export function oneHotLookup(layer: tfl.layers.Layer): tfl.layers.Layer {
  const f = layer as unknown as EmbeddingFields;
  if (f.inputDim !== f.outputDim || layer.trainable || patched.has(layer)) return layer;
  patched.set(layer, null);
  const gather = layer.call.bind(layer);
  layer.call = (inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor | tf.Tensor[] => {
    if (!hasIdentityTable(layer)) return gather(inputs, kwargs);
    const n = f.inputDim;
    return tf.tidy(() => {
      const ids = tf.cast(Array.isArray(inputs) ? (inputs[0] as tf.Tensor) : inputs, 'int32');
      const values = ids.dataSync() as Int32Array;
      // ids outside [0, n) go to the gather, which reports them as it always did
      if (values.some((id) => id < 0 || id >= n)) return gather(inputs, kwargs);
      // [batch, time] -> [batch, time, n]. tf.oneHot's dtype argument cannot replace the cast:
      // tfjs-backend-wasm 4's OneHot writes int32 whatever dtype it is given (1 reads as 1.4e-45)
      return tf.cast(tf.oneHot(ids, n), 'float32');
    });
  };
  return layer;
}

/** Whether a one-hot lookup's table is (still) the identity; checked again when it changes. */
function hasIdentityTable(layer: tfl.layers.Layer): boolean {
  const f = layer as unknown as EmbeddingFields;
  const table = f.embeddings?.read();
  if (table === undefined || !patched.has(layer)) return false;
  const dataId = (table as unknown as { dataId: object }).dataId;
  let checked = patched.get(layer);
  if (checked?.dataId !== dataId) {
    checked = { dataId, identity: isIdentity(table, f.inputDim) };
    patched.set(layer, checked);
  }
  return checked.identity;
}

/**
 * The ids whose one-hot rows a one-hot lookup (see {@link oneHotLookup}) outputs for `input`
 * [batch, time]: null when `layer` is not one, its table is no longer the identity or an id is
 * outside [0, n). The fused loss (`fast/fused-head.ts`) hands them to the next recurrent layer as
 * its `ids`, so that the kernel may read them instead of the one-hot floats.
 */
export function oneHotIds(layer: tfl.layers.Layer, input: tf.Tensor): Int32Array | null {
  if (input.rank !== 2 || !hasIdentityTable(layer)) return null;
  const n = (layer as unknown as EmbeddingFields).inputDim;
  const values =
    input.dtype === 'int32'
      ? (input.dataSync() as Int32Array)
      : tf.tidy(() => tf.cast(input, 'int32').dataSync() as Int32Array);
  return values.some((id) => id < 0 || id >= n) ? null : values;
}
