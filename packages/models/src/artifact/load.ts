/**
 * `load(source)`: reads an rnnkit artifact back (see `save`), checks every file before building
 * anything, and builds the model with rnnkit's own layer classes (`customObjects()`), so a GRU with
 * `resetAfter: true` loads too. Older `rnnkit.json` versions are migrated; a missing file, a
 * truncated `weights.bin`, weights that do not fit the layers, malformed JSON or a newer format
 * version each throw an `ArtifactError` naming the file and the fix. It never returns a
 * half-loaded model: on any failure, whatever was built is disposed.
 *
 * Neighbours in `artifact/`: `save.ts` and `load.ts` (the folder a model is saved as), `schema.ts`
 * (`rnnkit.json`), `tfjs-files.ts` and `file-system.ts` (where the files go), `errors.ts`.
 *
 * @example
 * ```ts
 * import { generate, load } from '@rnnkit/models';
 * const { model, meta, vocab } = await load('out/char-lm');
 * meta.task; // 'text-generation'
 * const ids = vocab!.encode('The ');
 * vocab!.decode(generate(model, { prompts: [ids], maxLength: 200, seed: 1 }).generations[0].tokens);
 * ```
 */
import { Vocab } from '@rnnkit/vocab';
import { type Scaler, scalerFromJSON } from '@rnnkit/windowing';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { customObjects } from '../layers/custom-objects.js';
import { ArtifactError } from './errors.js';
import { errnoOf, findBackups, joinPath, listFolder, nodeFileSystem } from './file-system.js';
import {
  type ArtifactLocation,
  type ArtifactOptions,
  folderOf,
  METADATA_KEY,
  routedHandler,
} from './save.js';
import { parseRnnkitJSON, type RnnkitJSON } from './schema.js';
import { checkWeightBytes, MODEL_JSON, RNNKIT_JSON, readTfjsFolder } from './tfjs-files.js';
import { decodeInt8Weights, manifestDType } from './weight-dtype.js';

export interface LoadedModel {
  model: tfl.LayersModel;
  /** The `rnnkit.json` document, migrated to the current format version. */
  meta: RnnkitJSON;
  /** The vocab, when the artifact has one. */
  vocab: Vocab | null;
  /** The scaler, when the artifact has one. */
  scaler: Scaler | null;
}

/**
 * Weights (elements) the layers of a topology need at least, read from their configs: `units`
 * (a Dense or recurrent layer holds a bias or kernel column per unit), `units * units` for a
 * recurrent layer (its recurrent kernel), `units * features` when the layer declares its input
 * shape, and `input_dim * output_dim` for an Embedding. Building the model allocates every
 * weight, so a topology that needs more than the manifest holds is refused before building: a
 * model.json cannot make the loader allocate more than its weights file pays for.
 */
export function topologyWeightBound(topology: unknown): number {
  let total = 0;
  const visit = (node: unknown, className: string | undefined): void => {
    if (Array.isArray(node)) {
      for (const n of node) visit(n, undefined);
      return;
    }
    if (typeof node !== 'object' || node === null) return;
    const o = node as Record<string, unknown>;
    const config = o['config'];
    const cls = typeof o['class_name'] === 'string' ? (o['class_name'] as string) : className;
    if (typeof config === 'object' && config !== null && !Array.isArray(config)) {
      const c = config as Record<string, unknown>;
      const int = (v: unknown) => (typeof v === 'number' && v > 0 ? v : 0);
      const units = int(c['units']);
      const shape = c['batch_input_shape'];
      const features = Array.isArray(shape) ? int(shape.at(-1)) : 0;
      const recurrent = /^(LSTM|GRU|SimpleRNN)(Cell)?$/.test(cls ?? '');
      total += Math.max(
        units,
        recurrent ? units * units : 0,
        units * features,
        int(c['input_dim']) * int(c['output_dim']),
      );
    }
    for (const [k, v] of Object.entries(o)) if (k !== 'class_name') visit(v, undefined);
  };
  visit(topology, undefined);
  return total;
}

