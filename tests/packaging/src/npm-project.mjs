// @ts-check
/**
 * The library packages as a user gets them from npm, in plain JavaScript so that the packaging
 * tests (setup.ts) and `pnpm bench` (bench/packages/install.bench.mjs) share one copy: pack each
 * library with `pnpm pack`, install tarballs with plain `npm install` into a fresh project outside
 * the workspace, and measure what that install put on disk.
 *
 * The footprint of an install splits `node_modules` in two: tfjs (`@tensorflow/*`, which npm
 * installs on its own for the packages that take it as a peer dependency, and whatever only they
 * pull in) and everything else, the package itself included.
 *
 * @example
 * ```js
 * import { installFootprint, npmInstall, packLibraries } from '@rnnkit/packaging-tests/npm-project';
 * const tarballs = packLibraries('/tmp/x/tarballs');
 * await npmInstall('/tmp/x/datasets', { '@rnnkit/datasets': `file:${tarballs.datasets}` }, tarballs);
 * installFootprint('/tmp/x/datasets');
 * // { packages: 4, bytes: 7856213, tfjsPackages: 0, tfjsBytes: 0, names: [...] }
 * ```
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (this file is tests/packaging/src/npm-project.mjs). */
export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** Every publishable package, in dependency order (a package's dependencies come before it). */
export const LIBRARIES = [
  'vocab',
  'windowing',
  'models',
  'training',
  'datasets',
  'tasks',
  'interop',
].map((name) => ({ name, npmName: `@rnnkit/${name}`, dir: join(ROOT, 'packages', name) }));

/** The tfjs version every library is tested with (their peer range is ~4.22.0). */
export const TFJS_VERSION = '4.22.0';

/**
 * How to run pnpm: `pnpm` when it is on PATH (a global install, or the bin folder `npx -y pnpm`
 * puts there for the README's commands), else `npx -y pnpm@<packageManager's version>`.
 *
 * @param {readonly string[]} args
 * @returns {[string, string[]]}
 */
export function pnpm(args) {
  if (spawnSync('pnpm', ['--version'], { encoding: 'utf8' }).status === 0)
    return ['pnpm', [...args]];
  const { packageManager } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  return ['npx', ['-y', packageManager, ...args]];
}

/**
 * Runs a command side by side with others (arethetypeswrong while npm installs): resolves with
 * the exit code and both outputs, never rejects for a failing command.
 *
 * @param {string} cmd
 * @param {readonly string[]} args
 * @param {{ cwd?: string; env?: NodeJS.ProcessEnv }} [options]
 * @returns {Promise<{ code: number | null; stdout: string; stderr: string }>}
 */
export function runAsync(cmd, args, options = {}) {
  return new Promise((ok) => {
    const child = spawn(cmd, args, {
      cwd: options.cwd ?? ROOT,
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d.toString()));
    child.stderr.on('data', (d) => (stderr += d.toString()));
    child.on('error', (e) => ok({ code: null, stdout, stderr: `${stderr}${e.message}` }));
    child.on('close', (code) => ok({ code, stdout, stderr }));
  });
}

/**
 * Packs every library with `pnpm pack` (what `pnpm publish` would upload) into `dir`.
 *
 * @param {string} dir
 * @returns {Record<string, string>} library name -> absolute path of its tarball
 */
export function packLibraries(dir) {
  /** @type {Record<string, string>} */
  const tarballs = {};
  for (const lib of LIBRARIES) {
    if (!statSync(join(lib.dir, 'dist', 'index.js'), { throwIfNoEntry: false })) {
      throw new Error(
        `${lib.npmName} is not built (${lib.dir}/dist/index.js missing): run \`pnpm build\``,
      );
    }
    const [cmd, args] = pnpm(['pack', '--json', '--pack-destination', dir]);
    const r = spawnSync(cmd, args, { cwd: lib.dir, encoding: 'utf8' });
    if (r.status !== 0) {
      throw new Error(`'${cmd} ${args.join(' ')}' in ${lib.dir} failed:\n${r.stdout}\n${r.stderr}`);
    }
    tarballs[lib.name] = JSON.parse(r.stdout).filename;
  }
  return tarballs;
}

/**
 * The environment for `npm install` and a user's `node`: pnpm and turbo export `npm_config_*`,
 * pnpm variables and NODE_PATH to the scripts they run; a user's plain shell has none of them.
 *
 * @returns {NodeJS.ProcessEnv}
 */
export function plainEnv() {
  /** @type {NodeJS.ProcessEnv} */
  const env = {};
  for (const [k, v] of Object.entries(process.env)) {
    // NODE_PATH: pnpm's bin shims point it at the workspace's hoisted packages, which a user's
    // project does not see (the workspace's @rnnkit/native, say, would load in theirs)
    if (/^(npm_|pnpm_|PNPM_)/i.test(k) || k === 'NODE_PATH') continue;
    env[k] = v;
  }
  return env;
}

/**
 * Writes `package.json` for a consumer project in `dir` and runs plain `npm install` there (with
 * the `npm` first on PATH, so a PATH starting with another Node's bin folder tests that Node's npm).
 * Overrides pin every `@rnnkit/*` package to its tarball, also where a package depends on another
 * one (models -> vocab ^0.1.0), so nothing of ours ever comes from the registry.
 *
 * @param {string} dir
 * @param {Record<string, string>} dependencies
 * @param {Record<string, string>} tarballs library name -> tarball, from `packLibraries`
 * @param {NodeJS.ProcessEnv} [env] defaults to `plainEnv()`
 * @returns {Promise<void>}
 */
export async function npmInstall(dir, dependencies, tarballs, env = plainEnv()) {
  mkdirSync(dir, { recursive: true });
  // a direct dependency must be overridden by reference (`$name`): npm refuses an override that
  // differs from the project's own spec
  const overrides = Object.fromEntries(
    LIBRARIES.map((l) => [
      l.npmName,
      l.npmName in dependencies ? `$${l.npmName}` : `file:${tarballs[l.name]}`,
    ]),
  );
  const pkg = { name: 'consumer', private: true, type: 'module', dependencies, overrides };
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);
  const install = () =>
    runAsync('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: dir, env });
  let r = await install();
  // one retry: a registry hiccup should not fail the suite, a real install error fails twice
  if (r.code !== 0) r = await install();
  if (r.code !== 0) {
    throw new Error(`npm install in ${dir} failed (exit ${r.code}):\n${r.stdout}\n${r.stderr}`);
  }
}

/**
 * Bytes of every file under `dir` (apparent sizes, symlinks not followed), like `du -sb`;
 * `skip` names a folder directly in `dir` not to enter (a package's own `node_modules`, whose
 * packages the lockfile lists and are counted on their own). A folder of that name deeper down
 * is counted: npm does not list it (protobufjs ships `cli/node_modules` inside its tarball).
 *
 * @param {string} dir
 * @param {string} [skip]
 * @returns {number}
 */
export function treeBytes(dir, skip) {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) total += entry.name === skip ? 0 : treeBytes(path);
    else if (entry.isFile()) total += statSync(path).size;
  }
  return total;
}

