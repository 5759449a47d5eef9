/**
 * Vitest global setup: packs every library with `pnpm pack` (what `pnpm publish` would upload),
 * then installs the tarballs the way a user would, with plain `npm install` in fresh projects
 * outside the workspace (tfjs from the registry): one project with every package and tfjs, one
 * with `@rnnkit/vocab` alone. Prints the figures of issue 11 as `BENCH` lines:
 *
 * ```text
 * BENCH pack.vocab.bytes 21034
 * ...
 * BENCH install.vocab.bytes 118022
 * ```
 *
 * The test files read the paths through `inject('packaging')`; the teardown deletes the folder.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import {
  LIBRARIES,
  type PackagingContext,
  pnpm,
  ROOT,
  run,
  runAsync,
  TFJS_VERSION,
  treeBytes,
} from './workspace.js';

declare module 'vitest' {
  export interface ProvidedContext {
    packaging: PackagingContext;
  }
}

/**
 * The environment for `npm install`: pnpm and turbo export `npm_config_*` and pnpm variables to
 * the scripts they run; a user's plain `npm install` sees none of them.
 */
function plainEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (/^(npm_|pnpm_|PNPM_)/i.test(k)) continue;
    env[k] = v;
  }
  return env;
}

/** Writes `package.json` for a consumer project and runs plain `npm install` in it. */
async function install(dir: string, dependencies: Record<string, string>): Promise<void> {
  mkdirSync(dir, { recursive: true });
  // overrides pin the packages' own @rnnkit/* dependencies (e.g. models -> vocab ^0.1.0) to the
  // tarballs too, so nothing of ours ever comes from the registry
  const overrides = Object.fromEntries(
    Object.keys(dependencies)
      .filter((d) => d.startsWith('@rnnkit/'))
      .map((d) => [d, `$${d}`]),
  );
  const pkg = { name: 'consumer', private: true, type: 'module', dependencies, overrides };
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);
  const npmInstall = () =>
    runAsync('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], {
      cwd: dir,
      env: plainEnv(),
    });
  let r = await npmInstall();
  // one retry: a registry hiccup should not fail the suite, a real install error fails twice
  if (r.code !== 0) r = await npmInstall();
  if (r.code !== 0) {
    throw new Error(`npm install in ${dir} failed (exit ${r.code}):\n${r.stdout}\n${r.stderr}`);
  }
}

/** The arethetypeswrong CLI from this package's devDependencies. */
const ATTW = fileURLToPath(new URL('../node_modules/.bin/attw', import.meta.url));

export default async function setup(project: TestProject): Promise<() => void> {
  for (const lib of LIBRARIES) {
    if (!existsSync(join(lib.dir, 'dist', 'index.js'))) {
      throw new Error(
        `${lib.npmName} is not built (${lib.dir}/dist/index.js missing): run \`pnpm build\` ` +
          '(turbo builds every library before this package tests)',
      );
    }
  }
  const tmp = mkdtempSync(join(tmpdir(), 'rnnkit-packaging-'));
  if (tmp.startsWith(ROOT)) throw new Error(`the temp folder ${tmp} is inside the workspace`);
  const tarballDir = join(tmp, 'tarballs');
  const tarballs: Record<string, string> = {};
  for (const lib of LIBRARIES) {
    const out = run(...pnpm(['pack', '--json', '--pack-destination', tarballDir]), {
      cwd: lib.dir,
    });
    const { filename } = JSON.parse(out.stdout) as { filename: string };
    tarballs[lib.name] = filename;
    console.log(`BENCH pack.${lib.name}.bytes ${statSync(filename).size}`);
  }

  const fullProject = join(tmp, 'full');
  const vocabProject = join(tmp, 'vocab-only');
  // the two installs wait on the registry, arethetypeswrong on the CPU: all at once
  const attwRuns = LIBRARIES.map((lib) =>
    // ESM-only by design, so CommonJS `require` resolution (node10, node16 from CJS) is out of
    // scope: --profile esm-only checks node16 from ESM and bundlers
    runAsync(ATTW, [tarballs[lib.name] ?? '', '--profile', 'esm-only', '--no-color']),
  );
  const installs = [
    install(fullProject, {
      ...Object.fromEntries(LIBRARIES.map((l) => [l.npmName, `file:${tarballs[l.name]}`])),
      // what the README's install lines ask for: the tfjs peers, plus a backend to run on
      '@tensorflow/tfjs-core': TFJS_VERSION,
      '@tensorflow/tfjs-layers': TFJS_VERSION,
      '@tensorflow/tfjs-backend-cpu': TFJS_VERSION,
    }),
    install(vocabProject, { '@rnnkit/vocab': `file:${tarballs['vocab']}` }),
  ];
  const attwResults = await Promise.all(attwRuns);
  const attw = Object.fromEntries(LIBRARIES.map((l, i) => [l.name, attwResults[i]!]));
  await Promise.all(installs);
  console.log(`BENCH install.vocab.bytes ${treeBytes(join(vocabProject, 'node_modules'))}`);

  project.provide('packaging', { tmp, tarballs, fullProject, vocabProject, attw });
  return () => rmSync(tmp, { recursive: true, force: true });
}
