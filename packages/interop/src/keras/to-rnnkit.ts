/**
 * A Keras graph (`readKerasConfig`) made into an rnnkit model: a tfjs Layers topology on rnnkit's
 * own layer classes, built by `load()` from `@rnnkit/models` (so it runs on the fast recurrence
 * kernel, generates statefully and saves as an rnnkit artifact). A Keras `Bidirectional` becomes
 * rnnkit's bidirectional pattern (a forward layer, a `go_backwards` twin, `ReverseTime` when it
 * returns sequences, and the merge layer under the Bidirectional's name), and
 * `TimeDistributed(Dense)` a `Dense` (which tfjs applies per step). rnnkit keeps Keras's weight
 * layouts (gate blocks i f c o and z r h, GRU reset_after bias [2, 3 units]), so values are copied
 * as they are.
 *
 * Every weight's shape is derived from the config first and checked against the file's declared
 * shape before its values are read.
 */
import { CELL_LAYOUTS, type CellType, load, type RnnkitJSON } from '@rnnkit/models';
import type { Vocab } from '@rnnkit/vocab';
import type { Scaler } from '@rnnkit/windowing';
import type * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { InteropError } from '../errors.js';
import {
  type Json,
  KERAS_ACTIVATIONS,
  type KerasGraph,
  type KerasLayer,
  recurrentFlags,
  type TensorRef,
} from './graph.js';
import { logitsHead } from './task.js';

type Shape = (number | null)[];

/** Reads one weight, given the shape the config declares for it (checked before reading). */
export type WeightSource = (path: string, shape: number[]) => Float32Array;

const CELLS: Readonly<Record<string, CellType>> = { SimpleRNN: 'rnn', LSTM: 'lstm', GRU: 'gru' };
const DENSE_ACTIVATIONS = KERAS_ACTIVATIONS;
const RECURRENT_ACTIVATIONS = ['tanh', 'relu', 'linear'] as const;
const MERGES: Readonly<Record<string, string>> = {
  concat: 'Concatenate',
  sum: 'Add',
  mul: 'Multiply',
  ave: 'Average',
};
const ZEROS = { class_name: 'Zeros', config: {} };

interface Built {
  layers: Json[];
  /** The model's outputs as [layer, tensor] of the topology. */
  outputs: [string, number][];
  weights: { name: string; shape: number[]; values: Float32Array }[];
}

function activation(
  file: string,
  l: KerasLayer,
  key: string,
  allowed: readonly string[],
  c = l.config,
): string {
  const a = c[key] ?? 'linear';
  if (typeof a !== 'string' || !allowed.includes(a)) {
    const hint =
      a === 'hard_sigmoid'
        ? " (Keras 3's hard_sigmoid is x/6 + 0.5, tfjs's is 0.2x + 0.5: retrain with sigmoid)"
        : '';
    throw new InteropError(
      'UNSUPPORTED',
      `${file}: layer '${l.name}' (${l.className}) has ${key} ${JSON.stringify(a)}${hint}: supported are ${allowed.join(', ')}`,
    );
  }
  return a;
}

const int = (v: unknown, what: string, file: string, layer: string): number => {
  if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0 || v > 2 ** 28) {
    throw new InteropError(
      'MALFORMED',
      `${file}: layer '${layer}' has ${what} ${JSON.stringify(v)}: expected a positive integer`,
    );
  }
  return v;
};

