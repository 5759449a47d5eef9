#!/usr/bin/env node
// Makes sure the browser tests (tests/browser) have a Chromium: Debian's /usr/bin/chromium, the
// path their harness launches. When it is missing and this is a root shell on a Debian-like system
// with apt-get (a fresh CI machine), it runs `apt-get update` and
// `DEBIAN_FRONTEND=noninteractive apt-get install -y chromium`, printing each command. Otherwise it
// exits 1 saying how to install it. `npx playwright install` is no substitute here: its download
// host is not reachable, and Debian's build runs headless as it is.
//
//   node scripts/ensure-chromium.mjs   # "chromium: /usr/bin/chromium (Chromium 156.0...)"
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const path = '/usr/bin/chromium';

/** `Chromium 156.0.8078.108 built on Debian ...`, or '' when it does not run. */
function version() {
  const r = spawnSync(path, ['--version'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : '';
}

function run(cmd, args, env = process.env) {
  console.log(`ensure-chromium: ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { stdio: 'inherit', env });
  if (r.status !== 0) {
    console.error(
      `ensure-chromium: '${cmd} ${args.join(' ')}' failed (exit ${r.status ?? r.signal}): install chromium by hand (as root: apt-get install chromium)`,
    );
    process.exit(1);
  }
}

if (!existsSync(path)) {
  const root = process.getuid?.() === 0;
  const debian = existsSync('/etc/debian_version');
  const apt = spawnSync('apt-get', ['--version'], { stdio: 'ignore' }).status === 0;
  if (!root || !debian || !apt) {
    console.error(
      `ensure-chromium: no Chromium at ${path}, and this is not a root shell on Debian/Ubuntu with apt-get (root: ${root}, debian: ${debian}, apt-get: ${apt}), so it cannot be installed here. The browser tests (tests/browser) need it: run 'apt-get install chromium' as root`,
    );
    process.exit(1);
  }
  console.log(`ensure-chromium: ${path} is missing; installing Debian's chromium package`);
  run('apt-get', ['update']);
  run('apt-get', ['install', '-y', 'chromium'], {
    ...process.env,
    DEBIAN_FRONTEND: 'noninteractive',
  });
}
const v = version();
if (v === '') {
  console.error(`ensure-chromium: ${path} exists but '${path} --version' fails: reinstall it`);
  process.exit(1);
}
console.log(`chromium: ${path} (${v})`);
