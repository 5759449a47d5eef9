/**
 * End-to-end: `rnnkit train seq2seq` on a small TSV pairs file written here, then predict and
 * eval on the saved model, and the TSV error cases.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';

const work = mkdtempSync(join(tmpdir(), 'rnnkit-seq2seq-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const rnnkit = (...args: string[]) => runCli(work, args);

beforeAll(() => {
  // reverse a short word: 'abc' -> 'cba'
  const words = Array.from({ length: 40 }, (_, i) =>
    Array.from({ length: 2 + (i % 3) }, (_, k) => 'abcde'[(i * 7 + k * 3) % 5]).join(''),
  );
  writeFileSync(
    join(work, 'pairs.tsv'),
    `${words.map((w) => `${w}\t${[...w].reverse().join('')}`).join('\n')}\n`,
  );
  writeFileSync(join(work, 'bad.tsv'), 'a\tb\tc\n');
  writeFileSync(join(work, 'empty.tsv'), '');
});

describe('rnnkit train seq2seq', () => {
  it('trains on TSV pairs, scores the held-out pairs, and predict/eval read the model', () => {
    const r = rnnkit(
      'train',
      'seq2seq',
      '--data',
      'pairs.tsv',
      '--units',
      '8',
      '--epochs',
      '2',
      '--out',
      's',
      '--attention-map',
      'held-out.svg',
    );
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(
      /^data: .*pairs\.tsv \(40 pairs\), 36 pairs for training, 4 held out/m,
    );
    expect(r.stderr).toMatch(
      /^validation: word accuracy \d\.\d{4}, token error rate \d+\.\d{4} on 4 pairs$/m,
    );
    expect(r.stderr).not.toContain('non-serializable');
    // the attention of the first held-out source, one row per output token (<eos> included)
    expect(r.stderr).toMatch(/^wrote .*held-out\.svg \(attention for "[a-e]+"\)$/m);
    expect(readFileSync(join(work, 'held-out.svg'), 'utf8')).toContain('&#60;eos&#62;');
    const p = rnnkit('predict', 's', 'abc', 'de', '--attention-map', 'abc.svg');
    expect(p.code).toBe(0);
    expect(p.stderr).toMatch(/wrote .*abc\.svg \(attention for "abc"\)/);
    const svg = readFileSync(join(work, 'abc.svg'), 'utf8');
    // 3 source columns, and at least the <eos> row: 3 cells or more, each a weight in [0, 1]
    const cells = [...svg.matchAll(/<title>[^<]*: (\d\.\d{3})<\/title>/g)].map((m) => Number(m[1]));
    expect(cells.length % 3).toBe(0);
    expect(cells.length).toBeGreaterThanOrEqual(3);
    for (const v of cells) expect(v).toBeLessThanOrEqual(1);
    const lines = p.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^abc\t/);
    const e = rnnkit('eval', 's', '--data', 'pairs.tsv', '--json');
    expect(e.code).toBe(0);
    expect(JSON.parse(e.stdout)).toMatchObject({ examples: 40 });
  });

  it.each([
    [
      'bad.tsv',
      /bad\.tsv: line 1 is not one source<TAB>target pair \(got ".*"\): separate source and target with one tab, both non-empty, or remove the line$/,
    ],
    ['empty.tsv', /empty\.tsv is empty: give one "source<TAB>target" pair per line$/],
  ])('%s exits 1 with one line', (file, message) => {
    const r = rnnkit('train', 'seq2seq', '--data', file, '--out', 'never');
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr.trim()).toMatch(message);
  });
});
