/**
 * Vitest global setup: packs every library with `pnpm pack` (what `pnpm publish` would upload),
 * then installs the tarballs the way a user would, with plain `npm install` in fresh projects
 * outside the workspace (tfjs from the registry): one project with every package and tfjs, and one
 * per package with that package alone (whose `@rnnkit/vocab` project the vocab tests use). Prints
 * the pack sizes and each package's install footprint (`npm-project.mjs` says what is counted)
 * as `BENCH` lines:
 *
 * ```text
 * BENCH pack.vocab.bytes 21034
 * ...
 * BENCH install.datasets.packages 4
 * BENCH install.datasets.bytes 7790547
 * ```
 *
 * The test files read the paths through `inject('packaging')`; the teardown deletes the folder.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import { footprintLines, libraryFootprints, npmInstall, packLibraries } from './npm-project.mjs';
import { LIBRARIES, type PackagingContext, ROOT, runAsync, TFJS_VERSION } from './workspace.js';

declare module 'vitest' {
  export interface ProvidedContext {
    packaging: PackagingContext;
  }
}

/** The arethetypeswrong CLI from this package's devDependencies. */
const ATTW = fileURLToPath(new URL('../node_modules/.bin/attw', import.meta.url));

export default async function setup(project: TestProject): Promise<() => void> {
  const tmp = mkdtempSync(join(tmpdir(), 'rnnkit-packaging-'));
  if (tmp.startsWith(ROOT)) throw new Error(`the temp folder ${tmp} is inside the workspace`);
  const tarballs = packLibraries(join(tmp, 'tarballs'));
  for (const lib of LIBRARIES) {
    console.log(`BENCH pack.${lib.name}.bytes ${statSync(tarballs[lib.name] ?? '').size}`);
  }

  const fullProject = join(tmp, 'full');
  // the installs wait on the registry, arethetypeswrong on the CPU: all at once
  const attwRuns = LIBRARIES.map((lib) =>
    // ESM-only by design, so CommonJS `require` resolution (node10, node16 from CJS) is out of
    // scope: --profile esm-only checks node16 from ESM and bundlers
    runAsync(ATTW, [tarballs[lib.name] ?? '', '--profile', 'esm-only', '--no-color']),
  );
  const fullInstall = npmInstall(
    fullProject,
    {
      ...Object.fromEntries(LIBRARIES.map((l) => [l.npmName, `file:${tarballs[l.name]}`])),
      // what the README's install lines ask for: the tfjs peers, plus a backend to run on
      '@tensorflow/tfjs-core': TFJS_VERSION,
      '@tensorflow/tfjs-layers': TFJS_VERSION,
      '@tensorflow/tfjs-backend-cpu': TFJS_VERSION,
    },
    tarballs,
  );
  const footprintRun = libraryFootprints(tmp, tarballs);
  const attwResults = await Promise.all(attwRuns);
  const attw = Object.fromEntries(LIBRARIES.map((l, i) => [l.name, attwResults[i]!]));
  await fullInstall;
  const footprints = await footprintRun;
  for (const lib of LIBRARIES) {
    const f = footprints[lib.name];
    if (f !== undefined) console.log(footprintLines(lib.name, f).join('\n'));
  }
  const vocabProject = join(tmp, 'alone-vocab');

  project.provide('packaging', { tmp, tarballs, fullProject, vocabProject, footprints, attw });
  return () => rmSync(tmp, { recursive: true, force: true });
}
