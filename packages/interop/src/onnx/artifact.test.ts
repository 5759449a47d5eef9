import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { load, oneToMany, save, seq2seq } from '@rnnkit/models';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatOf } from '../formats.js';
import { readOnnxMetadata } from './metadata.js';
import { floats, maxDiff, paddedIds, runOrt, tensorOf } from './test-ort.js';

const dir = mkdtempSync(join(tmpdir(), 'rnnkit-onnx-artifact-'));
beforeAll(async () => {
  await tf.setBackend('cpu');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const onnx = formatOf('onnx');

describe("the onnx format: an artifact's step models, rebuilt from rnnkit.json", () => {
  it('seq2seq: <out>.encoder.onnx and <out>.decoder-step.onnx decode as encode/decodeStep do', async () => {
    const args = {
      cell: 'gru',
      units: 4,
      classes: 7,
      attention: 'additive',
      source: { type: 'embedding', vocabSize: 9, dims: 3, maskZero: true },
      target: { type: 'embedding', vocabSize: 7, dims: 3 },
      seed: 3,
    } as const;
    const net = seq2seq(args);
    net.model.trainableWeights.forEach((w, i) => {
      w.write(tf.mul(tensorOf(floats(w.shape as number[], 20 + i)), 0.5));
    });
    const targetVocab = { note: 'a stand-in for the target vocab' };
    await save(net.model, join(dir, 'g2p'), {
      task: 'seq2seq',
      topology: { builder: 'seq2seq', args: args as never },
      training: { config: { targetVocab }, metrics: {} },
    });
    const loaded = await load(join(dir, 'g2p'));
    const files = await onnx.exportTo(loaded, join(dir, 'g2p.onnx'), { step: true });
    loaded.model.dispose();
    expect(files).toEqual(['g2p.encoder.onnx', 'g2p.decoder-step.onnx']);
    const encBytes = readFileSync(join(dir, 'g2p.encoder.onnx'));
    const meta = readOnnxMetadata(encBytes);
    expect(meta['rnnkit.part']).toBe('encoder');
    expect(meta['rnnkit.export']).toBe('step');
    expect(JSON.parse(meta['rnnkit.targetVocab']!)).toEqual(targetVocab);

    const source = paddedIds(2, 5, 9, [5, 2]);
    const enc = net.encode(tensorOf(source));
    const encOut = await runOrt(encBytes, { source });
    const real = (i: number) => source.data[Math.floor(i / 4)] !== 0;
    const [outputs, state] = Object.values(encOut);
    expect(maxDiff(outputs!.data, enc.outputs.dataSync(), real)).toBeLessThan(1e-5);
    expect(maxDiff(state!.data, enc.state[0]!.dataSync())).toBeLessThan(1e-5);
    const prev = tf.tensor1d([1, 2], 'int32');
    const step = net.decodeStep(prev, enc.state, enc);
    const stepOut = await runOrt(readFileSync(join(dir, 'g2p.decoder-step.onnx')), {
      token: { data: Int32Array.of(1, 2), shape: [2, 1] },
      encoder_outputs: { data: Float32Array.from(enc.outputs.dataSync()), shape: [2, 5, 4] },
      source_mask_in: { data: Float32Array.from(enc.mask.dataSync()), shape: [2, 5] },
      state_h_1: { data: Float32Array.from(enc.state[0]!.dataSync()), shape: [2, 4] },
    });
    expect(Object.keys(stepOut)).toEqual(['logits', 'decoder_1_h', 'attention_weights']);
    const [logits, h, weights] = Object.values(stepOut);
    expect(maxDiff(logits!.data, step.logits.dataSync())).toBeLessThan(1e-5);
    expect(maxDiff(h!.data, step.state[0]!.dataSync())).toBeLessThan(1e-5);
    expect(maxDiff(weights!.data, step.attention!.dataSync())).toBeLessThan(1e-5);
    tf.dispose([
      enc.outputs,
      enc.mask,
      ...enc.state,
      prev,
      step.logits,
      ...step.state,
      step.attention!,
    ]);
    net.dispose();
  });

  it('one-to-many: <out>.state.onnx and <out>.step.onnx, and a language model is one file', async () => {
    const args = {
      cell: 'lstm',
      units: 3,
      classes: 6,
      condition: { type: 'features', features: 2 },
      input: { type: 'oneHot', vocabSize: 6 },
      seed: 5,
    } as const;
    const net = oneToMany(args);
    await save(net.model, join(dir, 'names'), {
      task: 'conditional-generation',
      topology: { builder: 'oneToMany', args: args as never },
    });
    const loaded = await load(join(dir, 'names'));
    expect(await onnx.exportTo(loaded, join(dir, 'names.onnx'), { step: true })).toEqual([
      'names.state.onnx',
      'names.step.onnx',
    ]);
    const cond = floats([1, 2], 9);
    const want = net.conditionToState(tensorOf(cond));
    const got = await runOrt(readFileSync(join(dir, 'names.state.onnx')), { condition: cond });
    Object.values(got).forEach((s, i) => {
      expect(maxDiff(s.data, want[i]!.dataSync())).toBeLessThan(1e-5);
    });
    // without --step: the training model, one file
    expect(await onnx.exportTo(loaded, join(dir, 'names-seq.onnx'), {})).toEqual([
      'names-seq.onnx',
    ]);
    await expect(onnx.exportTo(loaded, join(dir, 'names.onnx'), { step: true })).rejects.toThrow(
      /names\.state\.onnx exists: give another --out, or --force/,
    );
    expect(readdirSync(dir).filter((f) => f.includes('.tmp'))).toEqual([]);
    loaded.model.dispose();
    tf.dispose(want);
    net.dispose();
  });
});
