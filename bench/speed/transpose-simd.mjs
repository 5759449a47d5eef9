// Micro-benchmark of fast-linalg.ts's transposeData: its JS path (64 x 64 blocks, four rows at a
// time) against gates-simd.ts's simdTranspose (WebAssembly SIMD 4 x 4 blocks, copies into and out
// of the module's memory included), in CPU time (process.cpuUsage). Each shape's source is a fresh
// [rows, cols] Float32Array, its output a preallocated one (as fast-core.ts passes pooled buffers);
// JS and SIMD calls alternate in blocks of `reps` calls, `rounds` times; each figure is the median
// block. Checks the two agree exactly before timing.
// Prints per shape: BENCH transpose_simd.<rows>x<cols>.{js,simd}_ns_per_value and .speedup.
// Needs packages/models/dist (npx tsc -p tsconfig.build.json in packages/models).
// Usage: node bench/speed/transpose-simd.mjs [rounds] [shapes, e.g. 1024x1024,64x64]
const [roundsArg, shapesArg] = process.argv.slice(2);
const { transposeJs } = await import('../../packages/models/dist/fast/fast-linalg.js');
const { simdTranspose } = await import('../../packages/models/dist/fast/gates-simd.js');
const { median } = await import('./common.mjs');
const { mulberry32 } = await import('@rnnkit/windowing');

const rounds = Number(roundsArg ?? 15);
const SHAPES = (shapesArg ?? '1024x1024,2048x1024,1024x256,256x1024,2048x256,2048x64')
  .split(',')
  .map((s) => s.split('x').map(Number));

if (simdTranspose === null) {
  console.log('no WebAssembly SIMD here: nothing to compare');
  process.exit(0);
}
const cpuNs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) * 1000;
};

for (const [rows, cols] of SHAPES) {
  const n = rows * cols;
  const r = mulberry32(rows * 7 + cols);
  const src = new Float32Array(n).map(() => r() * 2 - 1);
  const a = new Float32Array(n);
  const b = new Float32Array(n);
  transposeJs(src, rows, cols, a);
  simdTranspose(src, rows, cols, b);
  for (let i = 0; i < n; i++) {
    if (!Object.is(a[i], b[i])) throw new Error(`${rows}x${cols}: differ at ${i}`);
  }
  // about 4M values a block, at least one call
  const reps = Math.max(1, Math.round(4e6 / n));
  const block = (f, out) => {
    const t = cpuNs();
    for (let k = 0; k < reps; k++) f(src, rows, cols, out);
    return (cpuNs() - t) / (reps * n);
  };
  const js = [];
  const simd = [];
  block(transposeJs, a);
  block(simdTranspose, b);
  for (let k = 0; k < rounds; k++) {
    js.push(block(transposeJs, a));
    simd.push(block(simdTranspose, b));
  }
  const [j, s] = [median(js), median(simd)];
  const name = `transpose_simd.${rows}x${cols}`;
  console.log(`BENCH ${name}.js_ns_per_value ${j.toFixed(3)}`);
  console.log(`BENCH ${name}.simd_ns_per_value ${s.toFixed(3)}`);
  console.log(`BENCH ${name}.speedup ${(j / s).toFixed(2)}`);
}
