#!/usr/bin/env node
/**
 * Generates text with the step model of an rnnkit language model on onnxruntime-node, one token
 * per call, the state carried from each call's outputs to the next call's inputs: what a server
 * does with `rnnkit export <model> --format onnx --step --out lm.onnx`. With the same seed and
 * sampling settings it prints the same text as `rnnkit generate <model>`, because it draws with
 * rnnkit's own sampler (`sampleToken`, seeded by `mulberry32`); any sampler works with the model.
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
import { readOnnxMetadata } from '@rnnkit/interop';
import { sampleToken } from '@rnnkit/models';
import { Vocab } from '@rnnkit/vocab';
import { mulberry32 } from '@rnnkit/windowing';
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
/** @type {{ input: string, output: string, units: number }[]} */
const states = JSON.parse(meta['rnnkit.states']);
const session = await ort.InferenceSession.create(file);
const stateInputs = new Set(states.map((s) => s.input));
const tokenInput = session.inputNames.find((n) => !stateInputs.has(n));
const logitsOutput = session.outputNames[0]; // the logits, then the states

// start from zeros: h (and c) [batch 1, units] per recurrent layer
let state = Object.fromEntries(
  states.map((s) => [s.input, new ort.Tensor('float32', new Float32Array(s.units), [1, s.units])]),
);
/** Feeds one token; returns the next token's logits [classes] and keeps the new state. */
async function step(token) {
  const out = await session.run({
    [tokenInput]: new ort.Tensor('int32', Int32Array.of(token), [1, 1]),
    ...state,
  });
  state = Object.fromEntries(states.map((s) => [s.input, out[s.output]]));
  return out[logitsOutput].data; // [1, 1, classes]
}

const sampling = {
  temperature: Number(values.temperature),
  ...(values['top-k'] !== undefined ? { topK: Number(values['top-k']) } : {}),
  ...(values['top-p'] !== undefined ? { topP: Number(values['top-p']) } : {}),
  // padding and unknown characters are not text (as rnnkit generate)
  suppress: [vocab.padId, vocab.unkId].filter((i) => i !== undefined),
};
const rand = mulberry32(Number(values.seed));
const prime = values.prime;
let logits;
for (const id of vocab.encode(prime)) logits = await step(id);
process.stdout.write(prime);
const length = Number(values.length);
for (let i = 0; i < length; i++) {
  const token = sampleToken(logits, sampling, rand);
  process.stdout.write(vocab.decode([token], { skipSpecials: true }));
  if (i + 1 < length) logits = await step(token);
}
process.stdout.write('\n');
await session.release();