/** Builds the model from checked artifacts and sets its weights; disposes it on any failure. */
export async function buildModel(a: tf.io.ModelArtifacts, file: string): Promise<tfl.LayersModel> {
  const held = (a.weightSpecs ?? []).reduce(
    (n, s) => n + s.shape.reduce((p: number, d: number) => p * d, 1),
    0,
  );
  const needed = topologyWeightBound(a.modelTopology);
  if (needed > held) {
    throw new ArtifactError(
      'WEIGHTS_MISMATCH',
      file,
      `${file}: the topology declares layers that need at least ${needed} weights but the weights manifest holds ${held}: model.json was edited or comes from another model (refused before allocating anything): save the model again`,
    );
  }
  let model: tfl.LayersModel;
  try {
    model = await tfl.models.modelFromJSON(
      { modelTopology: a.modelTopology as tf.io.ModelJSON['modelTopology'] } as never,
      customObjects() as unknown as tf.serialization.ConfigDict,
    );
  } catch (e) {
    throw new ArtifactError(
      'MALFORMED',
      file,
      `${file}: the model topology cannot be built (${(e as Error).message}): save the model again with this version of rnnkit`,
      { cause: e },
    );
  }
  try {
    const specs = a.weightSpecs ?? [];
    const byName = new Map(specs.map((s) => [s.name, s]));
    const problems: string[] = [];
    for (const w of model.weights) {
      const s = byName.get(w.originalName);
      if (s === undefined) problems.push(`'${w.originalName}' is missing`);
      else if (JSON.stringify(s.shape) !== JSON.stringify(w.shape)) {
        problems.push(
          `'${w.originalName}' is [${s.shape}] in the manifest but the layer needs [${w.shape}]`,
        );
      }
      byName.delete(w.originalName);
    }
    for (const name of byName.keys()) problems.push(`'${name}' belongs to no layer`);
    if (problems.length > 0) {
      throw new ArtifactError(
        'WEIGHTS_MISMATCH',
        file,
        `${file}: the weights do not fit the model's layers: ${problems.slice(0, 4).join('; ')}${problems.length > 4 ? `; and ${problems.length - 4} more` : ''}. model.json was edited or comes from another model: save the model again`,
      );
    }
    // int8 entries to float32 first; tfjs decodes float32 and its own float16/uint8 quantization
    const plain = decodeInt8Weights(
      specs,
      tf.io.CompositeArrayBuffer.join(a.weightData ?? new ArrayBuffer(0)),
      file,
    );
    const named = tf.io.decodeWeights(plain.data, plain.specs);
    try {
      model.loadWeights(named, true);
    } finally {
      tf.dispose(Object.values(named));
    }
    return model;
  } catch (e) {
    model.dispose();
    throw e;
  }
}

/** Refuses weights stored otherwise than rnnkit.json declares (one file edited or swapped). */
function checkDeclared(
  meta: RnnkitJSON,
  specs: readonly tf.io.WeightsManifestEntry[],
  file: string,
) {
  const declared = meta.weights?.dtype ?? 'float32';
  const held = manifestDType(specs);
  if (held !== 'float32' && held !== declared) {
    throw new ArtifactError(
      'MALFORMED',
      file,
      `${file} declares weights.dtype '${declared}' but model.json's manifest holds ${held} weights: the files come from different saves; copy the whole folder or save the model again`,
    );
  }
}

function decodeText(bytes: Uint8Array): string {
  return new TextDecoder().decode(bytes);
}

/** Vocab and scaler from the document, each failure naming the file. */
function extras(meta: RnnkitJSON, file: string): Pick<LoadedModel, 'vocab' | 'scaler'> {
  let vocab: Vocab | null = null;
  let scaler: Scaler | null = null;
  try {
    vocab = meta.vocab === undefined ? null : Vocab.fromJSON(meta.vocab);
    scaler = meta.scaler === undefined ? null : scalerFromJSON(meta.scaler);
  } catch (e) {
    throw new ArtifactError(
      'MALFORMED',
      file,
      `${file}: its ${vocab === null && meta.vocab !== undefined ? 'vocab' : 'scaler'} cannot be read (${(e as Error).message}): save the model again`,
      { cause: e },
    );
  }
  return { vocab, scaler };
}

