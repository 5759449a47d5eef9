/**
 * `save(model, target, meta)`: writes a model as an rnnkit artifact. A folder path (or `file://`
 * URL) in Node gets `model.json` + `weights.bin` (standard tfjs Layers format, loadable by plain
 * `tf.loadLayersModel`) and `rnnkit.json`, written atomically: into a temporary sibling folder
 * first, then swapped in, so a failure or crash leaves the previous artifact intact. Any other URL
 * (`indexeddb://`, `localstorage://`, `http(s)://`, `downloads://`) or a tfjs `IOHandler` goes
 * through tfjs's IO routers, with the `rnnkit.json` document carried in model.json's
 * `userDefinedMetadata.rnnkit`. `{ weights: 'float16' | 'int8' }` stores the weights smaller
 * (weight-dtype.ts); rnnkit.json's `weights.dtype` records the choice and `load` reads it back.
 *
 * Neighbours in `artifact/`: `save.ts` and `load.ts` (the folder a model is saved as), `schema.ts`
 * (`rnnkit.json`), `tfjs-files.ts` and `file-system.ts` (where the files go), `errors.ts`.
 *
 * @example
 * ```ts
 * import { manyToMany, save } from '@rnnkit/models';
 * const { model } = manyToMany({ units: 64, classes: vocab.size,
 *   input: { type: 'oneHot', vocabSize: vocab.size } });
 * await save(model, 'out/char-lm', { task: 'text-generation',
 *   topology: { builder: 'manyToMany', args: { units: 64 } }, vocab: vocab.toJSON() });
 * // out/char-lm/{model.json, weights.bin, rnnkit.json}
 * ```
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { ArtifactError } from './errors.js';
import { type ArtifactFileSystem, nodeFileSystem, writeFolderAtomic } from './file-system.js';
import { type ArtifactMeta, parseRnnkitJSON, type RnnkitJSON, rnnkitJSON } from './schema.js';
import {
  ARTIFACT_FILES,
  artifactsToFiles,
  MODEL_JSON,
  RNNKIT_JSON,
  WEIGHTS_BIN,
} from './tfjs-files.js';
import { checkWeightsDType, encodeWeights, type WeightsDType } from './weight-dtype.js';

/** A folder path, a `file://` URL, any tfjs URL, or a tfjs IOHandler. */
export type ArtifactLocation = string | tf.io.IOHandler;

export interface ArtifactOptions {
  /** The file-system seam for folder paths. Default: Node's fs/promises. */
  fs?: ArtifactFileSystem;
  /**
   * How `save` stores the float weights (see weight-dtype.ts): `'float32'` (default, as tfjs
   * does), `'float16'` (half the bytes; stock tfjs still loads it) or `'int8'` (a quarter, one
   * scale per output channel; only rnnkit's `load` reads it). `load` reads all three.
   */
  weights?: WeightsDType;
}

/** Key of the rnnkit document in model.json's `userDefinedMetadata` (URL and IOHandler targets). */
export const METADATA_KEY = 'rnnkit';

/** The folder path of a location, or null when it is a URL of another scheme or an IOHandler. */
export function folderOf(location: ArtifactLocation): string | null {
  if (typeof location !== 'string') return null;
  if (location.startsWith('file://')) return location.slice('file://'.length);
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(location) ? null : location;
}

/** The tfjs save/load handler of a URL, or a `NO_HANDLER` error listing what works. */
export function routedHandler(location: ArtifactLocation, kind: 'save' | 'load'): tf.io.IOHandler {
  if (typeof location !== 'string') return location;
  // Name tfjs's http handler instead of asking the router for it: io/http.js registers its router
  // as a side effect at import, and bundlers that drop unreferenced modules (Vite 8 / Rolldown)
  // leave the router empty, so load('http://...') would find no handler. (downloads:// has the
  // same problem, but tfjs-core 4.22 does not export its handler; it stays on the router.)
  if (/^https?:\/\//i.test(location)) return tf.io.http(location);
  const handlers =
    kind === 'save' ? tf.io.getSaveHandlers(location) : tf.io.getLoadHandlers(location);
  const h = handlers[0];
  if (h === undefined) {
    throw new ArtifactError(
      'NO_HANDLER',
      location,
      `no TensorFlow.js IO handler can ${kind} '${location}' here: in Node give a folder path (or file://path); in the browser use indexeddb://name, localstorage://name or an http(s) URL`,
    );
  }
  return h;
}

/** The artifacts with their float weights stored as `dtype`. */
function storedAs(a: tf.io.ModelArtifacts, dtype: WeightsDType): tf.io.ModelArtifacts {
  if (dtype === 'float32' || a.weightSpecs === undefined || a.weightData === undefined) return a;
  const data = tf.io.CompositeArrayBuffer.join(a.weightData);
  const stored = encodeWeights(a.weightSpecs, data, dtype);
  return { ...a, weightSpecs: stored.specs, weightData: stored.data };
}

function layersModel(model: tfl.LayersModel | { model: tfl.LayersModel }): tfl.LayersModel {
  return 'predict' in model ? model : model.model;
}

/** Saves the model and its metadata; returns the `rnnkit.json` document written. */
export async function save(
  model: tfl.LayersModel | { model: tfl.LayersModel },
  target: ArtifactLocation,
  meta: ArtifactMeta,
  options: ArtifactOptions = {},
): Promise<RnnkitJSON> {
  const dtype = checkWeightsDType(options.weights ?? 'float32');
  const doc = rnnkitJSON(meta, tf.version_core, dtype);
  // round trip now: a meta that is not plain JSON fails here, not when loading
  const text = JSON.stringify(doc, null, 2);
  parseRnnkitJSON(text, `${RNNKIT_JSON} (the meta given to save)`);
  let artifacts: tf.io.ModelArtifacts | undefined;
  await layersModel(model).save(
    tf.io.withSaveHandler(async (a) => {
      artifacts = a;
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(a) };
    }),
  );
  const a = storedAs(artifacts!, dtype);
  const dir = folderOf(target);
  if (dir === null) {
    const handler = routedHandler(target, 'save');
    if (handler.save === undefined) {
      throw new ArtifactError(
        'NO_HANDLER',
        String(target),
        'the given IOHandler cannot save (it has no save()): give a folder path or a tfjs URL',
      );
    }
    await handler.save({
      ...a,
      userDefinedMetadata: { ...a.userDefinedMetadata, [METADATA_KEY]: doc },
    });
    return doc;
  }
  const { modelJson, weights } = artifactsToFiles(a);
  await writeFolderAtomic(
    options.fs ?? (await nodeFileSystem()),
    dir,
    [
      [WEIGHTS_BIN, weights],
      [MODEL_JSON, modelJson],
      [RNNKIT_JSON, new TextEncoder().encode(`${text}\n`)], // last: the folder's commit marker
    ],
    ARTIFACT_FILES,
  );
  return doc;
}
