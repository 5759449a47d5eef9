/**
 * The bad inputs, one row each: what is fed, where, and what must come out. `bad-inputs.test.ts`
 * runs every row and writes the table to docs/reliability.md. An outcome is either a typed error
 * (class and `code`), a CLI exit code with a one-line message (and no partial output folder), or
 * a documented behaviour checked by `check`.
 */
import { readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  DatasetError,
  fromCsv,
  fromCsvFile,
  fromJsonl,
  fromJsonlFile,
  fromText,
  fromTextFile,
  fromTsvPairs,
} from '@rnnkit/datasets';
import {
  ArtifactError,
  generate,
  load,
  ModelsError,
  manyToMany,
  manyToOne,
  save,
  statefulLM,
  stream,
} from '@rnnkit/models';
import {
  createOptimizer,
  DivergenceError,
  loadCheckpoint,
  nodeFs,
  TrainingError,
  train,
} from '@rnnkit/training';
import { Vocab, VocabError, VocabFormatError } from '@rnnkit/vocab';
import {
  nextTokenWindows,
  padSequences,
  StandardScaler,
  seq2seqPairs,
  seriesWindows,
  WindowingError,
} from '@rnnkit/windowing';
import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'vitest';
import {
  brokenModel,
  type CliResult,
  cli,
  editModelJson,
  file,
  savedModel,
  TMP,
  vocab,
} from './fixtures.js';

// biome-ignore lint/suspicious/noExplicitAny: any error class
type ErrorClass = new (...args: any[]) => Error;

export type Outcome =
  /** A typed error of this class (or a subclass) with this code. */
  | { error: ErrorClass; code: string }
  /** The CLI exits with this code and one message line; `out` (if given) must not exist after. */
  | { exit: number; out?: string }
  /** No error: a sensible result, described for the table and checked. */
  | { behaviour: string; check: (result: unknown) => void };

export interface BadInput {
  /** What is wrong with the input. */
  input: string;
  /** The public function or command it is fed to. */
  where: string;
  run: () => unknown;
  outcome: Outcome;
}

const utf8 = (s: string) => new TextEncoder().encode(s);
/** "café\n" in Latin-1: é is the lone byte E9, invalid UTF-8. */
const LATIN1 = new Uint8Array([0x63, 0x61, 0x66, 0xe9, 0x0a]);
const BAD_JSONL = '{"text":"good","label":"pos"}\nnot json\n';
const okText = () => file('cli/ok.txt', 'hello world\n');
const okSeries = () =>
  file('cli/ok-series.csv', `y\n${Array.from({ length: 40 }, (_, i) => i % 5).join('\n')}\n`);
const vocabJson = () => vocab().toJSON() as unknown as Record<string, unknown>;
const vocabText = () => JSON.stringify(vocab().toJSON());
const tinyLm = () =>
  manyToMany({ cell: 'lstm', units: 4, classes: 5, input: { type: 'oneHot', vocabSize: 5 } }).model;

/** A small manyToOne regressor on one-step features with `extra` options. */
const tinyRegressor = (extra: Partial<Parameters<typeof manyToOne>[0]>, features = 1) =>
  manyToOne({
    units: 2,
    input: { type: 'features', features },
    head: { type: 'regression' },
    ...extra,
  }).model;

/** Copies the saved model (stored as `weights`), breaks it with `edit`, and loads it. */
const loadBroken = async (
  name: string,
  edit: (dir: string) => void,
  weights: 'float32' | 'float16' | 'int8' = 'float32',
) => load(await brokenModel(name, edit, weights));
/** rnnkit.json of a folder, edited by `f`. */
const editRnnkitJson = (dir: string, f: (doc: Record<string, unknown>) => void) => {
  const path = join(dir, 'rnnkit.json');
  const doc = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  f(doc);
  writeFileSync(path, JSON.stringify(doc));
};

/** Runs the CLI and returns its result (the runner checks exit code and message). */
const rnnkit = (...args: string[]) => cli(args);

