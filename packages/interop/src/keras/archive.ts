/**
 * The `.keras` archive: a zip (entries stored, not deflated) of `config.json` (the model's
 * architecture), `metadata.json` (the Keras version and date) and `model.weights.h5` (the
 * weights). Read in memory through fflate: nothing is extracted to disk, every entry name is
 * checked (no absolute paths, no `..`, nothing outside the three files) and every size is bounded
 * before it is inflated.
 *
 * @example
 * ```ts
 * const zip = writeKerasArchive({ config: '{}', metadata: '{}', weights: new Uint8Array(8) });
 * readKerasArchive(zip, 'm.keras').weights.length; // 8
 * ```
 */
import { unzipSync, zipSync } from 'fflate';
import { InteropError } from '../errors.js';

export const CONFIG_JSON = 'config.json';
export const METADATA_JSON = 'metadata.json';
export const WEIGHTS_H5 = 'model.weights.h5';

/** The largest config.json read (a config is a few kB per layer). */
const MAX_CONFIG_BYTES = 64 * 1024 * 1024;
/** The largest weights file read (4 GiB: float32 Keras models past this are sharded). */
const MAX_WEIGHTS_BYTES = 4 * 1024 * 1024 * 1024;

export interface KerasArchive {
  config: string;
  metadata: string;
  weights: Uint8Array;
}

/** Refuses an entry name that could land outside a folder it were extracted into. */
export function checkEntryName(name: string, file: string): void {
  if (
    name.startsWith('/') ||
    name.startsWith('\\') ||
    /^[a-z]:/i.test(name) ||
    name.split(/[\\/]/).some((part) => part === '..') ||
    name.includes('\0')
  ) {
    throw new InteropError(
      'UNSAFE',
      `${file} has a zip entry ${JSON.stringify(name)} that points outside the archive: refused (a .keras file holds only ${CONFIG_JSON}, ${METADATA_JSON} and ${WEIGHTS_H5})`,
    );
  }
}

/** Reads the three entries of a `.keras` zip; `file` names it in errors. */
export function readKerasArchive(bytes: Uint8Array, file: string): KerasArchive {
  const limits: Record<string, number> = {
    [CONFIG_JSON]: MAX_CONFIG_BYTES,
    [METADATA_JSON]: MAX_CONFIG_BYTES,
    [WEIGHTS_H5]: MAX_WEIGHTS_BYTES,
  };
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(bytes, {
      filter: (f) => {
        checkEntryName(f.name, file);
        const limit = limits[f.name];
        if (limit === undefined) return false; // assets/ and anything else: not read
        if (f.originalSize > limit) {
          throw new InteropError(
            'MALFORMED',
            `${file}: ${f.name} declares ${f.originalSize} bytes, more than the ${limit} allowed: not a Keras model file`,
          );
        }
        return true;
      },
    });
  } catch (e) {
    if (e instanceof InteropError) throw e;
    throw new InteropError(
      'MALFORMED',
      `${file} is not a .keras file (${(e as Error).message}): give the file keras model.save('model.keras') wrote`,
    );
  }
  const need = (name: string): Uint8Array => {
    const v = entries[name];
    if (v === undefined) {
      throw new InteropError(
        'MALFORMED',
        `${file} has no ${name}: a .keras file holds ${CONFIG_JSON}, ${METADATA_JSON} and ${WEIGHTS_H5}; save the model again with model.save('model.keras')`,
      );
    }
    return v;
  };
  const text = new TextDecoder();
  return {
    config: text.decode(need(CONFIG_JSON)),
    metadata: entries[METADATA_JSON] ? text.decode(entries[METADATA_JSON]) : '{}',
    weights: need(WEIGHTS_H5),
  };
}

/** Zips the three entries as Keras does (stored, not deflated). */
export function writeKerasArchive(a: KerasArchive): Uint8Array {
  const text = new TextEncoder();
  return zipSync(
    {
      [METADATA_JSON]: text.encode(a.metadata),
      [CONFIG_JSON]: text.encode(a.config),
      [WEIGHTS_H5]: a.weights,
    },
    { level: 0 },
  );
}
