/**
 * The packages as `npm install` gives them to a user (see `setup.ts`): each one imported by name
 * from a project outside the workspace does real work (`consumers/<name>.mjs`), exposes exactly
 * the runtime names its `src/index.ts` exports, and nothing deeper; `@rnnkit/vocab` installs alone
 * without tfjs; each package alone pulls only a few packages besides tfjs.
 */
import { copyFileSync, existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { declaredExports, LIBRARIES, run } from './workspace.js';

const { fullProject, vocabProject, footprints } = inject('packaging');

/** Runs a script from `consumers/` inside the consumer project, so imports resolve there. */
function consume(project: string, name: string): string {
  const file = `consume-${name}.mjs`;
  copyFileSync(new URL(`./consumers/${name}.mjs`, import.meta.url), join(project, file));
  copyFileSync(new URL('./consumers/tiny-lm.mjs', import.meta.url), join(project, 'tiny-lm.mjs'));
  return run(process.execPath, [file], { cwd: project, timeoutMs: 120_000 }).stdout.trim();
}

describe('the Node under test', () => {
  // scripts/node-versions.mjs reruns this suite with another Node first on PATH: the consumer
  // scripts (process.execPath) and npm must both run on it, or that run tests the wrong Node
  it('runs npm and the installed packages on the Node running this suite', () => {
    const npm = JSON.parse(run('npm', ['version', '--json'], { cwd: fullProject }).stdout) as {
      node: string;
    };
    expect(npm.node).toBe(process.versions.node);
    const installed = run(process.execPath, ['-p', 'process.version'], { cwd: fullProject });
    expect(installed.stdout.trim()).toBe(process.version);
  });
});

describe('each package, installed from its tarball, does real work', () => {
  for (const lib of LIBRARIES) {
    it(`${lib.npmName}`, () => {
      const out = consume(fullProject, lib.name);
      console.log(out);
      expect(out).toMatch(new RegExp(`^${lib.name} ok: `, 'm'));
    });
  }
});

describe('exports', () => {
  it('each package exposes exactly the runtime names of its src/index.ts', () => {
    const script = `const names = {};
for (const n of ${JSON.stringify(LIBRARIES.map((l) => l.npmName))}) {
  names[n] = Object.keys(await import(n)).sort();
}
console.log(JSON.stringify(names));`;
    const out = run(process.execPath, ['--input-type=module', '-e', script], {
      cwd: fullProject,
    });
    const installed = JSON.parse(out.stdout) as Record<string, string[]>;
    for (const lib of LIBRARIES) {
      expect(installed[lib.npmName], lib.npmName).toEqual(declaredExports(lib.dir));
    }
  });

  it('files outside the exports map are not importable', () => {
    const script = `const codes = [];
for (const spec of ['@rnnkit/models/dist/cells.js', '@rnnkit/vocab/src/index.ts', '@rnnkit/training/dist/train.js']) {
  try { await import(spec); codes.push('imported ' + spec); } catch (e) { codes.push(e.code); }
}
console.log(JSON.stringify(codes));`;
    const out = run(process.execPath, ['--input-type=module', '-e', script], {
      cwd: fullProject,
    });
    expect(JSON.parse(out.stdout)).toEqual(Array(3).fill('ERR_PACKAGE_PATH_NOT_EXPORTED'));
  });

  it('@rnnkit/models/kernels carries the kernel internals, which the root no longer exports', () => {
    const script = `const kernels = await import('@rnnkit/models/kernels');
const root = await import('@rnnkit/models');
console.log(JSON.stringify({
  kernels: ['fastRecurrence', 'denseMatMul', 'denseMeanSquaredError', 'denseSoftmaxCrossEntropy', 'ensureWasmSegmentSum'].map((k) => typeof kernels[k]),
  root: ['fastRecurrence', 'denseMatMul'].map((k) => typeof root[k]),
}));`;
    const out = run(process.execPath, ['--input-type=module', '-e', script], {
      cwd: fullProject,
    });
    expect(JSON.parse(out.stdout)).toEqual({
      kernels: Array(5).fill('function'),
      root: ['undefined', 'undefined'],
    });
  });

  it('package.json is importable (tools read the version through it)', () => {
    const script = `import { createRequire } from 'node:module';
const require = createRequire(process.cwd() + '/');
console.log(JSON.stringify(${JSON.stringify(LIBRARIES.map((l) => l.npmName))}.map((n) => require(n + '/package.json').version)));`;
    const out = run(process.execPath, ['--input-type=module', '-e', script], {
      cwd: fullProject,
    });
    expect(JSON.parse(out.stdout)).toEqual(
      LIBRARIES.map(
        (l) =>
          (
            JSON.parse(
              run('node', ['-p', 'JSON.stringify(require("./package.json"))'], { cwd: l.dir })
                .stdout,
            ) as { version: string }
          ).version,
      ),
    );
  });
});

describe('@rnnkit/vocab alone', () => {
  it('installs without tfjs or any other package', () => {
    const modules = join(vocabProject, 'node_modules');
    expect(existsSync(join(modules, '@tensorflow'))).toBe(false);
    const top = readdirSync(modules).filter((d) => !d.startsWith('.'));
    expect(top).toEqual(['@rnnkit']);
    expect(readdirSync(join(modules, '@rnnkit'))).toEqual(['vocab']);
  });

  it('works there', () => {
    expect(consume(vocabProject, 'vocab')).toMatch(/^vocab ok: /);
  });
});

/**
 * Each package installed alone from its tarball: how many packages npm puts in node_modules
 * besides tfjs (`npm-project.mjs`'s `installFootprint`), and which. The bounds leave a little
 * room; a new dependency that brings its own tree fails them.
 */
describe('install footprint', () => {
  // the tarball's own @rnnkit/* dependencies, and for datasets the packages its data come from
  const EXPECTED: Record<string, string[]> = {
    vocab: ['@rnnkit/vocab'],
    windowing: ['@rnnkit/windowing'],
    models: ['@rnnkit/models', '@rnnkit/vocab', '@rnnkit/windowing'],
    training: ['@rnnkit/models', '@rnnkit/training', '@rnnkit/vocab', '@rnnkit/windowing'],
    datasets: [
      '@rnnkit/datasets',
      'cmu-pronouncing-dictionary',
      'gender-detection-from-name',
      'sentiment',
    ],
    tasks: [
      '@rnnkit/models',
      '@rnnkit/tasks',
      '@rnnkit/training',
      '@rnnkit/vocab',
      '@rnnkit/windowing',
    ],
  };

  it('npm install of @rnnkit/datasets pulls at most 10 packages besides tfjs, and no tfjs', () => {
    const f = footprints['datasets'];
    expect(f?.packages).toBeLessThanOrEqual(10);
    expect(f?.tfjsPackages).toBe(0);
    expect(f?.names.some((n) => n.startsWith('@stdlib/'))).toBe(false);
  });

  for (const lib of LIBRARIES) {
    it(`${lib.npmName} pulls only its own packages besides tfjs`, () => {
      const f = footprints[lib.name];
      expect(f?.names.map((n) => n.slice(0, n.lastIndexOf('@')))).toEqual(EXPECTED[lib.name]);
      expect(f?.packages).toBeLessThanOrEqual(10);
      // vocab uses no tfjs; windowing only tfjs-core; the rest tfjs-core and tfjs-layers, which
      // npm installs with their own dependencies (about a dozen packages)
      if (lib.name === 'vocab' || lib.name === 'datasets') expect(f?.tfjsPackages).toBe(0);
      else expect(f?.tfjsPackages).toBeLessThanOrEqual(15);
    });
  }
});
