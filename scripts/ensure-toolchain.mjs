#!/usr/bin/env node
// Makes sure @rnnkit/native (packages/native, the N-API addon) can be built: a C++ compiler, make
// and python3 (what node-gyp needs too). When one is missing and this is a root shell on a
// Debian-like system with apt-get (a fresh CI machine), it runs `apt-get update` and
// `DEBIAN_FRONTEND=noninteractive apt-get install -y g++ make python3`, printing each command, so
// that CI tests the native route. Otherwise it says what is missing and exits 0: without a
// compiler the addon is not built and rnnkit runs its wasm kernel, which the tests cover as well.
//
//   node scripts/ensure-toolchain.mjs   # "toolchain: g++ (g++ (Debian 12.2.0-14) 12.2.0), make, python3"
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const TOOLS = [
  ['g++', 'g++'],
  ['make', 'make'],
  ['python3', 'python3'],
];

/** The first line of `<cmd> --version`, or '' when it does not run. */
function version(cmd) {
  const r = spawnSync(cmd, ['--version'], { encoding: 'utf8' });
  return r.status === 0 ? (r.stdout.split('\n')[0] ?? '').trim() : '';
}

const missing = () => TOOLS.filter(([cmd]) => version(cmd) === '').map(([, pkg]) => pkg);

let need = missing();
if (need.length > 0) {
  const root = process.getuid?.() === 0;
  const debian = existsSync('/etc/debian_version');
  const apt = spawnSync('apt-get', ['--version'], { stdio: 'ignore' }).status === 0;
  if (!root || !debian || !apt) {
    console.log(
      `ensure-toolchain: ${need.join(', ')} missing and not installable here (root: ${root}, debian: ${debian}, apt-get: ${apt}): @rnnkit/native is not built, rnnkit runs its wasm kernel`,
    );
    process.exit(0);
  }
  for (const args of [['update'], ['install', '-y', ...need]]) {
    console.log(`ensure-toolchain: apt-get ${args.join(' ')}`);
    const r = spawnSync('apt-get', args, {
      stdio: 'inherit',
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
    if (r.status !== 0) {
      console.log(
        `ensure-toolchain: 'apt-get ${args.join(' ')}' failed (exit ${r.status ?? r.signal}): @rnnkit/native is not built, rnnkit runs its wasm kernel`,
      );
      process.exit(0);
    }
  }
  need = missing();
}
console.log(
  need.length === 0
    ? `toolchain: g++ (${version('g++')}), make, python3`
    : `ensure-toolchain: still missing ${need.join(', ')}`,
);
