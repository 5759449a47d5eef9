/**
 * End-to-end, through the built binary and real pipes: the CLI behaves like a Unix tool. Option
 * values arrive exactly as typed; `-` is standard input for --data and --file; predict decodes its
 * input strictly; the backend is chosen (auto) and said; an unwritable --out fails at once; the
 * packages' errors are said with the CLI's flags.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, STACK_LINE, shell } from './run-cli.js';

const work = mkdtempSync(join(tmpdir(), 'rnnkit-unix-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const rnnkit = (...args: string[]) => runCli(work, args);
const sh = (line: string) => shell(work, line);
/** The error line: the last line of stderr (notes such as the backend line come before it). */
const lastLine = (stderr: string) => stderr.trimEnd().split('\n').at(-1) ?? '';
const TEXT = '--units 8 --epochs 1 --seq-length 8 --batch-size 16';

beforeAll(() => {
  // digits and x, so that --prime 007 and --prime 0x10 are made of known characters
  const lines = Array.from({ length: 30 }, (_, i) => `agent 007 took 0x10 to the ${i % 7} lab`);
  writeFileSync(join(work, 'corpus.txt'), `${lines.join('\n')}\n`);
  const pos = ['good', 'great', 'fine', 'lovely'];
  const neg = ['bad', 'awful', 'poor', 'sad'];
  const rows = Array.from({ length: 40 }, (_, i) => ({
    text: `the ${(i % 2 ? pos : neg)[i % 4]} film`,
    label: i % 2 ? 'pos' : 'neg',
  }));
  writeFileSync(join(work, 'reviews.jsonl'), rows.map((r) => JSON.stringify(r)).join('\n'));
  writeFileSync(join(work, 'rows.txt'), 'a good film\na sad film\n');
  const series = Array.from({ length: 90 }, (_, i) => (10 + Math.sin(i / 3)).toFixed(4));
  writeFileSync(join(work, 'series.csv'), `v\n${series.slice(0, 70).join('\n')}\n`);
  writeFileSync(join(work, 'tail.csv'), `v\n${series.slice(60).join('\n')}\n`);
  for (const [args, out] of [
    [`train text --data corpus.txt ${TEXT}`, 'lm'],
    ['train classify --data reviews.jsonl --units 8 --epochs 1', 'clf'],
    ['train forecast --data series.csv --units 8 --epochs 1 --seq-length 6', 'fc'],
  ] as const) {
    const r = sh(`rnnkit ${args} --quiet --out ${out}`);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  }
});

describe('- is standard input', () => {
  it('rnnkit train text --data - < corpus.txt trains the same model as --data corpus.txt', () => {
    const r = sh(`rnnkit train text --data - ${TEXT} --out lm-stdin < corpus.txt`);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^data: stdin, \d+ chars for training/m);
    expect(readFileSync(join(work, 'lm-stdin', 'weights.bin'))).toEqual(
      readFileSync(join(work, 'lm', 'weights.bin')),
    );
  });

  it('cat rows.txt | rnnkit predict m --file - labels each line, as from the file', () => {
    const piped = sh('cat rows.txt | rnnkit predict clf --file -');
    expect(piped.code).toBe(0);
    const lines = piped.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^(pos|neg) {2}\d\.\d{4} {2}a good film$/);
    expect(piped.stdout).toBe(rnnkit('predict', 'clf', '--file', 'rows.txt').stdout);
    // piped with no inputs at all reads standard input too
    expect(sh('cat rows.txt | rnnkit predict clf').stdout).toBe(piped.stdout);
  });

  it('cat tail.csv | rnnkit eval m --data - --column v scores as --data tail.csv does', () => {
    const piped = sh('cat tail.csv | rnnkit eval fc --data - --column v');
    expect(piped.code).toBe(0);
    expect(piped.stdout).toMatch(/rmse \d+\.\d{4}/);
    expect(piped.stdout).toBe(rnnkit('eval', 'fc', '--data', 'tail.csv', '--column', 'v').stdout);
  });

  it('rnnkit forecast m --data - continues the piped series', () => {
    const piped = sh('rnnkit forecast fc --data - --steps 3 < tail.csv');
    expect(piped.code).toBe(0);
    expect(piped.stdout.trimEnd().split('\n')).toHaveLength(3);
    expect(piped.stdout).toBe(
      rnnkit('forecast', 'fc', '--data', 'tail.csv', '--steps', '3').stdout,
    );
  });

  it('an empty standard input is named as such', () => {
    const r = sh('rnnkit train text --data - --out never < /dev/null');
    expect(r.code).toBe(1);
    expect(lastLine(r.stderr)).toBe(
      'rnnkit: stdin is empty: give a text file with some text to learn from',
    );
    expect(existsSync(join(work, 'never.checkpoint'))).toBe(false);
  });
});

