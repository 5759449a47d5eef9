/**
 * One rnnkit recurrent layer (or a folded bidirectional pair) as ONNX's native `RNN`, `LSTM` or
 * `GRU` operator. The weights go into ONNX's layout: W [dirs, k*units, features] and R
 * [dirs, k*units, units] (the Keras kernel transposed, gate blocks in ONNX order from
 * `CELL_LAYOUTS`), B [dirs, 2*k*units] from `onnxBias`. The operators read time-major X
 * [time, batch, features] (onnxruntime runs only layout 0), so x is transposed in and Y
 * [time, dirs, batch, units] transposed back out.
 *
 * A padded input (an embedding with `mask_zero`) becomes `sequence_lens`, the count of real
 * steps per row: with padding at the end, as rnnkit's windows are padded, masked steps keeping
 * the state (Keras) and the operator stopping at the row's length are the same computation.
 */
import { CELL_LAYOUTS, onnxBias, permuteGateColumns } from '@rnnkit/models';
import { InteropError } from '../errors.js';
import type { LogicalLayer } from '../model-graph.js';
import { weightOf } from '../model-graph.js';
import type { GraphBuilder } from './graph-builder.js';

/** A value of the graph being built, with the row lengths of its padded input, if any. */
export interface Value {
  name: string;
  /** sequence_lens [batch] int32 where the sequence is padded. */
  lens?: string;
  /** Set when the value cannot be exported: why, for the layer that reads it. */
  unsupported?: string;
}

/** States fed in from outside and read back out: the step model's h/c per layer. */
export interface StepState {
  /** Initial states [batch, units] per state of the cell ([h] or [h, c]). */
  inputs: string[];
  /** Where to put the final states' value names, in the same order. */
  outputs: string[];
}

type Recurrent = Extract<LogicalLayer, { kind: 'recurrent' }>;

/** Keras activation names ONNX's recurrent operators take, by the names rnnkit saves. */
const ACTIVATIONS: Readonly<Record<string, string>> = {
  sigmoid: 'Sigmoid',
  tanh: 'Tanh',
  relu: 'Relu',
};

function activation(r: Recurrent, key: string, fallback: string): string {
  const name = (r.forward.config[key] as string | undefined) ?? fallback;
  const onnx = ACTIVATIONS[name];
  if (onnx === undefined) {
    throw new InteropError(
      'UNSUPPORTED',
      `layer '${r.forward.name}': ${key} '${name}' has no exact ONNX export here: use one of ${Object.keys(ACTIVATIONS).join(', ')}`,
    );
  }
  return onnx;
}

/** Checks a recurrent layer can be exported (before anything is built). */
export function checkRecurrent(r: Recurrent): void {
  const f = r.forward;
  if (r.backward && r.merge !== 'concat') {
    throw new InteropError(
      'UNSUPPORTED',
      `bidirectional layer '${r.name}' merges with '${r.merge}': only 'concat' (rnnkit's) is exported`,
    );
  }
  if (f.config['stateful'] === true) {
    throw new InteropError(
      'UNSUPPORTED',
      `layer '${f.name}' is stateful: export the model without stateful layers (the step model carries the state instead)`,
    );
  }
  activation(r, 'activation', 'tanh');
  if (r.cell !== 'rnn') activation(r, 'recurrent_activation', 'sigmoid');
}

/** The ONNX weights of one direction: W, R [k*units, features|units] and B [2*k*units]. */
function directionWeights(r: Recurrent, layer: Recurrent['forward'], units: number) {
  const layout = CELL_LAYOUTS[r.cell];
  const k = layout.gates * units;
  const transposed = (name: string) => {
    const w = weightOf(layer, name);
    const rows = w.shape[0]!;
    const p = permuteGateColumns(w.values, rows, units, layout.keras, layout.onnx.gates);
    const t = new Float32Array(p.length); // [rows, k] -> [k, rows]
    for (let i = 0; i < rows; i++) for (let j = 0; j < k; j++) t[j * rows + i] = p[i * k + j]!;
    return { values: t, rows };
  };
  const bias = layer.weights['bias'];
  return {
    W: transposed('kernel'),
    R: transposed('recurrent_kernel'),
    B: bias ? onnxBias(r.cell, bias.values, units) : new Float32Array(2 * k),
  };
}

