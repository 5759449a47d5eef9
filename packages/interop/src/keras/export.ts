/**
 * `exportKeras(model)`: an rnnkit model as a Keras 3 `.keras` archive that
 * `keras.saving.load_model` opens. Starts from `describeModel` / `logicalLayers`, so rnnkit's
 * bidirectional pattern is written as one real `Bidirectional` layer; everything else maps one
 * layer to one layer. The archive is always a Functional model; weights sit where Keras's
 * `saving_lib` looks for them (`layers/<snake_case class>[_N]/[cell/]vars/<i>`, by position).
 * A layer outside the supported list is refused before anything is written.
 *
 * @example
 * ```ts
 * import { exportKeras } from '@rnnkit/interop';
 * await exportKeras(model, 'model.keras');
 * // python: keras.saving.load_model('model.keras').predict(x)  (rnnkit's outputs within 1e-5)
 * ```
 */
import * as tfl from '@tensorflow/tfjs-layers';
import { InteropError } from '../errors.js';
import {
  describeModel,
  type GraphLayer,
  type LogicalLayer,
  logicalLayers,
  weightOf,
} from '../model-graph.js';
import { writeKerasArchive } from './archive.js';
import {
  type Json,
  KERAS_ACTIVATIONS,
  recurrentFlags,
  SUPPORTED_LAYERS,
  snakeCase,
  weightPaths,
} from './graph.js';
import { type H5Entry, writeH5 } from './h5.js';

/** The Keras version the config is written for (the one the live suite checks against). */
export const KERAS_VERSION = '3.15.1';

const MERGE_MODES = { concat: 'concat', sum: 'sum', mul: 'mul', ave: 'ave' } as const;
const ACTIVATIONS: ReadonlySet<string> = new Set(KERAS_ACTIVATIONS);

interface Out {
  layers: Json[];
  entries: H5Entry[];
  groups: { path: string; name: string; value: string }[];
  /** Where an rnnkit output is in Keras: a bidirectional half's states are the Bidirectional's. */
  where: Map<string, (tensor: number) => [string, number]>;
}

const layerEntry = (className: string, name: string, config: Json, inbound: Json[]): Json => ({
  module: 'keras.layers',
  class_name: className,
  config: { name, trainable: true, dtype: 'float32', ...config },
  registered_name: null,
  name,
  inbound_nodes: inbound,
});

function activationOf(layer: GraphLayer, key: string): string {
  const a = String(layer.config[key] ?? 'linear');
  if (!ACTIVATIONS.has(a)) {
    throw new InteropError(
      'UNSUPPORTED',
      `layer '${layer.name}' (${layer.className}) has ${key} '${a}', which Keras computes differently or lacks: supported are ${[...ACTIVATIONS].join(', ')}`,
    );
  }
  return a;
}

/** A recurrent layer's Keras config and its three weights under `prefix` (.../cell/vars). */
function recurrentConfig(layer: GraphLayer, goBackwards: boolean): Json {
  const c = layer.config;
  const out: Json = {
    trainable: c['trainable'] !== false,
    units: c['units'],
    activation: activationOf(layer, 'activation'),
    use_bias: c['use_bias'] !== false,
    ...recurrentFlags(c, goBackwards),
  };
  if (layer.className !== 'SimpleRNN') {
    const ra = String(c['recurrent_activation'] ?? 'sigmoid');
    if (ra !== 'sigmoid') {
      throw new InteropError(
        'UNSUPPORTED',
        `layer '${layer.name}' (${layer.className}) has recurrent_activation '${ra}': Keras 3's hard_sigmoid is x/6 + 0.5, not tfjs's 0.2x + 0.5, so only sigmoid exports exactly`,
      );
    }
    out['recurrent_activation'] = 'sigmoid';
  }
  if (layer.className === 'GRU') out['reset_after'] = c['reset_after'] !== false;
  return out;
}

function cellWeights(layer: GraphLayer, prefix: string): H5Entry[] {
  const names = [
    'kernel',
    'recurrent_kernel',
    ...(layer.config['use_bias'] !== false ? ['bias'] : []),
  ];
  return names.map((n, i) => {
    const w = weightOf(layer, n);
    return { path: `${prefix}/cell/vars/${i}`, shape: w.shape, values: w.values };
  });
}

