/**
 * The release workflow, without releasing: `pnpm release:dry-run` (a dry-run `pnpm -r publish`)
 * goes through every library and nothing private, and `pnpm version-packages` (changeset version),
 * run on a copy of the workspace's manifests and pending changesets, bumps every package a
 * changeset names, writes its CHANGELOG entry and consumes the changesets.
 */
import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { LIBRARIES, pnpm, ROOT, run } from './workspace.js';

const { tmp } = inject('packaging');

interface Manifest {
  name: string;
  version: string;
  private?: boolean;
}

/** Every workspace package folder (pnpm-workspace.yaml: packages/*, apps/*, tests/*, bench). */
function workspaceDirs(): string[] {
  return ['packages', 'apps', 'tests']
    .flatMap((d) => readdirSync(join(ROOT, d)).map((p) => join(d, p)))
    .concat('bench')
    .filter((d) => existsSync(join(ROOT, d, 'package.json')));
}

const manifest = (root: string, dir: string): Manifest =>
  JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8')) as Manifest;

/** Package names listed in the frontmatter of the pending changesets. */
function namedInChangesets(dir: string): Set<string> {
  const names = new Set<string>();
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.md') && f !== 'README.md')) {
    const front = /^---\n([\s\S]*?)\n---/.exec(readFileSync(join(dir, file), 'utf8'))?.[1] ?? '';
    for (const m of front.matchAll(/^["']?(@?[^"':]+)["']?\s*:/gm)) names.add(m[1] ?? '');
  }
  return names;
}

describe('release', () => {
  it('pnpm release:dry-run publishes every library and nothing private', () => {
    const { stdout, stderr } = run(...pnpm(['run', 'release:dry-run']), { timeoutMs: 120_000 });
    const out = `${stdout}\n${stderr}`;
    for (const lib of LIBRARIES) expect(out).toContain(`${lib.npmName}@`);
    const published = [...out.matchAll(/(@rnnkit\/[\w-]+|rnnkit)@\d+\.\d+\.\d+/g)].map((m) => m[1]);
    // and @rnnkit/native, the optional addon (its own install test: native.test.ts)
    expect(new Set(published)).toEqual(
      new Set([...LIBRARIES.map((l) => l.npmName), '@rnnkit/native']),
    );
  });

  it('pnpm version-packages bumps what the changesets name and writes CHANGELOGs', () => {
    // a copy of what `changeset version` reads and writes: the manifests and .changeset/
    const copy = join(tmp, 'release');
    mkdirSync(copy, { recursive: true });
    for (const f of ['package.json', 'pnpm-workspace.yaml']) cpSync(join(ROOT, f), join(copy, f));
    cpSync(join(ROOT, '.changeset'), join(copy, '.changeset'), { recursive: true });
    const dirs = workspaceDirs();
    for (const dir of dirs) {
      mkdirSync(join(copy, dir), { recursive: true });
      cpSync(join(ROOT, dir, 'package.json'), join(copy, dir, 'package.json'));
      const changelog = join(ROOT, dir, 'CHANGELOG.md');
      if (existsSync(changelog)) cpSync(changelog, join(copy, dir, 'CHANGELOG.md'));
    }
    // the changelog generator and the changeset CLI come from the workspace's node_modules
    symlinkSync(join(ROOT, 'node_modules'), join(copy, 'node_modules'), 'dir');
    writeFileSync(join(copy, '.npmrc'), '');
    const named = namedInChangesets(join(copy, '.changeset'));

    // nothing is installed in the copy: it holds manifests only, not the scripts their lifecycle
    // hooks (the native addon's build) would run
    run(...pnpm(['--config.verify-deps-before-run=false', 'run', 'version-packages']), {
      cwd: copy,
      timeoutMs: 120_000,
    });

    for (const dir of dirs) {
      const before = manifest(ROOT, dir);
      const after = manifest(copy, dir);
      if (before.private === true) {
        expect(after.version, `${before.name} is private: never versioned`).toBe(before.version);
      } else if (named.has(before.name)) {
        expect(after.version, before.name).not.toBe(before.version);
        const changelog = readFileSync(join(copy, dir, 'CHANGELOG.md'), 'utf8');
        expect(changelog).toContain(`## ${after.version}`);
      }
    }
    const left = readdirSync(join(copy, '.changeset')).filter((f) => f.endsWith('.md'));
    expect(left.filter((f) => f !== 'README.md')).toEqual([]);
  });
});
