/**
 * End-to-end: `rnnkit train classify` on small JSONL and CSV files written here, and their errors.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';

const work = mkdtempSync(join(tmpdir(), 'rnnkit-classify-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const rnnkit = (...args: string[]) => runCli(work, args);
const TINY = ['--units', '8', '--epochs', '2'];

beforeAll(() => {
  const pos = ['good', 'great', 'fine', 'lovely'];
  const neg = ['bad', 'awful', 'poor', 'sad'];
  const rows = Array.from({ length: 40 }, (_, i) => {
    const words = i % 2 ? pos : neg;
    return {
      review: `the ${words[i % 4]} movie ${words[(i + 1) % 4]}`,
      stars: i % 2 ? 'pos' : 'neg',
    };
  });
  writeFileSync(join(work, 'reviews.jsonl'), rows.map((r) => JSON.stringify(r)).join('\n'));
  writeFileSync(
    join(work, 'reviews.csv'),
    `review,stars\n${rows.map((r) => `${r.review},${r.stars}`).join('\n')}\n`,
  );
  writeFileSync(join(work, 'empty.jsonl'), '\n');
});

describe('rnnkit train classify', () => {
  it('trains on JSONL with --text-field/--label-field, validating every epoch', () => {
    const r = rnnkit(
      'train',
      'classify',
      '--data',
      'reviews.jsonl',
      '--text-field',
      'review',
      '--label-field',
      'stars',
      ...TINY,
      '--out',
      'c',
    );
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^data: .*reviews\.jsonl \(40 examples\), 40 examples, 2 labels/m);
    expect(r.stderr).toMatch(
      /^epoch 2\/2 {2}train loss \d+\.\d{4} {2}val loss \d+\.\d{4} {2}val accuracy \d\.\d{4}$/m,
    );
    expect(rnnkit('inspect', 'c').stdout).toMatch(/^task {8}classification$/m);
  });

  it('trains on CSV with --column (text) and --target (label)', () => {
    const r = rnnkit(
      'train',
      'classify',
      '--data',
      'reviews.csv',
      '--column',
      'review',
      '--target',
      'stars',
      ...TINY,
      '--out',
      'c2',
      '--quiet',
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^saved .*c2 /);
  });

  it.each([
    [
      ['--data', 'reviews.jsonl'],
      1,
      /reviews\.jsonl: line 1: no text field "text" holding a string; the record has: review, stars; give --text-field <field>$/,
    ],
    [
      ['--data', 'reviews.jsonl', '--text-field', 'review'],
      1,
      /reviews\.jsonl: line 1: no label field "label" holding a number or a string; the record has: review, stars; give --label-field <field>$/,
    ],
    [['--data', 'empty.jsonl'], 1, /empty\.jsonl is empty: give one JSON object per line$/],
    [['--data', 'reviews.csv'], 2, /needs both flags$/],
    [
      ['--data', 'reviews.csv', '--column', 'text', '--target', 'stars'],
      2,
      /reviews\.csv has no column "text"; the columns are review, stars$/,
    ],
    [
      ['--dataset', 'moby-dick'],
      2,
      /dataset moby-dick is for task text, not classify: run rnnkit train text --dataset moby-dick$/,
    ],
  ])('%j exits %i with one line', (flags, code, message) => {
    const r = rnnkit('train', 'classify', ...flags, '--out', 'never');
    expect(r.code).toBe(code);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr.trim()).toMatch(message);
  });
});

describe('rnnkit predict and eval on a classifier', () => {
  // the model "c" of the first test above
  it('prints a label and its probability for each text argument', () => {
    const r = rnnkit('predict', 'c', 'the good movie', 'the awful movie');
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^(pos|neg) {2}\d\.\d{4} {2}the good movie$/);
    expect(lines[1]).toMatch(/^(pos|neg) {2}\d\.\d{4} {2}the awful movie$/);
  });

  it('reads texts from --file, and JSON with --json', () => {
    writeFileSync(join(work, 'texts.txt'), 'lovely\n\npoor film\n');
    const r = rnnkit('predict', 'c', '--file', 'texts.txt', '--json');
    expect(r.code).toBe(0);
    const rows = r.stdout
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(rows.map((x) => x['text'])).toEqual(['lovely', 'poor film']);
    for (const x of rows) {
      expect(['pos', 'neg']).toContain(x['label']);
      expect(x['probability']).toBeGreaterThanOrEqual(0.5);
    }
  });

  it('eval prints the accuracy on labelled data', () => {
    const r = rnnkit(
      'eval',
      'c',
      '--data',
      'reviews.jsonl',
      '--text-field',
      'review',
      '--label-field',
      'stars',
    );
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toMatch(/^accuracy \d\.\d{4} {2}examples 40$/);
    const j = rnnkit(
      'eval',
      'c',
      '--data',
      'reviews.jsonl',
      '--text-field',
      'review',
      '--label-field',
      'stars',
      '--json',
    );
    expect(JSON.parse(j.stdout)).toMatchObject({ examples: 40 });
  });

  it('refuses the wrong kind of model (exit 2) and eval without --data (exit 2)', () => {
    const f = rnnkit('forecast', 'c');
    expect(f.code).toBe(2);
    expect(f.stderr.trim()).toBe(
      'rnnkit: c holds a classification model: forecast needs a forecasting model',
    );
    const e = rnnkit('eval', 'c');
    expect(e.code).toBe(2);
    expect(e.stderr.trim()).toBe(
      'rnnkit: eval needs held-out data: give --data <file> (- for stdin) or --dataset <name>',
    );
  });
});
