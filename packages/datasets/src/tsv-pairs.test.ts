import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { caught } from './test-helpers.js';
import { fromTsvPairs, fromTsvPairsFile } from './tsv-pairs.js';

describe('fromTsvPairs', () => {
  it('reads source<TAB>target lines, skipping blank lines and trimming sides', () => {
    expect(fromTsvPairs('hello\tHH AH0 L OW1\n\n  \nworld \t W ER1 L D\r\n')).toEqual([
      { source: 'hello', target: 'HH AH0 L OW1' },
      { source: 'world', target: 'W ER1 L D' },
    ]);
    expect(fromTsvPairs('a \tb ', { trim: false })).toEqual([{ source: 'a ', target: 'b ' }]);
  });

  it('reports a line without a tab with its line number', () => {
    const e = caught(() => fromTsvPairs('a\tb\n\nc d\n', { file: 'pairs.tsv' }));
    expect([e.code, e.line, e.file, e.value]).toEqual(['BAD_LINE', 3, 'pairs.tsv', 'c d']);
    expect(e.message).toBe(
      'pairs.tsv: line 3 has no tab: expected "source<TAB>target", got "c d"; separate source and ' +
        'target with one tab character (editors may have turned it into spaces)',
    );
  });

  it('reports extra columns unless told to ignore them (Tatoeba files have three)', () => {
    const text = 'Go.\tVa !\tCC-BY 2.0 (France) Attribution: tatoeba.org #2877272\n';
    const e = caught(() => fromTsvPairs(text));
    expect([e.code, e.line]).toEqual(['BAD_LINE', 1]);
    expect(e.message).toContain('has 3 tab-separated columns, not 2');
    expect(e.message).toContain("extraColumns: 'ignore'");
    expect(fromTsvPairs(text, { extraColumns: 'ignore' })).toEqual([
      { source: 'Go.', target: 'Va !' },
    ]);
  });

  it('reports an empty side and an empty input', () => {
    const e = caught(() => fromTsvPairs('a\tb\n\tc\n'));
    expect([e.code, e.line]).toEqual(['BAD_LINE', 2]);
    expect(e.message).toContain('has an empty source');
    expect(caught(() => fromTsvPairs('a\t \n')).message).toContain('has an empty target');
    expect(caught(() => fromTsvPairs('\n\n')).code).toBe('EMPTY_INPUT');
  });
});

describe('fromTsvPairsFile', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rnnkit-tsv-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads a UTF-8 file with BOM and CRLF, naming the file in errors', async () => {
    const file = join(dir, 'p.tsv');
    writeFileSync(file, '\uFEFFchat\tcat\r\nchien\tdog\r\n');
    expect(await fromTsvPairsFile(file)).toEqual([
      { source: 'chat', target: 'cat' },
      { source: 'chien', target: 'dog' },
    ]);
    writeFileSync(file, 'chat\tcat\nchien dog\n');
    await expect(fromTsvPairsFile(file)).rejects.toMatchObject({ code: 'BAD_LINE', line: 2, file });
  });
});

describe('fromTsvPairs round trip (property)', () => {
  it('reads back any pairs of tab- and newline-free, trimmed, non-empty sides', () => {
    const side = fc
      .string({ unit: 'grapheme', minLength: 1, maxLength: 12 })
      .map((x) => x.replace(/[\t\r\n\u2028\u2029]/g, ' ').trim())
      .filter((x) => x !== '' && !x.startsWith('\uFEFF'));
    fc.assert(
      fc.property(
        fc.array(fc.record({ source: side, target: side }), { minLength: 1, maxLength: 8 }),
        (pairs) => {
          const text = pairs.map((p) => `${p.source}\t${p.target}`).join('\n');
          expect(fromTsvPairs(text)).toEqual(pairs);
        },
      ),
      { numRuns: 300 },
    );
  });
});
