#!/usr/bin/env node
// The supported Node versions besides the one running the workspace: for each, fetch that Node
// from the npm registry (the `node-<platform>-<arch>` package that the `node` package installs,
// taken with `npm pack` and only its bin/node kept, cached in ~/.cache/rnnkit/node/<version>),
// then run with it first on PATH (so `node`, and the npm and npx scripts, run on it):
// 1. the README's quick-start first line (install the workspace, `rnnkit demo`), read from
//    README.md as .ci/run reads the second, whose output must hold every line the README shows
//    (the losses and texts of the demo are the same on every Node);
// 2. the packaging tests (tests/packaging: pack, `npm install` outside the workspace, every
//    package's script and README example, the browser bundle, publint, arethetypeswrong, the
//    release dry run), writing tests/packaging/.vitest/report-node<major>.json for the summary.
// scripts/test.mjs runs this after the turbo run (the packages must be built); alone:
// `node scripts/node-versions.mjs` (all) or `node scripts/node-versions.mjs 22`. Exits non-zero
// when any step failed.
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
} from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * Tested besides the Node running the workspace: the maintained LTS lines, each at the release
 * pinned here (Node 20 is past its end of life, but is what CI's machine runs the rest on).
 */
export const NODE_VERSIONS = ['22.23.5', '24.22.3', '26.12.1'];

const root = new URL('..', import.meta.url).pathname;
const cache = join(homedir(), '.cache', 'rnnkit', 'node');

/** Path of the `node` binary of `version`, fetched from the npm registry the first time. */
export function ensureNode(version) {
  // the Linux and macOS packages' layout: package/bin/node
  const bin = join(cache, version, 'bin', 'node');
  if (existsSync(bin)) return bin;
  const pkg = `node-${process.platform}-${process.arch}@${version}`;
  mkdirSync(cache, { recursive: true });
  const tmp = mkdtempSync(join(cache, `.${version}-`));
  try {
    const packed = spawnSync('npm', ['pack', pkg, '--json', '--pack-destination', tmp], {
      cwd: tmp,
      encoding: 'utf8',
    });
    if (packed.status !== 0) throw new Error(`npm pack ${pkg} failed:\n${packed.stderr}`);
    const [{ filename }] = JSON.parse(packed.stdout);
    const untar = spawnSync('tar', ['xzf', join(tmp, filename), '-C', tmp, 'package/bin'], {
      encoding: 'utf8',
    });
    if (untar.status !== 0) throw new Error(`tar of ${filename} failed:\n${untar.stderr}`);
    chmodSync(join(tmp, 'package', 'bin', 'node'), 0o755);
    // renamed into place only when complete, so an interrupted fetch is never taken for a Node
    rmSync(join(cache, version), { recursive: true, force: true });
    renameSync(join(tmp, 'package'), join(cache, version));
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  return bin;
}

/**
 * The Quick start section of the README: its first command (install the workspace and run the
 * demo) and the lines of the demo's output it shows (`...` lines left out).
 */
function quickStart() {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('\n## Quick start\n'));
  const command = /^```sh\n([^\n]*)\n/m.exec(section)?.[1];
  const shown = /^```text\n([\s\S]*?)^```$/m.exec(section)?.[1];
  if (!command || !shown) throw new Error('README.md: no ```sh and ```text blocks in Quick start');
  return { command, shown: shown.split('\n').filter((l) => l !== '' && l !== '...') };
}

/**
 * Runs `cmd` with `node` at the front of PATH, its output shown as it comes; true when it exited
 * 0 and printed every line of `expect` (each a whole line of its output).
 */
function step(node, label, cmd, args, cwd, expect = []) {
  const env = { ...process.env, PATH: `${dirname(node)}${delimiter}${process.env.PATH}` };
  console.log(`\nnode-versions: ${label}`);
  const t = Date.now();
  const r = spawnSync(cmd, args, {
    cwd,
    env,
    stdio: ['ignore', expect.length ? 'pipe' : 'inherit', 'inherit'],
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (expect.length) process.stdout.write(r.stdout);
  const lines = new Set((r.stdout ?? '').split('\n'));
  const missing = expect.filter((l) => !lines.has(l));
  for (const l of missing) console.error(`node-versions: expected the line ${JSON.stringify(l)}`);
  const ok = r.status === 0 && missing.length === 0;
  console.log(
    `node-versions: ${label}: ${ok ? 'ok' : 'FAILED'} in ${((Date.now() - t) / 1000).toFixed(0)} s`,
  );
  return ok;
}

/** Runs both steps on each version; returns the labels of the steps that failed. */
export function testNodeVersions(versions = NODE_VERSIONS) {
  const failed = [];
  const start = quickStart();
  const vitest = join(root, 'tests', 'packaging', 'node_modules', 'vitest', 'vitest.mjs');
  for (const version of versions) {
    let node;
    try {
      node = ensureNode(version);
    } catch (e) {
      console.error(`node-versions: cannot get Node ${version}: ${e.message}`);
      failed.push(`Node ${version}`);
      continue;
    }
    const v = spawnSync(node, ['--version'], { encoding: 'utf8' }).stdout.trim();
    const major = version.split('.')[0];
    const steps = [
      [
        `Node ${v}: README quick start: ${start.command}`,
        'bash',
        ['-c', start.command],
        root,
        start.shown,
      ],
      [
        `Node ${v}: packaging tests`,
        node,
        [vitest, 'run', `--outputFile.json=.vitest/report-node${major}.json`],
        join(root, 'tests', 'packaging'),
      ],
    ];
    for (const [label, cmd, args, cwd, expect] of steps) {
      if (!step(node, label, cmd, args, cwd, expect)) failed.push(label);
    }
  }
  return failed;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const wanted = process.argv.slice(2);
  const versions = wanted.length
    ? NODE_VERSIONS.filter((v) => wanted.some((w) => v === w || v.startsWith(`${w}.`)))
    : NODE_VERSIONS;
  if (versions.length === 0) {
    console.error(
      `node-versions: no tested Node matches ${wanted.join(' ')}: the versions are ${NODE_VERSIONS.join(', ')}`,
    );
    process.exit(2);
  }
  const failed = testNodeVersions(versions);
  if (failed.length > 0) console.error(`node-versions: failed: ${failed.join('; ')}`);
  process.exit(failed.length > 0 ? 1 : 0);
}
