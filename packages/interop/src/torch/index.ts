/**
 * PyTorch in and out. `exportTorch(model, meta)` gives the files of a PyTorch project:
 * `model.py` (an `nn.Module` whose state_dict matches), `weights.safetensors`, `rnnkit.json` (the
 * task, vocab and scaler, as the rnnkit artifact has them) and `architecture.json` (the rnnkit
 * graph, so the weights can come back). `importTorch(files)` reads weights saved from that module
 * (by PyTorch, after any amount of training) back into an rnnkit model with its metadata.
 *
 * @example
 * ```ts
 * import { exportTorch, importTorch } from '@rnnkit/interop';
 * const files = await exportTorch(model, meta); // { 'model.py': ..., 'weights.safetensors': ... }
 * const { model: back } = await importTorch(files);
 * ```
 */
import { type LoadedModel, load, type RnnkitJSON } from '@rnnkit/models';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { InteropError, parseJson } from '../errors.js';
import { modelPy, torchClassName } from './model-py.js';
import { torchPlan } from './plan.js';
import {
  projectReadme,
  type TorchTrainingData,
  TRAIN_FILES,
  trainingDataFile,
  trainPy,
} from './project.js';
import { readSafetensors, writeSafetensors } from './safetensors.js';
import { torchStateDict, weightsFromTorch } from './weights.js';

export { modelPy } from './model-py.js';
export { type TorchPlan, torchPlan } from './plan.js';
export { type TorchLoss, type TorchTrainingData, TRAIN_FILES, trainPy } from './project.js';
export {
  readSafetensors,
  type Safetensors,
  type TensorArray,
  writeSafetensors,
} from './safetensors.js';
export { torchStateDict, weightsFromTorch } from './weights.js';

/** The file names of an exported PyTorch project. */
export const TORCH_FILES = {
  model: 'model.py',
  weights: 'weights.safetensors',
  meta: 'rnnkit.json',
  architecture: 'architecture.json',
} as const;

const ARCHITECTURE_FORMAT = 'rnnkit-torch-architecture';

/** `architecture.json`: what import needs to rebuild the rnnkit model around the weights. */
export interface TorchArchitecture {
  format: typeof ARCHITECTURE_FORMAT;
  formatVersion: 1;
  /** The class model.py defines. */
  className: string;
  /** The tfjs Layers topology (model.json's modelTopology). */
  modelTopology: unknown;
  /** The tfjs weight specs, in the model's order. */
  weightSpecs: tf.io.WeightsManifestEntry[];
}

/** Files by name: text or bytes. */
export type TorchFiles = Record<string, string | Uint8Array>;

async function artifactsOf(model: tfl.LayersModel): Promise<tf.io.ModelArtifacts> {
  let artifacts: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (a) => {
      artifacts = a;
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(a) };
    }),
  );
  return artifacts!;
}

/**
 * The PyTorch files of a model: model.py, weights.safetensors, architecture.json and, with
 * `meta` (a loaded artifact's `rnnkit.json`), rnnkit.json. UNSUPPORTED when a layer has no
 * PyTorch counterpart (a reset-before GRU, hard-sigmoid gates, ...).
 */
export async function exportTorch(
  model: tfl.LayersModel,
  meta?: RnnkitJSON | null,
  options: { data?: TorchTrainingData } = {},
): Promise<TorchFiles> {
  const plan = torchPlan(model);
  const a = await artifactsOf(model);
  const architecture: TorchArchitecture = {
    format: ARCHITECTURE_FORMAT,
    formatVersion: 1,
    className: torchClassName(plan),
    modelTopology: a.modelTopology,
    weightSpecs: a.weightSpecs ?? [],
  };
  const files: TorchFiles = {
    [TORCH_FILES.model]: modelPy(plan),
    [TORCH_FILES.weights]: writeSafetensors(torchStateDict(plan), {
      format: 'pt',
      exported_by: 'rnnkit',
    }),
    [TORCH_FILES.architecture]: `${JSON.stringify(architecture)}\n`,
  };
  if (meta) files[TORCH_FILES.meta] = `${JSON.stringify(meta, null, 2)}\n`;
  const data = options.data;
  if (data) {
    files[TRAIN_FILES.data] = trainingDataFile(data);
    files[TRAIN_FILES.train] = trainPy(architecture.className, data);
  }
  files[TRAIN_FILES.readme] = projectReadme(
    architecture.className,
    meta?.task ?? model.name,
    data ?? null,
  );
  return files;
}

