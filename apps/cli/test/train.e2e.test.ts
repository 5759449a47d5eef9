/**
 * End-to-end: `rnnkit train text` on a small text file written here, then `inspect` and
 * `generate` on the model it saved, and the error cases of each.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliResult, runCli, STACK_LINE, writeText } from './run-cli.js';

const work = mkdtempSync(join(tmpdir(), 'rnnkit-train-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const rnnkit = (...args: string[]) => runCli(work, args);
/** Tiny and fast: 16 units, 2 epochs of a 2 kB text. */
const TINY = ['--units', '16', '--epochs', '2', '--seq-length', '16', '--batch-size', '32'];

let trained: CliResult;
beforeAll(() => {
  writeText(work, 'small.txt');
  trained = rnnkit('train', 'text', '--data', 'small.txt', ...TINY, '--out', 'lm');
});

describe('rnnkit train text', () => {
  it('prints the settings, a progress bar, one line per epoch, a loss chart, and saves the model', () => {
    expect(trained.code).toBe(0);
    const err = trained.stderr;
    expect(err).toMatch(
      /^data: .*small\.txt, \d+ chars for training, \d+ held out \(val-split 0\.1\); backend (wasm|cpu)$/m,
    );
    expect(err).toMatch(
      /^text: cell lstm, units 16 \(set\), seqLength 16 \(set\), epochs 2 \(set\) \(defaults for \d+ kB of text\)$/m,
    );
    expect(err).toMatch(
      /\d+\/\d+ steps {2}epoch 1\/2 {2}loss \d+\.\d{4} {2}\d+ tokens\/s {2}ETA \d+s/,
    );
    // the held-out share (val-split) is scored every epoch
    expect(err).toMatch(
      /^epoch 1\/2 {2}train loss \d+\.\d{4} {2}val loss \d+\.\d{4} {2}val bitsPerChar \d+\.\d{4}$/m,
    );
    expect(err).toMatch(
      /^epoch 2\/2 {2}train loss \d+\.\d{4} {2}val loss \d+\.\d{4} {2}val bitsPerChar \d+\.\d{4}$/m,
    );
    expect(err).toMatch(/^validation: \d+\.\d{4} bits per char on \d+ chars$/m);
    expect(err).toMatch(/^train loss by step\n\d+\.\d{4} ┤/m);
    expect(trained.stdout.trim()).toBe(
      `saved ${join(work, 'lm')} (rnnkit.json, model.json, weights.bin, loss.svg)`,
    );
    const svg = readFileSync(join(work, 'lm', 'loss.svg'), 'utf8');
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg).toContain('train');
  });

  it('prints only JSON events on stdout with --json, parsed line by line', () => {
    const r = rnnkit('train', 'text', '--data', 'small.txt', ...TINY, '--out', 'lm-json', '--json');
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const events = r.stdout
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string } & Record<string, unknown>);
    const types = events.map((e) => e.type);
    expect(types[0]).toBe('data');
    expect(types[1]).toBe('backend');
    expect(types[2]).toBe('defaults');
    expect(types.filter((t) => t === 'epoch')).toHaveLength(2);
    expect(types.slice(-3)).toEqual(['done', 'validation', 'saved']);
    const progress = events.filter((e) => e.type === 'progress');
    expect(progress.length).toBeGreaterThan(2);
    expect(progress[0]).toMatchObject({ step: 1, epoch: 0 });
    expect(typeof progress[0]!['loss']).toBe('number');
    expect(events.at(-1)).toMatchObject({ type: 'saved', out: join(work, 'lm-json') });
  });

  it('trains to the same weights for the same seed', () => {
    const a = readFileSync(join(work, 'lm', 'weights.bin'));
    const b = readFileSync(join(work, 'lm-json', 'weights.bin'));
    expect(a.equals(b)).toBe(true);
  });

  it('takes options from --config, with flags overriding the file; --quiet prints only the result (on wasm)', () => {
    writeFileSync(
      join(work, 'run.json'),
      JSON.stringify({ data: 'small.txt', units: 8, epochs: 1, seqLength: 16, batchSize: 32 }),
    );
    const r = rnnkit('train', 'text', '--config', 'run.json', '--units', '12', '--out', 'lm-cfg');
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/units 12 \(set\), seqLength 16 \(set\), epochs 1 \(set\)/);
    const q = rnnkit(
      'train',
      'text',
      '--config',
      'run.json',
      '--out',
      'lm-q',
      '--quiet',
      '--backend',
      'wasm',
    );
    expect(q.code).toBe(0);
    expect(q.stderr).toBe('');
    expect(q.stdout).toMatch(/^saved .*lm-q /);
  });

  it('refuses an existing output folder (exit 2) unless --force', () => {
    mkdirSync(join(work, 'taken'));
    writeFileSync(join(work, 'taken', 'old.txt'), 'x');
    const r = rnnkit('train', 'text', '--data', 'small.txt', ...TINY, '--out', 'taken');
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(
      `rnnkit: the output folder ${join(work, 'taken')} exists: give another --out, or --force to overwrite it`,
    );
    const f = rnnkit(
      'train',
      'text',
      '--data',
      'small.txt',
      ...TINY,
      '--epochs',
      '1',
      '--out',
      'taken',
      '--force',
      '--quiet',
    );
    expect(f.code).toBe(0);
    expect(() => readFileSync(join(work, 'taken', 'old.txt'))).toThrow();
    expect(readFileSync(join(work, 'taken', 'rnnkit.json'), 'utf8')).toContain('text-generation');
  });

  it('takes the task by its name in the task table too (text-generation)', () => {
    const r = rnnkit(
      'train',
      'text-generation',
      '--data',
      'small.txt',
      ...TINY,
      '--out',
      'lm-kebab',
    );
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^text: cell lstm, units 16 \(set\)/m);
    expect(readFileSync(join(work, 'lm-kebab', 'rnnkit.json'), 'utf8')).toContain(
      '"task": "text-generation"',
    );
  });

  it.each([
    [
      ['train', 'poetry', '--data', 'small.txt'],
      2,
      'rnnkit: unknown task "poetry": the tasks are text-generation, classification, forecasting, conditional-generation, seq2seq (see rnnkit train --help)',
    ],
    [
      ['train', 'text', '--dataset', 'shakespeare'],
      2,
      'rnnkit: unknown dataset "shakespeare": the datasets are moby-dick, sentiment-sentences, co2, names-by-language, cmudict (see rnnkit datasets)',
    ],
    [
      ['train', 'text', '--dataset', 'co2'],
      2,
      'rnnkit: dataset co2 is for task forecast, not text: run rnnkit train forecast --dataset co2',
    ],
    [
      ['train', 'text'],
      2,
      'rnnkit: no training data: give --data <file> (- for stdin) or --dataset <name> (see rnnkit datasets)',
    ],
    [
      ['train', 'text', '--data', 'small.txt', '--units', '0'],
      2,
      'rnnkit: --units must be a whole number >= 1, got "0"',
    ],
    [
      ['train', 'text', '--data', 'small.txt', '--cell', 'transformer'],
      2,
      'rnnkit: --cell must be one of rnn, lstm, gru, got "transformer"',
    ],
    [
      ['train', 'text', '--data', 'small.txt', '--config', 'nope.json'],
      2,
      `rnnkit: cannot read the config file ${join(work, 'nope.json')}: check the path`,
    ],
  ])('rnnkit %j exits %i with one line', (args, code, message) => {
    const r = rnnkit(...args);
    expect(r.code).toBe(code);
    expect(r.stderr.trim()).toBe(message);
  });

  it('names a missing file (exit 1) and shows the stack only with --verbose', () => {
    const r = rnnkit('train', 'text', '--data', 'missing.txt', '--out', 'never');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^rnnkit: cannot read ".*missing\.txt": no such file; check the path/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    const v = rnnkit('train', 'text', '--data', 'missing.txt', '--out', 'never', '--verbose');
    expect(v.code).toBe(1);
    expect(v.stderr).toMatch(STACK_LINE);
  });

  it('names an empty file (exit 1)', () => {
    writeFileSync(join(work, 'empty.txt'), '\n');
    const r = rnnkit('train', 'text', '--data', 'empty.txt', '--out', 'never');
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe(
      `rnnkit: ${join(work, 'empty.txt')} is empty: give a text file with some text to learn from`,
    );
  });
});

