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
import { ARTIFACT_FORMAT_VERSION, type ArtifactMeta, type RnnkitJSON } from '@rnnkit/models';
import { InteropError } from '../errors.js';
import { readKerasArchive } from './archive.js';
import { type KerasGraph, readKerasConfig } from './graph.js';
import { readH5 } from './h5.js';
import { buildImported, type ImportedModel } from './to-rnnkit.js';

export interface ImportKerasOptions {
  /**
   * The task written to the model's rnnkit.json (default 'keras'): 'text-generation' with a
   * `vocab`, or 'forecasting' / 'classification' with what those tasks keep, makes it a task
   * `loadTask` restores.
   */
  task?: string;
  /** The vocab the model's token ids come from (`vocab.toJSON()`), kept in rnnkit.json. */
  vocab?: ArtifactMeta['vocab'];
  /** The scaler the model's series were scaled with (`scaler.toJSON()`), kept in rnnkit.json. */
  scaler?: ArtifactMeta['scaler'];
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

/** The config text and weight bytes of a source, by its magic bytes. */
export async function kerasParts(
  source: KerasSource,
  options: ImportKerasOptions = {},
): Promise<{ name: string; config: string; weights: Uint8Array; kerasVersion: string }> {
  const { bytes, name } = await readSource(source);
  if (isZip(bytes)) {
    const a = readKerasArchive(bytes, name);
    let kerasVersion = 'unknown';
    try {
      kerasVersion = String(
        (JSON.parse(a.metadata) as { keras_version?: string }).keras_version ?? kerasVersion,
      );
    } catch {
      // metadata.json is informative only
    }
    return { name, config: a.config, weights: a.weights, kerasVersion };
  }
  if (isHdf5(bytes)) {
    if (options.config === undefined) {
      throw new InteropError(
        'BAD_OPTION',
        `${name} is an HDF5 weights file: give the model's config.json with it (importKeras(file, { config }), or rnnkit import ${name} --config config.json), or save the whole model as .keras`,
      );
    }
    return { name, config: options.config, weights: bytes, kerasVersion: 'unknown' };
  }
  throw new InteropError(
    'MALFORMED',
    `${name} is neither a .keras archive (zip) nor an HDF5 weights file: give the file model.save('model.keras') wrote`,
  );
}

/** Imports a Keras 3 model; every weight's shape is checked against the config before it is read. */
export async function importKeras(
  source: KerasSource,
  options: ImportKerasOptions = {},
): Promise<ImportedModel> {
  const parts = await kerasParts(source, options);
  const graph: KerasGraph = readKerasConfig(parts.config, parts.name);
  const h5 = await readH5(parts.weights, parts.name);
  try {
    const used = new Set<string>();
    const read = (path: string, shape: number[]): Float32Array => {
      const ds = h5.datasets.get(path);
      if (ds === undefined) {
        throw new InteropError(
          'MALFORMED',
          `${parts.name}: the weights file has no ${path}, which the config needs: the weights and config.json come from different models`,
        );
      }
      if (ds.shape.join() !== shape.join()) {
        throw new InteropError(
          'MALFORMED',
          `${parts.name}: weight ${path} is [${ds.shape}] in the file but the config declares [${shape}]: the weights and config.json come from different models`,
        );
      }
      used.add(path);
      return ds.read();
    };
    const meta: RnnkitJSON = {
      format: 'rnnkit-model',
      formatVersion: ARTIFACT_FORMAT_VERSION,
      task: options.task ?? 'keras',
      topology: {
        builder: 'keras',
        args: {
          source: parts.name.split(/[\\/]/).pop() ?? parts.name,
          kerasVersion: parts.kerasVersion,
        },
      },
      ...(options.vocab !== undefined ? { vocab: options.vocab } : {}),
      ...(options.scaler !== undefined ? { scaler: options.scaler } : {}),
      createdWith: { library: '@rnnkit/interop', tfjs: 'unknown' },
    };
    const model = await buildImported(graph, read, parts.name, meta);
    // optimizer/ (a compiled model's optimizer state) is not the model's: only layers/ must match
    const extra = [...h5.datasets.keys()].filter((p) => p.startsWith('layers/') && !used.has(p));
    if (extra.length > 0) {
      model.dispose();
      throw new InteropError(
        'MALFORMED',
        `${parts.name}: the weights file holds ${extra.slice(0, 3).join(', ')}${extra.length > 3 ? ` and ${extra.length - 3} more` : ''}, which no layer of the config uses: the weights and config.json come from different models`,
      );
    }
    return { model, meta };
  } finally {
    h5.close();
  }
}
