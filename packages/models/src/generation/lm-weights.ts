/**
 * Reads a language model's layers (optional Embedding -> recurrent layers -> Dense logits, as
 * `manyToMany` builds it) into plain Float32Arrays once, so that stepping it token by token
 * needs no tfjs-layers call. Weights are in the standard Keras/tfjs layout:
 * kernel [in, k*units], recurrent_kernel [units, k*units], bias [k*units] (GRU with resetAfter:
 * [2, 3*units], input row then recurrent row); gates i f c o (LSTM), z r h (GRU).
 *
 * Neighbours in `generation/`: `stateful.ts` picks a step engine (`step-js.ts`, `step-tfjs.ts`,
 * `step-fused.ts`, sharing `step-common.ts`) over the weights `lm-weights.ts` reads; `generate.ts`,
 * `sampling.ts`, `beam-search.ts` and `beam-decoders.ts` use them.
 */
import type * as tfl from '@tensorflow/tfjs-layers';
import { ACTIVATIONS, type ActivationName } from '../cells/activations.js';
import { type CellType, cellOf, cellOfClass } from '../cells/index.js';
import { ModelsError } from '../errors.js';

export type Activation = (x: number) => number;

/** One recurrent layer's weights and activations, copied out of the model. */
export interface CellWeights {
  cell: CellType;
  units: number;
  /** Width of the layer's input x_t. */
  inputSize: number;
  /** [inputSize, k*units] */
  kernel: Float32Array;
  /** [units, k*units] */
  recurrentKernel: Float32Array;
  /** [k*units], the input bias (zeros when the layer has none) */
  bias: Float32Array;
  /** [3*units], GRU resetAfter only: the recurrent bias, added inside the reset gate's product */
  recurrentBias: Float32Array | null;
  resetAfter: boolean;
  activation: Activation;
  recurrentActivation: Activation;
  /** Names as saved in the config, for the tfjs engine. */
  activationName: ActivationName;
  recurrentActivationName: ActivationName;
}

export interface LmWeights {
  /** Width of a one-hot x_t, or the Embedding's input dim: token ids must be < this. */
  vocabSize: number;
  /**
   * [vocabSize, dim] when the model starts with a trainable Embedding layer; null for one-hot
   * input (no layer, or rnnkit's frozen identity Embedding), where x_t K is a row of K.
   */
  embedding: Float32Array | null;
  /** Id 0 is padding (Embedding maskZero): a masked step keeps the state, as Keras does. */
  maskZero: boolean;
  cells: CellWeights[];
  /** [units, classes] */
  denseKernel: Float32Array;
  /** [classes] */
  denseBias: Float32Array;
  classes: number;
}

/** Layers that are the identity at inference. */
const PASS_THROUGH = new Set(['Dropout', 'SpatialDropout1D', 'GaussianNoise', 'Masking']);

function unsupported(what: string): ModelsError {
  return new ModelsError(
    'UNSUPPORTED_MODEL',
    `stateful generation cannot run this model: ${what}. It needs [Embedding or one-hot input] -> ` +
      'SimpleRNN/LSTM/GRU layers -> a Dense layer with linear or softmax activation, as manyToMany builds',
  );
}

function activationOf(
  layer: tfl.layers.Layer,
  key: string,
  fallback: string,
): [ActivationName, Activation] {
  const name = String(layer.getConfig()[key] ?? fallback);
  if (!(name in ACTIVATIONS)) {
    throw unsupported(
      `layer '${layer.name}' has ${key} '${name}' (known: ${Object.keys(ACTIVATIONS).join(', ')})`,
    );
  }
  return [name as ActivationName, ACTIVATIONS[name as ActivationName].js];
}

/** Copies the weight whose name ends with `/suffix` (e.g. 'rnn_1/kernel' for 'kernel'). */
function weight(layer: tfl.layers.Layer, suffix: string): Float32Array | null {
  const w = layer.weights.find(
    (v) => v.originalName === suffix || v.originalName.endsWith(`/${suffix}`),
  );
  if (w === undefined) return null;
  // slice(): dataSync may return the backend's own buffer; this is a snapshot
  return (w.read().dataSync() as Float32Array).slice();
}

function required(layer: tfl.layers.Layer, suffix: string): Float32Array {
  const w = weight(layer, suffix);
  if (w === null) throw unsupported(`layer '${layer.name}' has no '${suffix}' weight`);
  return w;
}