export const CASES: BadInput[] = [
  // ---- vocab ----
  {
    input: 'vocab file truncated in the middle of its JSON',
    where: 'vocab: Vocab.fromJSON',
    run: () => Vocab.fromJSON(vocabText().slice(0, 40)),
    outcome: { error: VocabFormatError, code: 'INVALID_FORMAT' },
  },
  {
    input: 'vocab file that is empty (0 bytes)',
    where: 'vocab: Vocab.fromJSON',
    run: () => Vocab.fromJSON(''),
    outcome: { error: VocabFormatError, code: 'INVALID_FORMAT' },
  },
  {
    input: 'vocab file from a future version (formatVersion 99)',
    where: 'vocab: Vocab.fromJSON',
    run: () => Vocab.fromJSON({ ...vocabJson(), formatVersion: 99 }),
    outcome: { error: VocabFormatError, code: 'UNSUPPORTED_VERSION' },
  },
  {
    input: 'vocab file edited: a token duplicated',
    where: 'vocab: Vocab.fromJSON',
    run: () => {
      const j = vocabJson();
      const tokens = j['tokens'] as string[];
      return Vocab.fromJSON({ ...j, tokens: [...tokens, tokens.at(-1)] });
    },
    outcome: { error: VocabFormatError, code: 'INVALID_FORMAT' },
  },
  {
    input: 'vocab file edited: a token is a number',
    where: 'vocab: Vocab.fromJSON',
    run: () => {
      const j = vocabJson();
      return Vocab.fromJSON({ ...j, tokens: [...(j['tokens'] as string[]), 42] });
    },
    outcome: { error: VocabFormatError, code: 'INVALID_FORMAT' },
  },
  {
    input: 'vocab file edited: unknown tokenizer type',
    where: 'vocab: Vocab.fromJSON',
    run: () => Vocab.fromJSON({ ...vocabJson(), tokenizer: { type: 'bpe' } }),
    outcome: { error: VocabFormatError, code: 'INVALID_FORMAT' },
  },
  {
    input: 'vocab file with a "__proto__" key (prototype pollution attempt)',
    where: 'vocab: Vocab.fromJSON',
    run: () => {
      const text = vocabText().replace('{', '{"__proto__":{"polluted":true},');
      const v = Vocab.fromJSON(text);
      return { size: v.size, polluted: ({} as Record<string, unknown>)['polluted'] };
    },
    outcome: {
      behaviour: 'loads; the extra key is ignored and no prototype is changed',
      check: (r) => expect(r).toEqual({ size: vocab().size, polluted: undefined }),
    },
  },
  {
    input: 'vocab file with NUL bytes and a BOM inside tokens',
    where: 'vocab: Vocab.fromJSON',
    run: () => {
      const j = vocabJson();
      const v = Vocab.fromJSON({ ...j, tokens: [...(j['tokens'] as string[]), '\0', '\uFEFF'] });
      return v.decode(v.encode('\0\uFEFF'));
    },
    outcome: {
      behaviour: 'loads; NUL and U+FEFF are ordinary tokens and round-trip',
      check: (r) => expect(r).toBe('\0\uFEFF'),
    },
  },
  {
    input: 'decode of ids outside the vocab (-1, 1e9, 1.5)',
    where: 'vocab: Vocab.decode',
    run: () => vocab().decode([-1, 1e9, 1.5]),
    outcome: { error: VocabError, code: 'UNKNOWN_ID' },
  },
  {
    input: 'encode of an empty string',
    where: 'vocab: Vocab.encode',
    run: () => Array.from(vocab().encode('')),
    outcome: {
      behaviour: 'an empty Int32Array',
      check: (r) => expect(r).toEqual([]),
    },
  },
  {
    input: 'text with lone surrogates and unknown characters',
    where: 'vocab: Vocab.encode (oov unk)',
    run: () => Array.from(vocab().encode('h\uD800\u2603')),
    outcome: {
      behaviour: 'unknown characters map to <unk> (id 1)',
      check: (r) => expect(r).toEqual([vocab().encode('h')[0], 1, 1]),
    },
  },
  // ---- windowing ----
  {
    input: 'zero-length sequence',
    where: 'windowing: nextTokenWindows',
    run: () => nextTokenWindows([], { seqLength: 4 }),
    outcome: { error: WindowingError, code: 'EMPTY_INPUT' },
  },
  {
    input: 'sequence shorter than any window (5 ids, seqLength 64)',
    where: 'windowing: nextTokenWindows',
    run: () => nextTokenWindows([1, 2, 3, 4, 5], { seqLength: 64 }),
    outcome: { error: WindowingError, code: 'WINDOW_TOO_LONG' },
  },
  {
    input: 'seqLength 0',
    where: 'windowing: nextTokenWindows',
    run: () => nextTokenWindows([1, 2, 3], { seqLength: 0 }),
    outcome: { error: WindowingError, code: 'BAD_OPTION' },
  },
  {
    input: 'stride -1',
    where: 'windowing: nextTokenWindows',
    run: () => nextTokenWindows([1, 2, 3, 4], { seqLength: 2, stride: -1 }),
    outcome: { error: WindowingError, code: 'BAD_OPTION' },
  },
  {
    input: 'NaN in a series',
    where: 'windowing: seriesWindows',
    run: () => seriesWindows([1, 2, Number.NaN, 4, 5, 6], { seqLength: 2, horizon: 1 }),
    outcome: { error: WindowingError, code: 'NOT_FINITE' },
  },
  {
    input: 'Infinity in a series',
    where: 'windowing: seriesWindows',
    run: () => seriesWindows([1, 2, Number.POSITIVE_INFINITY, 4], { seqLength: 2, horizon: 1 }),
    outcome: { error: WindowingError, code: 'NOT_FINITE' },
  },
  {
    input: 'series shorter than the window (3 values, seqLength 12)',
    where: 'windowing: seriesWindows',
    run: () => seriesWindows([1, 2, 3], { seqLength: 12, horizon: 1 }),
    outcome: { error: WindowingError, code: 'WINDOW_TOO_LONG' },
  },
  {
    input: 'ragged multivariate rows ([1,2],[3])',
    where: 'windowing: seriesWindows',
    run: () => seriesWindows([[1, 2], [3]], { seqLength: 1 }),
    outcome: { error: WindowingError, code: 'RAGGED_ROWS' },
  },
  {
    input: 'an empty list of sequences',
    where: 'windowing: padSequences',
    run: () => padSequences([]),
    outcome: { error: WindowingError, code: 'EMPTY_INPUT' },
  },
  {
    input: 'zero-length sequences among others',
    where: 'windowing: padSequences',
    run: () => {
      const p = padSequences([[], [1, 2]]);
      return { shape: p.shapes.x, mask: Array.from(p.mask) };
    },
    outcome: {
      behaviour: 'padded to the longest; the empty row is all padding (mask 0)',
      check: (r) => expect(r).toMatchObject({ shape: [2, 2], mask: [0, 0, 1, 1] }),
    },
  },
  {
    input: 'sources and targets of different lengths',
    where: 'windowing: seq2seqPairs',
    run: () => seq2seqPairs([[1, 2]], [[1], [2]], { bosId: 1, eosId: 2, padId: 0 }),
    outcome: { error: WindowingError, code: 'LENGTH_MISMATCH' },
  },
  {
    input: 'scaler fit on a constant series (std 0)',
    where: 'windowing: StandardScaler.fit',
    run: () => Array.from(StandardScaler.fit([5, 5, 5]).transform([5, 6])),
    outcome: {
      behaviour: 'scale 1 for a zero spread (as scikit-learn): finite values, no division by 0',
      check: (r) => expect((r as number[]).every(Number.isFinite)).toBe(true),
    },
  },
  // ---- models: options ----
  {
    input: 'units -4',
    where: 'models: manyToMany',
    run: () => manyToMany({ units: -4, classes: 5, input: { type: 'oneHot', vocabSize: 5 } }),
    outcome: { error: ModelsError, code: 'BAD_OPTION' },
  },
  {
    input: 'units 2.5',
    where: 'models: manyToOne',
    run: () =>
      manyToOne({
        units: 2.5,
        input: { type: 'features', features: 1 },
        head: { type: 'regression' },
      }),
    outcome: { error: ModelsError, code: 'BAD_OPTION' },
  },
  {
    input: 'temperature 0',
    where: 'models: generate',
    run: () => {
      const model = tinyLm();
      try {
        return generate(model, { prompts: [[1]], maxLength: 3, temperature: 0, seed: 1 });
      } finally {
        model.dispose();
      }
    },
    outcome: { error: ModelsError, code: 'BAD_OPTION' },
  },
  {
    input: 'top-p 1.5',
    where: 'models: generate',
    run: () => {
      const model = tinyLm();
      try {
        return generate(model, { prompts: [[1]], maxLength: 3, topP: 1.5, seed: 1 });
      } finally {
        model.dispose();
      }
    },
    outcome: { error: ModelsError, code: 'BAD_OPTION' },
  },
  {
    input: 'batch size 0 for stateful generation',
    where: 'models: statefulLM',
    run: () => {
      const model = tinyLm();
      try {
        return statefulLM(model, { batchSize: 0 });
      } finally {
        model.dispose();
      }
    },
    outcome: { error: ModelsError, code: 'BAD_OPTION' },
  },
  {
    input: 'a stream row of 2 values for a model of 3 features',
    where: 'models: stream(model).push',
    run: () => {
      const model = tinyRegressor({}, 3);
      const s = stream(model);
      try {
        return s.push([1, 2]);
      } finally {
        s.dispose();
        model.dispose();
      }
    },
    outcome: { error: ModelsError, code: 'BAD_INPUT' },
  },
  {
    input: 'a bidirectional model to stream',
    where: 'models: stream',
    run: () => {
      const model = tinyRegressor({ bidirectional: true });
      try {
        return stream(model);
      } finally {
        model.dispose();
      }
    },
    outcome: { error: ModelsError, code: 'UNSUPPORTED_MODEL' },
  },
  {
    input: 'recurrentDropout 1',
    where: 'models: manyToOne',
    run: () => tinyRegressor({ recurrentDropout: 1 }),
    outcome: { error: ModelsError, code: 'BAD_OPTION' },
  },
  {
    input: 'inputDropout -0.1',
    where: 'models: manyToOne',
    run: () => tinyRegressor({ inputDropout: -0.1 }),
    outcome: { error: ModelsError, code: 'BAD_OPTION' },
  },
  // ---- models: artifacts ----
  {
    input: 'model folder without weights.bin',
    where: 'models: load',
    run: () => loadBroken('no-weights', (d) => rmSync(join(d, 'weights.bin'))),
    outcome: { error: ArtifactError, code: 'MISSING_FILE' },
  },
  {
    input: 'model folder with weights.bin truncated to half',
    where: 'models: load',
    run: () =>
      loadBroken('half-weights', (d) => {
        const w = join(d, 'weights.bin');
        truncateSync(w, Math.floor(readFileSync(w).length / 2));
      }),
    outcome: { error: ArtifactError, code: 'TRUNCATED' },
  },
  {
    input: 'model folder with an empty weights.bin',
    where: 'models: load',
    run: () => loadBroken('empty-weights', (d) => writeFileSync(join(d, 'weights.bin'), '')),
    outcome: { error: ArtifactError, code: 'TRUNCATED' },
  },
  {
    input: 'model.json whose weight shapes disagree with the layers (kernel dims swapped)',
    where: 'models: load',
    run: () =>
      loadBroken('swapped-shape', (d) =>
        editModelJson(d, (j) => {
          const w = j.weightsManifest[0]!.weights.find((s) => s.shape.length === 2)!;
          w.shape = [...w.shape].reverse();
        }),
      ),
    outcome: { error: ArtifactError, code: 'WEIGHTS_MISMATCH' },
  },
  {
    input: 'model.json whose topology declares units 1000000 (weights unchanged)',
    where: 'models: load',
    run: () =>
      loadBroken('huge-units', (d) =>
        editModelJson(d, (j) => {
          const text = JSON.stringify(j.modelTopology).replace('"units":4', '"units":1000000');
          j.modelTopology = JSON.parse(text);
        }),
      ),
    outcome: { error: ArtifactError, code: 'WEIGHTS_MISMATCH' },
  },
  {
    input: 'model.json with a negative weight dimension',
    where: 'models: load',
    run: () =>
      loadBroken('negative-dim', (d) =>
        editModelJson(d, (j) => {
          const w = j.weightsManifest[0]!.weights[0]!;
          w.shape = [-w.shape[0]!, -w.shape[1]!];
        }),
      ),
    outcome: { error: ArtifactError, code: 'MALFORMED' },
  },
  {
    input: 'model.json that is not JSON',
    where: 'models: load',
    run: () => loadBroken('bad-json', (d) => writeFileSync(join(d, 'model.json'), '{"model')),
    outcome: { error: ArtifactError, code: 'MALFORMED' },
  },
  {
    input: 'model folder without model.json',
    where: 'models: load',
    run: () => loadBroken('no-model-json', (d) => rmSync(join(d, 'model.json'))),
    outcome: { error: ArtifactError, code: 'MISSING_FILE' },
  },
  {
    input: 'rnnkit.json from a future format version',
    where: 'models: load',
    run: () =>
      loadBroken('future', (d) => {
        const path = join(d, 'rnnkit.json');
        const doc = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
        writeFileSync(path, JSON.stringify({ ...doc, formatVersion: 99 }));
      }),
    outcome: { error: ArtifactError, code: 'FUTURE_VERSION' },
  },
  {
    input: 'rnnkit.json whose vocab is truncated (tokens cut)',
    where: 'models: load',
    run: () =>
      loadBroken('bad-vocab', (d) => {
        const path = join(d, 'rnnkit.json');
        const doc = JSON.parse(readFileSync(path, 'utf8')) as { vocab: { tokens: unknown } };
        doc.vocab.tokens = 'truncated';
        writeFileSync(path, JSON.stringify(doc));
      }),
    outcome: { error: ArtifactError, code: 'MALFORMED' },
  },
  {
    input: 'model.json declaring a 10^12-element weight',
    where: 'models: load',
    run: () =>
      loadBroken('huge-weight', (d) =>
        editModelJson(d, (j) => {
          j.weightsManifest[0]!.weights[0]!.shape = [1_000_000, 1_000_000];
        }),
      ),
    outcome: { error: ArtifactError, code: 'TRUNCATED' },
  },
  {
    input: 'model.json whose manifest path escapes the folder (../../etc/passwd)',
    where: 'models: load',
    run: () =>
      loadBroken('escape', (d) =>
        editModelJson(d, (j) => {
          j.weightsManifest[0]!.paths = ['../../../../etc/passwd'];
        }),
      ),
    outcome: { error: ArtifactError, code: 'MALFORMED' },
  },
  {
    input: "rnnkit.json weights.dtype 'int4' (not float32, float16 or int8)",
    where: 'models: load',
    run: () =>
      loadBroken('weights-int4', (d) =>
        editRnnkitJson(d, (doc) => {
          doc['weights'] = { dtype: 'int4' };
        }),
      ),
    outcome: { error: ArtifactError, code: 'MALFORMED' },
  },
  {
    input: 'rnnkit.json declaring float32 weights over an int8 weights manifest',
    where: 'models: load',
    run: () =>
      loadBroken(
        'weights-declared',
        (d) =>
          editRnnkitJson(d, (doc) => {
            doc['weights'] = { dtype: 'float32' };
          }),
        'int8',
      ),
    outcome: { error: ArtifactError, code: 'MALFORMED' },
  },
  {
    input: "model.json weight quantization dtype 'int4'",
    where: 'models: load',
    run: () =>
      loadBroken(
        'quant-int4',
        (d) =>
          editModelJson(d, (j) => {
            j.weightsManifest[0]!.weights[0]!.quantization = { dtype: 'int4' };
          }),
        'int8',
      ),
    outcome: { error: ArtifactError, code: 'MALFORMED' },
  },
  {
    input: 'model.json marking a bias (rank 1) int8',
    where: 'models: load',
    run: () =>
      loadBroken(
        'quant-bias',
        (d) =>
          editModelJson(d, (j) => {
            const bias = j.weightsManifest[0]!.weights.find((w) => w.shape.length === 1)!;
            bias.quantization = { dtype: 'int8' };
          }),
        'int8',
      ),
    outcome: { error: ArtifactError, code: 'MALFORMED' },
  },
  {
    input: 'model.json uint8 quantization without its scale and min',
    where: 'models: load',
    run: () =>
      loadBroken('quant-uint8', (d) =>
        editModelJson(d, (j) => {
          j.weightsManifest[0]!.weights[0]!.quantization = { dtype: 'uint8' };
        }),
      ),
    outcome: { error: ArtifactError, code: 'MALFORMED' },
  },
  {
    input: 'int8 weights.bin whose first channel scale is NaN',
    where: 'models: load',
    run: () =>
      loadBroken(
        'scale-nan',
        (d) => {
          const j = JSON.parse(readFileSync(join(d, 'model.json'), 'utf8'));
          const n = (j.weightsManifest[0].weights[0].shape as number[]).reduce((a, b) => a * b, 1);
          const bin = readFileSync(join(d, 'weights.bin'));
          bin.writeFloatLE(Number.NaN, n); // weight 0's codes, then its scales
          writeFileSync(join(d, 'weights.bin'), bin);
        },
        'int8',
      ),
    outcome: { error: ArtifactError, code: 'MALFORMED' },
  },
  {
    input: "weights: 'bfloat16'",
    where: 'models: save',
    run: async () => {
      const model = tinyLm();
      const meta = { task: 't', topology: { builder: 'b', args: {} } };
      try {
        return await save(model, join(TMP, 'bf16'), meta, { weights: 'bfloat16' as never });
      } finally {
        model.dispose();
      }
    },
    outcome: { error: ModelsError, code: 'BAD_OPTION' },
  },
  {
    input: 'a path that does not exist',
    where: 'models: load',
    run: () => load(join(TMP, 'no-such-model')),
    outcome: { error: ArtifactError, code: 'MISSING_FILE' },
  },
  // ---- training ----
  {
    input: 'batch size 0',
    where: 'training: train',
    run: () => trainTiny({ batchSize: 0 }),
    outcome: { error: TrainingError, code: 'BAD_OPTION' },
  },
  {
    input: 'negative learning rate',
    where: 'training: createOptimizer',
    run: () => createOptimizer({ type: 'adam', learningRate: -1 }),
    outcome: { error: TrainingError, code: 'BAD_OPTION' },
  },
  {
    input: 'x and y with different numbers of examples',
    where: 'training: train',
    run: () => trainTiny({}, 3),
    outcome: { error: TrainingError, code: 'BAD_DATA' },
  },
  {
    input: 'NaN in the training targets',
    where: 'training: train',
    run: () => {
      const { model } = manyToOne({
        units: 2,
        input: { type: 'features', features: 1 },
        head: { type: 'regression' },
      });
      const x = tf.ones([4, 3, 1]);
      const y = tf.tensor2d([[1], [Number.NaN], [1], [1]]);
      return train(
        model,
        { x, y },
        { loss: 'meanSquaredError', optimizer: { type: 'sgd' }, batchSize: 4, shuffle: false },
      ).finally(() => {
        tf.dispose([x, y]);
        model.dispose();
      });
    },
    outcome: { error: DivergenceError, code: 'DIVERGED' },
  },
  {
    input: 'checkpoint whose weights.bin is truncated',
    where: 'training: loadCheckpoint',
    run: async () => {
      file('ckpt-truncated/last/manifest.json', JSON.stringify(fakeManifest(8)));
      file('ckpt-truncated/last/weights.bin', new Uint8Array(4));
      return loadCheckpoint(await nodeFs(), join(TMP, 'ckpt-truncated'), 'last');
    },
    outcome: { error: TrainingError, code: 'CHECKPOINT_READ' },
  },
  {
    input: 'checkpoint whose manifest.json is not JSON',
    where: 'training: loadCheckpoint',
    run: async () => {
      file('ckpt-garbage/last/manifest.json', '{"format": "rnnkit-tr');
      file('ckpt-garbage/last/weights.bin', new Uint8Array(0));
      return loadCheckpoint(await nodeFs(), join(TMP, 'ckpt-garbage'), 'last');
    },
    outcome: { error: TrainingError, code: 'CHECKPOINT_READ' },
  },
  // ---- datasets ----
  {
    input: 'empty text file',
    where: 'datasets: fromTextFile',
    run: () => fromTextFile(file('empty.txt', '')),
    outcome: {
      behaviour: "returns '' (the CLI refuses it, see below)",
      check: (r) => expect(r).toBe(''),
    },
  },
  {
    input: 'invalid UTF-8 (a Latin-1 byte)',
    where: 'datasets: fromTextFile',
    run: () => fromTextFile(file('latin1.txt', LATIN1)),
    outcome: { error: DatasetError, code: 'INVALID_UTF8' },
  },
  {
    input: 'UTF-16 file (FF FE byte order mark)',
    where: 'datasets: fromTextFile',
    run: () => fromTextFile(file('utf16.txt', new Uint8Array([0xff, 0xfe, 0x61, 0x00]))),
    outcome: { error: DatasetError, code: 'INVALID_UTF8' },
  },
  {
    input: 'UTF-8 BOM and CRLF line ends',
    where: 'datasets: fromText',
    run: () => fromText(utf8('\uFEFFab\r\ncd\r\n')),
    outcome: {
      behaviour: 'the BOM is dropped and CRLF becomes LF',
      check: (r) => expect(r).toBe('ab\ncd\n'),
    },
  },
  {
    input: 'NUL bytes in a text file',
    where: 'datasets: fromText',
    run: () => fromText(utf8('a\0b')),
    outcome: {
      behaviour: 'kept as U+0000 characters (valid UTF-8); they become ordinary vocab tokens',
      check: (r) => expect(r).toBe('a\0b'),
    },
  },
  {
    input: 'huge file (3 GiB, sparse)',
    where: 'datasets: fromTextFile',
    run: () => {
      const path = file('huge.txt', '');
      truncateSync(path, 3 * 2 ** 30);
      return fromTextFile(path).finally(() => rmSync(path));
    },
    outcome: { error: DatasetError, code: 'FILE_NOT_READABLE' },
  },
  {
    input: 'a directory instead of a file',
    where: 'datasets: fromCsvFile',
    run: () => fromCsvFile(TMP),
    outcome: { error: DatasetError, code: 'FILE_NOT_READABLE' },
  },
  {
    input: 'CSV with quoted commas and quotes',
    where: 'datasets: fromCsv',
    run: () => fromCsv('name,value\n"Smith, J. ""JJ""",3\n').column('name'),
    outcome: {
      behaviour: 'RFC 4180: the quoted comma and doubled quote stay in the cell',
      check: (r) => expect(r).toEqual(['Smith, J. "JJ"']),
    },
  },
  {
    input: 'CSV with CRLF and a BOM',
    where: 'datasets: fromCsv',
    run: () => Array.from(fromCsv('\uFEFFa,b\r\n1,2\r\n3,4\r\n').column('a') as Float64Array),
    outcome: {
      behaviour: 'parsed as LF; the BOM is not part of the first column name',
      check: (r) => expect(r).toEqual([1, 3]),
    },
  },
  {
    input: 'CSV with a missing value',
    where: 'datasets: fromCsv',
    run: () => fromCsv('a,b\n1,2\n3,\n', { missing: 'error' }),
    outcome: { error: DatasetError, code: 'MISSING_VALUE' },
  },
  {
    input: 'CSV with a ragged row',
    where: 'datasets: fromCsv',
    run: () => fromCsv('a,b\n1,2\n3\n'),
    outcome: { error: DatasetError, code: 'RAGGED_ROW' },
  },
  {
    input: 'CSV with a non-numeric cell in a numeric column',
    where: 'datasets: fromCsv',
    run: () => fromCsv('a,b\n1,2\n3,x\n', { types: { b: 'number' } }),
    outcome: { error: DatasetError, code: 'NOT_A_NUMBER' },
  },
  {
    input: 'CSV with an unclosed quote',
    where: 'datasets: fromCsv',
    run: () => fromCsv('a,b\n"1,2\n'),
    outcome: { error: DatasetError, code: 'BAD_QUOTE' },
  },
  {
    input: 'CSV header only',
    where: 'datasets: fromCsv',
    run: () => fromCsv('a,b\n'),
    outcome: { error: DatasetError, code: 'EMPTY_INPUT' },
  },
  {
    input: 'JSONL with one bad line',
    where: 'datasets: fromJsonl',
    run: () => fromJsonl('{"text":"a","label":"x"}\n{"text":"b",\n'),
    outcome: { error: DatasetError, code: 'BAD_JSON' },
  },
  {
    input: 'JSONL line that is an array, not an object',
    where: 'datasets: fromJsonlFile',
    run: () => fromJsonlFile(file('array.jsonl', '[1,2]\n')),
    outcome: { error: DatasetError, code: 'BAD_JSON' },
  },
  {
    input: 'JSONL record without the label field',
    where: 'datasets: fromJsonl',
    run: () => fromJsonl('{"text":"a"}\n'),
    outcome: { error: DatasetError, code: 'BAD_FIELD' },
  },
  {
    input: 'TSV pairs line without a tab',
    where: 'datasets: fromTsvPairs',
    run: () => fromTsvPairs('hello\tHH AH L OW\nworld\n'),
    outcome: { error: DatasetError, code: 'BAD_LINE' },
  },
  // ---- CLI ----
  {
    input: 'empty text file',
    where: 'cli: rnnkit train text --data',
    run: () => rnnkit('train', 'text', '--data', file('cli/empty.txt', ''), '--out', 'out-empty'),
    outcome: { exit: 1, out: 'out-empty' },
  },
  {
    input: 'invalid UTF-8 text file',
    where: 'cli: rnnkit train text --data',
    run: () =>
      rnnkit('train', 'text', '--data', file('cli/latin1.txt', LATIN1), '--out', 'out-latin1'),
    outcome: { exit: 1, out: 'out-latin1' },
  },
  {
    input: 'CSV with a non-numeric cell',
    where: 'cli: rnnkit train forecast --data',
    run: () =>
      rnnkit(
        'train',
        'forecast',
        '--data',
        file('cli/bad.csv', 'y\n1\n2\nabc\n4\n'),
        '--out',
        'o1',
      ),
    outcome: { exit: 1, out: 'o1' },
  },
  {
    input: 'JSONL with a bad line',
    where: 'cli: rnnkit train classify --data',
    run: () =>
      rnnkit('train', 'classify', '--data', file('cli/bad.jsonl', BAD_JSONL), '--out', 'o2'),
    outcome: { exit: 1, out: 'o2' },
  },
  {
    input: 'units -5',
    where: 'cli: rnnkit train text --units',
    run: () => rnnkit('train', 'text', '--data', okText(), '--units=-5', '--out', 'o3'),
    outcome: { exit: 2, out: 'o3' },
  },
  {
    input: 'weights int4',
    where: 'cli: rnnkit train text --weights',
    run: () => rnnkit('train', 'text', '--data', okText(), '--weights', 'int4', '--out', 'o-w'),
    outcome: { exit: 2, out: 'o-w' },
  },
  {
    input: 'unit sentence',
    where: 'cli: rnnkit train text --unit',
    run: () => rnnkit('train', 'text', '--data', okText(), '--unit', 'sentence', '--out', 'o-u'),
    outcome: { exit: 2, out: 'o-u' },
  },
  {
    input: 'batch size 0',
    where: 'cli: rnnkit train text --batch-size',
    run: () => rnnkit('train', 'text', '--data', okText(), '--batch-size', '0', '--out', 'o4'),
    outcome: { exit: 2, out: 'o4' },
  },
  {
    input: 'temperature 0',
    where: 'cli: rnnkit generate --temperature',
    run: async () =>
      rnnkit(
        'generate',
        await savedModel(),
        '--temperature',
        '0',
        '--prime',
        'he',
        '--length',
        '4',
      ),
    outcome: {
      behaviour: 'greedy: the most likely character each time (exit 0)',
      check: (r) => {
        expect((r as CliResult).code).toBe(0);
        expect((r as CliResult).stdout.startsWith('he')).toBe(true);
      },
    },
  },
  {
    input: 'temperature -1 (a value starting with -)',
    where: 'cli: rnnkit generate --temperature',
    run: async () => rnnkit('generate', await savedModel(), '--temperature', '-1'),
    outcome: { exit: 2 },
  },
  {
    input: 'learning rate -1 (a value starting with -)',
    where: 'cli: rnnkit train text --lr',
    run: () => rnnkit('train', 'text', '--data', okText(), '--lr', '-1', '--out', 'o5'),
    outcome: { exit: 2, out: 'o5' },
  },
  {
    input: 'output folder in /proc',
    where: 'cli: rnnkit train text --out',
    run: () => rnnkit('train', 'text', '--data', okText(), '--out', '/proc/nope'),
    outcome: { exit: 2 },
  },
  {
    input: 'output folder in /sys',
    where: 'cli: rnnkit train text --out',
    run: () => rnnkit('train', 'text', '--data', okText(), '--out', '/sys/nope'),
    outcome: { exit: 2 },
  },
  {
    input: 'top-p 1.5',
    where: 'cli: rnnkit generate --top-p',
    run: async () => rnnkit('generate', await savedModel(), '--top-p', '1.5'),
    outcome: { exit: 2 },
  },
  {
    input: 'model folder with a truncated weights.bin',
    where: 'cli: rnnkit generate',
    run: async () =>
      rnnkit(
        'generate',
        await brokenModel('cli-half-weights', (d) => truncateSync(join(d, 'weights.bin'), 10)),
      ),
    outcome: { exit: 1 },
  },
  {
    input: 'config file that is not JSON',
    where: 'cli: rnnkit train text --config',
    run: () =>
      rnnkit(
        'train',
        'text',
        '--data',
        okText(),
        '--config',
        file('cli/run.json', '{"epochs": 3,'),
      ),
    outcome: { exit: 2 },
  },
  {
    input: 'quantiles out of (0, 1): 0,0.5',
    where: 'cli: rnnkit train forecast --quantiles',
    run: () =>
      rnnkit('train', 'forecast', '--data', okSeries(), '--quantiles', '0,0.5', '--out', 'oq1'),
    outcome: { exit: 2, out: 'oq1' },
  },
  {
    input: 'quantiles not rising: 0.9,0.1',
    where: 'cli: rnnkit train forecast --quantiles',
    run: () =>
      rnnkit('train', 'forecast', '--data', okSeries(), '--quantiles', '0.9,0.1', '--out', 'oq2'),
    outcome: { exit: 2, out: 'oq2' },
  },
  {
    input: 'a series id the global model does not know',
    where: 'cli: rnnkit forecast --id',
    run: async () => {
      const long = ['a', 'b'].flatMap((id) =>
        Array.from({ length: 30 }, (_, i) => `${id},${i % 7}`),
      );
      const data = file('cli/long.csv', `id,y\n${long.join('\n')}\n`);
      const tiny = ['--units', '2', '--epochs', '1', '--seq-length', '4', '--force'];
      const t = await rnnkit(
        'train',
        'forecast',
        '--data',
        data,
        '--id-column',
        'id',
        ...tiny,
        '--out',
        'og',
      );
      if (t.code !== 0) throw new Error(`training the global model failed: ${t.stderr}`);
      return rnnkit('forecast', 'og', '--id', 'zz', '--steps', '2');
    },
    outcome: { exit: 1 },
  },
  {
    input: 'a normalisation that does not exist: mean',
    where: 'cli: rnnkit train forecast --normalize',
    run: () =>
      rnnkit('train', 'forecast', '--data', okSeries(), '--normalize', 'mean', '--out', 'on'),
    outcome: { exit: 2, out: 'on' },
  },
];

