/**
 * `exportOnnx(model, options)`: an rnnkit model as an ONNX file (opset 17 or later, float32)
 * that runs on any ONNX runtime. Recurrent layers become the native `LSTM`, `GRU` and `RNN`
 * operators (stacked, bidirectional as `direction="bidirectional"`, padding as `sequence_lens`);
 * everything else is standard operators (see `layers.ts`). Batch and time are dynamic axes.
 *
 * `step: true` writes the step model for generation: every recurrent layer l takes its state as
 * inputs `state_h_l` (and `state_c_l` for lstm) [batch, units] and returns the next state as
 * `state_h_l_out` (`state_c_l_out`), beside the logits of the tokens given ([batch, time,
 * classes]; one token per call generates token by token, a whole prompt per call primes).
 * Zeros are the start state. The metadata key `rnnkit.states` lists the pairs.
 *
 * Every layer and option is checked before the file is made, so an unsupported model is refused
 * with the layer named and nothing is written.
 *
 * @example
 * ```ts
 * import { manyToMany } from '@rnnkit/models';
 * import { exportOnnx } from '@rnnkit/interop';
 * const { model } = manyToMany({ cell: 'gru', units: 8, classes: 5,
 *   input: { type: 'embedding', vocabSize: 5, dims: 4 } });
 * const bytes = exportOnnx(model, { step: true }); // Uint8Array: write it to model.onnx
 * // onnxruntime: inputs tokens [batch, time] int32, state_h_1 [batch, 8];
 * // outputs logits [batch, time, 5], state_h_1_out [batch, 8]
 * ```
 */
import type * as tfl from '@tensorflow/tfjs-layers';
import { InteropError } from '../errors.js';
import {
  describeModel,
  type GraphLayer,
  logicalLayers,
  type ModelGraph,
  RECURRENT_CLASSES,
  type TensorRef,
} from '../model-graph.js';
import { VERSION } from '../version.js';
import { type Dim, GraphBuilder } from './graph-builder.js';
import { checkLayer, convertLayer } from './layers.js';
import { addRecurrent, checkRecurrent, type StepState, type Value } from './recurrent.js';

/** The opset written when none is asked for (the first with every operator used here as is). */
export const DEFAULT_OPSET = 17;
/** The newest opset the files are checked with (onnx 1.23's checker, onnxruntime 1.30). */
export const MAX_OPSET = 23;

export interface OnnxExportOptions {
  /** Write the step model: each recurrent layer's state as inputs and outputs. Default false. */
  step?: boolean;
  /** ai.onnx opset, 17 to 23 (the operators used here are the same in all). Default 17. */
  opset?: number;
  /** More `metadata_props` (e.g. `onnxMetadata(meta)`: the vocab, scaler and task). */
  metadata?: Record<string, string>;
}

const OPTION_KEYS = ['step', 'opset', 'metadata'] as const;

function checkOptions(options: OnnxExportOptions): Required<OnnxExportOptions> {
  for (const k of Object.keys(options)) {
    if (!OPTION_KEYS.includes(k as (typeof OPTION_KEYS)[number])) {
      throw new InteropError(
        'BAD_OPTION',
        `unknown ONNX export option '${k}': the options are ${OPTION_KEYS.join(', ')}`,
      );
    }
  }
  const opset = options.opset ?? DEFAULT_OPSET;
  if (!(Number.isInteger(opset) && opset >= DEFAULT_OPSET && opset <= MAX_OPSET)) {
    throw new InteropError(
      'BAD_OPTION',
      `opset must be an integer from ${DEFAULT_OPSET} to ${MAX_OPSET}, got ${opset}: e.g. opset: ${DEFAULT_OPSET}`,
    );
  }
  const metadata = options.metadata ?? {};
  for (const [k, v] of Object.entries(metadata)) {
    if (typeof v !== 'string') {
      throw new InteropError('BAD_OPTION', `metadata '${k}' must be a string, got ${typeof v}`);
    }
  }
  return { step: options.step ?? false, opset, metadata };
}

const key = (t: TensorRef) => `${t.layer}:${t.index}`;

/** Input layers whose axis 1 is time: those a recurrent layer's x is read from. */
function sequenceInputs(layers: GraphLayer[]): Set<string> {
  const byName = new Map(layers.map((l) => [l.name, l]));
  const out = new Set<string>();
  for (const l of layers) {
    if (!['LSTM', 'GRU', 'SimpleRNN'].includes(l.className)) continue;
    let at = byName.get(l.inputTensors[0]?.layer ?? '');
    while (at && at.className !== 'InputLayer') at = byName.get(at.inputTensors[0]?.layer ?? '');
    if (at) out.add(at.name);
  }
  return out;
}

/** A saved shape as ONNX dims: axis 0 is 'batch', unknown or time axes are named. */
function dims(shape: readonly (number | null)[], name: string, timeAxis: boolean): Dim[] {
  return shape.map((d, i) =>
    i === 0 ? 'batch' : i === 1 && timeAxis ? 'time' : (d ?? `${name}_axis${i}`),
  );
}

