/**
 * An rnnkit (tfjs Layers) model read as plain data, the one view every exporter starts from:
 * its layers in topological order with their saved (Keras-style, snake_case) configs, the layers
 * that feed each one, and their weights as Float32Arrays by short name (`kernel`,
 * `recurrent_kernel`, `bias`, `embeddings`). `logicalLayers` then folds rnnkit's bidirectional
 * pattern (a forward layer, a `go_backwards` twin, an optional `ReverseTime`, a merge) back into
 * the one bidirectional layer that Keras, PyTorch and ONNX each have.
 *
 * Neighbours: the Keras (`keras/`), PyTorch (`torch/`) and ONNX (`onnx/`) converters read this;
 * the cells' gate orders come from `CELL_LAYOUTS` in `@rnnkit/models`.
 *
 * @example
 * ```ts
 * import { manyToOne } from '@rnnkit/models';
 * import { describeModel, logicalLayers } from '@rnnkit/interop';
 * const { model } = manyToOne({ cell: 'gru', units: 4, bidirectional: true, seqLength: 5,
 *   input: { type: 'features', features: 2 }, head: { type: 'regression', outputs: 1 }, seed: 0 });
 * logicalLayers(describeModel(model)).map((l) => l.kind); // ['input', 'recurrent', 'layer']
 * ```
 */
import type { CellType } from '@rnnkit/models';
import type * as tfl from '@tensorflow/tfjs-layers';
import { InteropError } from './errors.js';

export interface WeightArray {
  /** Row-major shape, as tfjs and Keras store it (kernel [features, k*units]). */
  shape: number[];
  values: Float32Array;
}

export interface GraphLayer {
  name: string;
  /** The class name the layer is saved under ('LSTM', 'Dense', 'rnnkit>ReverseTime', ...). */
  className: string;
  /** The layer's saved config (Keras-style snake_case keys: return_sequences, go_backwards, ...). */
  config: Record<string, unknown>;
  /** Names of the layers whose outputs feed this one, in order (empty for an input). */
  inputs: string[];
  /**
   * The tensors that feed this layer, in order: a layer and which of its outputs (a recurrent
   * layer with `return_state` has [output, h(, c)]); a recurrent layer's initial states follow x.
   */
  inputTensors: TensorRef[];
  /** Weights by short name: kernel, recurrent_kernel, bias, embeddings, ... */
  weights: Record<string, WeightArray>;
}

/** One output of a layer: `index` is its position in the layer's outputs. */
export interface TensorRef {
  layer: string;
  index: number;
}

export interface ModelGraph {
  name: string;
  /** Every layer, each after the layers that feed it. */
  layers: GraphLayer[];
  /** Names of the model's input and output layers. */
  inputs: string[];
  outputs: string[];
  /** The model's outputs as tensors, in order (a step model returns states too). */
  outputTensors: TensorRef[];
}

/** The recurrent layer classes rnnkit saves, and the cell each runs. */
export const RECURRENT_CLASSES: Readonly<Record<string, CellType>> = {
  SimpleRNN: 'rnn',
  LSTM: 'lstm',
  GRU: 'gru',
};

/** Keras's Bidirectional merge modes, by the merge layer rnnkit builds for each. */
const MERGE_MODES: Readonly<Record<string, BidirectionalMerge>> = {
  Concatenate: 'concat',
  Add: 'sum',
  Multiply: 'mul',
  Average: 'ave',
};

export type BidirectionalMerge = 'concat' | 'sum' | 'mul' | 'ave';

type Json = Record<string, unknown>;

/** Reads a model's layers, wiring and weights (copies: the model may be disposed after). */
export function describeModel(model: tfl.LayersModel): ModelGraph {
  const json = model.toJSON(null, false) as unknown as {
    config: { layers: Json[]; output_layers: [string, number, number][] };
  };
  const saved = new Map<string, Json>();
  for (const l of json.config.layers) saved.set(l['name'] as string, l);
  // the saved wiring is this model's own (a shared layer's first node may belong to another model)
  const wiring = (s: Json | undefined): TensorRef[] =>
    ((s?.['inbound_nodes'] as [string, number, number][][] | undefined)?.[0] ?? []).map(
      ([layer, , index]) => ({ layer, index }),
    );
  const layers = model.layers.map((layer): GraphLayer => {
    const s = saved.get(layer.name);
    const weights: Record<string, WeightArray> = {};
    for (const w of layer.weights) {
      const short = w.originalName.slice(w.originalName.lastIndexOf('/') + 1);
      weights[short] = {
        shape: [...w.shape] as number[],
        values: w.read().dataSync() as Float32Array,
      };
    }
    return {
      name: layer.name,
      className: (s?.['class_name'] as string | undefined) ?? layer.getClassName(),
      config: ((s?.['config'] as Json | undefined) ?? {}) as Json,
      inputs: s ? wiring(s).map((t) => t.layer) : [],
      inputTensors: wiring(s),
      weights,
    };
  });
  return {
    name: model.name,
    layers,
    inputs: model.inputLayers.map((l) => l.name),
    outputs: model.outputLayers.map((l) => l.name),
    outputTensors: json.config.output_layers.map(([layer, , index]) => ({ layer, index })),
  };
}

