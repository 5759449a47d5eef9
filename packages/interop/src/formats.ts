/**
 * The one table of formats `rnnkit export --format <name>` writes and `rnnkit import <path>`
 * reads: each format's name, what it writes and reads, how an input is recognised, and its
 * export and import. The CLI's help text and errors derive from this table (Node only: the
 * functions here read and write files).
 *
 * @example
 * ```ts
 * import { load } from '@rnnkit/models';
 * import { formatOf } from '@rnnkit/interop';
 * await formatOf('onnx').exportTo(await load('out/lm'), 'lm.onnx', { step: true });
 * ```
 */
import type { LoadedModel } from '@rnnkit/models';
import { InteropError } from './errors.js';
import { importKeras, kerasBytes } from './keras/index.js';
import type { KerasTaskOptions } from './keras/task.js';
import { exportArtifactOnnx } from './onnx/index.js';
import { exportTorch, importTorch, TORCH_FILES, type TorchFiles } from './torch/index.js';
import type { TorchTrainingData } from './torch/project.js';

export interface ExportOptions {
  /** onnx: write the step model (state in, state out) for generation token by token. */
  step?: boolean;
  /** torch: the training windows and the run's settings, for train.py. */
  data?: TorchTrainingData;
  /** Replace an existing output. */
  force?: boolean;
}

/**
 * What `rnnkit import` may add to a model (the formats that carry it themselves ignore it): the
 * task to wrap it as ('text-generation', 'classification', 'forecasting') and what that task
 * needs (vocab, labels; scaler, history, window, season).
 */
export interface ImportOptions extends KerasTaskOptions {
  /** keras: the config.json (path) that goes with a .weights.h5 file. */
  config?: string;
  /** The task to record ('text-generation', 'forecasting', ...): with vocab or scaler, a task. */
  task?: string;
}

export interface InteropFormat {
  /** The `--format` name. */
  name: string;
  /** What `rnnkit export --format <name>` writes, for help text. */
  writes: string;
  /** What `rnnkit import` reads in this format, for help text; absent for export-only formats. */
  reads?: string;
  /** Whether `path` is an input of this format: `entries` lists a folder, null for a file. */
  detect(path: string, entries: string[] | null): boolean;
  /** Writes the model to `out`; returns the names of the files written. */
  exportTo(model: LoadedModel, out: string, options: ExportOptions): Promise<string[]>;
  /** Reads the model at `path` (a folder or file that `detect` accepted). */
  importFrom?(path: string, options?: ImportOptions): Promise<LoadedModel>;
}

async function nodeFs() {
  const [fs, path] = await Promise.all([import('node:fs/promises'), import('node:path')]);
  return { fs, path };
}

async function refuseExisting(out: string): Promise<void> {
  const { fs } = await nodeFs();
  const exists = await fs.stat(out).then(
    () => true,
    () => false,
  );
  if (exists) {
    throw new InteropError('IO', `${out} exists: give another --out, or --force to replace it`);
  }
}

/** Writes one file through a temporary file beside it and a rename: all or nothing. */
export async function writeFileAtomic(out: string, body: Uint8Array, force = false): Promise<void> {
  const { fs, path } = await nodeFs();
  if (!force) await refuseExisting(out);
  await fs.mkdir(path.dirname(out), { recursive: true });
  const tmp = path.join(path.dirname(out), `.${path.basename(out)}.tmp-${process.pid}`);
  try {
    await fs.writeFile(tmp, body);
    await fs.rename(tmp, out);
  } catch (e) {
    await fs.rm(tmp, { force: true });
    throw new InteropError('IO', `cannot write ${out}: ${(e as Error).message}`);
  }
}

/** Writes the files into a new folder beside `out`, then swaps it in: all or nothing. */
export async function writeFolder(
  out: string,
  files: TorchFiles,
  force = false,
): Promise<string[]> {
  const { fs, path } = await nodeFs();
  const exists = await fs.stat(out).then(
    () => true,
    () => false,
  );
  if (exists && !force) {
    throw new InteropError('IO', `${out} exists: give another --out, or --force to replace it`);
  }
  const tmp = path.join(path.dirname(out), `.${path.basename(out)}.tmp-${process.pid}`);
  await fs.rm(tmp, { recursive: true, force: true });
  await fs.mkdir(tmp, { recursive: true });
  try {
    for (const [name, body] of Object.entries(files)) {
      if (name.includes('/') || name.includes('\\') || name.startsWith('.')) {
        throw new InteropError('UNSAFE', `refusing to write '${name}' outside ${out}`);
      }
      await fs.writeFile(path.join(tmp, name), body);
    }
    if (exists) await fs.rm(out, { recursive: true, force: true });
    await fs.rename(tmp, out);
  } catch (e) {
    await fs.rm(tmp, { recursive: true, force: true });
    throw e;
  }
  return Object.keys(files);
}

