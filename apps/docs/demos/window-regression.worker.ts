/** Demo 2's worker: trains the LSTM(1) epoch by epoch, posts the losses, then the test plots' data. */
import { DEFAULT_EPOCHS } from '@rnnkit/demo';
import { createWindowRegression } from '@rnnkit/demo/programs';
import { pickBackend } from './backend.js';
import type { FromWorker, ToWorker } from './messages.js';

/** The worker's global scope, typed by the messages it exchanges (the DOM lib types `self` as a window). */
const scope = self as unknown as {
  postMessage(m: FromWorker): void;
};
const post = (m: FromWorker) => scope.postMessage(m);
let stopRequested = false;
const tick = () => new Promise((ok) => setTimeout(ok, 0));

async function run(msg: Extract<ToWorker, { type: 'start' }>): Promise<void> {
  const t0 = performance.now();
  // an LSTM(1): four gate columns
  const choice = await pickBackend(msg.backend, 4, (b) =>
    post({ type: 'progress', message: `timing the ${b} backend` }),
  );
  post({ type: 'backend', ...choice });
  const model = createWindowRegression({ seed: msg.seed });
  const losses: number[] = [];
  try {
    const epochs = msg.epochs ?? DEFAULT_EPOCHS;
    for (let e = 0; e < epochs && !stopRequested; e++) {
      const loss = model.epoch();
      losses.push(loss);
      // every 10th epoch reaches the page: enough for a live curve, few messages
      if (e % 10 === 9 || e === epochs - 1) {
        post({ type: 'epoch', epoch: e, loss });
        await tick();
      }
    }
    post({ type: 'result', ...model.result(), losses });
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
