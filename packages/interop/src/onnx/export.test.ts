import {
  type CellType,
  type InputSpec,
  manyToMany,
  manyToOne,
  oneToMany,
  seq2seq,
} from '@rnnkit/models';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import type * as tfl from '@tensorflow/tfjs-layers';
import fc from 'fast-check';
import onnxProto from 'onnx-proto';
import { beforeAll, describe, expect, it } from 'vitest';
import { InteropError } from '../errors.js';
import { exportOnnx } from './export.js';
import { onnxMetadata } from './metadata.js';
import { type Feed, floats, maxDiff, paddedIds, runOrt, tensorOf } from './test-ort.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** Every trainable weight to seeded values in [-0.5, 0.5), so biases and gate orders matter. */
function randomize(model: tfl.LayersModel, seed: number): void {
  let i = 0;
  for (const w of model.trainableWeights) {
    const f = floats(w.shape as number[], seed + 31 * i++);
    w.write(tf.mul(tensorOf(f), 0.5));
  }
}

/** rnnkit's outputs for the feeds (in the model's input order). */
function rnnkit(model: tfl.LayersModel, feeds: Feed[]): Float32Array[] {
  return tf.tidy(() => {
    const out = model.predict(feeds.length === 1 ? tensorOf(feeds[0]!) : feeds.map(tensorOf));
    return (Array.isArray(out) ? out : [out]).map((t) => t.dataSync() as Float32Array);
  });
}

const TOLERANCE = 1e-5;
const CELLS: { cell: CellType; resetAfter?: boolean }[] = [
  { cell: 'rnn' },
  { cell: 'lstm' },
  { cell: 'gru' },
  { cell: 'gru', resetAfter: false },
];
const VOCAB = 9;
// exported without a fixed length; run at sizes unlike any built-in example
const BATCH = 3;
const TIME = 7;
const LENGTHS = [7, 4, 1]; // post-padded rows, as rnnkit pads windows

function inputFeed(input: InputSpec, masked: boolean): Feed {
  if (input.type === 'features') return floats([BATCH, TIME, input.features], 11);
  return paddedIds(BATCH, TIME, VOCAB, masked ? LENGTHS : [TIME, TIME, TIME]);
}

const INPUTS: InputSpec[] = [
  { type: 'embedding', vocabSize: VOCAB, dims: 4, maskZero: true },
  { type: 'oneHot', vocabSize: VOCAB },
  { type: 'features', features: 3 },
];

