/**
 * The packages as `npm install` gives them to a user (see `setup.ts`): each one imported by name
 * from a project outside the workspace does real work (`consumers/<name>.mjs`), exposes exactly
 * the runtime names its `src/index.ts` exports, and nothing deeper; `@rnnkit/vocab` installs alone
 * without tfjs.
 */
import { copyFileSync, existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { declaredExports, LIBRARIES, run } from './workspace.js';

const { fullProject, vocabProject } = inject('packaging');

/** Runs a script from `consumers/` inside the consumer project, so imports resolve there. */
function consume(project: string, name: string): string {
  const file = `consume-${name}.mjs`;
  copyFileSync(new URL(`./consumers/${name}.mjs`, import.meta.url), join(project, file));
  copyFileSync(new URL('./consumers/tiny-lm.mjs', import.meta.url), join(project, 'tiny-lm.mjs'));
  return run(process.execPath, [file], { cwd: project, timeoutMs: 120_000 }).stdout.trim();
}

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
