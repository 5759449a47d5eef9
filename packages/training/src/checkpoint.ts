/**
 * Checkpoints: a folder `<dir>/<name>/` with `weights.bin` (model weights then optimizer slots,
 * raw little-endian float32/int32) and `manifest.json` (shapes, offsets, step, learning rate,
 * schedule, data position, checksum). Written atomically: everything goes to `<name>.tmp/`, which
 * then replaces `<name>/` by two renames (`<name>` -> `<name>.old`, `<name>.tmp` -> `<name>`);
 * a crash at any point leaves either the old or the new checkpoint loadable (`loadCheckpoint`
 * falls back to `<name>.old`). All file access goes through one small seam, {@link CheckpointFs},
 * so tests can inject ENOSPC, EACCES and crashes, and browsers can plug in their own storage.
 *
 * @example
 * ```ts
 * const fs = await nodeFs();
 * await saveCheckpoint(fs, 'ckpt', 'last', await trainer.getState(), { epoch: 0, batchInEpoch: 10 });
 * const loaded = await loadCheckpoint(fs, 'ckpt', 'last'); // { state, loop, manifest } or null
 * await trainer.setState(loaded.state);
 * ```
 */
import { TrainingError } from './errors.js';
import type { NamedValues, TrainerState } from './trainer.js';

/** The file-system operations checkpoints use; paths are joined with '/'. */
export interface CheckpointFs {
  /** Creates a folder and its parents; no error if it exists. */
  mkdir(path: string): Promise<void>;
  /** Writes a whole file durably (the Node version fsyncs it before resolving). */
  writeFile(path: string, data: Uint8Array): Promise<void>;
  /** Reads a whole file; rejects with code ENOENT when it does not exist. */
  readFile(path: string): Promise<Uint8Array>;
  /** Renames a file or folder (atomic on one POSIX file system); `to` must not be a non-empty folder. */
  rename(from: string, to: string): Promise<void>;
  /** Removes a file or folder recursively; no error if it does not exist. */
  rm(path: string): Promise<void>;
}

/** The Node implementation (node:fs/promises, loaded only when used, so browsers never load it). */
export async function nodeFs(): Promise<CheckpointFs> {
  const fs = await import('node:fs/promises');
  return {
    async mkdir(path) {
      await fs.mkdir(path, { recursive: true });
    },
    async writeFile(path, data) {
      const handle = await fs.open(path, 'w');
      try {
        await handle.writeFile(data);
        await handle.sync(); // on disk before the rename that publishes it
      } finally {
        await handle.close();
      }
    },
    async readFile(path) {
      return new Uint8Array(await fs.readFile(path));
    },
    rename: (from, to) => fs.rename(from, to),
    rm: (path) => fs.rm(path, { recursive: true, force: true }),
  };
}

export const CHECKPOINT_FORMAT = 'rnnkit-training-checkpoint';
export const CHECKPOINT_VERSION = 1;

/** Where the data loop was, and anything else the loop wants back on resume (plain JSON). */
export interface LoopState {
  /** Epoch in progress (0-based). */
  epoch: number;
  /** Batches of that epoch already trained on. */
  batchInEpoch: number;
  /** Anything else (history, early-stopping state, seed): stored as given. */
  [key: string]: unknown;
}

interface TensorEntry {
  name: string;
  shape: number[];
  dtype: 'float32' | 'int32';
  /** Byte offset in weights.bin. */
  offset: number;
  /** Number of elements. */
  size: number;
}

export interface CheckpointManifest {
  format: typeof CHECKPOINT_FORMAT;
  version: number;
  step: number;
  learningRate: number;
  /** Bytes of weights.bin and their FNV-1a 32-bit hash, to detect truncation and corruption. */
  weightsBytes: number;
  checksum: string;
  weights: TensorEntry[];
  optimizer: {
    type: string;
    iterations: number;
    extras: Record<string, number>;
    slots: TensorEntry[];
  };
  schedule: TrainerState['schedule'];
  loop: LoopState;
}

/** FNV-1a over bytes, as 8 hex digits: cheap, and enough to catch truncation or a torn write. */
export function fnv1a(bytes: Uint8Array): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i]!, 0x01000193);
  return (h >>> 0).toString(16).padStart(8, '0');
}

function describe(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  const why: Record<string, string> = {
    ENOSPC: 'no space left on device: free some space or set checkpoint.dir to another disk',
    EACCES: 'permission denied: make the folder writable or set checkpoint.dir elsewhere',
    EPERM: 'operation not permitted: make the folder writable or set checkpoint.dir elsewhere',
    EROFS: 'read-only file system: set checkpoint.dir to a writable folder',
  };
  return err?.code ? `${err.code} (${why[err.code] ?? err.message})` : String(err?.message ?? e);
}

function pack(groups: NamedValues[][]): { bytes: Uint8Array; entries: TensorEntry[][] } {
  let total = 0;
  for (const g of groups) for (const t of g) total += t.values.length * 4;
  const bytes = new Uint8Array(total);
  let offset = 0;
  const entries = groups.map((g) =>
    g.map((t) => {
      // copy through a Uint8Array view: little-endian on every platform tfjs runs on
      bytes.set(new Uint8Array(t.values.buffer, t.values.byteOffset, t.values.byteLength), offset);
      const e: TensorEntry = {
        name: t.name,
        shape: t.shape,
        dtype: t.dtype,
        offset,
        size: t.values.length,
      };
      offset += t.values.byteLength;
      return e;
    }),
  );
  return { bytes, entries };
}