describe('exportOnnx: rnnkit and onnxruntime-node agree', () => {
  for (const { cell, resetAfter } of CELLS) {
    for (const bidirectional of [false, true]) {
      for (const layers of [1, 2]) {
        const name = `${cell}${resetAfter === false ? ' (reset before)' : ''}, ${bidirectional ? 'bidirectional' : 'forward'}, ${layers} layer(s)`;
        it(`many-to-one and many-to-many: ${name}`, async () => {
          for (const [j, input] of INPUTS.entries()) {
            const masked = input.type === 'embedding';
            const feed = inputFeed(input, masked);
            const common = { cell, units: 5, layers, bidirectional, input, seed: j };
            const one = manyToOne({
              ...common,
              ...(resetAfter === undefined ? {} : { resetAfter }),
              head: j === 2 ? { type: 'regression', outputs: 2 } : { type: 'classes', classes: 3 },
            }).model;
            const many = manyToMany({
              ...common,
              ...(resetAfter === undefined ? {} : { resetAfter }),
              classes: 6,
            }).model;
            for (const model of [one, many]) {
              randomize(model, 100 + j);
              const [want] = rnnkit(model, [feed]);
              // the ONNX input is named as rnnkit names it: tokens (ids) or features (numbers)
              const name = input.type === 'features' ? 'features' : 'tokens';
              const got = await runOrt(exportOnnx(model), { [name]: feed });
              const out = got[model.outputNames[0]!]!;
              expect([...out.dims]).toEqual(
                model === one ? [BATCH, 3 - (j === 2 ? 1 : 0)] : [BATCH, TIME, 6],
              );
              // padded steps of a per-step output are meaningless (the loss masks them)
              const keep =
                model === many && masked
                  ? (i: number) => i % (TIME * 6) < LENGTHS[Math.floor(i / (TIME * 6))]! * 6
                  : undefined;
              expect(maxDiff(out.data, want!, keep)).toBeLessThan(TOLERANCE);
              model.dispose();
            }
          }
        });
      }
    }
  }

  it('one-to-many (condition every step) and its step and state models', async () => {
    const net = oneToMany({
      cell: 'lstm',
      units: 4,
      layers: 2,
      classes: 6,
      conditionEveryStep: true,
      condition: { type: 'class', classes: 3 },
      input: { type: 'embedding', vocabSize: VOCAB, dims: 3 },
      seed: 1,
    });
    randomize(net.model, 5);
    const cond: Feed = { data: Int32Array.of(0, 2, 1), shape: [BATCH, 1] };
    const tokens = paddedIds(BATCH, TIME, VOCAB, [TIME, TIME, TIME]);
    const [want] = rnnkit(net.model, [cond, tokens]);
    const got = await runOrt(exportOnnx(net.model), { condition: cond, tokens });
    expect(maxDiff(got['logits']!.data, want!)).toBeLessThan(TOLERANCE);
    const states = rnnkit(net.stateModel, [cond]);
    const gotStates = await runOrt(exportOnnx(net.stateModel), { condition: cond });
    Object.values(gotStates).forEach((s, i) => {
      expect(maxDiff(s.data, states[i]!)).toBeLessThan(TOLERANCE);
    });
    const token: Feed = { data: Int32Array.of(4, 1, 8), shape: [BATCH, 1] };
    const stateFeeds = states.map((s) => ({ data: s, shape: [BATCH, 4] }));
    const stepWant = rnnkit(net.stepModel, [token, cond, ...stateFeeds]);
    const names = net.stepModel.inputNames;
    const stepGot = await runOrt(
      exportOnnx(net.stepModel),
      Object.fromEntries(names.map((n, i) => [n, [token, cond, ...stateFeeds][i]!])),
    );
    Object.values(stepGot).forEach((s, i) => {
      expect(maxDiff(s.data, stepWant[i]!)).toBeLessThan(TOLERANCE);
    });
    net.dispose();
  });

  for (const attention of ['none', 'dot', 'additive'] as const) {
    it(`seq2seq (${attention} attention, bidirectional gru encoder, lstm decoder) and its decoder step`, async () => {
      const net = seq2seq({
        cell: 'gru',
        decoderCell: 'lstm',
        units: 3,
        bidirectional: true,
        classes: 7,
        attention,
        source: { type: 'embedding', vocabSize: VOCAB, dims: 4, maskZero: true },
        target: { type: 'embedding', vocabSize: 7, dims: 4 },
        seed: 2,
      });
      randomize(net.model, 9);
      const source = paddedIds(BATCH, TIME, VOCAB, LENGTHS);
      const target = paddedIds(BATCH, 4, 7, [4, 4, 4]);
      const [want] = rnnkit(net.model, [source, target]);
      const got = await runOrt(exportOnnx(net.model), { source, target });
      expect(maxDiff(got['logits']!.data, want!)).toBeLessThan(TOLERANCE);
      // the decoder step from the encoder's outputs and state
      const enc = rnnkit(net.encoderModel, [source]);
      const encGot = await runOrt(exportOnnx(net.encoderModel), { source });
      // encoder outputs at padded source steps are never read (attention gives them weight 0)
      const real = (i: number) => source.data[Math.floor(i / 6)] !== 0;
      Object.values(encGot).forEach((s, i) => {
        expect(maxDiff(s.data, enc[i]!, i === 0 ? real : undefined)).toBeLessThan(TOLERANCE);
      });
      const token: Feed = { data: Int32Array.of(1, 2, 3), shape: [BATCH, 1] };
      const values: Feed = { data: enc[0]!, shape: [BATCH, TIME, 6] };
      const mask: Feed = {
        data: Float32Array.from(source.data, (id) => (id === 0 ? 0 : 1)),
        shape: [BATCH, TIME],
      };
      const states = enc.slice(1).map((s) => ({ data: s, shape: [BATCH, 6] }));
      const feeds = [token, ...(attention === 'none' ? [] : [values, mask]), ...states];
      const stepWant = rnnkit(net.decoderStepModel, feeds);
      const stepGot = await runOrt(
        exportOnnx(net.decoderStepModel),
        Object.fromEntries(net.decoderStepModel.inputNames.map((n, i) => [n, feeds[i]!])),
      );
      Object.values(stepGot).forEach((s, i) => {
        expect(maxDiff(s.data, stepWant[i]!)).toBeLessThan(TOLERANCE);
      });
      net.dispose();
    });
  }
});

describe('exportOnnx: any shape of model and input', () => {
  it('agrees with rnnkit for random cells, sizes, depths, directions, batches and lengths', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          cell: fc.constantFrom<CellType>('rnn', 'lstm', 'gru'),
          units: fc.integer({ min: 1, max: 6 }),
          layers: fc.integer({ min: 1, max: 3 }),
          bidirectional: fc.boolean(),
          features: fc.integer({ min: 1, max: 4 }),
          batch: fc.integer({ min: 1, max: 4 }),
          time: fc.integer({ min: 1, max: 9 }),
          seed: fc.integer({ min: 0, max: 1000 }),
        }),
        async (a) => {
          const { model } = manyToMany({
            cell: a.cell,
            units: a.units,
            layers: a.layers,
            bidirectional: a.bidirectional,
            classes: 3,
            input: { type: 'features', features: a.features },
            seed: a.seed,
          });
          randomize(model, a.seed);
          const x = floats([a.batch, a.time, a.features], a.seed + 1);
          const [want] = rnnkit(model, [x]);
          const got = await runOrt(exportOnnx(model), { features: x });
          model.dispose();
          expect([...got['logits']!.dims]).toEqual([a.batch, a.time, 3]);
          expect(maxDiff(got['logits']!.data, want!)).toBeLessThan(TOLERANCE);
        },
      ),
      { numRuns: 12, seed: 23 },
    );
  });

  it('leaves no tensor behind', () => {
    const { model } = manyToMany({
      cell: 'lstm',
      units: 3,
      classes: 4,
      input: { type: 'oneHot', vocabSize: 4 },
    });
    exportOnnx(model, { step: true });
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) exportOnnx(model, { step: i % 2 === 0 });
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });
});

