import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type CellType, generate, manyToMany } from '@rnnkit/models';
import { charTokenizer, Vocab } from '@rnnkit/vocab';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportOnnx } from './export.js';
import { onnxGenerate, type StepStateSpec } from './generate.js';
import { onnxMetadata, readOnnxMetadata } from './metadata.js';
import { type Feed, floats, maxDiff, runOrt, tensorOf } from './test-ort.js';

const EXAMPLE = fileURLToPath(new URL('../../examples/onnx-generate.mjs', import.meta.url));
const TEXT =
  'It is a truth universally acknowledged, that a single man in possession of a good fortune';
const dir = mkdtempSync(join(tmpdir(), 'rnnkit-onnx-step-'));

beforeAll(async () => {
  await tf.setBackend('cpu');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * A char language model with seeded weights in [-0.5, 0.5): a trained model's state forgets, as
 * these do; far larger random weights make a chaotic recurrence, where any two float32 engines'
 * rounding differences (1e-7) double every few steps until the draws part.
 */
function charModel(cell: CellType, layers: number) {
  const vocab = Vocab.fromTexts([TEXT], { tokenizer: charTokenizer() });
  const { model } = manyToMany({
    cell,
    units: 24,
    layers,
    classes: vocab.size,
    input: { type: 'oneHot', vocabSize: vocab.size },
    seed: 4,
  });
  model.trainableWeights.forEach((w, i) => {
    w.write(tf.mul(tensorOf(floats(w.shape as number[], 50 + i)), 0.5));
  });
  return { vocab, model };
}

describe('the step model', () => {
  it('carries h and c through its inputs and outputs, as the sequence model runs', async () => {
    const { vocab, model } = charModel('lstm', 2);
    const bytes = exportOnnx(model, { step: true });
    const states = JSON.parse(readOnnxMetadata(bytes)['rnnkit.states']!) as {
      input: string;
      output: string;
      units: number;
    }[];
    expect(states.map((s) => s.input)).toEqual([
      'state_h_1',
      'state_c_1',
      'state_h_2',
      'state_c_2',
    ]);
    const ids = vocab.encode('a single man');
    const batch = 2; // two rows: the text and the text shifted by one
    const want = tf.tidy(() => {
      const x = tf.tensor2d([...ids.slice(0, 10), ...ids.slice(1, 11)], [batch, 10], 'int32');
      return (model.predict(x) as tf.Tensor).dataSync() as Float32Array; // [2, 10, classes]
    });
    let feeds: Record<string, Feed> = Object.fromEntries(
      states.map((s) => [
        s.input,
        { data: new Float32Array(batch * s.units), shape: [batch, s.units] },
      ]),
    );
    const k = vocab.size;
    for (let t = 0; t < 10; t++) {
      const token = { data: Int32Array.of(ids[t]!, ids[t + 1]!), shape: [batch, 1] };
      const out = await runOrt(bytes, { tokens: token, ...feeds });
      expect([...out['logits']!.dims]).toEqual([batch, 1, k]);
      for (let b = 0; b < batch; b++) {
        const row = want.subarray((b * 10 + t) * k, (b * 10 + t + 1) * k);
        expect(maxDiff(out['logits']!.data.subarray(b * k, (b + 1) * k), row)).toBeLessThan(1e-5);
      }
      feeds = Object.fromEntries(
        states.map((s) => [s.input, { data: out[s.output]!.data, shape: [batch, s.units] }]),
      );
    }
    model.dispose();
  });

  for (const [cell, layers, flags] of [
    ['lstm', 2, ['--temperature', '0.9']],
    ['gru', 1, ['--top-k', '5']],
    ['rnn', 1, ['--top-p', '0.8', '--temperature', '1.3']],
  ] as const) {
    it(`generates the same 500 characters as rnnkit (${cell}, ${flags.join(' ')}), driven by examples/onnx-generate.mjs`, () => {
      const { vocab, model } = charModel(cell, layers);
      const file = join(dir, `${cell}.onnx`);
      writeFileSync(
        file,
        exportOnnx(model, {
          step: true,
          metadata: onnxMetadata({ task: 'text-generation', vocab: vocab.toJSON() }),
        }),
      );
      const prime = 'a man';
      const printed = execFileSync(
        process.execPath,
        [EXAMPLE, file, '--prime', prime, '--length', '500', '--seed', '7', ...flags],
        { encoding: 'utf8' },
      );
      // what rnnkit generate prints for the same settings
      const opt = (f: string) => {
        const i = flags.indexOf(f as never);
        return i < 0 ? undefined : Number(flags[i + 1]);
      };
      let text = prime;
      const topK = opt('--top-k');
      const topP = opt('--top-p');
      generate(model, {
        prompts: [vocab.encode(prime)],
        maxLength: 500,
        temperature: opt('--temperature') ?? 1,
        ...(topK !== undefined ? { topK } : {}),
        ...(topP !== undefined ? { topP } : {}),
        suppress: [vocab.padId, vocab.unkId].filter((i) => i !== undefined),
        seed: 7,
        onToken: (_row, token) => {
          text += vocab.decode([token], { skipSpecials: true });
        },
      });
      expect(text.length).toBe(prime.length + 500);
      let at = 0;
      while (at < text.length && printed[at] === text[at]) at++;
      expect(at, `the texts part at character ${at}`).toBe(text.length);
      expect(printed).toBe(`${text}\n`);
      model.dispose();
    });
  }

  it('onnxGenerate stops at a stop token, and refuses a model that is not a step model', async () => {
    const { vocab, model } = charModel('gru', 1);
    const bytes = exportOnnx(model, { step: true });
    const states = JSON.parse(readOnnxMetadata(bytes)['rnnkit.states']!) as StepStateSpec[];
    const session = await ort.InferenceSession.create(bytes);
    const prompt = vocab.encode('a ');
    const args = { prompt, maxLength: 200, seed: 2, strategy: 'greedy' as const };
    const all = await onnxGenerate(session, ort.Tensor, states, args);
    const stop = all[5]!;
    const cut = await onnxGenerate(session, ort.Tensor, states, { ...args, stopTokens: [stop] });
    expect(cut).toEqual(all.slice(0, all.indexOf(stop)));
    const want = generate(model, {
      prompts: [prompt],
      maxLength: 200,
      seed: 2,
      strategy: 'greedy',
    });
    expect(all).toEqual(want.generations[0]!.tokens);
    await session.release();
    const plain = await ort.InferenceSession.create(exportOnnx(model));
    await expect(onnxGenerate(plain, ort.Tensor, [], args)).rejects.toThrow(/not a step model/);
    await plain.release();
    model.dispose();
  });
});
