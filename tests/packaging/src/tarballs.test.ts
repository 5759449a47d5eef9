/**
 * What each tarball holds, checked file by file: the entry points, README and LICENSE, nothing
 * that is only for development (tests, source maps, sources), every relative import inside it
 * resolvable, every bare import declared; then publint and arethetypeswrong on the tarball itself.
 */
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, posix } from 'node:path';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { NODE_VERSIONS } from '../../../scripts/node-versions.mjs';
import { LIBRARIES, run } from './workspace.js';

/** Whether `range` (clauses `^X.Y.Z` or `>=X.Y.Z` joined by `||`) admits `version`. */
function admits(range: string, version: string): boolean {
  const num = (v: string) => v.split('.').map(Number) as [number, number, number];
  const cmp = (a: number[], b: number[]) => a[0]! - b[0]! || a[1]! - b[1]! || a[2]! - b[2]!;
  const v = num(version);
  return range.split('||').some((clause) => {
    const m = /^\s*(\^|>=)(\d+\.\d+\.\d+)\s*$/.exec(clause);
    if (m === null)
      throw new Error(`engines.node clause ${JSON.stringify(clause)}: not ^X.Y.Z or >=X.Y.Z`);
    const min = num(m[2]!);
    return cmp(v, min) >= 0 && (m[1] === '>=' || v[0] === min[0]);
  });
}

const { tmp, tarballs, attw } = inject('packaging');

