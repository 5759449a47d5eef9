/**
 * The self-description an exported file carries in `metadata_props`: what `exportOnnx` writes
 * (`rnnkit.version`, `rnnkit.export`: 'sequence' or 'step', `rnnkit.states` for a step model)
 * and what an artifact adds (`rnnkit.task`, and as JSON `rnnkit.vocab`, `rnnkit.scaler`,
 * `rnnkit.topology`). ONNX runtimes do not all expose these props, so `readOnnxMetadata` reads
 * them from the file itself.
 *
 * @example
 * ```ts
 * import { Vocab } from '@rnnkit/vocab';
 * const meta = readOnnxMetadata(readFileSync('model.onnx'));
 * const vocab = Vocab.fromJSON(JSON.parse(meta['rnnkit.vocab']!));
 * JSON.parse(meta['rnnkit.states']!); // [{ input: 'state_h_1', output: 'state_h_1_out', units: 256 }, ...]
 * ```
 */
import onnxProto from 'onnx-proto';
import { InteropError } from '../errors.js';

/** What an artifact's `rnnkit.json` tells about itself. */
export interface ArtifactFacts {
  task?: string;
  vocab?: unknown;
  scaler?: unknown;
  topology?: unknown;
}

/** `metadata_props` from an artifact's `rnnkit.json`: task, vocab, scaler, topology (JSON). */
export function onnxMetadata(meta: ArtifactFacts): Record<string, string> {
  const out: Record<string, string> = {};
  if (meta.task !== undefined) out['rnnkit.task'] = meta.task;
  for (const k of ['vocab', 'scaler', 'topology'] as const) {
    if (meta[k] !== undefined && meta[k] !== null) out[`rnnkit.${k}`] = JSON.stringify(meta[k]);
  }
  return out;
}

/** The `metadata_props` of an .onnx file's bytes. */
export function readOnnxMetadata(bytes: Uint8Array): Record<string, string> {
  let model: onnxProto.onnx.ModelProto;
  try {
    model = onnxProto.onnx.ModelProto.decode(bytes);
  } catch (e) {
    throw new InteropError(
      'MALFORMED',
      `not an ONNX model (${(e as Error).message}): give the .onnx file that rnnkit export wrote`,
    );
  }
  return Object.fromEntries(model.metadataProps.map((p) => [p.key, p.value]));
}
