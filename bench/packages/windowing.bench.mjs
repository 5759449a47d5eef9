// Windowing figures: iterate every next-token window (seqLength 64, stride 1) of a 10M-token
// Int32Array in batches of 64, copied into Int32Arrays [64, 64] for x and y (reused buffers).
// Prints peak RSS growth (target < 100 MB: one batch at a time, not all windows) and throughput
// in thousands of windows per second (target >= 1000). Run: node --expose-gc bench/packages/windowing.bench.mjs
import { batches, nextTokenWindows } from '@rnnkit/windowing';

const N = 10_000_000;
const SEQ_LENGTH = 64;
const BATCH_SIZE = 64;

// a deterministic pseudo-corpus of ids < 256 (an LCG: no allocation per token)
const ids = new Int32Array(N);
let s = 1;
for (let i = 0; i < N; i++) {
  s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
  ids[i] = s >>> 24;
}

globalThis.gc?.();
const rss0 = process.memoryUsage().rss;
let peak = rss0;
const windows = nextTokenWindows(ids, { seqLength: SEQ_LENGTH, stride: 1 });
const t0 = process.hrtime.bigint();
let seen = 0;
let checksum = 0; // read the batches so that nothing can be optimised away
let k = 0;
for (const b of batches(windows, { batchSize: BATCH_SIZE, reuse: true })) {
  seen += b.size;
  checksum = (checksum + b.x[0] + b.y[b.y.length - 1]) | 0;
  if ((++k & 1023) === 0) peak = Math.max(peak, process.memoryUsage().rss);
}
const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
peak = Math.max(peak, process.memoryUsage().rss);
if (seen !== windows.length) throw new Error(`saw ${seen} windows, expected ${windows.length}`);
console.error(`# ${seen} windows in ${seconds.toFixed(2)} s (checksum ${checksum})`);
console.log(`BENCH windowing.next_token.rss_growth_mb ${((peak - rss0) / 2 ** 20).toFixed(1)} MB`);
console.log(`BENCH windowing.next_token.kwindows_per_s ${(seen / seconds / 1000).toFixed(0)}`);
