#!/usr/bin/env node
// The Python environment that rnnkit's interop and speed suites check against: a virtual
// environment with the pinned frameworks of scripts/python/requirements.txt (PyTorch, TensorFlow,
// Keras, ONNX, ONNX Runtime, h5py, safetensors).
//
//   node scripts/python-env.mjs          # create it when missing; print its python's path
//   node scripts/python-env.mjs --check  # print the path if it exists and is complete, else exit 3
//
// It lives outside the repository, keyed by the requirements' hash, so a fresh clone on the same
// machine reuses it: $RNNKIT_PYTHON_ENV, else ~/.cache/rnnkit/python-<hash>. Where pip is
// configured with a local mirror (`pip config list` shows file:// indexes), those are the index:
// nothing is fetched from elsewhere. On other machines pip installs from PyPI.
//
// Exit codes: 0 ready (path on stdout), 3 no python3 on this machine (the suites then skip, saying
// so), 1 the environment could not be made (the suites fail: Python is there, so they must run).
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const REQUIREMENTS = join(here, 'python', 'requirements.txt');

/** Where the environment for the current requirements lives. */
export function pythonEnvDir() {
  if (process.env.RNNKIT_PYTHON_ENV) return process.env.RNNKIT_PYTHON_ENV;
  const hash = createHash('sha256').update(readFileSync(REQUIREMENTS)).digest('hex').slice(0, 12);
  return join(homedir(), '.cache', 'rnnkit', `python-${hash}`);
}

function findPython() {
  for (const cmd of ['python3', 'python']) {
    const r = spawnSync(cmd, ['-c', 'import sys, venv; print(sys.version_info[:2] >= (3, 9))'], {
      encoding: 'utf8',
    });
    if (r.status === 0 && r.stdout.trim() === 'True') return cmd;
  }
  return null;
}

/** pip arguments that point at a configured local mirror, or none (PyPI). */
function indexArgs(pip) {
  const r = spawnSync(pip, ['config', 'list'], { encoding: 'utf8' });
  if (r.status !== 0) return [];
  const urls = [];
  const links = [];
  for (const line of r.stdout.split('\n')) {
    const m = /^[\w:.]*?(index-url|extra-index-url|find-links)='([^']*)'/.exec(line.trim());
    if (!m) continue;
    const values = m[2].split(/\s+/).filter(Boolean);
    if (m[1] === 'find-links') links.push(...values);
    else urls.push(...values.filter((u) => u.startsWith('file:')));
  }
  if (urls.length === 0) return [];
  return [
    '--index-url',
    urls[0],
    ...urls.slice(1).flatMap((u) => ['--extra-index-url', u]),
    ...[...new Set(links)].flatMap((l) => ['--find-links', l]),
  ];
}

/**
 * The path of the environment's python, creating the environment when it is missing.
 * Returns null when this machine has no python3 (callers skip with a message); throws when
 * Python is there but the environment could not be made.
 */
export function ensurePythonEnv({
  create = true,
  log = (s) => process.stderr.write(`${s}\n`),
} = {}) {
  const dir = pythonEnvDir();
  const py = join(dir, 'bin', 'python');
  const marker = join(dir, '.rnnkit-complete');
  if (existsSync(marker)) return py;
  if (!create) return undefined;
  const system = findPython();
  if (!system) return null;
  // one creator at a time (several suites may ask at once): mkdir is atomic
  const lock = `${dir}.lock`;
  mkdirSync(dirname(dir), { recursive: true });
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (existsSync(marker)) return py;
      // a creator that died leaves its lock: an install takes minutes, not half an hour
      if (Date.now() - statSync(lock, { throwIfNoEntry: false })?.mtimeMs > 30 * 60_000) {
        rmSync(lock, { recursive: true, force: true });
      }
      spawnSync('sleep', ['2']);
    }
  }
  try {
    if (existsSync(marker)) return py;
    log(`python-env: creating ${dir} (pinned frameworks from scripts/python/requirements.txt)`);
    rmSync(dir, { recursive: true, force: true }); // an earlier attempt that did not finish
    const run = (cmd, args) => {
      const r = spawnSync(cmd, args, { stdio: ['ignore', 'inherit', 'inherit'] });
      if (r.status !== 0)
        throw new Error(`python-env: '${cmd} ${args.join(' ')}' failed (exit ${r.status})`);
    };
    run(system, ['-m', 'venv', dir]);
    const pip = join(dir, 'bin', 'pip');
    run(pip, [
      'install',
      '--quiet',
      '--disable-pip-version-check',
      ...indexArgs(pip),
      '-r',
      REQUIREMENTS,
    ]);
    writeFileSync(`${marker}.tmp`, readFileSync(REQUIREMENTS));
    renameSync(`${marker}.tmp`, marker);
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
  log(`python-env: ready (${py})`);
  return py;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const check = process.argv.includes('--check');
  try {
    const py = ensurePythonEnv({ create: !check });
    if (py === null) {
      process.stderr.write('python-env: no python3 on this machine: the Python suites skip\n');
      process.exit(3);
    }
    if (py === undefined) process.exit(3);
    process.stdout.write(`${py}\n`);
  } catch (e) {
    process.stderr.write(`${e.message}\n`);
    process.exit(1);
  }
}