/** Builds the Keras config and weights of an rnnkit model. */
export function toKeras(outer: tfl.LayersModel): {
  config: Json;
  entries: H5Entry[];
  groups: Out['groups'];
} {
  // a Sequential's own layer list leaves out its InputLayer: read the functional model inside
  const model =
    outer.getClassName() === 'Sequential'
      ? tfl.model({ inputs: outer.inputs, outputs: outer.outputs, name: outer.name })
      : outer;
  const graph = describeModel(model);
  const logical = logicalLayers(graph);
  const out: Out = { layers: [], entries: [], groups: [], where: new Map() };
  const pathOf = weightPaths();

  const group = (path: string, name: string) =>
    out.groups.push({ path: `${path}/vars`, name: 'name', value: name });
  /** Which rnnkit layer name a reference resolves to (folded layers -> their bidirectional). */
  const shapeOf = (name: string, tensor: number): (number | null)[] => {
    const l = model.getLayer(name);
    const node = l.inboundNodes[0];
    const t = node?.outputTensors[tensor];
    return t ? [...t.shape] : [];
  };
  const dtypeOf = (name: string, tensor: number): string => {
    const l = model.getLayer(name);
    const t = l.inboundNodes[0]?.outputTensors[tensor];
    return t?.dtype === 'int32' ? 'int32' : 'float32';
  };
  const call = (
    names: string[],
    tensors: number[],
    asList: boolean,
    initialState = false,
  ): Json[] => {
    const tensor = (n: string, i: number) => {
      const [layer, index] = out.where.get(n)?.(i) ?? [n, i];
      return {
        class_name: '__keras_tensor__',
        config: { shape: shapeOf(n, i), dtype: dtypeOf(n, i), keras_history: [layer, 0, index] },
      };
    };
    const args = names.map((n, i) => tensor(n, tensors[i] ?? 0));
    if (initialState && args.length > 1) {
      // a recurrent layer called on [x, ...states]: Keras takes the states as initial_state=
      return [{ args: args.slice(0, 1), kwargs: { initial_state: args.slice(1) } }];
    }
    return [{ args: asList ? [args] : args, kwargs: {} }];
  };
  for (const l of logical) {
    if (l.kind === 'input') {
      const c = l.layer.config;
      const shape = (c['batch_input_shape'] ?? c['batch_shape']) as unknown[];
      out.layers.push(
        layerEntry(
          'InputLayer',
          l.layer.name,
          {
            batch_shape: shape,
            dtype: c['dtype'] === 'int32' ? 'int32' : 'float32',
            sparse: false,
          },
          [],
        ),
      );
      delete (out.layers.at(-1)!['config'] as Json)['trainable'];
      group(pathOf('InputLayer'), l.layer.name);
      continue;
    }
    if (l.kind === 'recurrent') {
      exportRecurrent(l, { out, pathOf, group, call });
      continue;
    }
    exportLayer(l.layer, { out, pathOf, group, call });
  }
  const ref = (names: string[], tensors: number[]) => {
    const refs = names.map((n, i) => {
      const [layer, tensor] = out.where.get(n)?.(tensors[i] ?? 0) ?? [n, tensors[i] ?? 0];
      return [layer, 0, tensor];
    });
    return refs.length === 1 ? refs[0] : refs;
  };
  // logicalLayers names a bidirectional layer after its merge, so outputs keep their names
  const config: Json = {
    module: 'keras.src.models.functional',
    class_name: 'Functional',
    config: {
      name: graph.name,
      trainable: true,
      layers: out.layers,
      input_layers: ref(
        graph.inputs,
        graph.inputs.map(() => 0),
      ),
      output_layers: ref(
        graph.outputs,
        graph.outputTensors.map((t) => t.index),
      ),
    },
    registered_name: 'Functional',
    build_config: { input_shape: null },
    compile_config: null,
  };
  group('', graph.name);
  return { config, entries: out.entries, groups: out.groups };
}

type Call = (names: string[], tensors: number[], asList: boolean, initialState?: boolean) => Json[];

/**
 * What a layer's export writes into (`out`) and names things with: `pathOf` its weights' path in
 * the .h5 by class, `group` a path's name attribute, `call` its inbound node from its inputs.
 */
interface Writer {
  out: Out;
  pathOf: (cls: string) => string;
  group: (path: string, name: string) => void;
  call: Call;
}

