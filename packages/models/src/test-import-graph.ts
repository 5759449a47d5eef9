/**
 * The relative imports between the files of a source folder, and the cycles among them: what
 * `structure.test.ts` checks the package's architecture with. Imports are read from the text
 * (`import ... from './x.js'`, `export ... from`, `import('./x.js')`, type imports included).
 *
 * @example
 * ```ts
 * findCycles(new Map([['a.ts', ['b.ts']], ['b.ts', ['a.ts']]])); // [['a.ts', 'b.ts']]
 * ```
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, posix } from 'node:path';

/** Library .ts files under `root` (relative, '/'-separated): no tests, test helpers or fixtures. */
export function libraryFiles(root: string, dir = ''): string[] {
  return readdirSync(join(root, dir)).flatMap((name) => {
    const rel = dir === '' ? name : `${dir}/${name}`;
    if (statSync(join(root, rel)).isDirectory()) {
      return name === 'fixtures' || name === 'node_modules' ? [] : libraryFiles(root, rel);
    }
    const lib = name.endsWith('.ts') && !name.endsWith('.d.ts') && !name.endsWith('.test.ts');
    return lib && !name.startsWith('test-') ? [rel] : [];
  });
}

const IMPORT = /(?:from\s+|import\s*\(\s*|import\s+)'(\.\.?\/[^']+)\.js'/g;

/** Each file's relative imports, as files of the same folder tree. */
export function importGraph(root: string, files: readonly string[]): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of files) {
    // without comments: a header's @example imports nothing
    const text = readFileSync(join(root, file), 'utf8')
      .replace(/\/\*[\s\S]*?\*\//g, '')
      .replace(/^\s*\/\/.*$/gm, '');
    const to = [...text.matchAll(IMPORT)].map(
      (m) => `${posix.normalize(posix.join(posix.dirname(file), m[1] as string))}.ts`,
    );
    graph.set(file, [...new Set(to)].sort());
  }
  return graph;
}

/**
 * The cycles of a graph, one per strongly connected component of two or more files (or a file
 * importing itself), each as its files sorted.
 */
export function findCycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  // Tarjan's strongly connected components
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  let next = 0;
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next);
    next++;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const component: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      component.push(w);
    } while (w !== v);
    if (component.length > 1 || (graph.get(v) ?? []).includes(v)) cycles.push(component.sort());
  };
  for (const v of [...graph.keys()].sort()) if (!index.has(v)) visit(v);
  return cycles.sort((a, b) => (a[0]! < b[0]! ? -1 : 1));
}
