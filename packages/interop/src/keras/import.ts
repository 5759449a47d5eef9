/**
 * `importKeras(source)`: a Keras 3 model as an rnnkit model. Reads a `.keras` archive, or a
 * `.weights.h5` with the `config.json` that goes with it; refuses anything outside the supported
 * layers before reading a weight; builds the model on rnnkit's own layer classes.
 *
 * @example
 * ```ts
 * import { importKeras } from '@rnnkit/interop';
 * import { save } from '@rnnkit/models';
 * const { model, meta } = await importKeras('model.keras');
 * model.predict(x); // Keras's outputs within 1e-5
 * await save(model, 'out/model', meta);
 * ```
 */
import { ARTIFACT_FORMAT_VERSION, type RnnkitJSON } from '@rnnkit/models';
import { Vocab } from '@rnnkit/vocab';
import { scalerFromJSON } from '@rnnkit/windowing';
import { InteropError, parseJson } from '../errors.js';
import { readKerasArchive } from './archive.js';
import { type KerasGraph, readKerasConfig } from './graph.js';
import { readH5 } from './h5.js';
import { type NamedWeight, namedWeightSource } from './named-weights.js';
import { type KerasTaskOptions, readsLogits, taskMeta } from './task.js';
import { buildImported, type ImportedModel, type WeightSource } from './to-rnnkit.js';

export interface ImportKerasOptions extends KerasTaskOptions {
  /**
   * The task written to the model's rnnkit.json (default 'keras': the model as it is), making it
   * a task `loadTask` restores: 'text-generation' (with `vocab`), 'classification' (`vocab`,
   * `labels`) or 'forecasting' (`scaler`, `history`; `seqLength`, `transform`, `season`). Their
   * softmax or sigmoid heads become logits (rnnkit's tasks read logits: the same probabilities).
   */
  task?: string;
  /** For a `.weights.h5` source: the model's config.json (text), as Keras writes it. */
  config?: string;
}

/** A file path (Node) or the file's bytes with a name for messages. */
export type KerasSource = string | { bytes: Uint8Array; name: string };

async function readSource(source: KerasSource): Promise<{ bytes: Uint8Array; name: string }> {
  if (typeof source !== 'string') return source;
  const { readFile } = await import('node:fs/promises');
  try {
    return { bytes: new Uint8Array(await readFile(source)), name: source };
  } catch (e) {
    throw new InteropError(
      'IO',
      `${source} cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}): check the path`,
    );
  }
}

const isZip = (b: Uint8Array) => b[0] === 0x50 && b[1] === 0x4b && b[2] === 0x03 && b[3] === 0x04;
const isHdf5 = (b: Uint8Array) =>
  b.length >= 8 && b[0] === 0x89 && b[1] === 0x48 && b[2] === 0x44 && b[3] === 0x46;

/** A config and a way to read the weights it needs, whatever the file. */
interface Opened {
  name: string;
  config: string;
  kerasVersion: string;
  read: WeightSource;
  /** Weights of the file no layer asked for (after every read). */
  unused(): string[];
  close(): void;
}

function versionOf(metadata: string): string {
  try {
    return String((JSON.parse(metadata) as { keras_version?: string }).keras_version ?? 'unknown');
  } catch {
    return 'unknown'; // metadata.json is informative only
  }
}

/** A weight by its `.keras` path: its declared shape, and its values once that is checked. */
type ByPath = ReadonlyMap<string, { shape: number[]; read(): Float32Array }>;

/**
 * Weights at their `.keras` paths (layers/<snake_case class>[_N]/.../vars/<i>): a `.keras`
 * archive's HDF5 file, or the manifest of a converter model.json made from one.
 */
function pathSource(name: string, weights: ByPath): Pick<Opened, 'read' | 'unused'> {
  const used = new Set<string>();
  return {
    read: (path, shape) => {
      const ds = weights.get(path);
      if (ds === undefined) {
        throw new InteropError(
          'MALFORMED',
          `${name}: the weights file has no ${path}, which the config needs: the weights and config.json come from different models`,
        );
      }
      if (ds.shape.join() !== shape.join()) {
        throw new InteropError(
          'MALFORMED',
          `${name}: weight ${path} is [${ds.shape}] in the file but the config declares [${shape}]: the weights and config.json come from different models`,
        );
      }
      used.add(path);
      return ds.read();
    },
    // optimizer/ (a compiled model's optimizer state) is not the model's: only layers/ must match
    unused: () => [...weights.keys()].filter((p) => p.startsWith('layers/') && !used.has(p)),
  };
}