/** Builds the tfjs topology and collects the weights (shapes checked) of a Keras graph. */
export function toTopology(graph: KerasGraph, read: WeightSource, file: string): Built {
  const shapes = new Map<string, Shape[]>();
  /** Where a Keras output is in the topology: a Bidirectional's states are its halves'. */
  const where = new Map<string, (tensor: number) => [string, number]>();
  const at = (r: TensorRef): [string, number] =>
    where.get(r.layer)?.(r.tensor) ?? [r.layer, r.tensor];
  const names = new Set(graph.layers.map((l) => l.name));
  const layers: Json[] = [];
  const weights: Built['weights'] = [];
  const shapeOf = (r: TensorRef): Shape => {
    const s = shapes.get(r.layer)?.[r.tensor];
    if (s === undefined) {
      throw new InteropError(
        'MALFORMED',
        `${file}: output ${r.tensor} of '${r.layer}' is used before it is made`,
      );
    }
    return s;
  };
  const inbound = (refs: TensorRef[]) => [
    refs.map((r) => {
      const [layer, tensor] = at(r);
      return [layer, 0, tensor, {}];
    }),
  ];
  const add = (name: string, cls: string, config: Json, from: TensorRef[] | unknown[][]) => {
    layers.push({
      name,
      class_name: cls,
      config: { trainable: true, ...config, name },
      inbound_nodes:
        from.length === 0 ? [] : Array.isArray(from[0]) ? from : inbound(from as TensorRef[]),
    });
  };
  const weight = (tfjsName: string, path: string, shape: number[]) => {
    weights.push({ name: tfjsName, shape, values: read(path, shape) });
  };
  const fresh = (base: string): string => {
    if (names.has(base))
      throw new InteropError(
        'UNSUPPORTED',
        `${file}: rnnkit names a part of a layer '${base}', which the model already uses: rename that layer`,
      );
    names.add(base);
    return base;
  };

  const recurrent = (
    l: KerasLayer,
    c: Json,
    name: string,
    path: string,
    x: Shape,
    goBackwards: boolean,
  ) => {
    const cell = CELLS[String(c['class_name'] ?? l.className)] ?? CELLS[l.className];
    const cls = Object.keys(CELLS).find((k) => CELLS[k] === cell)!;
    const units = int(c['units'], 'units', file, l.name);
    const features = int(x.at(-1), 'an input feature size', file, l.name);
    const k = CELL_LAYOUTS[cell!].gates;
    const useBias = c['use_bias'] !== false;
    const resetAfter = cell === 'gru' && c['reset_after'] !== false;
    const config: Json = {
      trainable: c['trainable'] !== false,
      units,
      activation: activation(file, l, 'activation', RECURRENT_ACTIVATIONS, c),
      use_bias: useBias,
      kernel_initializer: ZEROS,
      recurrent_initializer: ZEROS,
      bias_initializer: ZEROS,
      ...recurrentFlags(c, goBackwards),
      ...(c['ignore_mask'] === true ? { ignore_mask: true } : {}),
    };
    if (cell !== 'rnn')
      config['recurrent_activation'] = activation(file, l, 'recurrent_activation', ['sigmoid'], c);
    if (cell === 'lstm') config['unit_forget_bias'] = false;
    if (cell === 'gru') config['reset_after'] = resetAfter;
    weight(`${name}/kernel`, `${path}/cell/vars/0`, [features, k * units]);
    weight(`${name}/recurrent_kernel`, `${path}/cell/vars/1`, [units, k * units]);
    if (useBias)
      weight(`${name}/bias`, `${path}/cell/vars/2`, resetAfter ? [2, k * units] : [k * units]);
    return { cls, config, units };
  };

  const masked = graph.layers.some(
    (l) =>
      l.className === 'Masking' || (l.className === 'Embedding' && l.config['mask_zero'] === true),
  );
  // Which layers' first output carries a mask, as Keras propagates masks: Embedding(mask_zero)
  // and Masking make one, Dense, Dropout, Activation and TimeDistributed pass theirs on,
  // Concatenate joins them, a recurrent layer returning sequences passes on the mask it runs with
  // (states carry none). A recurrent layer runs with its input's mask, except one given
  // initial_state (a call on several tensors), which Keras 3 masks only when its config passes
  // mask=. The others ignore the mask tfjs's executor hands them: it keeps the last mask it saw in
  // the call options it shares between layers, so an unmasked layer after a masked one gets it.
  const carries = new Map<string, boolean>();
  const maskOf = (r: TensorRef | undefined) => r?.tensor === 0 && carries.get(r.layer) === true;
  const readsMask = (l: KerasLayer) =>
    l.inputs.length > 1 ? l.masked === true : maskOf(l.inputs[0]);
  const unmasked = (l: KerasLayer): Json => (masked && !readsMask(l) ? { ignore_mask: true } : {});
  const maskOut = (l: KerasLayer): boolean => {
    const c = l.config;
    switch (l.className) {
      case 'InputLayer':
        return false;
      case 'Embedding':
        return c['mask_zero'] === true;
      case 'Masking':
        return true;
      case 'Concatenate':
        return l.inputs.some(maskOf);
      case 'SimpleRNN':
      case 'LSTM':
      case 'GRU':
        return c['return_sequences'] === true && readsMask(l);
      case 'Bidirectional': {
        const inner = (c['layer'] as Json | undefined)?.['config'] as Json | undefined;
        return inner?.['return_sequences'] === true && readsMask(l);
      }
      default:
        return maskOf(l.inputs[0]);
    }
  };
  for (const l of graph.layers) {
    const c = l.config;
    const x = l.inputs[0] ? shapeOf(l.inputs[0]) : [];
    const P = l.weightPath;
    switch (l.className) {
      case 'InputLayer': {
        const shape = (c['batch_shape'] ?? c['batch_input_shape']) as Shape;
        if (!Array.isArray(shape))
          throw new InteropError('MALFORMED', `${file}: input '${l.name}' has no batch_shape`);
        const dtype = /int/.test(String(c['dtype'] ?? 'float32')) ? 'int32' : 'float32';
        add(l.name, 'InputLayer', { batch_input_shape: shape, dtype, sparse: false }, []);
        shapes.set(l.name, [shape]);
        break;
      }
      case 'Embedding': {
        const inputDim = int(c['input_dim'], 'input_dim', file, l.name);
        const outputDim = int(c['output_dim'], 'output_dim', file, l.name);
        add(
          l.name,
          'Embedding',
          {
            trainable: c['trainable'] !== false,
            input_dim: inputDim,
            output_dim: outputDim,
            mask_zero: c['mask_zero'] === true,
            embeddings_initializer: ZEROS,
          },
          l.inputs,
        );
        weight(`${l.name}/embeddings`, `${P}/vars/0`, [inputDim, outputDim]);
        shapes.set(l.name, [[...x, outputDim]]);
        break;
      }
      case 'Masking':
        add(l.name, 'Masking', { mask_value: Number(c['mask_value'] ?? 0) }, l.inputs);
        shapes.set(l.name, [x]);
        break;
      case 'Dropout':
        add(l.name, 'Dropout', { rate: Number(c['rate'] ?? 0) }, l.inputs);
        shapes.set(l.name, [x]);
        break;
      case 'Activation':
        add(
          l.name,
          'Activation',
          { activation: activation(file, l, 'activation', DENSE_ACTIVATIONS) },
          l.inputs,
        );
        shapes.set(l.name, [x]);
        break;
      case 'Dense':
      case 'TimeDistributed': {
        const inner = l.className === 'Dense' ? c : ((c['layer'] as Json)['config'] as Json);
        const units = int(inner['units'], 'units', file, l.name);
        const features = int(x.at(-1), 'an input feature size', file, l.name);
        const useBias = inner['use_bias'] !== false;
        const vars = l.className === 'Dense' ? `${P}/vars` : `${P}/layer/vars`;
        add(
          l.name,
          'Dense',
          {
            trainable: c['trainable'] !== false,
            units,
            activation: activation(file, l, 'activation', DENSE_ACTIVATIONS, inner),
            use_bias: useBias,
            kernel_initializer: ZEROS,
            bias_initializer: ZEROS,
          },
          l.inputs,
        );
        weight(`${l.name}/kernel`, `${vars}/0`, [features, units]);
        if (useBias) weight(`${l.name}/bias`, `${vars}/1`, [units]);
        shapes.set(l.name, [[...x.slice(0, -1), units]]);
        break;
      }
      case 'Concatenate': {
        const ins = l.inputs.map(shapeOf);
        const axis = Number(c['axis'] ?? -1);
        const rank = ins[0]?.length ?? 0;
        if (axis !== -1 && axis !== rank - 1)
          throw new InteropError(
            'UNSUPPORTED',
            `${file}: layer '${l.name}' (Concatenate) joins along axis ${axis}: rnnkit supports the last axis (-1)`,
          );
        add(l.name, 'Concatenate', { axis: -1 }, l.inputs);
        shapes.set(l.name, [
          [...(ins[0] ?? []).slice(0, -1), ins.reduce((n, s) => n + Number(s.at(-1)), 0)],
        ]);
        break;
      }
      case 'SimpleRNN':
      case 'LSTM':
      case 'GRU': {
        if (l.inputs.length > 1 && masked && l.masked === undefined && c['ignore_mask'] !== true) {
          // a Keras 2 config does not say whether Keras masks a layer given initial states
          throw new InteropError(
            'UNSUPPORTED',
            `${file}: layer '${l.name}' (${l.className}) takes initial_state in a Keras 2 config with masks (mask_zero or Masking): rnnkit imports masked models with initial states from Keras 3 files; save the model again with Keras 3 (model.save('model.keras')), or drop mask_zero`,
          );
        }
        const r = recurrent(l, { ...c, ...unmasked(l) }, l.name, P, x, c['go_backwards'] === true);
        add(l.name, r.cls, r.config, l.inputs);
        const y: Shape = r.config['return_sequences']
          ? [x[0] ?? null, x[1] ?? null, r.units]
          : [x[0] ?? null, r.units];
        const state: Shape = [x[0] ?? null, r.units];
        shapes.set(l.name, [
          y,
          ...(r.config['return_state'] ? (r.cls === 'LSTM' ? [state, state] : [state]) : []),
        ]);
        break;
      }
      case 'Bidirectional': {
        const inner = c['layer'] as Json;
        const ic: Json = { ...(inner['config'] as Json), class_name: inner['class_name'] };
        const back = (c['backward_layer'] as Json | undefined) ?? inner;
        const bc: Json = { ...(back['config'] as Json), class_name: back['class_name'] };
        if (ic['go_backwards'] === true) {
          throw new InteropError(
            'UNSUPPORTED',
            `${file}: layer '${l.name}' (Bidirectional) wraps a layer with go_backwards=True: rnnkit imports Bidirectional of forward layers`,
          );
        }
        if (
          bc['class_name'] !== ic['class_name'] ||
          bc['units'] !== ic['units'] ||
          bc['return_sequences'] !== ic['return_sequences']
        ) {
          throw new InteropError(
            'UNSUPPORTED',
            `${file}: layer '${l.name}' (Bidirectional) has a backward_layer unlike its forward layer: rnnkit imports Bidirectional with two layers of the same kind`,
          );
        }
        const mode = String(c['merge_mode']);
        const merge = MERGES[mode];
        if (merge === undefined)
          throw new InteropError(
            'UNSUPPORTED',
            `${file}: layer '${l.name}' (Bidirectional) has merge_mode ${mode}: supported are ${Object.keys(MERGES).join(', ')}`,
          );
        const fName = fresh(`${l.name}_forward`);
        const bName = fresh(`${l.name}_backward`);
        // Keras's Bidirectional forces zero_output_for_mask = return_sequences on both layers
        const returnState = ic['return_state'] === true;
        const zero = {
          return_state: returnState,
          zero_output_for_mask: ic['return_sequences'] === true,
        };
        const f = recurrent(
          l,
          { ...ic, ...zero, ...unmasked(l) },
          fName,
          `${P}/forward_layer`,
          x,
          false,
        );
        const b = recurrent(
          l,
          { ...bc, ...zero, ...unmasked(l) },
          bName,
          `${P}/backward_layer`,
          x,
          true,
        );
        add(fName, f.cls, f.config, l.inputs);
        add(bName, b.cls, b.config, l.inputs);
        let backOut = bName;
        if (f.config['return_sequences']) {
          backOut = fresh(`${l.name}_reverse`);
          add(backOut, 'rnnkit>ReverseTime', {}, [{ layer: bName, tensor: 0 }]);
        }
        add(l.name, merge, merge === 'Concatenate' ? { axis: -1 } : {}, [
          [
            [fName, 0, 0, {}],
            [backOut, 0, 0, {}],
          ],
        ]);
        const u = mode === 'concat' ? 2 * f.units : f.units;
        // Keras returns [merged, ...forward states, ...backward states]
        const n = returnState ? (f.cls === 'LSTM' ? 2 : 1) : 0;
        where.set(l.name, (t) => (t === 0 ? [l.name, 0] : t <= n ? [fName, t] : [bName, t - n]));
        shapes.set(l.name, [
          f.config['return_sequences'] ? [x[0] ?? null, x[1] ?? null, u] : [x[0] ?? null, u],
          ...Array.from({ length: 2 * n }, () => [x[0] ?? null, f.units]),
        ]);
        break;
      }
      default:
        throw new InteropError(
          'UNSUPPORTED',
          `${file}: layer '${l.name}' is a ${l.className}, which rnnkit cannot import`,
        );
    }
    carries.set(l.name, maskOut(l));
  }
  for (const r of graph.outputs) shapeOf(r);
  return { layers, weights, outputs: graph.outputs.map(at) };
}

