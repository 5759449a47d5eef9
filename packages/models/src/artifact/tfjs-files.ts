/**
 * The standard TensorFlow.js Layers files (`model.json` with the topology and a weights manifest,
 * `weights.bin` with the weights, little-endian, in manifest order), written and read through the
 * file-system seam, with every size checked against the manifest. `nodeFileHandler(dir)` is a
 * tfjs `IOHandler` on them (tfjs-core's own `file://` handler lives in tfjs-node, which needs a
 * native binary): `tfl.loadLayersModel(nodeFileHandler('out/model'))` loads a saved folder with
 * the stock classes, `model.save(nodeFileHandler('out/model'))` writes one atomically.
 *
 * Neighbours in `artifact/`: `save.ts` and `load.ts` (the folder a model is saved as), `schema.ts`
 * (`rnnkit.json`), `tfjs-files.ts` and `file-system.ts` (where the files go), `errors.ts`.
 *
 * @example
 * ```ts
 * import * as tfl from '@tensorflow/tfjs-layers';
 * import { nodeFileHandler } from '@rnnkit/models';
 * const model = await tfl.loadLayersModel(nodeFileHandler('out/char-lm')); // stock tfjs layers
 * ```
 */
import * as tf from '@tensorflow/tfjs-core';
import { ArtifactError } from './errors.js';
import {
  type ArtifactFileSystem,
  errnoOf,
  joinPath,
  nodeFileSystem,
  writeFolderAtomic,
} from './file-system.js';
import { entryBytes } from './weight-dtype.js';

export const MODEL_JSON = 'model.json';
export const WEIGHTS_BIN = 'weights.bin';
export const RNNKIT_JSON = 'rnnkit.json';
/** What a saved folder may hold (anything else makes `save` refuse to replace it). */
export const ARTIFACT_FILES: ReadonlySet<string> = new Set([MODEL_JSON, WEIGHTS_BIN, RNNKIT_JSON]);

/** Bytes the manifest entries need in the weights file. */
export function expectedBytes(specs: readonly tf.io.WeightsManifestEntry[], file: string): number {
  let total = 0;
  for (const s of specs) {
    // a shape from an untrusted file: non-negative integers only, so the byte count below is
    // exact (a negative or fractional dim could make a huge weight look small)
    const dimsOk =
      Array.isArray(s.shape) && s.shape.every((d) => Number.isSafeInteger(d) && d >= 0);
    const bytes = dimsOk ? entryBytes(s) : undefined;
    if (bytes === undefined) {
      throw new ArtifactError(
        'MALFORMED',
        file,
        `${file}: weight '${s.name}' has dtype '${s.dtype}', quantization ${JSON.stringify(s.quantization) ?? 'none'} and shape ${JSON.stringify(s.shape)}, which a weights file cannot hold here: save the model again with save()`,
      );
    }
    total += bytes;
  }
  return total;
}

/** The bytes of `model.json` and `weights.bin` for a model's artifacts. */
export function artifactsToFiles(
  a: tf.io.ModelArtifacts,
  extra: Pick<tf.io.ModelJSON, 'userDefinedMetadata'> = {},
): { modelJson: Uint8Array; weights: Uint8Array } {
  const weights = new Uint8Array(
    a.weightData === undefined ? new ArrayBuffer(0) : tf.io.CompositeArrayBuffer.join(a.weightData),
  );
  const json: tf.io.ModelJSON = {
    modelTopology: a.modelTopology as object,
    ...(a.format !== undefined ? { format: a.format } : {}),
    ...(a.generatedBy !== undefined ? { generatedBy: a.generatedBy } : {}),
    ...(a.convertedBy !== undefined ? { convertedBy: a.convertedBy } : {}),
    weightsManifest: [{ paths: [WEIGHTS_BIN], weights: a.weightSpecs ?? [] }],
    ...(a.trainingConfig !== undefined ? { trainingConfig: a.trainingConfig } : {}),
    ...(a.userDefinedMetadata !== undefined || extra.userDefinedMetadata !== undefined
      ? { userDefinedMetadata: { ...a.userDefinedMetadata, ...extra.userDefinedMetadata } }
      : {}),
  };
  return { modelJson: new TextEncoder().encode(JSON.stringify(json)), weights };
}

/** Reads one file of a saved folder; a missing one is a `MISSING_FILE` error saying what to do. */
export async function readArtifactFile(
  fs: ArtifactFileSystem,
  dir: string,
  name: string,
  hint: string,
): Promise<Uint8Array> {
  const path = joinPath(dir, name);
  try {
    return await fs.readFile(path);
  } catch (e) {
    if (errnoOf(e) === 'ENOENT') {
      throw new ArtifactError('MISSING_FILE', path, `${path} is missing: ${hint}`, { cause: e });
    }
    throw new ArtifactError(
      'MISSING_FILE',
      path,
      `${path} cannot be read (${errnoOf(e) ?? (e as Error).message}): check its permissions`,
      { cause: e },
    );
  }
}

