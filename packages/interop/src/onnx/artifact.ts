/**
 * A saved rnnkit model (`load(dir)`) as ONNX files, the artifact's facts in each file's metadata.
 * The sequence model is one file. The step model is one file for a language model (`manyToMany`:
 * the state as inputs and outputs); a one-to-many model and a seq2seq model generate through two
 * models, which their builders make beside the training model: their topology is rebuilt from
 * `rnnkit.json` and the weights copied, as `loadTask` does, and each part is its own file:
 *
 * | builder | `step: true` parts |
 * |---|---|
 * | `seq2seq` | `encoder` (source -> encoder outputs and the decoder's initial state), `decoder-step` (one target token, the state, and with attention the encoder outputs and the source mask) |
 * | `oneToMany` | `state` (condition -> initial state), `step` (one token and the state) |
 *
 * @example
 * ```ts
 * const parts = exportArtifactOnnx(await load('out/g2p'), { step: true });
 * Object.keys(parts); // ['encoder', 'decoder-step']
 * ```
 */
import {
  type LoadedModel,
  type OneToManyArgs,
  oneToMany,
  type Seq2SeqArgs,
  seq2seq,
} from '@rnnkit/models';
import type * as tfl from '@tensorflow/tfjs-layers';
import { exportOnnx } from './export.js';
import { onnxMetadata } from './metadata.js';

/** The models a builder generates through, rebuilt from an artifact, and how to free them. */
interface Rebuilt {
  parts: Record<string, tfl.LayersModel>;
  dispose(): void;
}

/** Builders whose step model is more than the model with its state exposed. */
const STEP_PARTS: Readonly<Record<string, (args: unknown, from: tfl.LayersModel) => Rebuilt>> = {
  seq2seq: (args, from) => {
    const net = seq2seq(args as Seq2SeqArgs);
    net.model.setWeights(from.getWeights());
    return {
      parts: { encoder: net.encoderModel, 'decoder-step': net.decoderStepModel },
      dispose: () => net.dispose(),
    };
  },
  oneToMany: (args, from) => {
    const net = oneToMany(args as OneToManyArgs);
    net.model.setWeights(from.getWeights());
    return { parts: { state: net.stateModel, step: net.stepModel }, dispose: () => net.dispose() };
  },
};

/** What a deployment needs from the training config: a seq2seq target vocab, the conditions. */
const CONFIG_FACTS = ['targetVocab', 'conditions'] as const;

/** The ONNX files of a loaded artifact by part name ('' for a single file). */
export function exportArtifactOnnx(
  loaded: LoadedModel,
  options: { step?: boolean } = {},
): Record<string, Uint8Array> {
  const { meta } = loaded;
  const metadata = onnxMetadata(meta);
  const config = (meta.training?.config ?? {}) as Record<string, unknown>;
  for (const k of CONFIG_FACTS) {
    if (config[k] !== undefined) metadata[`rnnkit.${k}`] = JSON.stringify(config[k]);
  }
  const rebuild = options.step ? STEP_PARTS[meta.topology.builder] : undefined;
  if (!rebuild) return { '': exportOnnx(loaded.model, { step: options.step ?? false, metadata }) };
  const net = rebuild(meta.topology.args, loaded.model);
  try {
    return Object.fromEntries(
      Object.entries(net.parts).map(([part, model]) => [
        part,
        exportOnnx(model, {
          metadata: { ...metadata, 'rnnkit.export': 'step', 'rnnkit.part': part },
        }),
      ]),
    );
  } finally {
    net.dispose();
  }
}
