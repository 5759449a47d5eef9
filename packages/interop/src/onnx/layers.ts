/**
 * The non-recurrent layers of rnnkit's topologies as standard ONNX operators, one entry per saved
 * class name: the table is the list of what exports (anything else is refused by name before
 * anything is built).
 *
 * - Embedding (and the one-hot input, a frozen identity Embedding): Gather of the table; with
 *   `mask_zero`, also the row lengths (count of ids != 0) that the recurrent operators take as
 *   `sequence_lens`.
 * - Dense: MatMul + Add (+ its activation); over [batch, time, in] too.
 * - Concatenate, Add, Multiply, Average, Flatten, Dropout (inference: identity).
 * - rnnkit's BroadcastTime (Expand over time), PaddingMask, DotAttention and AdditiveAttention
 *   (MatMul, Softmax over the real source steps: scores + (1 - mask) * -1e9, then * mask).
 */
import { InteropError } from '../errors.js';
import type { GraphLayer } from '../model-graph.js';
import { weightOf } from '../model-graph.js';
import type { GraphBuilder } from './graph-builder.js';
import type { Value } from './recurrent.js';

/** Adds a layer's operators; returns its outputs in order ([context, weights] for attention). */
type Convert = (g: GraphBuilder, layer: GraphLayer, inputs: Value[]) => Value[];

/** Dense and attention activations, by the names rnnkit saves. */
const ACTIVATIONS: Readonly<Record<string, string | null>> = {
  linear: null,
  tanh: 'Tanh',
  relu: 'Relu',
  sigmoid: 'Sigmoid',
  softmax: 'Softmax',
};

/** Added to a padded source step's score, as rnnkit's attention does: exp of it is exactly 0. */
const MASKED_SCORE = -1e9;

function first(inputs: Value[]): Value {
  return inputs[0]!;
}

function rowLengths(g: GraphBuilder, ids: string, name: string): string {
  const [eq] = g.node('Equal', [ids, g.int32Scalar(0)], {}, 1, `${name}_is_padding`);
  const [real] = g.node('Not', [eq!], {}, 1, `${name}_is_real`);
  const [n] = g.node('Cast', [real!], { to: 6 /* INT32 */ }, 1, `${name}_real_int`);
  const [lens] = g.node('ReduceSum', [n!, g.int64s([1])], { keepdims: 0 }, 1, `${name}_lengths`);
  return lens!;
}

function paddingMask(g: GraphBuilder, ids: string, name: string): string {
  const [eq] = g.node('Equal', [ids, g.int32Scalar(0)], {}, 1, `${name}_is_padding`);
  const [real] = g.node('Not', [eq!], {}, 1, `${name}_is_real`);
  return g.node('Cast', [real!], { to: 1 /* FLOAT */ }, 1, name)[0]!;
}

const dense: Convert = (g, layer, [x]) => {
  const kernel = weightOf(layer, 'kernel');
  const k = g.floats(`${layer.name}_kernel`, kernel.shape, kernel.values);
  let [y] = g.node('MatMul', [x!.name, k], {}, 1, `${layer.name}_matmul`);
  const bias = layer.weights['bias'];
  if (bias) {
    const b = g.floats(`${layer.name}_bias`, bias.shape, bias.values);
    [y] = g.node('Add', [y!, b], {}, 1, `${layer.name}_add`);
  }
  const act = ACTIVATIONS[(layer.config['activation'] as string | undefined) ?? 'linear'];
  if (act) [y] = g.node(act, [y!], act === 'Softmax' ? { axis: -1 } : {}, 1, layer.name);
  return [{ name: y!, ...(x!.lens ? { lens: x!.lens } : {}) }];
};

/** Attention: scores [batch, tgt, src] -> masked softmax -> [context, weights]. */
function attend(
  g: GraphBuilder,
  layer: GraphLayer,
  scores: string,
  values: string,
  mask: Value | undefined,
): Value[] {
  let s = scores;
  let m: string | undefined;
  if (mask) {
    [m] = g.node('Unsqueeze', [mask.name, g.int64s([1])], {}, 1, `${layer.name}_mask`);
    const [inv] = g.node('Sub', [g.scalar(1), m!], {}, 1, `${layer.name}_padding`);
    const [pen] = g.node('Mul', [inv!, g.scalar(MASKED_SCORE)], {}, 1, `${layer.name}_penalty`);
    s = g.node('Add', [s, pen!], {}, 1, `${layer.name}_masked_scores`)[0]!;
  }
  let [w] = g.node('Softmax', [s], { axis: -1 }, 1, `${layer.name}_softmax`);
  // the Mul keeps a fully padded row at 0, as rnnkit does
  if (m) [w] = g.node('Mul', [w!, m], {}, 1, `${layer.name}_weights`);
  const [context] = g.node('MatMul', [w!, values], {}, 1, `${layer.name}_context`);
  return [{ name: context! }, { name: w! }];
}

/** A merge layer as one ONNX op over all its inputs (`Sum`, `Mean`). */
function elementwise(op: string): Convert {
  return (g, layer, inputs) => [
    {
      name: g.node(
        op,
        inputs.map((v) => v.name),
        {},
        1,
        layer.name,
      )[0]!,
    },
  ];
}

