/**
 * `rnnkit.json`: what rnnkit needs beside the standard tfjs Layers files to use a saved model
 * again: the task, the builder and its arguments, the vocab or scaler, the training config and its
 * metrics. Versioned, read through a chain of migrations (v0 -> v1 -> ...), and validated before
 * anything is built.
 *
 * Versions:
 * - v0 (the pre-release demo's `meta.json` layout): `{ version: 0, task, builder, args, vocab?,
 *   scaler?, config?, metrics? }`, everything flat.
 * - v1: `{ format: 'rnnkit-model', formatVersion: 1, task, topology: { builder, args }, vocab?,
 *   scaler?, training?: { config, metrics }, weights?: { dtype }, createdWith: { library, tfjs } }`.
 *   `weights.dtype` (`'float32'`, `'float16'` or `'int8'`, see weight-dtype.ts) says how
 *   weights.bin stores the float weights; absent means float32 (every file written before it).
 *
 * To add v2: bump `ARTIFACT_FORMAT_VERSION`, append the v1 -> v2 function to `MIGRATIONS`, update
 * `validate`, and keep a v1 fixture in the tests.
 *
 * Neighbours in `artifact/`: `save.ts` and `load.ts` (the folder a model is saved as), `schema.ts`
 * (`rnnkit.json`), `tfjs-files.ts` and `file-system.ts` (where the files go), `errors.ts`.
 *
 * @example
 * ```ts
 * import { parseRnnkitJSON } from '@rnnkit/models';
 * parseRnnkitJSON('{"version":0,"task":"text-generation","builder":"manyToMany","args":{}}',
 *   'rnnkit.json').formatVersion; // 1 (migrated)
 * ```
 */
import type { VocabJSON } from '@rnnkit/vocab';
import type { ScalerJSON } from '@rnnkit/windowing';
import { ArtifactError } from './errors.js';
import { WEIGHTS_DTYPES, type WeightsDType } from './weight-dtype.js';

/** The version `save()` writes; `load()` reads this one and every earlier one. */
export const ARTIFACT_FORMAT_VERSION = 1;
const FORMAT = 'rnnkit-model';

/** What the caller gives `save()` about a model. */
export interface ArtifactMeta {
  /** What the model is for, e.g. 'text-generation', 'classification', 'forecasting'. */
  task: string;
  /** How to build the model again: the builder's name and its arguments (plain JSON). */
  topology: { builder: string; args: Record<string, unknown> };
  /** The vocab the token ids come from (`vocab.toJSON()`). */
  vocab?: VocabJSON;
  /** The scaler fit on the training series (`scaler.toJSON()`). */
  scaler?: ScalerJSON;
  /** The training configuration and the final (or best) metrics. */
  training?: { config: Record<string, unknown>; metrics: Record<string, number> };
}

/** `rnnkit.json` as written (format version 1). */
export interface RnnkitJSON extends ArtifactMeta {
  format: 'rnnkit-model';
  formatVersion: number;
  /** How weights.bin stores the float weights (absent: float32). */
  weights?: { dtype: WeightsDType };
  /** What wrote the file (for bug reports; not read back). */
  createdWith: { library: string; tfjs: string };
}

type Doc = Record<string, unknown>;

/** `MIGRATIONS[v]` turns a version-`v` document into a version-`v + 1` one. */
export const MIGRATIONS: ReadonlyArray<(doc: Doc) => Doc> = [
  // v0 -> v1: nest builder/args under topology and config/metrics under training
  (d) => ({
    format: FORMAT,
    formatVersion: 1,
    task: d['task'],
    topology: { builder: d['builder'], args: d['args'] ?? {} },
    ...(d['vocab'] !== undefined ? { vocab: d['vocab'] } : {}),
    ...(d['scaler'] !== undefined ? { scaler: d['scaler'] } : {}),
    ...(d['config'] !== undefined || d['metrics'] !== undefined
      ? { training: { config: d['config'] ?? {}, metrics: d['metrics'] ?? {} } }
      : {}),
    createdWith: { library: '@rnnkit/models (format 0)', tfjs: 'unknown' },
  }),
];

