/**
 * `installFootprint` on a made-up install (a package-lock.json and folders with files of known
 * sizes): what it counts as tfjs and what besides, through nested node_modules, shared and peer
 * dependencies.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { installFootprint } from './npm-project.mjs';

const dir = mkdtempSync(join(tmpdir(), 'rnnkit-footprint-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type Entry = {
  version: string;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional: boolean }>;
};

/** Writes a project whose lockfile has `packages`, each folder holding one file of `bytes`. */
function project(name: string, packages: Record<string, Entry & { bytes: number }>): string {
  const root = join(dir, name);
  const lock: Record<string, Entry> = { '': { version: '0.0.0', dependencies: { app: '1' } } };
  for (const [key, { bytes, ...entry }] of Object.entries(packages)) {
    lock[key] = entry;
    mkdirSync(join(root, key), { recursive: true });
    writeFileSync(join(root, key, 'index.js'), 'x'.repeat(bytes));
  }
  writeFileSync(join(root, 'package-lock.json'), JSON.stringify({ packages: lock }));
  return root;
}

describe('installFootprint', () => {
  it('splits tfjs (and what only it pulls in) from everything else', () => {
    const root = project('split', {
      'node_modules/app': {
        version: '1.0.0',
        bytes: 100,
        dependencies: { shared: '1' },
        peerDependencies: { '@tensorflow/tfjs-core': '4', '@tensorflow/tfjs-backend-wasm': '4' },
        peerDependenciesMeta: { '@tensorflow/tfjs-backend-wasm': { optional: true } },
      },
      'node_modules/shared': { version: '1.0.0', bytes: 10 },
      'node_modules/@tensorflow/tfjs-core': {
        version: '4.22.0',
        bytes: 1000,
        dependencies: { shared: '1', long: '4' },
      },
      'node_modules/long': { version: '4.0.0', bytes: 20 },
    });
    expect(installFootprint(root)).toEqual({
      packages: 2,
      bytes: 110,
      // tfjs-core and long: `shared` is also ours, so it counts with ours
      tfjsPackages: 2,
      tfjsBytes: 1020,
      names: ['app@1.0.0', 'shared@1.0.0'],
    });
  });

  it('resolves a dependency in the nested node_modules first, as Node does', () => {
    const root = project('nested', {
      'node_modules/app': { version: '1.0.0', bytes: 1, dependencies: { dep: '2' } },
      'node_modules/app/node_modules/dep': { version: '2.0.0', bytes: 2 },
      // the hoisted copy belongs to tfjs only
      'node_modules/dep': { version: '1.0.0', bytes: 4 },
      'node_modules/@tensorflow/tfjs-core': {
        version: '4.22.0',
        bytes: 8,
        dependencies: { dep: '1' },
      },
      'node_modules/other': { version: '1.0.0', bytes: 16 },
    });
    const f = installFootprint(root);
    // app's folder is counted without its nested node_modules, which dep@2 is counted in
    expect(f).toMatchObject({ packages: 2, bytes: 3, names: ['app@1.0.0', 'dep@2.0.0'] });
    // an installed package nobody reaches without tfjs is put with tfjs
    expect(f).toMatchObject({ tfjsPackages: 3, tfjsBytes: 28 });
  });
});