const CONVERTERS: Readonly<Record<string, Convert>> = {
  Embedding: (g, layer, [ids]) => {
    const table = weightOf(layer, 'embeddings');
    const t = g.floats(`${layer.name}_table`, table.shape, table.values);
    const [y] = g.node('Gather', [t, ids!.name], { axis: 0 }, 1, layer.name);
    const lens = layer.config['mask_zero'] === true ? rowLengths(g, ids!.name, layer.name) : null;
    return [{ name: y!, ...(lens ? { lens } : {}) }];
  },
  Dense: dense,
  Dropout: (_g, _layer, inputs) => [first(inputs)],
  Flatten: (g, layer, [x]) => [
    { name: g.node('Flatten', [x!.name], { axis: 1 }, 1, layer.name)[0]! },
  ],
  Concatenate: (g, layer, inputs) => {
    const axis = (layer.config['axis'] as number | undefined) ?? -1;
    const [y] = g.node(
      'Concat',
      inputs.map((v) => v.name),
      { axis },
      1,
      layer.name,
    );
    return [{ name: y!, ...(inputs[0]!.lens ? { lens: inputs[0]!.lens } : {}) }];
  },
  Add: elementwise('Sum'),
  Average: elementwise('Mean'),
  Multiply: (g, layer, inputs) => [
    {
      name: inputs
        .slice(1)
        .reduce((acc, v) => g.node('Mul', [acc, v.name], {}, 1, layer.name)[0]!, inputs[0]!.name),
    },
  ],
  'rnnkit>BroadcastTime': (g, layer, [seq, v]) => {
    // v [batch, k] -> [batch, time, k]: Expand to Shape(seq)[0:2] ++ Shape(v)[1:2]
    const [shape] = g.node('Shape', [seq!.name], { start: 0, end: 2 }, 1, `${layer.name}_bt`);
    const [k] = g.node('Shape', [v!.name], { start: 1, end: 2 }, 1, `${layer.name}_k`);
    const [target] = g.node('Concat', [shape!, k!], { axis: 0 }, 1, `${layer.name}_shape`);
    const [u] = g.node('Unsqueeze', [v!.name, g.int64s([1])], {}, 1, `${layer.name}_one_step`);
    const [y] = g.node('Expand', [u!, target!], {}, 1, layer.name);
    return [{ name: y!, ...(seq!.lens ? { lens: seq!.lens } : {}) }];
  },
  'rnnkit>PaddingMask': (g, layer, [ids]) => [{ name: paddingMask(g, ids!.name, layer.name) }],
  'rnnkit>DotAttention': (g, layer, [q, values, mask]) => {
    const [vt] = g.node('Transpose', [values!.name], { perm: [0, 2, 1] }, 1, `${layer.name}_keys`);
    const [scores] = g.node('MatMul', [q!.name, vt!], {}, 1, `${layer.name}_scores`);
    return attend(g, layer, scores!, values!.name, mask);
  },
  'rnnkit>AdditiveAttention': (g, layer, [q, values, mask]) => {
    const weight = (n: string) => {
      const w = weightOf(layer, n);
      return g.floats(`${layer.name}_${n}`, w.shape, w.values);
    };
    // score(t, s) = v^T tanh(q_t W_q + h_s W_k): [batch, tgt, 1, A] + [batch, 1, src, A]
    const [qw] = g.node('MatMul', [q!.name, weight('query_kernel')], {}, 1, `${layer.name}_qw`);
    const [kw] = g.node('MatMul', [values!.name, weight('key_kernel')], {}, 1, `${layer.name}_kw`);
    const [q4] = g.node('Unsqueeze', [qw!, g.int64s([2])], {}, 1, `${layer.name}_q4`);
    const [k4] = g.node('Unsqueeze', [kw!, g.int64s([1])], {}, 1, `${layer.name}_k4`);
    const [sum] = g.node('Add', [q4!, k4!], {}, 1, `${layer.name}_sum`);
    const [hidden] = g.node('Tanh', [sum!], {}, 1, `${layer.name}_hidden`);
    const [s4] = g.node('MatMul', [hidden!, weight('score_kernel')], {}, 1, `${layer.name}_s4`);
    const [scores] = g.node('Squeeze', [s4!, g.int64s([3])], {}, 1, `${layer.name}_scores`);
    return attend(g, layer, scores!, values!.name, mask);
  },
};

/** The layer classes this exporter writes, besides the recurrent ones and inputs. */
export const ONNX_LAYER_CLASSES = Object.keys(CONVERTERS);

/** Checks a layer can be exported (before anything is built). */
export function checkLayer(layer: GraphLayer): void {
  if (CONVERTERS[layer.className] === undefined) {
    throw new InteropError(
      'UNSUPPORTED',
      `layer '${layer.name}' (${layer.className}) has no ONNX export: the layers that export are LSTM, GRU, SimpleRNN, ${ONNX_LAYER_CLASSES.join(', ')}`,
    );
  }
  if (layer.className === 'Dense') {
    const act = (layer.config['activation'] as string | undefined) ?? 'linear';
    if (!(act in ACTIVATIONS)) {
      throw new InteropError(
        'UNSUPPORTED',
        `layer '${layer.name}' (Dense) has activation '${act}': the ones that export are ${Object.keys(ACTIVATIONS).join(', ')}`,
      );
    }
  }
}

export function convertLayer(g: GraphBuilder, layer: GraphLayer, inputs: Value[]): Value[] {
  checkLayer(layer);
  return CONVERTERS[layer.className]!(g, layer, inputs);
}