describe('exportOnnx: the file', () => {
  it('is opset 17, float32, with dynamic batch and time and the metadata', () => {
    const { model } = manyToMany({
      cell: 'gru',
      units: 4,
      classes: 5,
      input: { type: 'embedding', vocabSize: 5, dims: 3 },
    });
    const bytes = exportOnnx(model, {
      metadata: onnxMetadata({
        task: 'text-generation',
        vocab: { tokens: ['a'] },
        scaler: { kind: 'standard', mean: [1], std: [2] },
      }),
    });
    const m = onnxProto.onnx.ModelProto.decode(bytes);
    expect(Number(m.opsetImport[0]!.version)).toBe(17);
    const props = Object.fromEntries(m.metadataProps.map((p) => [p.key, p.value]));
    expect(props['rnnkit.task']).toBe('text-generation');
    expect(JSON.parse(props['rnnkit.vocab']!)).toEqual({ tokens: ['a'] });
    expect(JSON.parse(props['rnnkit.scaler']!)).toEqual({ kind: 'standard', mean: [1], std: [2] });
    expect(props['rnnkit.version']).toMatch(/^\d+\.\d+\.\d+/);
    expect(props['rnnkit.export']).toBe('sequence');
    const graph = m.graph as onnxProto.onnx.GraphProto;
    const dims = graph.input[0]!.type!.tensorType!.shape!.dim!.map((d) => d.dimParam);
    expect(dims).toEqual(['batch', 'time']);
    const gru = graph.node.find((n) => n.opType === 'GRU')!;
    const lbr = gru.attribute!.find((a) => a.name === 'linear_before_reset')!;
    expect(Number(lbr.i)).toBe(1);
    model.dispose();
  });

  it('writes any opset from 17 to 23, which onnxruntime runs alike', async () => {
    const { model } = manyToOne({
      cell: 'lstm',
      units: 3,
      input: { type: 'features', features: 2 },
      head: { type: 'regression' },
    });
    const x = floats([2, 4, 2]);
    const [want] = rnnkit(model, [x]);
    for (const opset of [17, 23]) {
      const bytes = exportOnnx(model, { opset });
      expect(Number(onnxProto.onnx.ModelProto.decode(bytes).opsetImport[0]!.version)).toBe(opset);
      const got = await runOrt(bytes, { features: x });
      expect(maxDiff(got['regression']!.data, want!)).toBeLessThan(TOLERANCE);
    }
    model.dispose();
  });

  it('frees the time axis of a model built for one length', async () => {
    const args = {
      cell: 'gru',
      units: 3,
      input: { type: 'features', features: 2 },
      head: { type: 'regression' },
      seed: 2,
    } as const;
    const fixed = manyToOne({ ...args, seqLength: 5 }).model; // the file to export
    const free = manyToOne(args).model; // the same weights, any length, to compare with
    randomize(fixed, 3);
    free.setWeights(fixed.getWeights());
    const x = floats([4, 9, 2]); // batch 4, time 9
    const [want] = rnnkit(free, [x]);
    const got = await runOrt(exportOnnx(fixed), { features: x });
    expect(maxDiff(got['regression']!.data, want!)).toBeLessThan(TOLERANCE);
    fixed.dispose();
    free.dispose();
  });

  it('refuses bad options and unsupported layers before writing', () => {
    const { model } = manyToMany({
      cell: 'lstm',
      units: 2,
      classes: 3,
      bidirectional: true,
      input: { type: 'features', features: 1 },
    });
    expect(() => exportOnnx(model, { opset: 13 })).toThrow(
      /opset must be an integer from 17 to 23/,
    );
    expect(() => exportOnnx(model, { opset: 99 })).toThrow(/got 99/);
    expect(() => exportOnnx(model, { steps: true } as never)).toThrow(
      /unknown ONNX export option 'steps'/,
    );
    expect(() => exportOnnx(model, { step: true })).toThrow(InteropError);
    expect(() => exportOnnx(model, { step: true })).toThrow(/'rnn_1_concat' is bidirectional/);
    model.dispose();
  });
});
