// Shared by the quality scripts: backend, training budget, seeded splits, BENCH lines.
import { setup } from '@rnnkit/training';
import { mulberry32, permutation } from '@rnnkit/windowing';

/** Seconds of training each task gets (the issue's bar: 15 minutes). */
export const BUDGET_S = Number(process.env.RNNKIT_QUALITY_BUDGET_S ?? 900);
/** wasm by default: the tasks feed one-hot inputs, which train there (no Embedding gradient). */
export const BACKEND = process.env.RNNKIT_QUALITY_BACKEND ?? 'wasm';

export async function init(task) {
  const { backend } = await setup({ backend: BACKEND });
  console.error(`# quality.${task}: backend ${backend}, training budget ${BUDGET_S}s`);
}

/** One figure per line: `BENCH quality.<task>.<metric> <value>`. */
export function bench(name, value, unit = '') {
  const v = typeof value === 'number' ? Number(value.toFixed(4)) : value;
  console.log(`BENCH quality.${name} ${v}${unit ? ` ${unit}` : ''}`);
}

/** Logs the task's lines to stderr with the elapsed time, so stdout holds only BENCH lines. */
export function hooks() {
  const t0 = Date.now();
  return { logger: (line) => console.error(`[${((Date.now() - t0) / 1000).toFixed(0)}s] ${line}`) };
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
