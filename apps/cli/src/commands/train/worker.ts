/**
 * The training thread of `rnnkit train` (see worker-host.ts): runs the command with an `Io` that
 * posts to the main thread, and stops after the current step once the shared stop slot is set.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { CliError, inCliWords, isUserError } from '../../errors.js';
import type { Io } from '../../io.js';
import { trainHere } from './train-here.js';
import { COLUMNS, STOP, type WorkerData, type WorkerMessage } from './worker-host.js';

const input = workerData as WorkerData;
const state = new Int32Array(input.shared);
const post = (m: WorkerMessage) => parentPort!.postMessage(m);
const io: Io = {
  out: (text) => post({ kind: 'out', text }),
  write: (text) => post({ kind: 'write', text }),
  err: (text) => post({ kind: 'err', text }),
  isTTY: input.isTTY,
  columns: () => Atomics.load(state, COLUMNS) || undefined,
  stdin: async () => {
    if (!input.stdin) throw new Error('standard input was not read for this run');
    return input.stdin;
  },
  stdinIsTTY: false,
  cwd: input.cwd,
};

try {
  await trainHere(input.taskName, input.flags, io, () => Atomics.load(state, STOP));
  post({ kind: 'done' });
} catch (e) {
  const err = e instanceof Error ? e : new Error(String(e));
  post({
    kind: 'error',
    message: isUserError(e) ? inCliWords(err.message) : err.message,
    exitCode: e instanceof CliError ? e.exitCode : isUserError(e) ? 1 : null,
    stack: err.stack,
  });
}
