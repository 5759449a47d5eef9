/**
 * `rnnkit inspect <model>`: what a saved model folder holds (task, topology, parameter count,
 * vocab, training config and metrics), read from its `rnnkit.json` and weights.
 *
 * @example
 * ```sh
 * rnnkit inspect out/lm
 * # task        text-generation
 * # topology    manyToMany (cell lstm, units 64, layers 1, classes 30)
 * # parameters  24 286
 * ```
 */
import { resolve } from 'node:path';
import { load } from '@rnnkit/models';
import { useBackend } from '../../backend.js';
import type { Io } from '../../io.js';
import { loadingModel } from '../../util/load-task.js';

export interface InspectOptions {
  json?: boolean;
}

/** `12345` -> `12 345`. */
function grouped(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ' ');
}

function describeArgs(args: Record<string, unknown>): string {
  return Object.entries(args)
    .filter(([, v]) => v === null || typeof v !== 'object')
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
}

export async function inspect(model: string, options: InspectOptions, io: Io): Promise<void> {
  await useBackend('cpu'); // reads the weights, computes nothing: no backend line
  const loaded = await loadingModel(resolve(io.cwd, model), load);
  try {
    const { meta } = loaded;
    const summary = {
      task: meta.task,
      topology: meta.topology,
      parameters: loaded.model.countParams(),
      layers: loaded.model.layers.map((l) => ({ name: l.name, type: l.getClassName() })),
      vocabSize: loaded.vocab?.size ?? null,
      training: meta.training ?? null,
    };
    if (options.json) {
      io.out(JSON.stringify(summary));
      return;
    }
    io.out(`task        ${summary.task}`);
    io.out(`topology    ${meta.topology.builder} (${describeArgs(meta.topology.args)})`);
    io.out(`layers      ${summary.layers.map((l) => l.type).join(' -> ')}`);
    io.out(`parameters  ${grouped(summary.parameters)}`);
    io.out(`vocab       ${summary.vocabSize === null ? 'none' : `${summary.vocabSize} tokens`}`);
    if (loaded.scaler) io.out('scaler      yes (the series is scaled as in training)');
    const t = meta.training;
    io.out(`config      ${t ? describeArgs(t.config) : 'not recorded'}`);
    const metrics = t ? Object.entries(t.metrics) : [];
    io.out(
      `metrics     ${metrics.length ? metrics.map(([k, v]) => `${k} ${Number(v.toFixed(4))}`).join(', ') : 'none recorded'}`,
    );
  } finally {
    loaded.model.dispose();
  }
}