describe('predict decodes its input as @rnnkit/datasets does', () => {
  it('drops a BOM and takes CRLF line ends as LF', () => {
    const r = sh(
      "printf '\\357\\273\\277a good film\\r\\na sad film\\r\\n' | rnnkit predict clf --json",
    );
    expect(r.code).toBe(0);
    const texts = r.stdout
      .trimEnd()
      .split('\n')
      .map((l) => (JSON.parse(l) as { text: string }).text);
    expect(texts).toEqual(['a good film', 'a sad film']);
  });

  it('stops at bad UTF-8 with its byte offset, from stdin or a file', () => {
    const r = sh("printf 'good\\nfa\\351 film\\n' | rnnkit predict clf --file -");
    expect(r.code).toBe(1);
    expect(lastLine(r.stderr)).toMatch(/^rnnkit: stdin: invalid UTF-8 at byte 7 \(line 2\): /);
    expect(r.stderr).not.toMatch(STACK_LINE);
    writeFileSync(join(work, 'latin1.txt'), Buffer.from([0x67, 0x6f, 0xe9, 0x0a]));
    const f = rnnkit('predict', 'clf', '--file', 'latin1.txt');
    expect(f.code).toBe(1);
    expect(f.stderr).toContain(`${join(work, 'latin1.txt')}: invalid UTF-8 at byte 2 (line 1)`);
    expect(f.stderr).not.toMatch(STACK_LINE);
  });
});

describe('option values reach the command exactly as typed', () => {
  it('rnnkit generate m --prime 007 starts with "007"; 0x10 with "0x10"', () => {
    for (const prime of ['007', '0x10', '-7']) {
      const r = rnnkit('generate', 'lm', '--prime', prime, '--length', '5');
      expect(r.code).toBe(0);
      expect(r.stdout.startsWith(prime)).toBe(true);
      expect(r.stdout.length).toBeGreaterThan(prime.length + 1);
    }
    const empty = rnnkit('generate', 'lm', '--prime', '');
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain('rnnkit: --prime "" has no character the model knows');
  });

  // each string flag, given values a number parser would change: the command echoes them back
  it.each([
    [['train', 'text', '--data', '007'], `cannot read "${join(work, '007')}"`],
    [['train', 'text', '--dataset', '0x10'], 'unknown dataset "0x10"'],
    [
      ['train', 'forecast', '--data', 'series.csv', '--column', '01'],
      `${join(work, 'series.csv')} has no column "01"`,
    ],
    [
      ['train', 'forecast', '--data', 'series.csv', '--column', 'v,1', '--target', '007'],
      'has no column "007"',
    ],
    [
      ['train', 'classify', '--data', 'reviews.jsonl', '--text-field', '007', '--out', 'x'],
      'no text field "007"',
    ],
    [
      ['train', 'classify', '--data', 'reviews.jsonl', '--label-field', '-1', '--out', 'x'],
      'no label field "-1"',
    ],
    [['train', 'text', '--config', '007'], `cannot read the config file ${join(work, '007')}`],
    [['train', 'text', '--resume', '0x10'], `no run to resume in ${join(work, '0x10')}`],
    [['predict', 'clf', '--file', '007'], `cannot read "${join(work, '007')}"`],
    [['eval', 'fc', '--data', '0x10'], `cannot read "${join(work, '0x10')}"`],
    [['eval', 'fc', '--data', 'tail.csv', '--column', '01'], 'has no column "01"'],
    [['forecast', 'fc', '--data', '-007'], `cannot read "${join(work, '-007')}"`],
  ])('rnnkit %j says %s', (args, message) => {
    const r = rnnkit(...args);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(message);
    expect(r.stderr).not.toMatch(STACK_LINE);
  });

  it('--out, --plot and --attention-map name files as typed', () => {
    const r = sh(`rnnkit train text --data corpus.txt ${TEXT} --quiet --out 007`);
    expect(r.code).toBe(0);
    expect(existsSync(join(work, '007', 'rnnkit.json'))).toBe(true);
    const p = rnnkit('forecast', 'fc', '--steps', '2', '--plot', '0x10');
    expect(p.code).toBe(0);
    expect(readFileSync(join(work, '0x10'), 'utf8')).toMatch(/^<svg /);
    const d = rnnkit('demo', '--only', 'chars', '--iterations', '1', '--text', '007');
    expect(d.stderr).toContain('next character of "007"');
  });

  it("a value starting with - is the flag's value: --lr -1 is a bad learning rate", () => {
    const r = rnnkit('train', 'text', '--data', 'corpus.txt', '--lr', '-1');
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'rnnkit: --lr (learning rate) must be a number in [1e-8, 10], got "-1"\n',
    );
    const u = rnnkit('train', 'text', '--data', 'corpus.txt', '--units', '0x10');
    expect(u.stderr).toBe('rnnkit: --units must be a whole number >= 1, got "0x10"\n');
  });

  it('--temperature 0 is greedy: the most likely character, whatever the seed', () => {
    const a = rnnkit('generate', 'lm', '--prime', 'agent', '--temperature', '0', '--seed', '1');
    const b = rnnkit('generate', 'lm', '--prime', 'agent', '--temperature', '0', '--seed', '9');
    const k = rnnkit('generate', 'lm', '--prime', 'agent', '--top-k', '1', '--seed', '5');
    expect(a.code).toBe(0);
    expect(a.stdout).toBe(b.stdout);
    expect(a.stdout).toBe(k.stdout); // top-k 1 is greedy too
  });
});

