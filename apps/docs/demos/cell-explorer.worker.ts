/**
 * Demo 5's worker: builds the character model of demo 1 with the reader's cell (rnn, lstm or
 * gru) and hidden size on the reader's text, traces every gate and state of its recurrent layer
 * untrained, trains it, and traces it again. The trace runs on the layer's own weights; how far
 * its h is from the layer's own output (computed by rnnkit) is sent along.
 */

import { createCharModel } from '@rnnkit/demo/programs';
import { pickBackend } from './backend.js';
import { type CellTrace, type TraceCell, traceCell } from './cell-trace.js';
import type { DemoBackend } from './defaults.js';
import type { FromWorker } from './messages.js';

export interface ExplorerRun {
  type: 'explore';
  backend: DemoBackend | null;
  cell: TraceCell;
  text: string;
  units: number;
  iterations: number;
  seed: number;
}

export interface ExplorerResult {
  type: 'explored';
  /** The characters read, one per step, and the characters to predict. */
  input: string;
  target: string;
  untrained: CellTrace;
  trained: CellTrace;
  /** The trained model's argmax prediction at every step. */
  prediction: string;
  /** Largest |h of the trace - h of rnnkit's layer| over both traces. */
  maxDiff: number;
  ms: number;
}

const scope = self as unknown as { postMessage(m: FromWorker | ExplorerResult): void };
const post = (m: FromWorker | ExplorerResult) => scope.postMessage(m);

const diff = (a: number[][], b: number[][]) =>
  Math.max(...a.flatMap((row, t) => row.map((v, j) => Math.abs(v - b[t]![j]!))));

async function run(msg: ExplorerRun): Promise<void> {
  const t0 = performance.now();
  const choice = await pickBackend(msg.backend, 4 * msg.units, (b) =>
    post({ type: 'progress', message: `timing the ${b} backend` }),
  );
  post({ type: 'backend', ...choice });
  const model = createCharModel({
    text: msg.text,
    seed: msg.seed,
    cell: msg.cell,
    units: msg.units,
  });
  try {
    const xs = model.oneHots();
    const untrained = traceCell(msg.cell, model.recurrentWeights(), xs);
    let maxDiff = diff(untrained.gates.h!, model.hSequence());
    let prediction = '';
    for (let i = 0; i < msg.iterations; i++) {
      const s = model.step();
      prediction = s.prediction;
      if (i % 10 === 9) {
        post({
          type: 'progress',
          message: `training: iteration ${i + 1}, loss ${s.loss.toFixed(4)}`,
        });
        await new Promise((ok) => setTimeout(ok, 0));
      }
    }
    const trained = traceCell(msg.cell, model.recurrentWeights(), xs);
    maxDiff = Math.max(maxDiff, diff(trained.gates.h!, model.hSequence()));
    post({
      type: 'explored',
      input: model.input,
      target: model.target,
      untrained,
      trained,
      prediction,
      maxDiff,
      ms: performance.now() - t0,
    });
  } finally {
    model.dispose();
  }
}

/** The demo worker (`demo.worker.ts`) passes each message from the page here. */
export function handle(data: ExplorerRun): void {
  run(data).catch((err: unknown) =>
    post({ type: 'error', message: err instanceof Error ? err.message : String(err) }),
  );
}
