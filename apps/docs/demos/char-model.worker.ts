/** Demo 1's worker: trains the char model one iteration at a time and posts each line. */
import { DEFAULT_TEXT, formatStep } from '@rnnkit/demo';
import { createCharModel } from '@rnnkit/demo/programs';
import { pickBackend } from './backend.js';
import type { FromWorker, ToWorker } from './messages.js';

/** The worker's global scope, typed by the messages it exchanges (the DOM lib types `self` as a window). */
const scope = self as unknown as {
  postMessage(m: FromWorker): void;
};
const post = (m: FromWorker) => scope.postMessage(m);
let stopRequested = false;

// yields to the event loop so that a 'stop' message can arrive between iterations
const tick = () => new Promise((ok) => setTimeout(ok, 0));

async function run(msg: Extract<ToWorker, { type: 'start' }>): Promise<void> {
  const t0 = performance.now();
  // the hidden size is the number of distinct characters (at least 2 for the probe)
  const units = Math.max(2, new Set(Array.from(msg.text ?? DEFAULT_TEXT)).size);
  const choice = await pickBackend(msg.backend, units, (b) =>
    post({ type: 'progress', message: `timing the ${b} backend` }),
  );
  post({ type: 'backend', ...choice });
  const model = createCharModel({ text: msg.text ?? '', seed: msg.seed });
  try {
    for (let i = 0; i < (msg.iterations ?? 20) && !stopRequested; i++) {
      const s = model.step();
      post({
        type: 'line',
        line: formatStep(s),
        loss: s.loss,
        prediction: s.prediction,
        target: model.target,
        targetProbs: s.targetProbs,
      });
      await tick();
    }
  } finally {
    model.dispose();
  }
  post({ type: 'done', stopped: stopRequested, ms: performance.now() - t0 });
}

/** The demo worker (`demo.worker.ts`) passes each message from the page here. */
export function handle(data: ToWorker): void {
  if (data.type === 'stop') {
    stopRequested = true;
    return;
  }
  stopRequested = false;
  run(data).catch((err: unknown) =>
    post({ type: 'error', message: err instanceof Error ? err.message : String(err) }),
  );
}