/** The `.keras` layout: datasets at layers/<snake_case class>[_N]/.../vars/<i>. */
async function positional(
  name: string,
  config: string,
  weights: Uint8Array,
  kerasVersion: string,
): Promise<Opened> {
  readKerasConfig(config, name); // refusals come before the weights file is even opened
  const h5 = await readH5(weights, name);
  return { name, config, kerasVersion, ...pathSource(name, h5.datasets), close: () => h5.close() };
}

/** The legacy `.h5` (model.save('m.h5')): model_config, and model_weights/<layer> by name. */
async function legacyH5(name: string, bytes: Uint8Array): Promise<Opened | null> {
  const h5 = await readH5(bytes, name);
  const config = h5.attr('', 'model_config');
  if (typeof config !== 'string') {
    h5.close();
    return null;
  }
  const byLayer = new Map<string, NamedWeight[]>();
  const layerNames = h5.attr('model_weights', 'layer_names');
  for (const layer of Array.isArray(layerNames) ? layerNames.map(String) : []) {
    const names = h5.attr(`model_weights/${layer}`, 'weight_names');
    byLayer.set(
      layer,
      (Array.isArray(names) ? names.map(String) : []).map((w) => {
        const ds = h5.datasets.get(`model_weights/${layer}/${w}`);
        if (ds === undefined)
          throw new InteropError(
            'MALFORMED',
            `${name}: model_weights/${layer} lists ${w}, which the file does not hold`,
          );
        return { name: w, shape: ds.shape, read: ds.read };
      }),
    );
  }
  const graph = readKerasConfig(config, name);
  const source = namedWeightSource(graph.layers, byLayer, name);
  return {
    name,
    config,
    kerasVersion: String(h5.attr('', 'keras_version') ?? 'unknown'),
    ...source,
    close: () => h5.close(),
  };
}

/** A TensorFlow.js converter model.json: Keras topology, weights in shard files beside it. */
async function tfjsJson(name: string, bytes: Uint8Array): Promise<Opened> {
  const doc = parseJson(new TextDecoder().decode(bytes), name) as {
    modelTopology?: Record<string, unknown>;
    weightsManifest?: {
      paths: string[];
      weights: { name: string; shape: number[]; dtype: string }[];
    }[];
  };
  const topology = doc.modelTopology;
  if (topology === undefined || !Array.isArray(doc.weightsManifest)) {
    throw new InteropError(
      'MALFORMED',
      `${name} has no modelTopology and weightsManifest: give the model.json of a TensorFlow.js Layers model (tensorflowjs_converter --input_format keras)`,
    );
  }
  // the converter nests the Keras config under model_config; tfjs's own save does not
  const config = JSON.stringify(topology['model_config'] ?? topology);
  const graph = readKerasConfig(config, name);
  const { readFile } = await import('node:fs/promises');
  const { dirname, join } = await import('node:path');
  const all: NamedWeight[] = [];
  for (const group of doc.weightsManifest) {
    const chunks: Uint8Array[] = [];
    for (const p of group.paths) {
      if (p.includes('/') || p.includes('\\') || p.startsWith('.')) {
        throw new InteropError(
          'UNSAFE',
          `${name} names the weights file ${JSON.stringify(p)}, outside its folder: refused`,
        );
      }
      chunks.push(
        new Uint8Array(
          await readFile(join(dirname(name), p)).catch(() => {
            throw new InteropError(
              'IO',
              `${name}: its weights file ${p} cannot be read: keep the shard files beside model.json`,
            );
          }),
        ),
      );
    }
    const data = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
    let at = 0;
    for (const c of chunks) {
      data.set(c, at);
      at += c.length;
    }
    let offset = 0;
    for (const w of group.weights) {
      if (w.dtype !== 'float32') {
        throw new InteropError(
          'UNSUPPORTED',
          `${name}: weight ${w.name} is ${w.dtype}: rnnkit imports float32 weights (convert without quantization)`,
        );
      }
      const n = w.shape.reduce((a, b) => a * b, 1);
      const start = offset;
      offset += n * 4;
      if (offset > data.length) {
        throw new InteropError(
          'MALFORMED',
          `${name}: the manifest declares more weights than its files hold (${data.length} bytes): the shard files are truncated or from another model`,
        );
      }
      all.push({
        name: w.name,
        shape: w.shape,
        read: () => new Float32Array(data.slice(start, start + n * 4).buffer),
      });
    }
  }
  const base = { name, config, kerasVersion: String(topology['keras_version'] ?? 'unknown') };
  const close = () => {};
  // the converter names a .keras file's weights by their paths there (layers/lstm/cell/vars/0)
  if (all.length > 0 && all.every((w) => /^layers\/.+\/vars\/\d+$/.test(w.name))) {
    return { ...base, ...pathSource(name, new Map(all.map((w) => [w.name, w]))), close };
  }
  // else by layer: <layer>/... (tfjs's save, a functional .h5), <model>/<layer>/... (Sequential)
  const names = new Set(graph.layers.map((l) => l.name));
  const layerOf = (w: string) => w.split('/').find((part) => names.has(part));
  const byLayer = new Map<string, NamedWeight[]>();
  for (const w of all) {
    const layer = layerOf(w.name);
    if (layer !== undefined) byLayer.set(layer, [...(byLayer.get(layer) ?? []), w]);
  }
  const source = namedWeightSource(graph.layers, byLayer, name);
  const orphans = all.map((w) => w.name).filter((w) => layerOf(w) === undefined);
  return { ...base, read: source.read, unused: () => [...orphans, ...source.unused()], close };
}