describe('rnnkit inspect', () => {
  it('shows task, topology, parameters, vocab, config and metrics', () => {
    const r = rnnkit('inspect', 'lm');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^task {8}text-generation$/m);
    expect(r.stdout).toMatch(/^topology {4}manyToMany \(cell lstm, units 16, layers 1, /m);
    expect(r.stdout).toMatch(/^parameters {2}\d[\d ]*$/m);
    expect(r.stdout).toMatch(/^vocab {7}\d+ tokens$/m);
    expect(r.stdout).toMatch(/^config {6}.*epochs 2, batchSize 32/m);
    expect(r.stdout).toMatch(/^metrics {5}bitsPerChar \d+(\.\d+)?, chars \d+$/m);
  });

  it('prints one JSON object with --json', () => {
    const r = rnnkit('inspect', 'lm', '--json');
    expect(r.code).toBe(0);
    const s = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(s['task']).toBe('text-generation');
    expect(s['parameters']).toBeGreaterThan(0);
    expect(s['vocabSize']).toBeGreaterThan(10);
  });

  it('names the missing file of a missing model folder (exit 1)', () => {
    const r = rnnkit('inspect', 'nowhere');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /^rnnkit: no model folder .*nowhere: give the folder rnnkit train --out saved/,
    );
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('says an empty folder holds no model, and a truncated weights.bin is cut short (exit 1)', () => {
    mkdirSync(join(work, 'empty-model'));
    const e = rnnkit('inspect', 'empty-model');
    expect(e.code).toBe(1);
    expect(e.stderr).toMatch(/^rnnkit: .*empty-model holds no saved model \(no rnnkit\.json/);
    cpSync(join(work, 'lm'), join(work, 'cut'), { recursive: true });
    const w = readFileSync(join(work, 'cut', 'weights.bin'));
    writeFileSync(join(work, 'cut', 'weights.bin'), w.subarray(0, 100));
    const g = rnnkit('generate', 'cut', '--length', '5');
    expect(g.code).toBe(1);
    expect(g.stderr).toMatch(
      /^rnnkit: .*cut\/weights\.bin has 100 bytes but .* needs \d+ \(cut short/,
    );
    expect(g.stderr).not.toMatch(STACK_LINE);
  });

  it('names the corrupt file of a model folder (exit 1)', () => {
    mkdirSync(join(work, 'corrupt'));
    writeFileSync(join(work, 'corrupt', 'rnnkit.json'), '{oops');
    const r = rnnkit('inspect', 'corrupt');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /^rnnkit: .*corrupt\/rnnkit\.json is not a valid rnnkit\.json: not JSON/,
    );
    expect(r.stderr).not.toMatch(STACK_LINE);
  });
});

describe('rnnkit generate', () => {
  it('writes the prime and then the generated characters, the same for the same seed', () => {
    const a = rnnkit('generate', 'lm', '--prime', 'the ', '--length', '30', '--seed', '1');
    const b = rnnkit('generate', 'lm', '--prime', 'the ', '--length', '30', '--seed', '1');
    const c = rnnkit('generate', 'lm', '--prime', 'the ', '--length', '30', '--seed', '2');
    expect(a.code).toBe(0);
    expect(a.stdout.startsWith('the ')).toBe(true);
    expect(a.stdout.endsWith('\n')).toBe(true);
    expect(a.stdout).not.toContain('<pad>');
    expect(a.stdout).toBe(b.stdout);
    expect(a.stdout).not.toBe(c.stdout);
  });

  it('takes temperature, top-k and top-p; greedy top-k 1 ignores the seed', () => {
    const a = rnnkit(
      'generate',
      'lm',
      '--prime',
      'cat',
      '--length',
      '20',
      '--top-k',
      '1',
      '--seed',
      '1',
    );
    const b = rnnkit(
      'generate',
      'lm',
      '--prime',
      'cat',
      '--length',
      '20',
      '--top-k',
      '1',
      '--seed',
      '9',
    );
    expect(a.code).toBe(0);
    expect(a.stdout).toBe(b.stdout);
    const p = rnnkit('generate', 'lm', '--length', '10', '--top-p', '0.9', '--temperature', '0.5');
    expect(p.code).toBe(0);
  });

  it('rejects bad sampling flags (exit 2) and a missing model (exit 1)', () => {
    const t = rnnkit('generate', 'lm', '--temperature', '-0.5');
    expect(t.code).toBe(2);
    expect(t.stderr.trim()).toBe('rnnkit: --temperature must be a number in [0, 100], got "-0.5"');
    const m = rnnkit('generate', 'nowhere');
    expect(m.code).toBe(1);
    expect(m.stderr).toMatch(/no model folder .*nowhere/);
  });
});