function unpack(bytes: Uint8Array, entries: TensorEntry[]): NamedValues[] {
  return entries.map((e) => {
    const copy = bytes.slice(e.offset, e.offset + e.size * 4).buffer; // aligned, owned
    const values = e.dtype === 'int32' ? new Int32Array(copy) : new Float32Array(copy);
    return { name: e.name, shape: e.shape, dtype: e.dtype, values };
  });
}

/**
 * Writes checkpoint `<dir>/<name>` atomically. On failure the previous checkpoint of that name is
 * untouched (or recoverable from `<name>.old`) and a CHECKPOINT_WRITE error says why.
 */
export async function saveCheckpoint(
  fs: CheckpointFs,
  dir: string,
  name: string,
  state: TrainerState,
  loop: LoopState,
): Promise<CheckpointManifest> {
  const final = `${dir}/${name}`;
  const tmp = `${final}.tmp`;
  const old = `${final}.old`;
  const { bytes, entries } = pack([state.weights, state.optimizerWeights]);
  const manifest: CheckpointManifest = {
    format: CHECKPOINT_FORMAT,
    version: CHECKPOINT_VERSION,
    step: state.steps,
    learningRate: state.learningRate,
    weightsBytes: bytes.length,
    checksum: fnv1a(bytes),
    weights: entries[0]!,
    optimizer: {
      type: state.optimizerType,
      iterations: state.optimizerIterations,
      extras: state.optimizerExtras,
      slots: entries[1]!,
    },
    schedule: state.schedule,
    loop,
  };
  const text = new TextEncoder().encode(`${JSON.stringify(manifest, null, 1)}\n`);
  let stage = 'prepare';
  try {
    await fs.rm(tmp); // a leftover of a crashed write
    await fs.mkdir(tmp);
    stage = 'write';
    await fs.writeFile(`${tmp}/weights.bin`, bytes);
    await fs.writeFile(`${tmp}/manifest.json`, text); // last: a tmp folder without it is junk
    stage = 'publish';
    // an old <name>.old exists only if a previous publish crashed after its first rename; <name>
    // then is missing and <name>.old is the newest good checkpoint: keep it until the new one is in
    let hasFinal = true;
    try {
      await fs.readFile(`${final}/manifest.json`);
    } catch {
      hasFinal = false;
    }
    if (hasFinal) {
      await fs.rm(old);
      await fs.rename(final, old);
    }
    await fs.rename(tmp, final);
    await fs.rm(old);
  } catch (e) {
    if (stage !== 'publish') await fs.rm(tmp).catch(() => {});
    throw new TrainingError(
      'CHECKPOINT_WRITE',
      `could not write checkpoint ${final} at step ${state.steps} (${stage}): ${describe(e)}; ` +
        'the previous checkpoint is intact',
      { cause: e },
    );
  }
  return manifest;
}

/** What {@link loadCheckpoint} returns. */
export interface LoadedCheckpoint {
  state: TrainerState;
  loop: LoopState;
  manifest: CheckpointManifest;
  /** The folder it was read from (`<name>` or, after a crash mid-publish, `<name>.old`). */
  path: string;
}

async function readOne(fs: CheckpointFs, path: string): Promise<LoadedCheckpoint> {
  const text = new TextDecoder().decode(await fs.readFile(`${path}/manifest.json`));
  const m = JSON.parse(text) as CheckpointManifest;
  if (m.format !== CHECKPOINT_FORMAT || m.version !== CHECKPOINT_VERSION) {
    throw new Error(
      `format ${m.format} version ${m.version}, expected ${CHECKPOINT_FORMAT} version ${CHECKPOINT_VERSION}`,
    );
  }
  const bytes = await fs.readFile(`${path}/weights.bin`);
  if (bytes.length !== m.weightsBytes || fnv1a(bytes) !== m.checksum) {
    throw new Error(
      `weights.bin has ${bytes.length} bytes (hash ${fnv1a(bytes)}), the manifest expects ` +
        `${m.weightsBytes} (hash ${m.checksum}): the file is truncated or corrupt`,
    );
  }
  return {
    state: {
      steps: m.step,
      weights: unpack(bytes, m.weights),
      optimizerWeights: unpack(bytes, m.optimizer.slots),
      optimizerIterations: m.optimizer.iterations,
      optimizerExtras: m.optimizer.extras,
      optimizerType: m.optimizer.type,
      learningRate: m.learningRate,
      schedule: m.schedule,
    },
    loop: m.loop,
    manifest: m,
    path,
  };
}

/**
 * Reads checkpoint `<dir>/<name>` (or `<name>.old` when a crash interrupted a publish). Returns
 * null when neither exists; throws CHECKPOINT_READ when one exists but cannot be used.
 */
export async function loadCheckpoint(
  fs: CheckpointFs,
  dir: string,
  name: string,
): Promise<LoadedCheckpoint | null> {
  const errors: string[] = [];
  for (const path of [`${dir}/${name}`, `${dir}/${name}.old`]) {
    try {
      return await readOne(fs, path);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') continue;
      errors.push(`${path}: ${describe(e)}`);
    }
  }
  if (errors.length === 0) return null;
  throw new TrainingError(
    'CHECKPOINT_READ',
    `could not read checkpoint ${dir}/${name}: ${errors.join('; ')}: ` +
      'delete it to start over, or resume from another checkpoint (e.g. best)',
  );
}