/** Opens a source by its first bytes: zip (.keras), HDF5 (.h5, .weights.h5) or JSON (model.json). */
async function open(source: KerasSource, options: ImportKerasOptions): Promise<Opened> {
  const { bytes, name } = await readSource(source);
  if (isZip(bytes)) {
    const a = readKerasArchive(bytes, name);
    return positional(name, a.config, a.weights, versionOf(a.metadata));
  }
  if (isHdf5(bytes)) {
    if (options.config !== undefined) return positional(name, options.config, bytes, 'unknown');
    const legacy = await legacyH5(name, bytes);
    if (legacy) return legacy;
    throw new InteropError(
      'BAD_OPTION',
      `${name} is an HDF5 weights file: give the model's config.json with it (importKeras(file, { config }), or rnnkit import ${name} --config config.json), or save the whole model as .keras`,
    );
  }
  if (bytes[0] === 0x7b && typeof source === 'string') return tfjsJson(name, bytes);
  throw new InteropError(
    'MALFORMED',
    `${name} is neither a .keras archive (zip), an HDF5 file nor a TensorFlow.js model.json: give the file model.save('model.keras') wrote`,
  );
}

/**
 * Imports a Keras model (.keras, legacy .h5, .weights.h5 with its config, or a tfjs-converter
 * model.json); everything unsupported is refused and every weight's shape checked against the
 * config before any weight is read.
 */
export async function importKeras(
  source: KerasSource,
  options: ImportKerasOptions = {},
): Promise<ImportedModel> {
  const opened = await open(source, options);
  try {
    const graph: KerasGraph = readKerasConfig(opened.config, opened.name);
    const base: RnnkitJSON = {
      format: 'rnnkit-model',
      formatVersion: ARTIFACT_FORMAT_VERSION,
      task: 'keras',
      topology: {
        builder: 'keras',
        args: {
          source: opened.name.split(/[\\/]/).pop() ?? opened.name,
          kerasVersion: opened.kerasVersion,
        },
      },
      createdWith: { library: '@rnnkit/interop', tfjs: 'unknown' },
    };
    const task = options.task ?? 'keras';
    const model = await buildImported(graph, opened.read, opened.name, base, readsLogits(task));
    try {
      const extra = opened.unused();
      if (extra.length > 0) {
        throw new InteropError(
          'MALFORMED',
          `${opened.name}: the weights file holds ${extra.slice(0, 3).join(', ')}${extra.length > 3 ? ` and ${extra.length - 3} more` : ''}, which no layer of the config uses: the weights and config.json come from different models`,
        );
      }
      const meta: RnnkitJSON = { ...base, ...taskMeta(model, task, options, opened.name) };
      return {
        model,
        meta,
        vocab: meta.vocab === undefined ? null : Vocab.fromJSON(meta.vocab),
        scaler: meta.scaler === undefined ? null : scalerFromJSON(meta.scaler),
      };
    } catch (e) {
      model.dispose();
      throw e;
    }
  } finally {
    opened.close();
  }
}
