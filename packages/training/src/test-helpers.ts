/** Test helpers (not built): an in-memory CheckpointFs with fault injection, tiny problems. */
import { manyToMany, manyToOne } from '@rnnkit/models';
import * as tf from '@tensorflow/tfjs-core';
import type { CheckpointFs } from './checkpoint.js';

export type Op = 'mkdir' | 'writeFile' | 'readFile' | 'rename' | 'rm';

/** An error like Node's, with a code. */
export function fsError(code: string, path: string): NodeJS.ErrnoException {
  const e = new Error(`${code}: simulated failure, '${path}'`) as NodeJS.ErrnoException;
  e.code = code;
  return e;
}

export interface MemoryFs extends CheckpointFs {
  files: Map<string, Uint8Array>;
  /**
   * Called before every operation: return an error code to fail it, or 'torn' (writeFile only)
   * to write half of the data and then fail, like a crash mid-write.
   */
  fault?: (op: Op, path: string) => string | 'torn' | undefined;
  ops: string[];
}

export function memoryFs(): MemoryFs {
  const files = new Map<string, Uint8Array>();
  const dirs = new Set<string>();
  const under = (p: string) => [...files.keys()].filter((k) => k.startsWith(`${p}/`));
  const fs: MemoryFs = {
    files,
    ops: [],
    async mkdir(path) {
      check('mkdir', path);
      dirs.add(path);
    },
    async writeFile(path, data) {
      const f = check('writeFile', path, true);
      if (f === 'torn') {
        files.set(path, data.slice(0, Math.floor(data.length / 2)));
        throw fsError('EIO', path);
      }
      files.set(path, data.slice());
    },
    async readFile(path) {
      check('readFile', path);
      const d = files.get(path);
      if (!d) throw fsError('ENOENT', path);
      return d.slice();
    },
    async rename(from, to) {
      check('rename', from);
      if (under(to).length > 0) throw fsError('ENOTEMPTY', to);
      const moved = under(from);
      if (moved.length === 0 && !dirs.has(from)) throw fsError('ENOENT', from);
      for (const k of moved) {
        files.set(to + k.slice(from.length), files.get(k)!);
        files.delete(k);
      }
      dirs.delete(from);
      dirs.add(to);
    },
    async rm(path) {
      check('rm', path);
      for (const k of under(path)) files.delete(k);
      files.delete(path);
      dirs.delete(path);
    },
  };
  function check(op: Op, path: string, torn = false): string | undefined {
    fs.ops.push(`${op} ${path}`);
    const f = fs.fault?.(op, path);
    if (f === 'torn' && torn) return 'torn';
    if (f && f !== 'torn') throw fsError(f, path);
    return undefined;
  }
  return fs;
}

/** Next value of a ramp: x [20, 3, 1], y [20, 1]. */
export function rampData(n = 20): { x: tf.Tensor; y: tf.Tensor } {
  const xs: number[][][] = [];
  const ys: number[] = [];
  for (let j = 0; j < n; j++) {
    xs.push([0, 1, 2].map((t) => [(j + t) / 40]));
    ys.push((j + 3) / 40);
  }
  return { x: tf.tensor3d(xs), y: tf.tensor2d(ys, [n, 1]) };
}

export function regressionModel(seed = 3, units = 4) {
  return manyToOne({
    units,
    input: { type: 'features', features: 1 },
    head: { type: 'regression' },
    seed,
  }).model;
}

/** A char model over `vocab` ids, one-hot input. */
export function charModel(vocab: number, seed = 1, units = 8) {
  return manyToMany({ units, classes: vocab, input: { type: 'oneHot', vocabSize: vocab }, seed })
    .model;
}

/** A repeating id sequence a char model can learn. */
export function cyclicIds(n: number, vocab: number): Int32Array {
  return Int32Array.from({ length: n }, (_, i) => (i * 3 + Math.floor(i / 7)) % vocab);
}

/** All weights of a model as plain arrays. */
export function weightsOf(model: { weights: { read(): tf.Tensor }[] }): number[][] {
  return model.weights.map((w) => Array.from(w.read().dataSync()));
}