export type LogicalLayer =
  | { kind: 'input'; layer: GraphLayer }
  | {
      kind: 'recurrent';
      cell: CellType;
      /** The name the merged output goes by (the merge layer's, or the layer's own). */
      name: string;
      inputs: string[];
      forward: GraphLayer;
      /** Present for a bidirectional layer: the go_backwards twin, and how the two merge. */
      backward?: GraphLayer;
      merge?: BidirectionalMerge;
    }
  | { kind: 'layer'; layer: GraphLayer };

/**
 * The model's layers with each bidirectional pattern folded into one recurrent layer. rnnkit
 * builds a bidirectional layer as a forward layer, a `go_backwards` twin over the same input, a
 * `ReverseTime` of the twin's per-step outputs (when it returns sequences) and a merge layer.
 */
export function logicalLayers(graph: ModelGraph): LogicalLayer[] {
  const byName = new Map(graph.layers.map((l) => [l.name, l]));
  const folded = new Set<string>();
  const out: LogicalLayer[] = [];
  const bidirectional = new Map<string, LogicalLayer>();
  for (const merge of graph.layers) {
    const mode = MERGE_MODES[merge.className];
    if (mode === undefined || merge.inputs.length !== 2) continue;
    const [a, b] = merge.inputs.map((n) => byName.get(n));
    const reverse = b?.className.endsWith('ReverseTime') ? b : undefined;
    const back = reverse ? byName.get(reverse.inputs[0] ?? '') : b;
    if (!a || !back) continue;
    const cell = RECURRENT_CLASSES[a.className];
    if (
      cell === undefined ||
      back.className !== a.className ||
      a.config['go_backwards'] === true ||
      back.config['go_backwards'] !== true ||
      a.inputs.join() !== back.inputs.join() ||
      (reverse === undefined) !== (a.config['return_sequences'] !== true)
    ) {
      continue;
    }
    for (const l of [a, back, reverse, merge]) if (l) folded.add(l.name);
    bidirectional.set(merge.name, {
      kind: 'recurrent',
      cell,
      name: merge.name,
      inputs: a.inputs,
      forward: a,
      backward: back,
      merge: mode,
    });
  }
  // a bidirectional layer takes the place of the later of its two halves, so that whatever reads
  // either half's state (a `return_state` stack concatenates them) comes after it
  const halves = new Map<string, LogicalLayer>();
  for (const bi of bidirectional.values()) {
    if (bi.kind !== 'recurrent') continue;
    halves.set(bi.forward.name, bi);
    halves.set(bi.backward!.name, bi);
  }
  const placed = new Set<LogicalLayer>();
  const seen = new Set<string>();
  for (const layer of graph.layers) {
    const bi = halves.get(layer.name);
    if (bi && bi.kind === 'recurrent') {
      seen.add(layer.name);
      if (seen.has(bi.forward.name) && seen.has(bi.backward!.name) && !placed.has(bi)) {
        placed.add(bi);
        out.push(bi);
      }
      continue;
    }
    if (folded.has(layer.name)) continue;
    const cell = RECURRENT_CLASSES[layer.className];
    if (layer.className === 'InputLayer') out.push({ kind: 'input', layer });
    else if (cell !== undefined) {
      out.push({ kind: 'recurrent', cell, name: layer.name, inputs: layer.inputs, forward: layer });
    } else out.push({ kind: 'layer', layer });
  }
  return out;
}

/** The weight of a layer by short name, or a MALFORMED error naming the layer. */
export function weightOf(layer: GraphLayer, short: string): WeightArray {
  const w = layer.weights[short];
  if (w === undefined) {
    throw new InteropError(
      'MALFORMED',
      `layer '${layer.name}' (${layer.className}) has no weight '${short}': it has ${Object.keys(layer.weights).join(', ') || 'none'}`,
    );
  }
  return w;
}
