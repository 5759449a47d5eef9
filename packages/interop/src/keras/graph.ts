/**
 * A Keras 3 `config.json` (Sequential or Functional) read into plain data: every layer with its
 * config, the tensors it is called on, and the HDF5 group its weights sit in. Everything outside
 * the supported list is refused here, before any weight is read, naming the layer, its class and
 * what is supported; so is anything that would run code (`Lambda`, custom or registered objects,
 * `__lambda__` / `__python__` payloads).
 *
 * Facts of the format this relies on (Keras 3.15 `saving_lib`): weights are addressed by position,
 * not name: `layers/<snake_case class>[_N]/vars/<i>` in the order of `model.layers` (a
 * Functional's include its InputLayers, a Sequential's do not; ops such as `NotEqual` are not
 * layers); `mask_zero` shows as a `NotEqual(input, 0)` op node whose output is passed to the layers
 * as `mask=`; call arguments are `__keras_tensor__` objects with `keras_history: [layer, node,
 * tensor]`.
 *
 * @example
 * ```ts
 * const g = readKerasConfig(archive.config, 'model.keras');
 * g.layers.map((l) => l.className); // ['InputLayer', 'Embedding', 'LSTM', 'Dense']
 * ```
 */
import { InteropError, parseJson } from '../errors.js';

export type Json = Record<string, unknown>;

/** One output of one layer: `tensor` indexes a layer's outputs (LSTM return_state: [y, h, c]). */
export interface TensorRef {
  layer: string;
  tensor: number;
}

export interface KerasLayer {
  name: string;
  className: string;
  config: Json;
  /** The tensors the layer is called on, in order (one, or a list for Concatenate). */
  inputs: TensorRef[];
  /** The HDF5 group of its weights, e.g. 'layers/lstm_1' (empty for an input). */
  weightPath: string;
  /**
   * Whether a functional Keras 3 config calls the layer with `mask=` (Keras gives a layer called
   * on several tensors, a recurrent layer with `initial_state`, no other mask); undefined in a
   * Sequential model and in a Keras 2 config.
   */
  masked?: boolean;
}

export interface KerasGraph {
  name: string;
  layers: KerasLayer[];
  inputs: TensorRef[];
  outputs: TensorRef[];
}

/** What import and export support, and how each layer is described in errors. */
export const SUPPORTED_LAYERS = [
  'InputLayer',
  'Embedding',
  'Masking',
  'SimpleRNN',
  'LSTM',
  'GRU',
  'Bidirectional',
  'Dropout',
  'Dense',
  'TimeDistributed',
  'Activation',
  'Concatenate',
] as const;

/**
 * Activations whose formula is the same in Keras 3 and tfjs-layers, for Dense and Activation
 * layers (Keras 3's hard_sigmoid is x/6 + 1/2, tfjs's 0.2x + 1/2: not the same, so not here).
 */
export const KERAS_ACTIVATIONS = [
  'linear',
  'relu',
  'sigmoid',
  'softmax',
  'tanh',
  'softplus',
  'softsign',
  'elu',
  'selu',
] as const;

/**
 * A recurrent layer's flags, written alike in Keras 3 and tfjs configs. Dropout inside the layer
 * acts only in training and rnnkit's layers refuse it there: 0 (put a Dropout layer between).
 */
export function recurrentFlags(c: Json, goBackwards: boolean): Json {
  return {
    return_sequences: c['return_sequences'] === true,
    return_state: c['return_state'] === true,
    go_backwards: goBackwards,
    zero_output_for_mask: c['zero_output_for_mask'] === true,
    stateful: false,
    unroll: false,
    dropout: 0,
    recurrent_dropout: 0,
  };
}

const SUPPORTED_TEXT = `${SUPPORTED_LAYERS.join(', ')} (TimeDistributed of Dense only)`;

/** Keras's `naming.to_snake_case`, which names a layer's weights group. */
export function snakeCase(name: string): string {
  return name
    .replace(/\W+/g, '')
    .replace(/(.)([A-Z][a-z]+)/g, '$1_$2')
    .replace(/([a-z])([A-Z])/g, '$1_$2')
    .toLowerCase();
}