export interface ImportedModel {
  model: tfl.LayersModel;
  /** The rnnkit.json document the model would be saved with (task, topology.builder 'keras'). */
  meta: RnnkitJSON;
  /** The vocab and scaler kept in `meta`, read (what `load` gives: a task restores from this). */
  vocab: Vocab | null;
  scaler: Scaler | null;
}

/**
 * Builds the model through `load()` (rnnkit's layer classes, weights checked against layers);
 * `logits`: a softmax or one-unit sigmoid head becomes the logits of the same probabilities.
 */
export async function buildImported(
  graph: KerasGraph,
  read: WeightSource,
  file: string,
  meta: RnnkitJSON,
  logits = false,
): Promise<tfl.LayersModel> {
  const { layers, weights, outputs } = toTopology(graph, read, file);
  if (logits) for (const [name] of outputs) logitsHead(layers, weights, name, file);
  const ref = (r: TensorRef) => [r.layer, 0, r.tensor];
  const modelTopology = {
    class_name: 'Model',
    config: {
      name: graph.name,
      layers,
      input_layers: graph.inputs.map(ref),
      output_layers: outputs.map(([layer, tensor]) => [layer, 0, tensor]),
    },
    keras_version: 'tfjs-layers 4.22.0',
    backend: 'tensor_flow.js',
  };
  const total = weights.reduce((n, w) => n + w.values.length, 0);
  const data = new Float32Array(total);
  let at = 0;
  for (const w of weights) {
    data.set(w.values, at);
    at += w.values.length;
  }
  const artifacts: tf.io.ModelArtifacts = {
    modelTopology: modelTopology as unknown as tf.io.ModelArtifacts['modelTopology'],
    weightSpecs: weights.map((w) => ({ name: w.name, shape: w.shape, dtype: 'float32' as const })),
    weightData: data.buffer,
    userDefinedMetadata: { rnnkit: meta as unknown as Record<string, unknown> } as never,
  };
  const { model } = await load({ load: async () => artifacts });
  return model;
}