const isObject = (v: unknown): v is Doc => typeof v === 'object' && v !== null && !Array.isArray(v);

function malformed(file: string, what: string): ArtifactError {
  return new ArtifactError(
    'MALFORMED',
    file,
    `${file} is not a valid rnnkit.json: ${what}. Save the model again with save(), or restore the file from a copy`,
  );
}

/** The format version of a document: `formatVersion`, or v0's `version: 0`. */
function versionOf(doc: Doc, file: string): number {
  const v = doc['formatVersion'] ?? (doc['version'] === 0 ? 0 : undefined);
  if (!(Number.isInteger(v) && (v as number) >= 0)) {
    throw malformed(file, `expected an integer formatVersion, got ${JSON.stringify(v)}`);
  }
  return v as number;
}

function validate(doc: Doc, file: string): RnnkitJSON {
  if (doc['format'] !== FORMAT) {
    throw malformed(file, `expected format '${FORMAT}', got ${JSON.stringify(doc['format'])}`);
  }
  if (typeof doc['task'] !== 'string' || doc['task'] === '') {
    throw malformed(
      file,
      `expected task to be a non-empty string, got ${JSON.stringify(doc['task'])}`,
    );
  }
  const t = doc['topology'];
  if (!isObject(t) || typeof t['builder'] !== 'string' || !isObject(t['args'])) {
    throw malformed(file, 'expected topology: { builder: string, args: object }');
  }
  for (const key of ['vocab', 'scaler'] as const) {
    if (doc[key] !== undefined && !isObject(doc[key]))
      throw malformed(file, `${key} must be an object`);
  }
  const tr = doc['training'];
  if (tr !== undefined && !(isObject(tr) && isObject(tr['config']) && isObject(tr['metrics']))) {
    throw malformed(file, 'expected training: { config: object, metrics: object }');
  }
  const w = doc['weights'];
  if (w !== undefined && !(isObject(w) && WEIGHTS_DTYPES.includes(w['dtype'] as WeightsDType))) {
    throw malformed(
      file,
      `expected weights: { dtype: ${WEIGHTS_DTYPES.map((d) => `'${d}'`).join(' | ')} }, got ${JSON.stringify(w)}`,
    );
  }
  return doc as unknown as RnnkitJSON;
}

/** Parses, migrates and validates `rnnkit.json` text; `file` names it in errors. */
export function parseRnnkitJSON(text: string, file: string): RnnkitJSON {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw malformed(file, `not JSON (${(e as Error).message})`);
  }
  if (!isObject(doc)) throw malformed(file, 'expected a JSON object');
  let v = versionOf(doc, file);
  if (v > ARTIFACT_FORMAT_VERSION) {
    throw new ArtifactError(
      'FUTURE_VERSION',
      file,
      `${file} has format version ${v}, but this @rnnkit/models reads versions up to ${ARTIFACT_FORMAT_VERSION}: upgrade @rnnkit/models to load it`,
    );
  }
  let d: Doc = doc;
  for (; v < ARTIFACT_FORMAT_VERSION; v++) d = MIGRATIONS[v]!(d);
  return validate(d, file);
}

/** The v1 document `save()` writes for weights stored as `dtype`. */
export function rnnkitJSON(
  meta: ArtifactMeta,
  tfjsVersion: string,
  dtype: WeightsDType = 'float32',
): RnnkitJSON {
  return {
    format: FORMAT,
    formatVersion: ARTIFACT_FORMAT_VERSION,
    task: meta.task,
    topology: meta.topology,
    ...(meta.vocab !== undefined ? { vocab: meta.vocab } : {}),
    ...(meta.scaler !== undefined ? { scaler: meta.scaler } : {}),
    ...(meta.training !== undefined ? { training: meta.training } : {}),
    weights: { dtype },
    createdWith: { library: '@rnnkit/models', tfjs: tfjsVersion },
  };
}