interface Manifest {
  exports: Record<string, unknown>;
  types?: string;
  sideEffects?: unknown;
  license?: string;
  engines?: { node?: string };
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

/** Every file of the unpacked tarball, relative to its `package/` folder. */
function listFiles(dir: string, prefix = ''): string[] {
  return readdirSync(join(dir, prefix), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? listFiles(dir, posix.join(prefix, e.name)) : [posix.join(prefix, e.name)],
  );
}

/** Source without block comments and whole-line `//` comments. */
const stripComments = (text: string): string =>
  text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');

/**
 * Module specifiers of `import`/`export ... from`, `import('...')` and `import '...'` in a file,
 * after dropping comments (the module headers' `@example` blocks import the package itself).
 */
function specifiers(text: string): string[] {
  const source = stripComments(text);
  const out: string[] = [];
  const patterns = [
    /\b(?:import|export)\s[^'"]*?\sfrom\s*['"]([^'"]+)['"]/g,
    /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
    /^\s*import\s*['"]([^'"]+)['"]/gm,
  ];
  for (const re of patterns) for (const m of source.matchAll(re)) out.push(m[1] ?? '');
  return out;
}

/** `@scope/name/sub` -> `@scope/name`, `name/sub` -> `name`. */
const packageOf = (spec: string): string =>
  spec
    .split('/')
    .slice(0, spec.startsWith('@') ? 2 : 1)
    .join('/');

const unpacked: Record<string, { dir: string; files: string[]; manifest: Manifest }> = {};

beforeAll(() => {
  for (const lib of LIBRARIES) {
    const dir = join(tmp, 'unpacked', lib.name);
    mkdirSync(dir, { recursive: true });
    run('tar', ['xzf', tarballs[lib.name] ?? '', '-C', dir]);
    const root = join(dir, 'package');
    unpacked[lib.name] = {
      dir: root,
      files: listFiles(root).sort(),
      manifest: JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as Manifest,
    };
  }
});

// Entries beyond the root, per library: @rnnkit/models/kernels (the kernel internals, for benches
// and power users), @rnnkit/models/web-threads (the fast kernel's second thread in browsers,
// imported for its effect), @rnnkit/tasks/table (the task table without tfjs, for the CLI's usage
// checks) (each subpath and the dist module it points at)
const SUBPATHS: Record<string, Record<string, string>> = {
  models: { './kernels': 'kernels', './web-threads': 'fast/web-threads' },
  tasks: { './table': 'task-table' },
};

describe.each(LIBRARIES)('$npmName tarball', (lib) => {
  const get = () => unpacked[lib.name] ?? { dir: '', files: [], manifest: {} as Manifest };

  it('has its entry points, types first, README and LICENSE', () => {
    const { files, manifest } = get();
    const subpaths = Object.keys(SUBPATHS[lib.name] ?? {});
    expect(Object.keys(manifest.exports)).toEqual(['.', ...subpaths, './package.json']);
    expect(Object.keys(manifest.exports['.'] as object)[0]).toBe('types');
    expect(manifest.exports['.']).toEqual({
      types: './dist/index.d.ts',
      import: './dist/index.js',
    });
    for (const sub of subpaths) {
      const file = SUBPATHS[lib.name]?.[sub];
      expect(manifest.exports[sub]).toEqual({
        types: `./dist/${file}.d.ts`,
        import: `./dist/${file}.js`,
      });
    }
    for (const f of ['package.json', 'README.md', 'LICENSE', 'dist/index.js', 'dist/index.d.ts']) {
      expect(files, f).toContain(f);
    }
    expect(manifest.license).toBe('MIT');
    // every Node the tests run on: this one, and the others of scripts/node-versions.mjs
    for (const v of [process.versions.node, ...NODE_VERSIONS]) {
      expect(admits(manifest.engines?.node ?? '', v), `engines.node admits ${v}`).toBe(true);
    }
    expect(admits(manifest.engines?.node ?? '', '23.11.0'), 'no odd-numbered line').toBe(false);
  });

  it('sideEffects lists exactly the modules that register something with tfjs (or install the speed code) when imported', () => {
    // tfjs's registries (serialization classes, kernels, gradients, backends, ops) are global: a
    // module that calls one at its top level must survive tree shaking, so it must be listed; so
    // must @rnnkit/models's fast/install.js, which installs the fast kernels (`installFast`), and
    // fast/web-threads.js, which registers the browser's second thread (`setWebWorkerFactory`)
    // A module that only imports one of those for its effect (`import './fast/install.js'`) must be
    // listed too: a bundler skips a side-effect-free barrel and takes its re-exports from their
    // modules directly, so the barrel's bare imports would never run (Vite 8 does, for index.js).
    const { dir, files, manifest } = get();
    const source = (f: string) => stripComments(readFileSync(join(dir, f), 'utf8'));
    const registering = new Set(
      files.filter(
        (f) =>
          f.endsWith('.js') &&
          /^[\w.]*\b(?:registerClass|registerKernel|registerGradient|registerBackend|registerOp|installFast|setWebWorkerFactory)\s*\(/m.test(
            source(f),
          ),
      ),
    );
    for (let grew = true; grew; ) {
      grew = false;
      for (const f of files.filter((f) => f.endsWith('.js') && !registering.has(f))) {
        const bare = [...source(f).matchAll(/^import\s+['"](\.[^'"]+)['"];?$/gm)].map((m) =>
          posix.join(posix.dirname(f), m[1]!),
        );
        if (bare.some((b) => registering.has(b))) {
          registering.add(f);
          grew = true;
        }
      }
    }
    const listed = [...registering].sort().map((f) => `./${f}`);
    expect(manifest.sideEffects).toEqual(listed.length === 0 ? false : listed);
  });

  it('holds nothing that is only for development', () => {
    const extra = get().files.filter(
      (f) =>
        /\.map$|\.test\.|(^|\/)test-[^/]*$|\.tsbuildinfo$/.test(f) ||
        f.startsWith('src/') ||
        f.startsWith('node_modules/') ||
        (!f.startsWith('dist/') &&
          !f.startsWith('data/') &&
          !['package.json', 'README.md', 'LICENSE', 'CHANGELOG.md'].includes(f)),
    );
    expect(extra).toEqual([]);
  });

  it('every .js has its .d.ts, every relative import resolves, every bare import is declared', () => {
    const { dir, files, manifest } = get();
    const declared = new Set([
      lib.npmName, // a package may import itself by name (through its exports map)
      ...Object.keys(manifest.dependencies ?? {}),
      ...Object.keys(manifest.peerDependencies ?? {}),
    ]);
    const builtins = new Set(builtinModules);
    const problems: string[] = [];
    for (const file of files.filter((f) => /\.(js|d\.ts)$/.test(f))) {
      if (file.endsWith('.js') && !files.includes(file.replace(/\.js$/, '.d.ts'))) {
        problems.push(`${file}: no ${file.replace(/\.js$/, '.d.ts')}`);
      }
      for (const spec of specifiers(readFileSync(join(dir, file), 'utf8'))) {
        if (spec.startsWith('.')) {
          const target = posix.normalize(posix.join(posix.dirname(file), spec));
          const candidates = file.endsWith('.d.ts')
            ? [target.replace(/\.js$/, '.d.ts'), target]
            : [target];
          if (!candidates.some((c) => files.includes(c))) {
            problems.push(`${file}: '${spec}' is not in the tarball`);
          }
        } else if (!spec.startsWith('node:') && !builtins.has(spec)) {
          if (!declared.has(packageOf(spec))) {
            problems.push(`${file}: imports '${spec}', not a dependency or peer dependency`);
          }
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('passes publint (strict: warnings fail too)', async () => {
    const tarball = readFileSync(tarballs[lib.name] ?? '');
    const { messages, pkg } = await publint({
      pack: {
        tarball: tarball.buffer.slice(tarball.byteOffset, tarball.byteOffset + tarball.length),
      },
      level: 'suggestion',
      strict: true,
    });
    expect(messages.map((m) => `${m.type}: ${formatMessage(m, pkg) ?? m.code}`)).toEqual([]);
  });
});

describe('arethetypeswrong', () => {
  it('finds no problem in any tarball (ESM-only profile: node16 from ESM and bundlers)', () => {
    // run by setup.ts while npm installs
    const failed = LIBRARIES.filter((l) => attw[l.name]?.code !== 0).map(
      (l) =>
        `${l.npmName} (exit ${attw[l.name]?.code}):\n${attw[l.name]?.stdout}${attw[l.name]?.stderr}`,
    );
    expect(failed).toEqual([]);
  });
});