function text(f: string | Uint8Array): string {
  return typeof f === 'string' ? f : new TextDecoder().decode(f);
}

function parseArchitecture(raw: string): TorchArchitecture {
  const doc = parseJson(raw, TORCH_FILES.architecture);
  const d = doc as Partial<TorchArchitecture> | null;
  if (d?.format !== ARCHITECTURE_FORMAT || d.formatVersion !== 1 || !Array.isArray(d.weightSpecs)) {
    throw new InteropError(
      'MALFORMED',
      `${TORCH_FILES.architecture} is not an rnnkit PyTorch export's architecture (format '${ARCHITECTURE_FORMAT}' version 1): export the model again with rnnkit export --format torch`,
    );
  }
  return d as TorchArchitecture;
}

/**
 * An rnnkit model from an exported project's files: weights.safetensors (as saved by PyTorch
 * from model.py's module, e.g. after training), architecture.json and rnnkit.json (optional: a
 * model without it gets a minimal one naming the topology).
 */
export async function importTorch(files: TorchFiles): Promise<LoadedModel> {
  const need = (name: string) => {
    const f = files[name];
    if (f === undefined) {
      throw new InteropError(
        'BAD_OPTION',
        `importTorch needs ${name} (from rnnkit export --format torch) beside the weights; got ${Object.keys(files).join(', ') || 'no files'}`,
      );
    }
    return f;
  };
  const architecture = parseArchitecture(text(need(TORCH_FILES.architecture)));
  const weightsFile = need(TORCH_FILES.weights);
  if (typeof weightsFile === 'string') {
    throw new InteropError('BAD_OPTION', `${TORCH_FILES.weights} must be given as bytes`);
  }
  const { tensors: read } = readSafetensors(weightsFile, TORCH_FILES.weights);
  // a train.py checkpoint holds the model under `model.` beside Adam's state: take the model
  const tensors =
    'epoch' in read && Object.keys(read).some((k) => k.startsWith('model.'))
      ? Object.fromEntries(
          Object.entries(read)
            .filter(([k]) => k.startsWith('model.'))
            .map(([k, v]) => [k.slice('model.'.length), v]),
        )
      : read;
  const metaText = files[TORCH_FILES.meta];
  const meta = metaText
    ? (JSON.parse(text(metaText)) as RnnkitJSON)
    : {
        format: 'rnnkit-model',
        formatVersion: 1,
        task: 'custom',
        topology: { builder: architecture.className, args: {} },
      };
  const size = architecture.weightSpecs.reduce(
    (n, s) => n + 4 * s.shape.reduce((a, b) => a * b, 1),
    0,
  );
  // Build the graph with zero weights, then set every weight from the state_dict.
  const artifacts: tf.io.ModelArtifacts = {
    modelTopology: architecture.modelTopology as tf.io.ModelJSON['modelTopology'],
    weightSpecs: architecture.weightSpecs,
    weightData: new ArrayBuffer(size),
    userDefinedMetadata: { rnnkit: meta as unknown as Record<string, unknown> } as never,
  };
  const loaded = await load({ load: async () => artifacts });
  const byLayer = weightsFromTorch(torchPlan(loaded.model), tensors, TORCH_FILES.weights);
  for (const layer of loaded.model.layers) {
    const w = byLayer.get(layer.name);
    if (w === undefined || layer.weights.length === 0) continue;
    const values = layer.weights.map((v) => {
      const short = v.originalName.slice(v.originalName.lastIndexOf('/') + 1);
      const t = w[short];
      if (t === undefined) {
        throw new InteropError(
          'MALFORMED',
          `no value for ${layer.name}/${short} in ${TORCH_FILES.weights}`,
        );
      }
      return tf.tensor(t.values, t.shape);
    });
    layer.setWeights(values);
    tf.dispose(values);
  }
  return loaded;
}
