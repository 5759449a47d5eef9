#!/usr/bin/env node
// `pnpm rnnkit ...` from the workspace root: builds the CLI and what it depends on (turbo caches,
// so this is quick when nothing changed), then runs it with the given arguments. Build output goes
// to stderr so that the command's own stdout stays clean for pipes.
import { spawnSync } from 'node:child_process';

const root = new URL('..', import.meta.url).pathname;
const env = { ...process.env, TURBO_TELEMETRY_DISABLED: '1', DO_NOT_TRACK: '1' };
const build = spawnSync(
  'turbo',
  ['run', 'build', '--filter=rnnkit...', '--output-logs=errors-only', '--log-prefix=none'],
  { cwd: root, env, stdio: ['ignore', 2, 2] },
);
if (build.status !== 0) {
  console.error('rnnkit: building the workspace failed (see above); run `pnpm build` to retry');
  process.exit(build.status ?? 1);
}
const run = spawnSync(process.execPath, [`${root}apps/cli/dist/bin.js`, ...process.argv.slice(2)], {
  cwd: process.env.INIT_CWD ?? process.cwd(), // pnpm runs scripts from the root; keep the user's folder
  stdio: 'inherit',
});
process.exit(run.status ?? (run.signal ? 130 : 1));
