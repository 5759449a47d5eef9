/**
 * The training thread of `rnnkit train` (see worker-host.ts): runs the command with an `Io` that
 * posts to the main thread, and stops after the current step once the shared flag is set.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { CliError, isUserError } from '../../errors.js';
import type { Io } from '../../io.js';
import { trainHere } from './train-here.js';
import type { WorkerInput, WorkerMessage } from './worker-host.js';

const input = workerData as WorkerInput & { stop: SharedArrayBuffer };
const flag = new Int32Array(input.stop);
const post = (m: WorkerMessage) => parentPort!.postMessage(m);
const io: Io = {
  out: (text) => post({ kind: 'out', text }),
  write: (text) => post({ kind: 'write', text }),
  err: (text) => post({ kind: 'err', text }),
  isTTY: input.isTTY,
  cwd: input.cwd,
};

try {
  await trainHere(input.taskName, input.flags, io, () => Atomics.load(flag, 0) === 1);
  post({ kind: 'done' });
} catch (e) {
  const err = e instanceof Error ? e : new Error(String(e));
  post({
    kind: 'error',
    message: err.message,
    exitCode: e instanceof CliError ? e.exitCode : isUserError(e) ? 1 : null,
    stack: err.stack,
  });
}