const torch: InteropFormat = {
  name: 'torch',
  writes:
    'a PyTorch project: model.py (nn.Module), weights.safetensors, rnnkit.json, architecture.json, README.md; with --data also data.safetensors and train.py (DDP under torchrun)',
  reads:
    'a folder exported with --format torch (weights.safetensors as PyTorch saved it), or a .safetensors file beside its architecture.json',
  detect: (p, entries) =>
    entries === null ? p.endsWith('.safetensors') : entries.includes(TORCH_FILES.architecture),
  async exportTo(loaded, out, options) {
    const files = await exportTorch(
      loaded.model,
      loaded.meta,
      options.data ? { data: options.data } : {},
    );
    return writeFolder(out, files, options.force);
  },
  async importFrom(p) {
    const { fs, path } = await nodeFs();
    const isFile = (await fs.stat(p)).isFile();
    const dir = isFile ? path.dirname(p) : p;
    const weightsPath = isFile ? p : path.join(dir, TORCH_FILES.weights);
    const read = (name: string) => fs.readFile(path.join(dir, name), 'utf8').catch(() => undefined);
    const files: TorchFiles = {
      [TORCH_FILES.weights]: new Uint8Array(
        await fs.readFile(weightsPath).catch(() => {
          throw new InteropError('IO', `cannot read ${weightsPath}: check the path`);
        }),
      ),
    };
    const architecture = await read(TORCH_FILES.architecture);
    if (architecture === undefined) {
      throw new InteropError(
        'BAD_OPTION',
        `${dir} has no ${TORCH_FILES.architecture}: import reads weights beside the files rnnkit export --format torch wrote`,
      );
    }
    files[TORCH_FILES.architecture] = architecture;
    const meta = await read(TORCH_FILES.meta);
    if (meta !== undefined) files[TORCH_FILES.meta] = meta;
    return importTorch(files);
  },
};

const onnx: InteropFormat = {
  name: 'onnx',
  writes:
    'one .onnx file (opset 17, float32, native LSTM/GRU/RNN operators, the vocab or scaler in its metadata); with --step the one-step model with the state as inputs and outputs, for generation on any ONNX runtime (seq2seq: <out>.encoder.onnx and <out>.decoder-step.onnx; one-to-many: <out>.state.onnx and <out>.step.onnx)',
  detect: () => false, // export only
  async exportTo(loaded, out, options) {
    // built (and refused, if it must be) before anything is written
    const parts = exportArtifactOnnx(loaded, { step: options.step ?? false });
    const { path } = await nodeFs();
    // one file, or one per part beside it: g2p.onnx -> g2p.encoder.onnx, g2p.decoder-step.onnx
    const stem = out.replace(/\.onnx$/i, '');
    const files = Object.entries(parts).map(([part, bytes]) => ({
      file: part === '' ? out : `${stem}.${part}.onnx`,
      bytes,
    }));
    if (!options.force) for (const f of files) await refuseExisting(f.file);
    for (const f of files) await writeFileAtomic(f.file, f.bytes, true);
    return files.map((f) => path.basename(f.file));
  },
};

const keras: InteropFormat = {
  name: 'keras',
  writes:
    'a Keras 3 .keras file (config.json, metadata.json, model.weights.h5) that keras.saving.load_model opens',
  reads:
    'a Keras .keras or legacy .h5 file, a .weights.h5 with --config config.json, or a TensorFlow.js converter model.json (its shards beside it)',
  detect: (p, entries) => entries === null && /\.(keras|h5|json)$/i.test(p),
  async exportTo(loaded, out, options) {
    const { path } = await nodeFs();
    // built (and refused, if it must be) before anything is written
    await writeFileAtomic(out, await kerasBytes(loaded.model), options.force ?? false);
    return [path.basename(out)];
  },
  async importFrom(p, options = {}) {
    const { fs } = await nodeFs();
    const config =
      options.config === undefined
        ? undefined
        : await fs.readFile(options.config, 'utf8').catch(() => {
            throw new InteropError('IO', `cannot read --config ${options.config}: check the path`);
          });
    const { config: _path, ...rest } = options;
    return importKeras(p, { ...rest, ...(config !== undefined ? { config } : {}) });
  },
};

/** Every format, by name. The only list: help text and errors come from it. */
export const FORMATS: readonly InteropFormat[] = [torch, onnx, keras];

/** The format of a name, or BAD_OPTION listing them. */
export function formatOf(name: string | undefined): InteropFormat {
  const f = FORMATS.find((x) => x.name === name);
  if (!f) {
    throw new InteropError(
      'BAD_OPTION',
      `${name === undefined ? 'no --format given' : `unknown format '${name}'`}: the formats are ${FORMATS.map((x) => x.name).join(', ')}`,
    );
  }
  return f;
}

/** The format whose `detect` accepts `path`, or BAD_OPTION saying what each reads. */
export async function detectFormat(p: string): Promise<InteropFormat> {
  const { fs } = await nodeFs();
  const stat = await fs.stat(p).catch(() => null);
  if (stat === null) throw new InteropError('IO', `no file or folder ${p}: check the path`);
  const entries = stat.isDirectory() ? await fs.readdir(p) : null;
  const readable = FORMATS.filter((x) => x.importFrom !== undefined);
  const f = readable.find((x) => x.detect(p, entries));
  if (!f) {
    throw new InteropError(
      'BAD_OPTION',
      `${p} is not a model rnnkit can import: it reads ${readable.map((x) => `${x.name} (${x.reads})`).join('; ') || 'no format yet'}`,
    );
  }
  return f;
}