const isObject = (v: unknown): v is Json =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Refuses any part of a config that would make Keras run code or load a custom class. */
function checkSafe(node: unknown, file: string, where: string): void {
  if (Array.isArray(node)) {
    for (const n of node) checkSafe(n, file, where);
    return;
  }
  if (!isObject(node)) return;
  const cls = node['class_name'];
  if (cls === '__lambda__' || cls === '__python__' || cls === 'Lambda' || cls === 'function') {
    throw new InteropError(
      'UNSAFE',
      `${file}: ${where} holds ${cls === 'Lambda' ? 'a Lambda layer' : `a ${String(cls)} object`} (Python code): refused, no code from a model file runs. Replace it with built-in layers (${SUPPORTED_TEXT})`,
    );
  }
  const module = node['module'];
  if (typeof module === 'string' && typeof cls === 'string' && !module.startsWith('keras')) {
    throw new InteropError(
      'UNSAFE',
      `${file}: ${where} uses ${cls} from module ${module}, a custom object: refused, no code from a model file runs. Use built-in layers (${SUPPORTED_TEXT})`,
    );
  }
  const registered = node['registered_name'];
  if (
    typeof registered === 'string' &&
    registered !== cls &&
    cls !== '__keras_tensor__' &&
    !/^keras[.>]/.test(registered)
  ) {
    throw new InteropError(
      'UNSAFE',
      `${file}: ${where} uses the registered custom object ${registered}: refused, no code from a model file runs. Use built-in layers (${SUPPORTED_TEXT})`,
    );
  }
  for (const [k, v] of Object.entries(node)) {
    if (k === 'safe_mode' && v === false) {
      throw new InteropError(
        'UNSAFE',
        `${file}: ${where} asks for safe_mode=False: refused, no code from a model file runs`,
      );
    }
    checkSafe(v, file, where);
  }
}

function unsupported(file: string, name: string, cls: string, why = ''): InteropError {
  return new InteropError(
    'UNSUPPORTED',
    `${file}: layer '${name}' is a ${cls}${why ? ` ${why}` : ''}, which rnnkit cannot import: supported layers are ${SUPPORTED_TEXT}`,
  );
}

/** The tensor refs in a call's args (a tensor, or a list of tensors), in order. */
function tensorRefs(arg: unknown, file: string, layer: string): TensorRef[] {
  if (Array.isArray(arg)) return arg.flatMap((a) => tensorRefs(a, file, layer));
  if (isObject(arg) && arg['class_name'] === '__keras_tensor__' && isObject(arg['config'])) {
    const h = arg['config']['keras_history'];
    if (!Array.isArray(h) || typeof h[0] !== 'string') {
      throw new InteropError(
        'MALFORMED',
        `${file}: layer '${layer}' has an input without keras_history`,
      );
    }
    if (h[1] !== 0) {
      throw new InteropError(
        'UNSUPPORTED',
        `${file}: layer '${layer}' reads the output of '${h[0]}' at call ${String(h[1])}: layers called more than once (shared layers) are not supported`,
      );
    }
    return [{ layer: h[0], tensor: Number(h[2] ?? 0) }];
  }
  return [];
}

const RECURRENT = ['SimpleRNN', 'LSTM', 'GRU'];

/** The classes that are ops (not layers) and so have no weights group (the legacy .h5 config
 * has no module keys: NotEqual is recognised by name there). */
const isOp = (l: Json): boolean =>
  typeof l['module'] === 'string' && (l['module'] as string).startsWith('keras.src.ops');

