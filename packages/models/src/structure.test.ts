/**
 * The architecture of `src/`, checked by walking its imports (library files, not tests or test
 * helpers): no import cycle; nothing outside `fast/` imports `fast/` but the package's entries (which
 * install it: `fast/install.ts` fills the model's seam, `fast-seam.ts`); no branch on a cell's name (`cell === 'lstm'`) outside `cells/` and
 * `fast/`, where each cell is defined once. `test-import-graph.ts` reads the imports. And the
 * built declarations the entries reach never import the optional `@rnnkit/native`.
 */
import { readFileSync } from 'node:fs';
import { posix } from 'node:path';
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

/**
 * The declaration files the package's entries (`exports` in package.json) make a user's compiler
 * read, and which of them import `pkg`: built ones (`dist/`, which the test task builds first).
 */
function declarationsImporting(pkg: string): { read: number; importers: string[] } {
  const dist = fileURLToPath(new URL('../dist/', import.meta.url));
  const seen = new Set<string>();
  const importers: string[] = [];
  const todo = ['index.d.ts', 'kernels.d.ts', 'fast/web-threads.d.ts'];
  for (let f = todo.pop(); f !== undefined; f = todo.pop()) {
    if (seen.has(f)) continue;
    seen.add(f);
    const text = readFileSync(posix.join(dist, f), 'utf8');
    for (const m of text.matchAll(/(?:from\s+|import\(\s*)['"]([^'"]+)['"]/g)) {
      const id = m[1] as string;
      if (id === pkg) importers.push(f);
      if (id.startsWith('.')) {
        todo.push(posix.normalize(posix.join(posix.dirname(f), id.replace(/\.js$/, '.d.ts'))));
      }
    }
  }
  return { read: seen.size, importers };
}

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

  it("keeps @rnnkit/native (an optional peer) out of the declarations a user's compiler reads", () => {
    // fast/native-load.ts and fast/fast-head.ts import the addon's types; nothing public names them
    const { read, importers } = declarationsImporting('@rnnkit/native');
    expect(read).toBeGreaterThan(20);
    expect(importers).toEqual([]);
    expect(declarationsImporting('@tensorflow/tfjs-core').importers.length).toBeGreaterThan(0);
  });
});
