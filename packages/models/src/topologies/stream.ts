/**
 * Streaming numeric inference: a `manyToOne` or `manyToMany` model on a `features` input, one
 * step at a time, with its recurrent state kept between pushes. `push(x_t)` returns what the
 * full-sequence model gives for the sequence pushed so far: a many-to-one model's output for
 * x_1..x_t, a many-to-many model's output at step t. Each push runs every recurrent layer for one
 * step through the selected recurrence kernel, so the numbers are the full model's (within
 * float rounding) after any number of steps; the state tensors are replaced, never accumulated.
 *
 * A bidirectional model cannot stream (its backward half starts from the last step), nor can a
 * model on token ids (use `statefulLM`): both are `UNSUPPORTED_MODEL`.
 *
 * @example
 * ```ts
 * import { manyToOne, stream } from '@rnnkit/models';
 * const { model } = manyToOne({
 *   units: 8,
 *   input: { type: 'features', features: 2 },
 *   head: { type: 'regression' },
 * });
 * const s = stream(model);
 * s.push([0.1, 0.2]); // Float32Array [y_1]
 * s.push([0.3, 0.1]); // Float32Array [y_2] = model.predict([[[0.1, 0.2], [0.3, 0.1]]])
 * const saved = s.getState();
 * s.reset(); // back to the zero state
 * s.setState(saved);
 * s.dispose();
 * ```
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { cellOf } from '../cells/index.js';
import { ModelsError } from '../errors.js';
import { RecurrentLayer } from '../layers/recurrent.js';

/** Per recurrent layer (bottom first): its states [h] or [h, c], each [units] values. */
export type StreamState = Float32Array[][];

export interface Stream {
  /** Values per step that `push` takes (the model's `features`). */
  readonly features: number;
  /** Steps pushed since the stream began or was last reset. */
  readonly steps: number;
  /** Feeds x_t ([features] numbers) and returns y_t (the model's output for this step). */
  push(x: ArrayLike<number>): Float32Array;
  /** A copy of the recurrent state. */
  getState(): StreamState;
  /** Replaces the recurrent state (as `getState` returns it). */
  setState(state: StreamState): void;
  /** Back to the zero state, as at the start of a sequence. */
  reset(): void;
  /** Frees the state tensors; the stream cannot be used after. */
  dispose(): void;
}

type Stage =
  | { kind: 'recurrent'; layer: RecurrentLayer }
  | { kind: 'masking'; value: number }
  | { kind: 'dense'; layer: tfl.layers.Layer };

function unsupported(why: string): ModelsError {
  return new ModelsError('UNSUPPORTED_MODEL', `this model cannot stream: ${why}`);
}

/** The model's layers as stages of one step; throws UNSUPPORTED_MODEL saying why it cannot. */
function stagesOf(model: tfl.LayersModel): { features: number; stages: Stage[] } {
  const shape = model.inputs[0]?.shape ?? [];
  if (shape.length !== 3) {
    throw unsupported(
      'it takes token ids, not feature vectors: use statefulLM for step-by-step generation on ids',
    );
  }
  const stages: Stage[] = [];
  let explicitMask = false;
  for (const layer of model.layers) {
    const cls = layer.getClassName();
    if (layer instanceof RecurrentLayer) {
      if (layer.goBackwards) {
        throw unsupported(
          `its layer '${layer.name}' reads the sequence backwards (a bidirectional model): its output at step t depends on steps after t, which a stream has not seen; train it with bidirectional: false to stream`,
        );
      }
      stages.push({ kind: 'recurrent', layer });
    } else if (cls === 'Masking') {
      stages.push({ kind: 'masking', value: Number(layer.getConfig().maskValue) });
    } else if (cls === 'Dense') {
      stages.push({ kind: 'dense', layer });
    } else if (cls === 'rnnkit>GivenMask') {
      explicitMask = true; // every pushed step is real
    } else if (cls !== 'InputLayer' && cls !== 'Dropout') {
      throw unsupported(
        `its layer '${layer.name}' (${cls}) mixes steps or is not one a stream knows (streams run manyToOne and manyToMany models on a features input)`,
      );
    }
  }
  if (model.inputs.length !== (explicitMask ? 2 : 1)) {
    throw unsupported(`it has ${model.inputs.length} inputs, expected the features input only`);
  }
  if (!stages.some((s) => s.kind === 'recurrent')) throw unsupported('it has no recurrent layer');
  return { features: shape[2] as number, stages };
}