/**
 * @typedef {object} Footprint
 * @property {number} packages packages installed besides tfjs, the installed package included
 * @property {number} bytes their bytes on disk (apparent sizes)
 * @property {number} tfjsPackages `@tensorflow/*` packages and what only they pull in
 * @property {number} tfjsBytes their bytes on disk
 * @property {string[]} names the packages besides tfjs, `name@version`, sorted
 */

/**
 * What `npm install` put in `project`'s `node_modules`, read from its `package-lock.json`: the
 * packages reached from the project's dependencies without going through a `@tensorflow/*`
 * package, and the rest (tfjs), each with its bytes on disk.
 *
 * @param {string} project
 * @returns {Footprint}
 */
export function installFootprint(project) {
  /** @type {{ packages: Record<string, { version?: string; dependencies?: Record<string, string>; optionalDependencies?: Record<string, string>; peerDependencies?: Record<string, string>; peerDependenciesMeta?: Record<string, { optional?: boolean }> }> }} */
  const lock = JSON.parse(readFileSync(join(project, 'package-lock.json'), 'utf8'));
  const installed = Object.keys(lock.packages).filter((k) => k !== '');
  /**
   * Where Node finds `name` from the package at `from` (a lockfile key): its own node_modules,
   * then each enclosing one.
   * @param {string} from
   * @param {string} name
   */
  const resolve = (from, name) => {
    for (let at = from; ; ) {
      const key = at === '' ? `node_modules/${name}` : `${at}/node_modules/${name}`;
      if (key in lock.packages) return key;
      if (at === '') return undefined;
      const i = at.lastIndexOf('/node_modules/');
      at = i < 0 ? '' : at.slice(0, i);
    }
  };
  const isTfjs = (/** @type {string} */ key) => /(^|\/)node_modules\/@tensorflow\//.test(key);
  /** @type {Set<string>} */
  const besides = new Set();
  const todo = [''];
  while (todo.length > 0) {
    const key = /** @type {string} */ (todo.pop());
    const entry = lock.packages[key] ?? {};
    const optionalPeers = entry.peerDependenciesMeta ?? {};
    const names = [
      ...Object.keys(entry.dependencies ?? {}),
      ...Object.keys(entry.optionalDependencies ?? {}),
      // npm installs peer dependencies that are not optional
      ...Object.keys(entry.peerDependencies ?? {}).filter((n) => !optionalPeers[n]?.optional),
    ];
    for (const name of names) {
      const dep = resolve(key, name);
      if (dep === undefined || isTfjs(dep) || besides.has(dep)) continue;
      besides.add(dep);
      todo.push(dep);
    }
  }
  const bytes = (/** @type {string[]} */ keys) =>
    keys.reduce((n, k) => n + treeBytes(join(project, k), 'node_modules'), 0);
  const tfjs = installed.filter((k) => !besides.has(k));
  return {
    packages: besides.size,
    bytes: bytes([...besides]),
    tfjsPackages: tfjs.length,
    tfjsBytes: bytes(tfjs),
    names: [...besides]
      .map((k) => `${k.slice(k.lastIndexOf('node_modules/') + 13)}@${lock.packages[k]?.version}`)
      .sort(),
  };
}

/**
 * Installs each library alone from its tarball into its own fresh project under `dir` (all at
 * once: the installs wait on the registry) and returns each one's footprint.
 *
 * @param {string} dir
 * @param {Record<string, string>} tarballs
 * @returns {Promise<Record<string, Footprint>>}
 */
export async function libraryFootprints(dir, tarballs) {
  const results = await Promise.all(
    LIBRARIES.map(async (lib) => {
      const project = join(dir, `alone-${lib.name}`);
      await npmInstall(project, { [lib.npmName]: `file:${tarballs[lib.name]}` }, tarballs);
      return /** @type {const} */ ([lib.name, installFootprint(project)]);
    }),
  );
  return Object.fromEntries(results);
}

/**
 * The `BENCH` lines of a footprint.
 *
 * @param {string} name
 * @param {Footprint} f
 * @returns {string[]}
 */
export function footprintLines(name, f) {
  return [
    `BENCH install.${name}.packages ${f.packages}`,
    `BENCH install.${name}.bytes ${f.bytes}`,
    `BENCH install.${name}.tfjs_packages ${f.tfjsPackages}`,
    `BENCH install.${name}.tfjs_bytes ${f.tfjsBytes}`,
  ];
}