/** Trains the tiny LM one step on 4 examples (`yRows` targets) with `options` changed. */
function trainTiny(options: { batchSize?: number }, yRows = 4) {
  const model = tinyLm();
  const x = tf.zeros([4, 3], 'int32');
  const y = tf.zeros([yRows, 3], 'int32');
  return train(
    model,
    { x, y },
    { loss: 'sparseCategoricalCrossentropy', optimizer: { type: 'adam' }, steps: 1, ...options },
  ).finally(() => {
    tf.dispose([x, y]);
    model.dispose();
  });
}

/** A checkpoint manifest naming `bytes` bytes of weights (for the truncated-checkpoint row). */
function fakeManifest(bytes: number) {
  return {
    format: 'rnnkit-training-checkpoint',
    version: 1,
    step: 3,
    learningRate: 0.001,
    weightsBytes: bytes,
    checksum: '00000000',
    weights: [{ name: 'w', shape: [2], dtype: 'float32', offset: 0, size: 2 }],
    optimizer: { type: 'adam', iterations: 3, extras: {}, slots: [] },
    schedule: { type: 'constant' },
    loop: { epoch: 0, batchInEpoch: 3 },
  };
}

/** The one message line of a CLI failure (the last non-empty line of stderr). */
export function cliMessage(r: CliResult): string {
  const lines = r.stderr.split('\n').filter((l) => l.trim() !== '');
  return lines.at(-1) ?? '';
}
