// Builds the addon from csrc/ with the C++ compiler (g++, else c++/clang++) against the headers of
// the Node that runs this script, into build/Release/rnnkit_native.node (node-gyp's place; the
// loader also looks there). No compiler: one line saying so, exit 0 (rnnkit then uses its wasm
// kernel). node-gyp itself is not needed: binding.gyp describes the same build for those who use it.
//
//   node scripts/build.mjs             the workspace build (`pnpm build`)
//   node scripts/build.mjs --install   at `npm install`: nothing when a prebuild for this platform
//                                      loads, else a build from source; never fails the install
//   node scripts/build.mjs --prebuild  at pack time: build, then copy to
//                                      prebuilds/<platform>-<arch>/rnnkit_native.napi.node
//                                      (without a compiler: no prebuild, one line, exit 0)
//   node scripts/build.mjs --postpack  after the pack: removes prebuilds/ again
import { execFileSync, spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const mode = process.argv[2] ?? '';
/** Sources and their own flags: the gate steps are built once per ISA (csrc/rows.inc). */
const SOURCES = [
  ['addon.cc', []],
  ['gemm.cc', []],
  ['recurrence.cc', []],
  ['train.cc', []],
  ['head.cc', []],
  ['rows_generic.cc', []],
  ['rows_avx2.cc', ['-mavx2', '-mfma']],
  [
    'rows_avx512.cc',
    [
      '-mavx512f',
      '-mavx512vl',
      '-mavx512bw',
      '-mavx512dq',
      '-mavx2',
      '-mfma',
      '-mprefer-vector-width=512',
    ],
  ],
];
const FLAGS = [
  '-std=c++17',
  '-O3',
  '-fPIC',
  '-fvisibility=hidden',
  '-fno-math-errno',
  '-ffp-contract=off',
  '-DNAPI_VERSION=8',
  '-DNODE_GYP_MODULE_NAME=rnnkit_native',
];
const say = (line) => process.stderr.write(`@rnnkit/native: ${line}\n`);
const prebuilt = join(
  root,
  'prebuilds',
  `${process.platform}-${process.arch}`,
  'rnnkit_native.napi.node',
);
const out = join(root, 'build', 'Release', 'rnnkit_native.node');

function loads(file) {
  try {
    createRequire(import.meta.url)(file);
    return true;
  } catch {
    return false;
  }
}

function compiler() {
  for (const cxx of [process.env.CXX, 'g++', 'c++', 'clang++']) {
    if (!cxx) continue;
    try {
      execFileSync(cxx, ['--version'], { stdio: 'ignore' });
      return cxx;
    } catch {}
  }
  return null;
}

function headers() {
  const dirs = [
    process.env.RNNKIT_NODE_HEADERS,
    resolve(process.execPath, '../../include/node'),
    '/usr/include/node',
    '/usr/local/include/node',
  ];
  return dirs.find((d) => d && existsSync(join(d, 'node_api.h'))) ?? null;
}

function run(cmd, args) {
  return new Promise((ok, fail) => {
    const p = spawn(cmd, args, { stdio: ['ignore', 'inherit', 'inherit'] });
    p.on('error', fail);
    p.on('exit', (code) => (code === 0 ? ok() : fail(new Error(`${cmd} exited ${code}`))));
  });
}

async function build() {
  if (process.env.RNNKIT_NATIVE_BUILD === '0') {
    say('RNNKIT_NATIVE_BUILD=0: not built; rnnkit uses its wasm kernel');
    return false;
  }
  const cxx = compiler();
  const inc = headers();
  if (cxx === null || inc === null) {
    say(
      `${cxx === null ? 'no C++ compiler (g++, c++ or clang++)' : 'no Node headers (node_api.h)'} found: the addon is not built; rnnkit uses its wasm kernel`,
    );
    return false;
  }
  const objDir = join(root, 'build', 'obj');
  mkdirSync(objDir, { recursive: true });
  mkdirSync(dirname(out), { recursive: true });
  const x86 = process.arch === 'x64' || process.arch === 'ia32';
  const objs = SOURCES.map(([s]) => join(objDir, s.replace(/\.cc$/, '.o')));
  // two at a time: the machines this runs on often have two cores
  for (let i = 0; i < SOURCES.length; i += 2) {
    await Promise.all(
      SOURCES.slice(i, i + 2).map(([s, own], j) =>
        run(cxx, [
          ...FLAGS,
          ...(x86 ? own : []),
          '-I',
          inc,
          '-c',
          join(root, 'csrc', s),
          '-o',
          objs[i + j],
        ]),
      ),
    );
  }
  const tmp = `${out}.tmp-${process.pid}`;
  const link =
    process.platform === 'darwin' ? ['-bundle', '-undefined', 'dynamic_lookup'] : ['-shared'];
  await run(cxx, [...link, ...objs, '-o', tmp, '-pthread']);
  renameSync(tmp, out); // atomic: a half-written addon is never loaded
  return true;
}

try {
  if (mode === '--postpack' || mode === '') {
    // the prebuild is a pack-time artifact: gone after the pack, so that a later build from
    // source in the workspace is the binary the loader finds (it tries prebuilds first)
    rmSync(join(root, 'prebuilds'), { recursive: true, force: true });
    if (mode === '--postpack') process.exit(0);
  }
  if (mode === '--install' && existsSync(prebuilt) && loads(prebuilt)) process.exit(0);
  const built = await build();
  if (mode === '--prebuild' && !built) {
    // the tarball then has no prebuild: installs build from source, or run the wasm kernel
    say('no prebuild in this tarball (no C++ compiler here)');
  } else if (mode === '--prebuild') {
    mkdirSync(dirname(prebuilt), { recursive: true });
    copyFileSync(out, `${prebuilt}.tmp`);
    renameSync(`${prebuilt}.tmp`, prebuilt);
  }
} catch (e) {
  say(`build failed (${e instanceof Error ? e.message : e}); rnnkit uses its wasm kernel`);
}