/** A stream over `model` (a LayersModel, or a topology's result holding one as `model`). */
export function stream(model: tfl.LayersModel | { model: tfl.LayersModel }): Stream {
  const m = model instanceof tfl.LayersModel ? model : model.model;
  const { features, stages } = stagesOf(m);
  const recurrent = stages.flatMap((s) => (s.kind === 'recurrent' ? [s.layer] : []));
  const widths = recurrent.map((l) => l.getConfig().units as number);
  const counts = recurrent.map((l) => cellOf(l.cellType).layout.states.length);
  const zeros = (): tf.Tensor2D[][] =>
    widths.map((u, i) => Array.from({ length: counts[i]! }, () => tf.zeros([1, u]) as tf.Tensor2D));
  let state = zeros();
  let steps = 0;
  let disposed = false;

  const replace = (next: tf.Tensor2D[][]): void => {
    const old = state.flat();
    state = next;
    for (const t of next.flat()) tf.keep(t);
    tf.dispose(old.filter((t) => !next.flat().includes(t)));
  };
  const live = (): void => {
    if (disposed) throw new ModelsError('DISPOSED', 'this stream was disposed: make a new one');
  };

  return {
    features,
    get steps() {
      return steps;
    },
    push(x) {
      live();
      if (x == null || typeof x.length !== 'number' || x.length !== features) {
        throw new ModelsError(
          'BAD_INPUT',
          `a stream row has ${x?.length ?? 0} values, expected ${features} (the model's features per step): give one number per feature`,
        );
      }
      const row = Float32Array.from(x);
      if (row.some((v) => !Number.isFinite(v))) {
        throw new ModelsError(
          'BAD_INPUT',
          `a stream row has a value that is not a finite number ([${Array.from(x).join(', ')}]): give numbers only`,
        );
      }
      let next: tf.Tensor2D[][] = [];
      const y = tf.tidy(() => {
        let h: tf.Tensor = tf.tensor3d(row, [1, 1, features]);
        let masked = false;
        let r = 0;
        next = [];
        for (const stage of stages) {
          if (stage.kind === 'masking') {
            masked = row.every((v) => v === stage.value);
          } else if (stage.kind === 'recurrent') {
            const before = state[r]!;
            const xt = tf.reshape(h, [1, 1, -1]) as tf.Tensor3D;
            const after = masked ? before : stage.layer.runFrom(xt, before);
            next.push(after);
            h = after[0]!; // this layer's output at the step (a masked step repeats it)
            r++;
          } else {
            h = stage.layer.apply(h.rank === 3 ? tf.reshape(h, [1, -1]) : h) as tf.Tensor;
          }
        }
        for (const t of next.flat()) tf.keep(t);
        return h.dataSync() as Float32Array;
      });
      replace(next);
      steps++;
      return Float32Array.from(y);
    },
    getState() {
      live();
      return state.map((s) => s.map((t) => Float32Array.from(t.dataSync())));
    },
    setState(given) {
      live();
      const ok =
        Array.isArray(given) &&
        given.length === widths.length &&
        given.every(
          (s, i) =>
            Array.isArray(s) &&
            s.length === counts[i] &&
            s.every((v) => v != null && v.length === widths[i]),
        );
      if (!ok) {
        const want = widths.map((u, i) => `[${Array(counts[i]).fill(u).join(', ')}]`).join(', ');
        throw new ModelsError(
          'BAD_STATE',
          `a stream state must hold, per recurrent layer, its states of these widths: [${want}]: pass what getState() returned`,
        );
      }
      replace(given.map((s) => s.map((v) => tf.tensor2d(Float32Array.from(v), [1, v.length]))));
    },
    reset() {
      live();
      replace(zeros());
      steps = 0;
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      tf.dispose(state.flat());
      state = [];
    },
  };
}