function checkLayer(file: string, name: string, cls: string, c: Json): void {
  if (!(SUPPORTED_LAYERS as readonly string[]).includes(cls)) throw unsupported(file, name, cls);
  if (cls === 'TimeDistributed') {
    const inner = c['layer'];
    const innerCls = isObject(inner) ? String(inner['class_name']) : 'nothing';
    if (innerCls !== 'Dense') throw unsupported(file, name, cls, `of ${innerCls}`);
  }
  if (cls === 'Bidirectional') {
    const inner = isObject(c['layer']) ? String(c['layer']['class_name']) : 'nothing';
    if (!['SimpleRNN', 'LSTM', 'GRU'].includes(inner))
      throw unsupported(file, name, cls, `of ${inner}`);
    if (c['merge_mode'] == null) throw unsupported(file, name, cls, 'with merge_mode=None');
  }
  for (const flag of ['stateful', 'unroll'] as const) {
    if (c[flag] === true) throw unsupported(file, name, cls, `with ${flag}=True`);
  }
}

/** Reads a Keras 3 config.json; `file` names the model in errors. */
export function readKerasConfig(text: string, file: string): KerasGraph {
  const doc = parseJson(text, `${file}: config.json`);
  if (!isObject(doc) || !isObject(doc['config'])) {
    throw new InteropError('MALFORMED', `${file}: config.json has no model config`);
  }
  checkSafe(doc, file, 'the model config');
  const cls = doc['class_name'];
  const config = doc['config'];
  const rawLayers = config['layers'];
  if (!Array.isArray(rawLayers)) {
    throw new InteropError('MALFORMED', `${file}: config.json lists no layers`);
  }
  if (cls === 'Sequential') return sequential(config, rawLayers as Json[], file);
  if (cls === 'Functional' || cls === 'Model') return functional(config, rawLayers as Json[], file);
  throw new InteropError(
    'UNSUPPORTED',
    `${file}: the model is a ${String(cls)}: rnnkit imports Sequential and Functional models (a subclassed model has no config to read: rebuild it as a Functional model)`,
  );
}

/** Weight group names: snake_case class, `_1`, `_2` ... for repeats (Keras `_get_unique_name`). */
export function weightPaths(): (cls: string) => string {
  const used = new Map<string, number>();
  return (cls) => {
    const base = snakeCase(cls);
    const n = used.get(base);
    used.set(base, n === undefined ? 0 : n + 1);
    return `layers/${n === undefined ? base : `${base}_${n + 1}`}`;
  };
}

function sequential(config: Json, raw: Json[], file: string): KerasGraph {
  const path = weightPaths();
  const layers: KerasLayer[] = [];
  let first = raw[0];
  let inputName = 'input_layer';
  if (first && first['class_name'] === 'InputLayer') {
    inputName = String((first['config'] as Json)['name'] ?? inputName);
  } else {
    const shape =
      config['build_input_shape'] ??
      (first?.['build_config'] as Json | undefined)?.['input_shape'] ??
      (first?.['config'] as Json | undefined)?.['batch_input_shape'];
    if (!Array.isArray(shape)) {
      throw new InteropError(
        'MALFORMED',
        `${file}: the Sequential model has no input shape: build it (keras.Input(shape=...)) before saving`,
      );
    }
    first = { class_name: 'InputLayer', config: { batch_shape: shape, dtype: 'float32' } };
  }
  layers.push({
    name: inputName,
    className: 'InputLayer',
    config: { ...(first['config'] as Json), name: inputName },
    inputs: [],
    weightPath: '',
  });
  let prev: TensorRef = { layer: inputName, tensor: 0 };
  for (const l of raw) {
    if (l['class_name'] === 'InputLayer') continue;
    const c = (l['config'] ?? {}) as Json;
    const name = String(c['name'] ?? l['name']);
    const lc = String(l['class_name']);
    checkLayer(file, name, lc, c);
    layers.push({ name, className: lc, config: c, inputs: [prev], weightPath: path(lc) });
    prev = { layer: name, tensor: 0 };
  }
  return {
    name: String(config['name'] ?? 'sequential'),
    layers,
    inputs: [{ layer: inputName, tensor: 0 }],
    outputs: [prev],
  };
}

/**
 * A Keras 2 node (tf.keras, and the tfjs converter's model.json): `[[layer, node, tensor,
 * kwargs], ...]`, every tensor an input (a recurrent layer's initial states after x), as the
 * Keras 3 form `{ args, kwargs }`.
 */