describe('the backend', () => {
  it('is auto by default: the fastest that loads, said in one line; --backend forces one', () => {
    const auto = rnnkit('generate', 'lm', '--length', '3');
    expect(auto.stderr).toMatch(/^backend: (wasm \(auto: the fastest|cpu \(auto: wasm did not)/m);
    for (const cmd of [
      ['generate', 'lm', '--length', '3'],
      ['eval', 'fc', '--data', 'tail.csv'],
      ['predict', 'clf', 'a good film'],
      ['forecast', 'fc', '--steps', '2'],
    ]) {
      const r = rnnkit(...cmd, '--backend', 'cpu');
      expect(r.code).toBe(0);
      expect(r.stderr).toMatch(/^backend: cpu \(--backend cpu\)$/m);
    }
    const bad = rnnkit('eval', 'fc', '--data', 'tail.csv', '--backend', 'gpu');
    expect(bad.stderr).toBe('rnnkit: --backend must be one of auto, cpu, wasm, got "gpu"\n');
  });

  it('train --time-budget stops after that long and saves the model', () => {
    const r = rnnkit(
      'train',
      'text',
      '--data',
      'corpus.txt',
      '--epochs',
      '100000',
      '--time-budget',
      '0.5s',
      '--json',
      '--out',
      'budget',
    );
    expect(r.code).toBe(0);
    const done = r.stdout
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .find((e) => e['type'] === 'done');
    // stopped by the budget (the task's step callback), long before 100000 epochs
    expect(done).toMatchObject({ stopReason: 'callback' });
    expect(existsSync(join(work, 'budget', 'weights.bin'))).toBe(true);
    const bad = rnnkit('train', 'text', '--data', 'corpus.txt', '--time-budget', '10x');
    expect(bad.stderr).toBe(
      'rnnkit: --time-budget must be a duration such as 90s, 10m or 1h30m, got "10x"\n',
    );
  });
});

describe('an unwritable --out', () => {
  it.each([
    ['/proc/nope', /\/proc does not take new folders \(E[A-Z]+\)/],
    ['/sys/nope', /\/sys does not take new folders \(E[A-Z]+\)/],
    ['corpus.txt/model', /corpus\.txt is a file, not a folder/],
  ])('--out %s fails at once, in one line, before training', (out, why) => {
    const r = runCli(work, ['train', 'text', '--data', 'corpus.txt', '--out', out]);
    expect(r.code).toBe(2);
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^rnnkit: cannot write the model folder /);
    expect(lines[0]).toMatch(why);
    expect(lines[0]).toMatch(/give --out a folder you can write$/);
  });
});

describe("the packages' errors in the CLI's words", () => {
  it('an empty cell says to fill it, not to pass missing: skip-row', () => {
    writeFileSync(join(work, 'gap.csv'), 'v,w\n1,1\n2,2\n,3\n4,4\n5,5\n');
    const r = rnnkit('train', 'forecast', '--data', 'gap.csv', '--column', 'v', '--out', 'g');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/missing value at row 3 .*fill the cell in or remove its row\n$/);
    expect(r.stderr).not.toContain('skip-row');
  });

  it('a validation share too large names --val-split and --seq-length', () => {
    const r = rnnkit(
      'train',
      'forecast',
      '--data',
      'series.csv',
      '--seq-length',
      '34',
      '--val-split',
      '0.5',
      '--out',
      'vs',
    );
    expect(r.code).toBe(1);
    expect(lastLine(r.stderr)).toBe(
      'rnnkit: no training window fits before the validation part (35 values): lower --val-split or --seq-length',
    );
    expect(r.stderr).not.toContain('validationShare');
  });
});
