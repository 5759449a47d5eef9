// The smaller-weights figures of a trained task: saves it as float32, float16 and int8
// (`task.save(dir, { weights })`), loads each back with loadTask, scores it with the task's own
// quality metric and prints `BENCH quality.<name>.bytes_<dtype>` (model.json + weights.bin +
// rnnkit.json) and `BENCH quality.<name>.float16_delta` / `.int8_delta` (the metric of the smaller
// artifact minus the float32 one's: positive is worse for an error or a loss, better for an
// accuracy).
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadTask } from '@rnnkit/tasks';
import { bench } from './common.mjs';

async function folderBytes(dir) {
  let n = 0;
  for (const f of await readdir(dir)) n += (await stat(join(dir, f))).size;
  return n;
}

/** `score(task)` returns the metric of a (loaded) task; `name` is the BENCH prefix. */
export async function weightDeltas(name, task, score) {
  const tmp = await mkdtemp(join(tmpdir(), `rnnkit-weights-${name}-`));
  try {
    const metric = {};
    for (const weights of ['float32', 'float16', 'int8']) {
      const dir = join(tmp, weights);
      await task.save(dir, { weights });
      bench(`${name}.bytes_${weights}`, await folderBytes(dir), 'B');
      const loaded = await loadTask(dir);
      metric[weights] = score(loaded);
      loaded.dispose();
    }
    bench(`${name}.float16_delta`, metric.float16 - metric.float32);
    bench(`${name}.int8_delta`, metric.int8 - metric.float32);
    console.error(
      `# ${name} by stored weights: ${Object.entries(metric)
        .map(([k, v]) => `${k} ${v.toFixed(5)}`)
        .join(', ')}`,
    );
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}