/** Serializes `model` as an ONNX ModelProto. */
export function exportOnnx(model: tfl.LayersModel, options: OnnxExportOptions = {}): Uint8Array {
  const o = checkOptions(options);
  const graph = describeModel(model);
  const logical = logicalLayers(graph);
  // refuse before building anything
  for (const l of logical) {
    if (l.kind === 'layer') checkLayer(l.layer);
    if (l.kind !== 'recurrent') continue;
    checkRecurrent(l);
    if (o.step && l.backward) {
      throw new InteropError(
        'UNSUPPORTED',
        `layer '${l.name}' is bidirectional: a step model needs every recurrent layer to read forward (its backward half needs the whole sequence)`,
      );
    }
    if (o.step && l.forward.inputTensors.length > 1) {
      throw new InteropError(
        'UNSUPPORTED',
        `layer '${l.name}' starts from a state computed in the model: export its step models instead (seq2seq's encoderModel and decoderStepModel, oneToMany's stateModel and stepModel; exportArtifactOnnx and rnnkit export --step do this for a saved model)`,
      );
    }
  }

  const g = new GraphBuilder();
  const env = new Map<string, Value>();
  const timeInputs = sequenceInputs(graph.layers);
  const stateValues: { value: string; input: string; units: number }[] = [];
  let recurrentIndex = 0;
  for (const l of logical) {
    if (l.kind === 'input') {
      const c = l.layer.config;
      const shape = (c['batch_input_shape'] as (number | null)[] | undefined) ?? [null];
      const type = c['dtype'] === 'int32' ? 'int32' : 'float32';
      const name = g.input(
        l.layer.name,
        type,
        dims(shape, l.layer.name, timeInputs.has(l.layer.name)),
      );
      env.set(`${l.layer.name}:0`, { name });
    } else if (l.kind === 'recurrent') {
      recurrentIndex++;
      const inputs = read(env, l.forward.inputTensors, l.name);
      const x = inputs[0];
      if (!x) throw missing(l.name);
      const units = l.forward.config['units'] as number;
      let step: StepState | null = null;
      if (o.step) {
        const kinds = l.cell === 'lstm' ? ['h', 'c'] : ['h'];
        step = {
          inputs: kinds.map((k) =>
            g.input(`state_${k}_${recurrentIndex}`, 'float32', ['batch', units]),
          ),
          outputs: [],
        };
      }
      const initial = inputs.length > 1 ? inputs.slice(1).map((v) => v.name) : null;
      for (const [k, v] of addRecurrent(g, l, x, initial, step)) env.set(k, v);
      if (step) {
        for (const [i, s] of step.outputs.entries()) {
          stateValues.push({ value: s, input: step.inputs[i]!, units });
        }
      }
    } else {
      const inputs = read(env, l.layer.inputTensors, l.layer.name);
      convertLayer(g, l.layer, inputs).forEach((v, i) => {
        env.set(`${l.layer.name}:${i}`, v);
      });
    }
  }
  graph.outputTensors.forEach((t, i) => {
    const [v] = read(env, [t], t.layer) as [Value];
    const name = outputName(graph, t);
    const shape = model.outputs[i]!.shape as (number | null)[];
    g.output(v.name, 'float32', dims(shape, name, shape.length === 3), name);
  });
  // the step model's states come after the model's own outputs
  const states = stateValues.map(({ value, input, units }) => ({
    input,
    output: g.output(value, 'float32', ['batch', units], `${input}_out`),
    units,
  }));
  const metadata: Record<string, string> = {
    'rnnkit.version': VERSION,
    'rnnkit.export': o.step ? 'step' : 'sequence',
    ...o.metadata,
    ...(o.step ? { 'rnnkit.states': JSON.stringify(states) } : {}),
  };
  return g.encode({ opset: o.opset, metadata, producerVersion: VERSION }, graph.name);
}

/**
 * A graph output's name: the layer's for its first output, else what the output is: a recurrent
 * layer's final `h` and `c` (`decoder_1_h`), attention's `weights` (`attention_weights`).
 */
function outputName(graph: ModelGraph, t: TensorRef): string {
  if (t.index === 0) return t.layer;
  const layer = graph.layers.find((l) => l.name === t.layer);
  const what =
    layer && RECURRENT_CLASSES[layer.className] !== undefined
      ? (['h', 'c'][t.index - 1] ?? String(t.index))
      : layer?.className.endsWith('Attention') && t.index === 1
        ? 'weights'
        : String(t.index);
  return `${t.layer}_${what}`;
}

/** The values a layer reads; refuses one that could not be exported. */
function read(env: Map<string, Value>, refs: TensorRef[], layer: string): Value[] {
  return refs.map((t) => {
    const v = env.get(key(t));
    if (!v) throw missing(layer);
    if (v.unsupported) throw new InteropError('UNSUPPORTED', v.unsupported);
    return v;
  });
}

function missing(layer: string): InteropError {
  return new InteropError(
    'MALFORMED',
    `layer '${layer}' reads a tensor the exporter has not made: the model's wiring is not one rnnkit builds`,
  );
}