function concat(parts: Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/**
 * Adds the operator for `r` reading x [batch, time, features]; returns its outputs by tensor:
 * `${layer}:0` (the sequence or last output, as the layer returns it) and, per direction's
 * layer, `${layer}:1` (h) and `${layer}:2` (c) [batch, units].
 */
export function addRecurrent(
  g: GraphBuilder,
  r: Recurrent,
  x: Value,
  initial: string[] | null,
  step: StepState | null,
): Map<string, Value> {
  const f = r.forward;
  const units = f.config['units'] as number;
  const layout = CELL_LAYOUTS[r.cell];
  const layers = r.backward ? [f, r.backward] : [f];
  const dirs = layers.length;
  const w = layers.map((l) => directionWeights(r, l, units));
  const features = w[0]!.W.rows;
  const k = layout.gates * units;
  const W = g.floats(`${r.name}_W`, [dirs, k, features], concat(w.map((d) => d.W.values)));
  const R = g.floats(`${r.name}_R`, [dirs, k, units], concat(w.map((d) => d.R.values)));
  const B = g.floats(`${r.name}_B`, [dirs, 2 * k], concat(w.map((d) => d.B)));
  const [xt] = g.node('Transpose', [x.name], { perm: [1, 0, 2] }, 1, `${r.name}_time_major`);
  // initial states [batch, units] -> [1, batch, units]
  const states = step ? step.inputs : initial;
  const init = (states ?? []).map(
    (s, i) => g.node('Unsqueeze', [s, g.int64s([0])], {}, 1, `${r.name}_initial_${i}`)[0]!,
  );
  const lens = step ? '' : (x.lens ?? '');
  const inputs = [xt!, W, R, B, lens, init[0] ?? '', ...(r.cell === 'lstm' ? [init[1] ?? ''] : [])];
  const act = activation(r, 'activation', 'tanh');
  const gate = r.cell === 'rnn' ? '' : activation(r, 'recurrent_activation', 'sigmoid');
  const perDirection =
    r.cell === 'lstm' ? [gate, act, act] : r.cell === 'gru' ? [gate, act] : [act];
  const attrs: Record<string, number | string | string[]> = {
    hidden_size: units,
    direction: r.backward
      ? 'bidirectional'
      : f.config['go_backwards'] === true
        ? 'reverse'
        : 'forward',
    activations: Array.from({ length: dirs }, () => perDirection).flat(),
  };
  if (r.cell === 'gru') attrs['linear_before_reset'] = f.config['reset_after'] === false ? 0 : 1;
  const outs = g.node(layout.onnx.op, inputs, attrs, r.cell === 'lstm' ? 3 : 2, r.name);
  const [Y, Yh, Yc] = outs as [string, string, string | undefined];
  const result = new Map<string, Value>();
  let out: Value;
  if (f.config['return_sequences'] === true && !r.backward && attrs['direction'] === 'reverse') {
    // a lone backwards layer's sequence comes in reading order; only its states are exported
    out = {
      name: '',
      unsupported: `layer '${f.name}' reads backwards and returns its sequence in reversed order, which ONNX's operators do not: use bidirectional: true`,
    };
  } else if (f.config['return_sequences'] === true) {
    // Y [time, dirs, batch, units] -> [batch, time, dirs * units] (forward then backward)
    const [bt] = g.node('Transpose', [Y], { perm: [2, 0, 1, 3] }, 1, `${r.name}_batch_major`);
    const [y] = g.node('Reshape', [bt!, g.int64s([0, 0, dirs * units])], {}, 1, `${r.name}_output`);
    out = { name: y!, ...(x.lens && !step ? { lens: x.lens } : {}) };
  } else {
    // Y_h [dirs, batch, units] -> [batch, dirs * units]
    const [bt] = g.node('Transpose', [Yh], { perm: [1, 0, 2] }, 1, `${r.name}_last_batch_major`);
    const [y] = g.node('Reshape', [bt!, g.int64s([0, dirs * units])], {}, 1, `${r.name}_last`);
    out = { name: y! };
  }
  result.set(`${r.name}:0`, out);
  // the merged output goes by the merge layer's name; each direction's layer keeps its states
  result.set(`${f.name}:0`, out);
  const finals = [Yh, ...(Yc ? [Yc] : [])];
  layers.forEach((l, d) => {
    finals.forEach((s, i) => {
      const [v] = g.node(
        'Gather',
        [s, g.int64s([d], true)],
        { axis: 0 },
        1,
        `${l.name}_state_${i}`,
      );
      result.set(`${l.name}:${i + 1}`, { name: v! });
    });
  });
  if (step) step.outputs.push(...finals.map((_, i) => result.get(`${f.name}:${i + 1}`)!.name));
  return result;
}
