/** Demo 1's worker: trains the char model one iteration at a time and posts each line. */
import { formatStep } from '@rnnkit/demo';
import { createCharModel } from '@rnnkit/demo/programs';
import { pickBackend } from './backend.js';
import type { FromWorker, ToWorker } from './messages.js';

/** The worker's global scope, typed by the messages it exchanges (the DOM lib types `self` as a window). */
const scope = self as unknown as {
  postMessage(m: FromWorker): void;
  onmessage: ((e: MessageEvent<ToWorker>) => void) | null;
};
const post = (m: FromWorker) => scope.postMessage(m);
let stopRequested = false;

// yields to the event loop so that a 'stop' message can arrive between iterations
const tick = () => new Promise((ok) => setTimeout(ok, 0));

async function run(msg: Extract<ToWorker, { type: 'start' }>): Promise<void> {
  const t0 = performance.now();
  post({ type: 'backend', backend: await pickBackend(msg.backend) });
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
      });
      await tick();
    }
  } finally {
    model.dispose();
  }
  post({ type: 'done', stopped: stopRequested, ms: performance.now() - t0 });
}

scope.onmessage = (e) => {
  if (e.data.type === 'stop') {
    stopRequested = true;
    return;
  }
  stopRequested = false;
  run(e.data).catch((err: unknown) =>
    post({ type: 'error', message: err instanceof Error ? err.message : String(err) }),
  );
};
