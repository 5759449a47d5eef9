/**
 * rnnkit weights <-> a PyTorch `state_dict`, by the plan of `plan.ts`. Matrices are transposed
 * (tfjs stores kernel [in, out], PyTorch weight [out, in]) and a recurrent layer's gate blocks are
 * reordered between the two orders of `CELL_LAYOUTS`, and the two PyTorch biases mapped as its
 * `torchBias` says: 'sum' (LSTM, RNN: export writes rnnkit's one bias as `bias_ih` with a zero
 * `bias_hh`, import adds the two) or 'rows' (the reset-after GRU: rnnkit's bias [2, 3u] rows are
 * `bias_ih` and `bias_hh`, nothing summed).
 */
import { CELL_LAYOUTS, type CellType, permuteGateColumns } from '@rnnkit/models';
import { InteropError } from '../errors.js';
import { type GraphLayer, type WeightArray, weightOf } from '../model-graph.js';
import type { RecurrentModule, TorchPlan } from './plan.js';

/** Row-major [rows, cols] -> [cols, rows]. */
export function transpose(values: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(values.length);
  for (let r = 0; r < rows; r++)
    for (let c = 0; c < cols; c++) out[c * rows + r] = values[r * cols + c]!;
  return out;
}

/** Keras gate order -> PyTorch, or back. */
function gates(cell: CellType, toTorch: boolean) {
  const l = CELL_LAYOUTS[cell];
  return toTorch ? ([l.keras, l.torch] as const) : ([l.torch, l.keras] as const);
}

/** The state_dict key suffix of a level and direction: `_l0`, `_l0_reverse`. */
function suffix(level: number, reverse: boolean): string {
  return `_l${level}${reverse ? '_reverse' : ''}`;
}

/** Calls `f` for each layer of a stack, forward then backward per level, with its key suffix. */
function eachDirection(m: RecurrentModule, f: (layer: GraphLayer, suffix: string) => void): void {
  m.levels.forEach((level, l) => {
    f(level.forward, suffix(l, false));
    if (level.backward) f(level.backward, suffix(l, true));
  });
}

function recurrentToTorch(m: RecurrentModule, out: Record<string, WeightArray>): void {
  const [from, to] = gates(m.cell, true);
  const u = m.hidden;
  const k = CELL_LAYOUTS[m.cell].gates;
  eachDirection(m, (layer, s) => {
    for (const [short, key] of [
      ['kernel', 'weight_ih'],
      ['recurrent_kernel', 'weight_hh'],
    ] as const) {
      const w = weightOf(layer, short);
      const rows = w.shape[0]!;
      const p = permuteGateColumns(w.values, rows, u, from, to);
      out[`${m.attr}.${key}${s}`] = { shape: [k * u, rows], values: transpose(p, rows, k * u) };
    }
    const b = weightOf(layer, 'bias');
    if (CELL_LAYOUTS[m.cell].torchBias === 'rows') {
      const p = permuteGateColumns(b.values, 2, u, from, to);
      out[`${m.attr}.bias_ih${s}`] = { shape: [k * u], values: p.slice(0, k * u) };
      out[`${m.attr}.bias_hh${s}`] = { shape: [k * u], values: p.slice(k * u) };
    } else {
      out[`${m.attr}.bias_ih${s}`] = {
        shape: [k * u],
        values: permuteGateColumns(b.values, 1, u, from, to),
      };
      out[`${m.attr}.bias_hh${s}`] = { shape: [k * u], values: new Float32Array(k * u) };
    }
  });
}

function linearToTorch(attr: string, layer: GraphLayer, out: Record<string, WeightArray>): void {
  const w = weightOf(layer, 'kernel');
  const [i, o] = w.shape as [number, number];
  out[`${attr}.weight`] = { shape: [o, i], values: transpose(w.values, i, o) };
  const b = layer.weights['bias'];
  if (b) out[`${attr}.bias`] = { shape: [...b.shape], values: b.values.slice() };
}

/** The model's weights as the PyTorch state_dict of `model.py`, in declaration order. */
export function torchStateDict(p: TorchPlan): Record<string, WeightArray> {
  const out: Record<string, WeightArray> = {};
  for (const m of p.modules) {
    if (m.kind === 'embedding') {
      const e = weightOf(m.layer, 'embeddings');
      out[`${m.attr}.weight`] = { shape: [...e.shape], values: e.values.slice() };
    } else if (m.kind === 'recurrent') recurrentToTorch(m, out);
    else if (m.kind === 'linear') linearToTorch(m.attr, m.layer, out);
    else if (m.type === 'additive') {
      for (const [short, sub] of [
        ['query_kernel', 'query'],
        ['key_kernel', 'key'],
        ['score_kernel', 'score'],
      ] as const) {
        const w = weightOf(m.layer, short);
        const [i, o] = w.shape as [number, number];
        out[`${m.attr}.${sub}.weight`] = { shape: [o, i], values: transpose(w.values, i, o) };
      }
    }
  }
  return out;
}

