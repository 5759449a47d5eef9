// Per-step CPU and wall time of W1's fast path (forward only, and forward + backward + Adam), to
// compare kernel changes on a shared machine: CPU time (process.cpuUsage) moves far less with the
// load than wall time (it counts both threads).
// Usage: node bench/speed/profile-w1.mjs <lstm|gru|rnn> <units> [steps] [threads 1|2|auto]
import { setRecurrenceThreads } from '@rnnkit/models';
import { createOptimizer } from '@rnnkit/training';
import { mulberry32 } from '@rnnkit/windowing';
import * as tf from '@tensorflow/tfjs-core';
import { median, useWasm, w1Fast } from './common.mjs';

const [cell = 'lstm', unitsArg = '256', stepsArg = '12', threads = 'auto'] = process.argv.slice(2);
setRecurrenceThreads(threads === 'auto' ? 'auto' : Number(threads));
const units = Number(unitsArg);
const steps = Number(stepsArg);
const [vocab, seqLength, batch] = [65, 64, 32];
await useWasm();
const rand = mulberry32(1);
const ids = new Int32Array(batch * seqLength).map(() => Math.floor(rand() * vocab));
const x = tf.oneHot(tf.tensor2d(ids, [batch, seqLength], 'int32'), vocab);
const y = tf.oneHot(tf.tensor1d(ids, 'int32'), vocab);
const { vars, loss } = w1Fast({ cell, units, vocab, batch, seqLength });
const opt = createOptimizer({ type: 'adam', learningRate: 2e-3 });
const forward = () => loss(x, y);
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
function time(name, f) {
  for (let i = 0; i < 3; i++) f();
  const cpu = [];
  const wall = [];
  for (let i = 0; i < steps; i++) {
    const c0 = cpuMs();
    const w0 = performance.now();
    f();
    cpu.push(cpuMs() - c0);
    wall.push(performance.now() - w0);
  }
  const c = median(cpu);
  console.log(
    `${name.padEnd(22)} cpu ${c.toFixed(1)} ms  wall ${median(wall).toFixed(1)} ms  (${Math.round((batch * seqLength * 1000) / c)} tokens/s of CPU)`,
  );
}
time('forward', () => tf.tidy(() => forward().dataSync()));
time('forward+backward+adam', () => {
  const l = opt.minimize(forward, true, vars);
  l.dataSync();
  l.dispose();
});
console.log(`tensors ${tf.memory().numTensors}`);
