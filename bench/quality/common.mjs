// Shared by the quality scripts: backend, training budget, seeded splits, BENCH lines, and the
// throughput/load figures of a run (tokens/s, epochs reached, this process's CPU share, load).
import { loadavg } from 'node:os';
import { setup } from '@rnnkit/training';
import { mulberry32, permutation } from '@rnnkit/windowing';

/** Seconds of training each task gets (the issue's bar: 15 minutes). */
export const BUDGET_S = Number(process.env.RNNKIT_QUALITY_BUDGET_S ?? 900);
/** wasm by default: the tasks feed one-hot inputs, which train there (no Embedding gradient). */
export const BACKEND = process.env.RNNKIT_QUALITY_BACKEND ?? 'wasm';
/**
 * Stop training after this many CPU-seconds of this process as well (unset: wall time only). On a
 * shared machine the process gets a fraction of a core, so a wall-clock budget trains less than a
 * quiet machine would; this budget measures what a quiet machine gets in that time (tfjs's wasm
 * backend runs on one thread in Node: a quiet 2-core machine gives it about 1 CPU-second per
 * second). Raise RNNKIT_QUALITY_BUDGET_S with it, or the wall budget stops first.
 */
export const CPU_BUDGET_S = process.env.RNNKIT_QUALITY_CPU_BUDGET_S
  ? Number(process.env.RNNKIT_QUALITY_CPU_BUDGET_S)
  : null;
/**
 * Task options over the defaults, as JSON (for tuning runs), e.g.
 * RNNKIT_QUALITY_OPTIONS='{"units":256}'. Default none: the scripts measure the defaults.
 */
export const OPTIONS = JSON.parse(process.env.RNNKIT_QUALITY_OPTIONS ?? '{}');

export async function init(task) {
  const { backend } = await setup({ backend: BACKEND });
  const set = Object.keys(OPTIONS).length ? `, options ${JSON.stringify(OPTIONS)}` : '';
  const cpu = CPU_BUDGET_S === null ? '' : ` (and ${CPU_BUDGET_S} CPU-s)`;
  console.error(`# quality.${task}: backend ${backend}, training budget ${BUDGET_S}s${cpu}${set}`);
}

/** One figure per line: `BENCH quality.<task>.<metric> <value>`. */
export function bench(name, value, unit = '') {
  const v = typeof value === 'number' ? Number(value.toFixed(4)) : value;
  console.log(`BENCH quality.${name} ${v}${unit ? ` ${unit}` : ''}`);
}

/**
 * The task's hooks: its lines go to stderr with the elapsed time (stdout holds only BENCH lines),
 * and `run.report(task)` prints what the training got: epochs reached, target tokens per second,
 * the CPU-seconds and the share of one core this process had (process.cpuUsage over wall time: on a quiet machine
 * about 1.0, since tfjs's wasm backend runs one thread in Node) and the load average, so a
 * figure measured on a shared machine can be scaled to a quiet one.
 */
export function hooks() {
  const t0 = Date.now();
  const cpu0 = process.cpuUsage();
  const loads = [];
  let last;
  let done;
  const logger = (line) => console.error(`[${((Date.now() - t0) / 1000).toFixed(0)}s] ${line}`);
  const stop = new AbortController();
  const onEvent = (e) => {
    if (e.type === 'progress') {
      last = e.progress;
      loads.push(loadavg()[0]);
      const used = process.cpuUsage(cpu0);
      if (CPU_BUDGET_S !== null && (used.user + used.system) / 1e6 >= CPU_BUDGET_S) stop.abort();
    } else if (e.type === 'done') {
      done = { ...e, cpu: process.cpuUsage(cpu0), wall: (Date.now() - t0) / 1000 };
    }
  };
  const report = (task) => {
    if (!last || !done) return;
    const steps = done.history.steps;
    const epochs = last.batchesPerEpoch ? steps / last.batchesPerEpoch : Number.NaN;
    const cpuShare = (done.cpu.user + done.cpu.system) / 1e6 / done.wall;
    const load = loads.length ? loads.reduce((a, b) => a + b, 0) / loads.length : loadavg()[0];
    bench(`${task}.epochs`, epochs);
    bench(`${task}.tokens_per_second`, last.tokensPerSecond, 'tok/s');
    bench(`${task}.cpu_seconds`, (done.cpu.user + done.cpu.system) / 1e6, 's');
    bench(`${task}.cpu_share`, cpuShare);
    bench(`${task}.load_average`, load);
    console.error(
      `# ${task}: ${steps} steps, ${epochs.toFixed(2)} epochs in ${done.seconds.toFixed(0)}s, ${last.tokensPerSecond.toFixed(0)} target tokens/s; this process had ${cpuShare.toFixed(2)} of a core (1-min load average ${load.toFixed(2)} on ${2} cores)`,
    );
  };
  return { logger, onEvent, signal: stop.signal, report };
}

/** A seeded split of rows: the first `share` of a permutation is the test part. */
export function seededSplit(rows, share, seed) {
  const order = permutation(rows.length, mulberry32(seed));
  const nTest = Math.round(share * rows.length);
  return {
    test: Array.from(order.subarray(0, nTest), (i) => rows[i]),
    train: Array.from(order.subarray(nTest), (i) => rows[i]),
  };
}

export function seconds(t0) {
  return ((Date.now() - t0) / 1000).toFixed(0);
}