/** Weights for rnnkit, by layer name then short weight name (kernel, bias, ...). */
export type LayerWeights = Map<string, Record<string, WeightArray>>;

/** Reads a state_dict tensor, checking its shape; MALFORMED names what is missing or wrong. */
function take(
  sd: Record<string, WeightArray>,
  key: string,
  shape: number[],
  file: string,
): Float32Array {
  const t = sd[key];
  if (t === undefined) {
    throw new InteropError(
      'MALFORMED',
      `${file} has no tensor '${key}': the model.py this metadata describes needs it (state_dict keys: ${Object.keys(sd).slice(0, 8).join(', ')}${Object.keys(sd).length > 8 ? ', ...' : ''})`,
    );
  }
  if (t.shape.join() !== shape.join()) {
    throw new InteropError(
      'MALFORMED',
      `${file}: tensor '${key}' has shape [${t.shape}], expected [${shape}] for the architecture in the metadata`,
    );
  }
  return t.values;
}

/**
 * The inverse of `torchStateDict`: rnnkit weights from a PyTorch state_dict, for the same plan.
 * LSTM and RNN biases are summed (b_ih + b_hh, exactly what both frameworks add at every step);
 * every tensor of the plan must be there with its shape, and no other may be (MALFORMED).
 */
export function weightsFromTorch(
  p: TorchPlan,
  sd: Record<string, WeightArray>,
  file = 'weights.safetensors',
): LayerWeights {
  const out: LayerWeights = new Map();
  const used = new Set<string>();
  const get = (key: string, shape: number[]) => {
    used.add(key);
    return take(sd, key, shape, file);
  };
  const put = (layer: string, short: string, shape: number[], values: Float32Array) => {
    const w = out.get(layer) ?? {};
    w[short] = { shape, values };
    out.set(layer, w);
  };
  for (const m of p.modules) {
    if (m.kind === 'embedding') {
      put(m.layer.name, 'embeddings', [m.num, m.dim], get(`${m.attr}.weight`, [m.num, m.dim]));
    } else if (m.kind === 'linear') {
      const [i, o] = [m.inFeatures, m.outFeatures];
      put(m.layer.name, 'kernel', [i, o], transpose(get(`${m.attr}.weight`, [o, i]), o, i));
      put(m.layer.name, 'bias', [o], get(`${m.attr}.bias`, [o]).slice());
    } else if (m.kind === 'attention') {
      if (m.type !== 'additive') continue;
      for (const [short, sub, i, o] of [
        ['query_kernel', 'query', m.queryWidth, m.units],
        ['key_kernel', 'key', m.keyWidth, m.units],
        ['score_kernel', 'score', m.units, 1],
      ] as const) {
        put(m.layer.name, short, [i, o], transpose(get(`${m.attr}.${sub}.weight`, [o, i]), o, i));
      }
    } else {
      const [from, to] = gates(m.cell, false);
      const u = m.hidden;
      const k = CELL_LAYOUTS[m.cell].gates;
      eachDirection(m, (layer, s) => {
        const rows = weightOf(layer, 'kernel').shape[0]!;
        const ih = transpose(get(`${m.attr}.weight_ih${s}`, [k * u, rows]), k * u, rows);
        const hh = transpose(get(`${m.attr}.weight_hh${s}`, [k * u, u]), k * u, u);
        put(layer.name, 'kernel', [rows, k * u], permuteGateColumns(ih, rows, u, from, to));
        put(layer.name, 'recurrent_kernel', [u, k * u], permuteGateColumns(hh, u, u, from, to));
        const bih = get(`${m.attr}.bias_ih${s}`, [k * u]);
        const bhh = get(`${m.attr}.bias_hh${s}`, [k * u]);
        if (CELL_LAYOUTS[m.cell].torchBias === 'rows') {
          const both = new Float32Array(2 * k * u);
          both.set(bih);
          both.set(bhh, k * u);
          put(layer.name, 'bias', [2, k * u], permuteGateColumns(both, 2, u, from, to));
        } else {
          const sum = new Float32Array(k * u);
          for (let i = 0; i < sum.length; i++) sum[i] = bih[i]! + bhh[i]!;
          put(layer.name, 'bias', [k * u], permuteGateColumns(sum, 1, u, from, to));
        }
      });
    }
  }
  const extra = Object.keys(sd).filter((k) => !used.has(k));
  if (extra.length > 0) {
    throw new InteropError(
      'MALFORMED',
      `${file} has tensors the architecture in the metadata does not: ${extra.slice(0, 5).join(', ')}: was it saved from a different model.py?`,
    );
  }
  return out;
}