/** Checks that the weight bytes match the manifest exactly. */
export function checkWeightBytes(
  specs: readonly tf.io.WeightsManifestEntry[],
  got: number,
  file: string,
  manifestFile: string,
): void {
  const want = expectedBytes(specs, manifestFile);
  if (got !== want) {
    throw new ArtifactError(
      'TRUNCATED',
      file,
      `${file} has ${got} bytes but ${manifestFile}'s manifest needs ${want} (${got < want ? 'cut short, e.g. an interrupted copy or download' : 'too long: it belongs to another model.json'}): copy the folder again or save the model again`,
    );
  }
}

/** Reads `model.json` and its weight files from a folder into tfjs model artifacts. */
export async function readTfjsFolder(
  fs: ArtifactFileSystem,
  dir: string,
): Promise<tf.io.ModelArtifacts> {
  const modelFile = joinPath(dir, MODEL_JSON);
  const bytes = await readArtifactFile(
    fs,
    dir,
    MODEL_JSON,
    'the folder is not a complete saved model: save the model again, or copy the whole folder',
  );
  let json: tf.io.ModelJSON;
  try {
    json = JSON.parse(new TextDecoder().decode(bytes)) as tf.io.ModelJSON;
  } catch (e) {
    throw new ArtifactError(
      'MALFORMED',
      modelFile,
      `${modelFile} is not valid JSON (${(e as Error).message}): save the model again or restore the file`,
      { cause: e },
    );
  }
  const manifest = json?.weightsManifest;
  if (
    typeof json !== 'object' ||
    json === null ||
    typeof json.modelTopology !== 'object' ||
    !Array.isArray(manifest) ||
    !manifest.every((g) => Array.isArray(g?.paths) && Array.isArray(g?.weights))
  ) {
    throw new ArtifactError(
      'MALFORMED',
      modelFile,
      `${modelFile} is not a TensorFlow.js Layers model.json: expected modelTopology and weightsManifest [{ paths, weights }]: save the model again`,
    );
  }
  const specs: tf.io.WeightsManifestEntry[] = [];
  const parts: Uint8Array[] = [];
  for (const group of manifest) {
    const groupParts: Uint8Array[] = [];
    for (const p of group.paths) {
      if (typeof p !== 'string' || p.includes('..') || p.startsWith('/') || p.includes('\\')) {
        throw new ArtifactError(
          'MALFORMED',
          modelFile,
          `${modelFile} names the weights file '${String(p)}', outside its folder: only files beside model.json are read`,
        );
      }
      groupParts.push(
        await readArtifactFile(
          fs,
          dir,
          p,
          `${MODEL_JSON} lists it in its weights manifest: copy the whole folder, or save the model again`,
        ),
      );
    }
    const got = groupParts.reduce((n, b) => n + b.length, 0);
    checkWeightBytes(group.weights, got, joinPath(dir, group.paths.join('+')), modelFile);
    specs.push(...group.weights);
    parts.push(...groupParts);
  }
  const total = parts.reduce((n, b) => n + b.length, 0);
  const weightData = new Uint8Array(total);
  let at = 0;
  for (const b of parts) {
    weightData.set(b, at);
    at += b.length;
  }
  return {
    modelTopology: json.modelTopology,
    weightSpecs: specs,
    weightData: weightData.buffer,
    ...(json.format !== undefined ? { format: json.format } : {}),
    ...(json.generatedBy !== undefined ? { generatedBy: json.generatedBy } : {}),
    ...(json.convertedBy !== undefined ? { convertedBy: json.convertedBy } : {}),
    ...(json.trainingConfig !== undefined ? { trainingConfig: json.trainingConfig } : {}),
    ...(json.userDefinedMetadata !== undefined
      ? { userDefinedMetadata: json.userDefinedMetadata }
      : {}),
  };
}

/**
 * A tfjs IOHandler on a folder in Node: `save` writes `model.json` + `weights.bin` atomically
 * (replacing the folder whole), `load` reads them back with every size checked. `fs` is the seam
 * (default: Node's fs/promises).
 */
export function nodeFileHandler(dir: string, fs?: ArtifactFileSystem): tf.io.IOHandler {
  const getFs = async () => fs ?? (await nodeFileSystem());
  return {
    async save(a) {
      const { modelJson, weights } = artifactsToFiles(a);
      await writeFolderAtomic(
        await getFs(),
        dir,
        [
          [WEIGHTS_BIN, weights],
          [MODEL_JSON, modelJson],
        ],
        ARTIFACT_FILES,
      );
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(a) };
    },
    load: async () => readTfjsFolder(await getFs(), dir),
  };
}