async function loadFolder(dir: string, options: ArtifactOptions): Promise<LoadedModel> {
  const fs = options.fs ?? (await nodeFileSystem());
  const file = joinPath(dir, RNNKIT_JSON);
  let bytes: Uint8Array;
  try {
    bytes = await fs.readFile(file);
  } catch (e) {
    if (errnoOf(e) !== 'ENOENT') {
      throw new ArtifactError(
        'MISSING_FILE',
        file,
        `${file} cannot be read (${errnoOf(e) ?? (e as Error).message}): check its permissions`,
        { cause: e },
      );
    }
    const entries = await listFolder(fs, dir).catch(() => null);
    const backups = await findBackups(fs, dir);
    const backup =
      backups.length > 0
        ? ` An interrupted save left the previous model at ${backups[0]}: rename it to ${dir} to use it.`
        : '';
    const why =
      entries === null
        ? `there is no folder ${dir}`
        : entries.includes(MODEL_JSON)
          ? `${dir} has ${MODEL_JSON} but no ${RNNKIT_JSON}: it is a plain TensorFlow.js model (load it with tfl.loadLayersModel(nodeFileHandler(dir))), or its save did not finish`
          : `${dir} is not a saved model`;
    throw new ArtifactError(
      'MISSING_FILE',
      file,
      `${file} is missing: ${why}. Save a model there with save().${backup}`,
      { cause: e },
    );
  }
  const meta = parseRnnkitJSON(decodeText(bytes), file);
  const artifacts = await readTfjsFolder(fs, dir);
  checkDeclared(meta, artifacts.weightSpecs ?? [], file);
  const { vocab, scaler } = extras(meta, file);
  const model = await buildModel(artifacts, joinPath(dir, MODEL_JSON));
  return { model, meta, vocab, scaler };
}

async function loadRouted(source: ArtifactLocation): Promise<LoadedModel> {
  const name = typeof source === 'string' ? source : 'the given IOHandler';
  const handler = routedHandler(source, 'load');
  if (handler.load === undefined) {
    throw new ArtifactError(
      'NO_HANDLER',
      name,
      `${name} cannot load (its IOHandler has no load()): give a folder path or a tfjs URL`,
    );
  }
  const a = await handler.load();
  if (a.weightSpecs === undefined || a.modelTopology === undefined) {
    throw new ArtifactError(
      'MALFORMED',
      name,
      `${name} holds no model topology and weights: save the model there with save()`,
    );
  }
  const weightBytes =
    a.weightData === undefined ? 0 : tf.io.CompositeArrayBuffer.join(a.weightData).byteLength;
  checkWeightBytes(a.weightSpecs, weightBytes, `the weights of ${name}`, `${name}'s model.json`);
  let doc: unknown = a.userDefinedMetadata?.[METADATA_KEY];
  let file = `${name} (model.json userDefinedMetadata.${METADATA_KEY})`;
  if (doc === undefined && typeof source === 'string' && /^https?:\/\//i.test(source)) {
    // a saved folder served over http: rnnkit.json sits beside model.json
    file = new URL(RNNKIT_JSON, source).toString();
    const response = await fetch(file).catch(
      (e: unknown) => ({ ok: false, status: String(e) }) as const,
    );
    if (!response.ok) {
      throw new ArtifactError(
        'MISSING_FILE',
        file,
        `${file} cannot be fetched (${response.status}): serve the whole saved folder`,
      );
    }
    doc = await (response as Response).text();
  }
  if (doc === undefined) {
    throw new ArtifactError(
      'MISSING_FILE',
      name,
      `${name} has no rnnkit metadata: it was saved by plain tfjs, not by rnnkit's save(); load it with tfl.loadLayersModel`,
    );
  }
  const meta = parseRnnkitJSON(typeof doc === 'string' ? doc : JSON.stringify(doc), file);
  checkDeclared(meta, a.weightSpecs, file);
  const { vocab, scaler } = extras(meta, file);
  const model = await buildModel(a, name);
  return { model, meta, vocab, scaler };
}

/** Loads an artifact saved by `save()` from a folder path, a tfjs URL or an IOHandler. */
export async function load(
  source: ArtifactLocation,
  options: ArtifactOptions = {},
): Promise<LoadedModel> {
  const dir = folderOf(source);
  return dir === null ? loadRouted(source) : loadFolder(dir, options);
}
