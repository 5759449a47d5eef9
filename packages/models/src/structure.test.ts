/**
 * The architecture of `src/`, checked by walking its imports (library files, not tests or test
 * helpers): no import cycle; nothing outside `fast/` imports `fast/` but the package's entries (which
 * install it: `fast/install.ts` fills the model's seam, `fast-seam.ts`); no branch on a cell's name (`cell === 'lstm'`) outside `cells/` and
 * `fast/`, where each cell is defined once. `test-import-graph.ts` reads the imports.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { findCycles, importGraph, libraryFiles } from './test-import-graph.js';

const SRC = fileURLToPath(new URL('.', import.meta.url));
const files = libraryFiles(SRC);
const graph = importGraph(SRC, files);

/**
 * The model-side files that may import `fast/`: the two package entries, which install the speed
 * code (`fast/install.ts` fills `fast-seam.ts`'s `FAST`) and export its public parts.
 */
const FAST_IMPORTERS = ['index.ts', 'kernels.ts'];

describe('the import graph of @rnnkit/models', () => {
  it('reads every library file and its relative imports', () => {
    expect(files).toContain('index.ts');
    expect(files).toContain('cells/lstm.ts');
    expect(files.some((f) => f.endsWith('.test.ts'))).toBe(false);
    expect(graph.get('cells/layouts.ts')).toContain('cells/index.ts');
  });

  it('has no import cycle', () => {
    expect(findCycles(graph)).toEqual([]);
  });

  it('finds a cycle where there is one (the check itself)', () => {
    const g = new Map([
      ['a.ts', ['b.ts']],
      ['b.ts', ['c.ts']],
      ['c.ts', ['a.ts']],
      ['d.ts', ['a.ts']],
    ]);
    expect(findCycles(g)).toEqual([['a.ts', 'b.ts', 'c.ts']]);
  });

  it('imports fast/ only from fast/ and the package entries', () => {
    const importers = [...graph]
      .filter(([from, to]) => !from.startsWith('fast/') && to.some((t) => t.startsWith('fast/')))
      .map(([from]) => from)
      .sort();
    expect(importers).toEqual(FAST_IMPORTERS);
  });

  it("branches on a cell's name only in cells/ and fast/", () => {
    const branch =
      /(===|!==)\s*'(rnn|lstm|gru)'|'(rnn|lstm|gru)'\s*(===|!==)|case\s+'(rnn|lstm|gru)'/;
    const offenders = files
      .filter((f) => !f.startsWith('cells/') && !f.startsWith('fast/'))
      .filter((f) => branch.test(readFileSync(`${SRC}/${f}`, 'utf8')));
    expect(offenders).toEqual([]);
  });
});
