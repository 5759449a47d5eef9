/**
 * HDF5 through h5wasm (the HDF5 C library compiled to WebAssembly: Node and browsers alike), for
 * the weights file of a `.keras` archive (`model.weights.h5`). Reading lists the datasets with
 * their shapes first and reads a dataset's values only when asked, so a caller checks every shape
 * against the model's config before anything is allocated. Files live in h5wasm's in-memory file
 * system only while one call runs.
 *
 * @example
 * ```ts
 * const bytes = await writeH5([{ path: 'layers/dense/vars/0', shape: [2, 1], values: new Float32Array(2) }]);
 * const h5 = await readH5(bytes, 'w.h5');
 * h5.datasets.get('layers/dense/vars/0')?.shape; // [2, 1]
 * h5.close();
 * ```
 */
import type H5Wasm from 'h5wasm';
import { InteropError } from '../errors.js';

type H5 = typeof H5Wasm;
let loaded: Promise<H5> | undefined;
/** h5wasm on first use: its module is large, so importing @rnnkit/interop does not load it. */
const h5 = (): Promise<H5> => {
  loaded ??= import('h5wasm').then(async (m) => {
    await m.default.ready;
    return m.default;
  });
  return loaded;
};

export interface H5Dataset {
  shape: number[];
  /** h5wasm's dtype string ('<f' is float32 little-endian). */
  dtype: string;
  /** Reads the values (float32); only call once the shape has been checked. */
  read(): Float32Array;
}

export interface H5File {
  /** Every dataset by its path ('layers/lstm/cell/vars/0'). */
  datasets: Map<string, H5Dataset>;
  /** An attribute of a group ('' is the root), as JSON-compatible data, or undefined. */
  attr(group: string, name: string): unknown;
  close(): void;
}

export interface H5Entry {
  /** Path of the dataset; its groups are created as needed. */
  path: string;
  shape: number[];
  values: Float32Array;
}

let counter = 0;
const scratch = (): string => `/rnnkit-${Date.now()}-${counter++}.h5`;

type H5Group = InstanceType<H5['Group']>;

/** Opens HDF5 bytes; `file` names them in errors. */
export async function readH5(bytes: Uint8Array, file: string): Promise<H5File> {
  const h5wasm = await h5();
  const { FS } = await h5wasm.ready;
  const path = scratch();
  FS.writeFile(path, bytes);
  let f: InstanceType<H5['File']>;
  try {
    f = new h5wasm.File(path, 'r');
  } catch (e) {
    FS.unlink(path);
    throw new InteropError(
      'MALFORMED',
      `${file} is not an HDF5 file (${(e as Error).message}): give the model.weights.h5 Keras wrote`,
    );
  }
  const datasets = new Map<string, H5Dataset>();
  const walk = (g: H5Group, prefix: string): void => {
    for (const key of g.keys()) {
      const o = g.get(key);
      if (o instanceof h5wasm.Dataset) {
        const ds = o;
        datasets.set(prefix + key, {
          shape: (ds.shape ?? []).map(Number),
          dtype: String(ds.dtype),
          read: () => {
            const v = ds.value as unknown;
            if (!(v instanceof Float32Array)) {
              throw new InteropError(
                'UNSUPPORTED',
                `${file}: dataset ${prefix + key} is ${String(ds.dtype)}, not float32: save the model with float32 weights (keras.config.set_dtype_policy('float32'))`,
              );
            }
            return v;
          },
        });
      } else if (o instanceof h5wasm.Group) walk(o, `${prefix}${key}/`);
    }
  };
  try {
    walk(f, '');
  } catch (e) {
    f.close();
    FS.unlink(path);
    throw e;
  }
  return {
    datasets,
    attr: (group, name) => {
      const g = group === '' ? f : f.get(group);
      if (!(g instanceof h5wasm.Group) || !Object.keys(g.attrs).includes(name)) return undefined;
      return g.get_attribute(name, true);
    },
    close: () => {
      f.close();
      FS.unlink(path);
    },
  };
}

/**
 * Writes datasets into a new HDF5 file and returns its bytes. `attrs` puts a string attribute on a
 * group (Keras writes each `vars` group's layer name as `name`).
 */
export async function writeH5(
  entries: H5Entry[],
  attrs: { path: string; name: string; value: string }[] = [],
): Promise<Uint8Array> {
  const h5wasm = await h5();
  const { FS } = await h5wasm.ready;
  const path = scratch();
  const f = new h5wasm.File(path, 'w');
  try {
    const groups = new Map<string, H5Group>([['', f]]);
    const group = (p: string): H5Group => {
      const known = groups.get(p);
      if (known) return known;
      const cut = p.lastIndexOf('/');
      const parent = group(cut < 0 ? '' : p.slice(0, cut));
      const g = parent.create_group(cut < 0 ? p : p.slice(cut + 1));
      groups.set(p, g);
      return g;
    };
    for (const a of attrs) group(a.path).create_attribute(a.name, a.value);
    for (const e of entries) {
      const cut = e.path.lastIndexOf('/');
      group(e.path.slice(0, Math.max(cut, 0))).create_dataset({
        name: e.path.slice(cut + 1),
        data: e.values,
        shape: e.shape,
        dtype: '<f',
      });
    }
  } finally {
    f.close();
  }
  const bytes = FS.readFile(path) as Uint8Array;
  FS.unlink(path);
  return bytes;
}
