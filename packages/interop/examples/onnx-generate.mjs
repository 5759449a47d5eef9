#!/usr/bin/env node
/**
 * Generates text with the step model of an rnnkit language model on onnxruntime-node, one token
 * per call, the state carried from each call's outputs to the next call's inputs: what a server
 * does with `rnnkit export <model> --format onnx --step --out lm.onnx`. With the same seed and
 * sampling settings it prints the same text as `rnnkit generate <model>`, because it draws with
 * rnnkit's own sampler (`onnxGenerate` uses `sampleToken`); any sampler works with the model.
 *
 * @example
 * ```sh
 * rnnkit export out/lm --format onnx --step --out lm.onnx
 * node packages/interop/examples/onnx-generate.mjs lm.onnx --prime "The " --length 200 --seed 1
 * # The ... (the same 200 characters as: rnnkit generate out/lm --prime "The " --length 200 --seed 1)
 * ```
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { onnxGenerate, readOnnxMetadata } from '@rnnkit/interop';
import { Vocab } from '@rnnkit/vocab';
import * as ort from 'onnxruntime-node';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    prime: { type: 'string', default: '\n' },
    length: { type: 'string', default: '200' },
    seed: { type: 'string', default: '0' },
    temperature: { type: 'string', default: '1' },
    'top-k': { type: 'string' },
    'top-p': { type: 'string' },
  },
});
const file = positionals[0];
if (!file) {
  process.stderr.write(
    'usage: onnx-generate.mjs <model.onnx> [--prime text] [--length n] [--seed n] [--temperature t] [--top-k k] [--top-p p]\n',
  );
  process.exit(2);
}

// the file describes itself: the vocab, and which inputs carry the state to which outputs
const meta = readOnnxMetadata(readFileSync(file));
if (meta['rnnkit.export'] !== 'step' || !meta['rnnkit.vocab']) {
  process.stderr.write(
    `${file} is not the step model of a text model: export it with rnnkit export <model> --format onnx --step\n`,
  );
  process.exit(2);
}
const vocab = Vocab.fromJSON(JSON.parse(meta['rnnkit.vocab']));
/** Per recurrent layer: the state input, the output with its next value, and its width. */
const states = JSON.parse(meta['rnnkit.states']);
const session = await ort.InferenceSession.create(file);
const prime = values.prime;
process.stdout.write(prime);
// one token per call, the state carried from outputs to inputs (see onnxGenerate in
// @rnnkit/interop: about 30 lines to port to any runtime); rnnkit's sampler draws the tokens
await onnxGenerate(session, ort.Tensor, states, {
  prompt: vocab.encode(prime),
  maxLength: Number(values.length),
  seed: Number(values.seed),
  temperature: Number(values.temperature),
  ...(values['top-k'] !== undefined ? { topK: Number(values['top-k']) } : {}),
  ...(values['top-p'] !== undefined ? { topP: Number(values['top-p']) } : {}),
  // padding and unknown characters are not text (as rnnkit generate)
  suppress: [vocab.padId, vocab.unkId].filter((i) => i !== undefined),
  onToken: (token) => process.stdout.write(vocab.decode([token], { skipSpecials: true })),
});
process.stdout.write('\n');
await session.release();