function keras2Node(node: unknown[], file: string, layer: string): Json {
  const args = node.map((e) => {
    if (!Array.isArray(e) || typeof e[0] !== 'string') {
      throw new InteropError(
        'MALFORMED',
        `${file}: layer '${layer}' has an inbound node that is not [layer, node, tensor, kwargs]`,
      );
    }
    const kwargs = (e[3] ?? {}) as Json;
    const extra = Object.keys(kwargs).filter((k) => k !== 'training' && kwargs[k] != null);
    if (extra.length > 0) {
      throw unsupported(
        file,
        layer,
        'layer',
        `called with ${extra.join(', ')}= (not supported in a Keras 2 config)`,
      );
    }
    return { class_name: '__keras_tensor__', config: { keras_history: [e[0], e[1], e[2]] } };
  });
  return { args: args.length === 1 ? args : [args], kwargs: {} };
}

function refList(v: unknown): TensorRef[] {
  // [name, node, tensor] or a list of them
  if (Array.isArray(v) && typeof v[0] === 'string')
    return [{ layer: v[0], tensor: Number(v[2] ?? 0) }];
  return Array.isArray(v) ? v.flatMap(refList) : [];
}

function functional(config: Json, raw: Json[], file: string): KerasGraph {
  const path = weightPaths();
  const layers: KerasLayer[] = [];
  const maskOps = new Map<string, TensorRef>();
  for (const l of raw) {
    const c = (l['config'] ?? {}) as Json;
    const name = String(l['name'] ?? c['name']);
    const lc = String(l['class_name']);
    const nodes = (l['inbound_nodes'] ?? []) as Json[];
    if (nodes.length > 1) {
      throw unsupported(file, name, lc, `called ${nodes.length} times (a shared layer)`);
    }
    let node = nodes[0];
    const keras2 = Array.isArray(node);
    if (Array.isArray(node)) node = keras2Node(node, file, name);
    const args = node ? tensorRefs(node['args'], file, name) : [];
    if (isOp(l) || lc === 'NotEqual') {
      // mask_zero's NotEqual(x, 0): the mask follows the Embedding in rnnkit, so the op goes
      if (
        lc === 'NotEqual' &&
        args.length === 1 &&
        (node?.['args'] as unknown[] | undefined)?.[1] === 0
      ) {
        maskOps.set(name, args[0]!);
        continue;
      }
      throw unsupported(file, name, lc, '(an op)');
    }
    checkLayer(file, name, lc, c);
    const kwargs = (node?.['kwargs'] ?? {}) as Json;
    let masked = false;
    for (const [k, v] of Object.entries(kwargs)) {
      if (k === 'training') continue;
      const refs = tensorRefs(v, file, name);
      if (k === 'mask' && refs.every((r) => maskOps.has(r.layer))) {
        masked ||= refs.length > 0;
        continue;
      }
      if (k === 'initial_state' && RECURRENT.includes(lc) && refs.length > 0) {
        args.push(...refs); // rnnkit's recurrent layers take [x, ...initial states]
        continue;
      }
      if (refs.length > 0 || (k !== 'mask' && v != null)) {
        throw unsupported(
          file,
          name,
          lc,
          `called with ${k}= (supported: the mask of mask_zero, and initial_state of a recurrent layer)`,
        );
      }
    }
    layers.push({
      name,
      className: lc,
      config: lc === 'InputLayer' ? { ...c, name } : c,
      inputs: args,
      weightPath: path(lc),
      ...(node !== undefined && !keras2 ? { masked } : {}),
    });
  }
  const known = new Set(layers.map((l) => l.name));
  for (const l of layers) {
    for (const r of l.inputs) {
      if (!known.has(r.layer)) {
        throw new InteropError(
          'MALFORMED',
          `${file}: layer '${l.name}' reads '${r.layer}', which is not a layer of the model`,
        );
      }
    }
  }
  return {
    name: String(config['name'] ?? 'functional'),
    layers,
    inputs: refList(config['input_layers']),
    outputs: refList(config['output_layers']),
  };
}