function exportRecurrent(
  l: Extract<LogicalLayer, { kind: 'recurrent' }>,
  { out, pathOf, group, call }: Writer,
): void {
  const f = l.forward;
  const inbound = call(
    l.inputs,
    f.inputTensors.map((t) => t.index),
    false,
    true,
  );
  if (!l.backward) {
    const path = pathOf(f.className);
    out.layers.push(
      layerEntry(
        f.className,
        f.name,
        recurrentConfig(f, f.config['go_backwards'] === true),
        inbound,
      ),
    );
    group(path, f.name);
    group(`${path}/cell`, `${snakeCase(f.className)}_cell`);
    out.entries.push(...cellWeights(f, path));
    return;
  }
  const b = l.backward;
  if (f.config['return_state'] === true) {
    // Keras returns [merged, ...forward states, ...backward states]
    const n = f.className === 'LSTM' ? 2 : 1;
    out.where.set(f.name, (t) => [l.name, t]);
    out.where.set(b.name, (t) => [l.name, t === 0 ? 0 : n + t]);
  }
  const inner = (layer: GraphLayer, name: string, back: boolean): Json => ({
    module: 'keras.layers',
    class_name: layer.className,
    config: { name, trainable: true, dtype: 'float32', ...recurrentConfig(layer, back) },
    registered_name: null,
  });
  const path = pathOf('Bidirectional');
  out.layers.push(
    layerEntry(
      'Bidirectional',
      l.name,
      {
        merge_mode: MERGE_MODES[l.merge ?? 'concat'],
        layer: inner(f, `forward_${f.name}`, false),
        backward_layer: inner(b, `backward_${f.name}`, true),
      },
      inbound,
    ),
  );
  group(path, l.name);
  for (const [side, layer] of [
    ['forward_layer', f],
    ['backward_layer', b],
  ] as const) {
    group(`${path}/${side}`, layer.name);
    group(`${path}/${side}/cell`, `${snakeCase(layer.className)}_cell`);
    out.entries.push(...cellWeights(layer, `${path}/${side}`));
  }
}

function exportLayer(layer: GraphLayer, { out, pathOf, group, call }: Writer): void {
  const c = layer.config;
  const cls = layer.className;
  const inbound = call(
    layer.inputs,
    layer.inputTensors.map((t) => t.index),
    cls === 'Concatenate',
  );
  let config: Json;
  const weights: [string, string][] = [];
  switch (cls) {
    case 'Embedding':
      config = {
        trainable: c['trainable'] !== false, // rnnkit's one-hot input is a frozen Embedding
        input_dim: c['input_dim'],
        output_dim: c['output_dim'],
        mask_zero: c['mask_zero'] === true,
      };
      weights.push(['embeddings', '0']);
      break;
    case 'Dense':
      config = {
        units: c['units'],
        activation: activationOf(layer, 'activation'),
        use_bias: c['use_bias'] !== false,
      };
      weights.push(['kernel', '0']);
      if (c['use_bias'] !== false) weights.push(['bias', '1']);
      break;
    case 'Dropout':
      config = { rate: c['rate'], seed: null, noise_shape: null };
      break;
    case 'Activation':
      config = { activation: activationOf(layer, 'activation') };
      break;
    case 'Masking':
      config = { mask_value: c['mask_value'] ?? 0 };
      break;
    case 'Concatenate':
      if (c['axis'] !== -1 && c['axis'] !== undefined) {
        throw new InteropError(
          'UNSUPPORTED',
          `layer '${layer.name}' (Concatenate) joins along axis ${String(c['axis'])}: rnnkit exports joins along the last axis`,
        );
      }
      config = { axis: -1 };
      break;
    default:
      throw new InteropError(
        'UNSUPPORTED',
        `layer '${layer.name}' is a ${cls}, which has no Keras counterpart rnnkit exports: supported layers are ${SUPPORTED_LAYERS.join(', ')} (and rnnkit's bidirectional stacks)`,
      );
  }
  const path = pathOf(cls);
  out.layers.push(layerEntry(cls, layer.name, config, inbound));
  group(path, layer.name);
  for (const [short, i] of weights) {
    const w = weightOf(layer, short);
    out.entries.push({ path: `${path}/vars/${i}`, shape: w.shape, values: w.values });
  }
}

/** The `.keras` bytes of a model (config.json, metadata.json, model.weights.h5). */
export async function kerasBytes(model: tfl.LayersModel): Promise<Uint8Array> {
  const { config, entries, groups } = toKeras(model);
  const weights = await writeH5(entries, groups);
  return writeKerasArchive({
    config: JSON.stringify(config),
    metadata: JSON.stringify({
      keras_version: KERAS_VERSION,
      date_saved: new Date().toISOString(),
    }),
    weights,
  });
}

/** Writes a model as a `.keras` file (atomically: a temporary file renamed into place). */
export async function exportKeras(model: tfl.LayersModel, file: string): Promise<void> {
  const bytes = await kerasBytes(model);
  const { writeFile, rename, rm } = await import('node:fs/promises');
  const tmp = `${file}.tmp-${Date.now()}`;
  try {
    await writeFile(tmp, bytes);
    await rename(tmp, file);
  } catch (e) {
    await rm(tmp, { force: true });
    throw new InteropError(
      'IO',
      `${file} cannot be written (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}): check the folder exists and is writable`,
    );
  }
}
