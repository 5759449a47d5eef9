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
import { exportArtifactOnnx } from './onnx/index.js';

export interface ExportOptions {
  /** onnx: write the step model (state in, state out) for generation token by token. */
  step?: boolean;
  /** Replace an existing output. */
  force?: boolean;
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
  importFrom?(path: string): Promise<LoadedModel>;
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

/** Every format, by name. The only list: help text and errors come from it. */
export const FORMATS: readonly InteropFormat[] = [onnx];

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