function readCell(layer: tfl.layers.Layer, cell: CellWeights['cell'], inputSize: number) {
  const config = layer.getConfig();
  if (config['goBackwards'] === true) {
    throw unsupported(
      `layer '${layer.name}' reads backwards (goBackwards), so it has no next step`,
    );
  }
  const units = Number(config['units']);
  const def = cellOf(cell);
  const k = def.layout.gates;
  const kernel = required(layer, 'kernel');
  const recurrentKernel = required(layer, 'recurrent_kernel');
  if (kernel.length !== inputSize * k * units || recurrentKernel.length !== units * k * units) {
    throw unsupported(
      `layer '${layer.name}' has kernel size ${kernel.length} / recurrent size ` +
        `${recurrentKernel.length}, expected ${inputSize * k * units} / ${units * k * units}`,
    );
  }
  const rawBias = weight(layer, 'bias');
  // GRU resetAfter: bias [2, 3u] = input row then recurrent row (Keras 2/3, cuDNN layout). The
  // config says which mode runs; without a bias (useBias false) the shape cannot tell, and the
  // recurrent bias is zero. A config without the key (stock tfjs GRU) is reset-before.
  const resetAfter =
    def.resetAfter &&
    (config['resetAfter'] === undefined
      ? rawBias !== null && rawBias.length === 2 * k * units
      : config['resetAfter'] === true);
  const bias = rawBias === null ? new Float32Array(k * units) : rawBias.slice(0, k * units);
  const [activationName, activation] = activationOf(layer, 'activation', 'tanh');
  const [recurrentActivationName, recurrentActivation]: [ActivationName, Activation] = !def.gated
    ? ['linear', ACTIVATIONS.linear.js]
    : activationOf(layer, 'recurrentActivation', 'sigmoid');
  return {
    cell,
    units,
    inputSize,
    kernel,
    recurrentKernel,
    bias,
    recurrentBias: !resetAfter
      ? null
      : rawBias === null
        ? new Float32Array(k * units)
        : rawBias.slice(k * units),
    resetAfter,
    activation,
    recurrentActivation,
    activationName,
    recurrentActivationName,
  } satisfies CellWeights;
}

/** Whether `table` [n, width] is the identity (rnnkit's one-hot input layer). */
function isIdentity(table: Float32Array, width: number): boolean {
  if (table.length !== width * width) return false;
  for (let r = 0; r < width; r++) {
    for (let c = 0; c < width; c++) if (table[r * width + c] !== (r === c ? 1 : 0)) return false;
  }
  return true;
}

/** Reads the model's weights once; throws `UNSUPPORTED_MODEL` for any other architecture. */
export function readLmWeights(model: tfl.LayersModel): LmWeights {
  const layers = model.layers.filter(
    (l) => l.getClassName() !== 'InputLayer' && !PASS_THROUGH.has(l.getClassName()),
  );
  let embedding: Float32Array | null = null;
  let width: number;
  let i = 0;
  const first = layers[0];
  if (first === undefined) throw unsupported('it has no layers');
  let maskZero = false;
  if (first.getClassName() === 'Embedding') {
    const config = first.getConfig();
    const table = required(first, 'embeddings');
    width = Number(config['outputDim']);
    maskZero = config['maskZero'] === true;
    embedding = isIdentity(table, width) ? null : table;
    i = 1;
  } else {
    const shape = model.inputs[0]?.shape ?? [];
    width = Number(shape[shape.length - 1]);
  }
  const vocabSize =
    first.getClassName() === 'Embedding' ? Number(first.getConfig()['inputDim']) : width;
  const cells: CellWeights[] = [];
  for (; i < layers.length - 1; i++) {
    const layer = layers[i]!;
    const cell = cellOfClass(layer.getClassName())?.name as CellType | undefined;
    if (cell === undefined) throw unsupported(`layer '${layer.name}' is a ${layer.getClassName()}`);
    const c = readCell(layer, cell, width);
    cells.push(c);
    width = c.units;
  }
  const denseLayer = layers[layers.length - 1]!;
  if (cells.length === 0 || denseLayer.getClassName() !== 'Dense') {
    throw unsupported(
      `its layers are ${layers.map((l) => l.getClassName()).join(' -> ')}; the last must be Dense`,
    );
  }
  const act = String(denseLayer.getConfig()['activation'] ?? 'linear');
  if (act !== 'linear' && act !== 'softmax') {
    throw unsupported(`the output layer has activation '${act}'`);
  }
  const denseKernel = required(denseLayer, 'kernel');
  const classes = Number(denseLayer.getConfig()['units']);
  if (denseKernel.length !== width * classes) {
    throw unsupported(
      `the output kernel has ${denseKernel.length} values, expected ${width * classes}`,
    );
  }
  return {
    vocabSize,
    embedding,
    maskZero,
    cells,
    denseKernel,
    denseBias: weight(denseLayer, 'bias') ?? new Float32Array(classes),
    classes,
  };
}
