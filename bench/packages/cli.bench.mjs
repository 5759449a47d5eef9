// The `rnnkit` command as a new user runs it (after building; apps/cli/dist/bin.js):
// - cli.train_text.tokens_per_s: `rnnkit train text --dataset moby-dick` with every default, the
//   backend included (auto: the fastest that loads), for CLI_BENCH_SECONDS of training
//   (--time-budget); the figure is the run's own average over all its steps (the last progress
//   event's tokensPerSecond), and the backend it chose is printed beside it.
// - cli.train_text.cpu.tokens_per_s: the same with --backend cpu, the one auto must beat.
// - cli.train_text.default_over_cpu: their ratio (> 1: the default is the faster).
// The two runs alternate (default, cpu) so that a change in the machine's load hits both.
// Env: CLI_BENCH_SECONDS (default 30).
// Run: pnpm bench cli   (or node bench/packages/cli.bench.mjs)
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const SECONDS = Number(process.env.CLI_BENCH_SECONDS ?? 30);
const bin = new URL('../../apps/cli/dist/bin.js', import.meta.url).pathname;
const work = mkdtempSync(path.join(tmpdir(), 'rnnkit-cli-bench-'));

/** Trains with the defaults (and `extra` flags) for SECONDS; returns tokens/s and the backend. */
function trainText(name, extra) {
  const args = ['train', 'text', '--dataset', 'moby-dick', '--time-budget', `${SECONDS}s`];
  const r = spawnSync(
    process.execPath,
    [bin, ...args, ...extra, '--json', '--out', path.join(work, name)],
    { encoding: 'utf8', maxBuffer: 1 << 28 },
  );
  if (r.status !== 0) throw new Error(`rnnkit ${args.join(' ')} failed: ${r.stderr}`);
  const events = r.stdout
    .trimEnd()
    .split('\n')
    .map((l) => JSON.parse(l));
  const progress = events.filter((e) => e.type === 'progress');
  if (progress.length === 0)
    throw new Error(`no training step in ${SECONDS} s: raise CLI_BENCH_SECONDS`);
  const { backend } = events.find((e) => e.type === 'backend');
  return { tokensPerSecond: progress.at(-1).tokensPerSecond, backend, steps: progress.length };
}

try {
  const auto = trainText('auto', []);
  const cpu = trainText('cpu', ['--backend', 'cpu']);
  console.log(
    `BENCH cli.train_text.tokens_per_s ${auto.tokensPerSecond.toFixed(0)} tokens/s (default backend: ${auto.backend}, ${auto.steps} steps)`,
  );
  console.log(
    `BENCH cli.train_text.cpu.tokens_per_s ${cpu.tokensPerSecond.toFixed(0)} tokens/s (${cpu.steps} steps)`,
  );
  console.log(
    `BENCH cli.train_text.default_over_cpu ${(auto.tokensPerSecond / cpu.tokensPerSecond).toFixed(1)} x`,
  );
} finally {
  rmSync(work, { recursive: true, force: true });
}
