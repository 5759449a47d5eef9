/**
 * End-to-end: `rnnkit train names` on a small JSONL file of names by language written here, then
 * `generate --condition`, and its errors.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';

const work = mkdtempSync(join(tmpdir(), 'rnnkit-names-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const rnnkit = (...args: string[]) => runCli(work, args);

beforeAll(() => {
  const fr = ['pierre', 'jean', 'marie', 'claude', 'louis', 'andre', 'michel', 'jacques'];
  const en = ['john', 'mary', 'james', 'robert', 'linda', 'susan', 'david', 'karen'];
  const rows = fr.flatMap((n, i) => [
    { text: n, label: 'fr' },
    { text: en[i], label: 'en' },
  ]);
  writeFileSync(join(work, 'names.jsonl'), rows.map((r) => JSON.stringify(r)).join('\n'));
});

describe('rnnkit train names', () => {
  it('trains on names by language, then generates names for a condition, the same for a seed', () => {
    const r = rnnkit(
      'train',
      'names',
      '--data',
      'names.jsonl',
      '--units',
      '8',
      '--epochs',
      '2',
      '--out',
      'g',
    );
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(
      /^data: .*names\.jsonl \(16 examples\), \d+ examples for training, \d+ held out, 2 conditions/m,
    );
    expect(r.stderr).toMatch(
      /^epoch 2\/2 {2}train loss \d+\.\d{4} {2}val loss \d+\.\d{4} {2}val bitsPerChar \d+\.\d{4}$/m,
    );
    expect(r.stderr).toMatch(/^validation: \d+\.\d{4} bits per char on \d+ examples$/m);
    const a = rnnkit('generate', 'g', '--condition', 'fr', '--count', '3', '--seed', '1');
    const b = rnnkit('generate', 'g', '--condition', 'fr', '--count', '3', '--seed', '1');
    expect(a.code).toBe(0);
    expect(a.stdout.trimEnd().split('\n')).toHaveLength(3);
    expect(a.stdout).toBe(b.stdout);
  });

  it('holds out a share of every condition, so a file sorted by condition trains and scores', () => {
    // sorted by language, as names-by-language is: a held-out tail would be only 'it' names
    const fr = ['pierre', 'jean', 'marie', 'claude', 'louis', 'andre', 'michel', 'jacques'];
    const it = ['giulia', 'marco', 'luca', 'chiara', 'paolo', 'sara', 'matteo', 'elena'];
    const rows = [
      ...fr.map((n) => ({ text: n, label: 'fr' })),
      ...it.map((n) => ({ text: n, label: 'it' })),
    ];
    writeFileSync(join(work, 'sorted.jsonl'), rows.map((r) => JSON.stringify(r)).join('\n'));
    const r = rnnkit(
      'train',
      'names',
      '--data',
      'sorted.jsonl',
      '--units',
      '8',
      '--epochs',
      '1',
      '--val-split',
      '0.25',
      '--out',
      's',
    );
    expect(r.stderr).toMatch(/^data: .*, 12 examples for training, 4 held out, 2 conditions/m);
    expect(r.stderr).toMatch(/^validation: \d+\.\d{4} bits per char on 4 examples$/m);
    expect(r.code).toBe(0);
  });

  it('lists the conditions when --condition is missing or unknown (exit 2)', () => {
    const m = rnnkit('generate', 'g');
    expect(m.code).toBe(2);
    expect(m.stderr.trim()).toBe('rnnkit: give --condition <name>: the conditions are en, fr');
    const u = rnnkit('generate', 'g', '--condition', 'de');
    expect(u.code).toBe(2);
    expect(u.stderr.trim()).toBe('rnnkit: unknown condition "de": the conditions are en, fr');
  });
});
