/**
 * The main-thread side of `rnnkit train`: starts the training worker, relays its output to the
 * `Io`, turns Ctrl-C into a stop request in shared memory, and rethrows the worker's error.
 */
import { Worker } from 'node:worker_threads';
import { CliError } from '../../errors.js';
import type { Io } from '../../io.js';
import { EXIT_INTERRUPTED } from './index.js';

export interface WorkerInput {
  taskName: string;
  flags: Record<string, unknown>;
  cwd: string;
  isTTY: boolean;
  /** Int32Array view [1]: 1 once Ctrl-C was pressed. */
  stop?: SharedArrayBuffer;
}

/** What the worker posts: output, then `done` or `error`. */
export type WorkerMessage =
  | { kind: 'out' | 'write' | 'err'; text: string }
  | { kind: 'done' }
  | { kind: 'error'; message: string; exitCode: number | null; stack: string | undefined };

export async function runWorker(input: WorkerInput, io: Io): Promise<void> {
  const stop = new SharedArrayBuffer(4);
  const flag = new Int32Array(stop);
  const worker = new Worker(new URL('./worker.js', import.meta.url), {
    workerData: { ...input, stop },
  });
  let presses = 0;
  const onSigint = () => {
    presses += 1;
    Atomics.store(flag, 0, 1);
    if (presses > 1) void worker.terminate();
  };
  process.on('SIGINT', onSigint);
  try {
    await new Promise<void>((resolve, reject) => {
      let settled = false;
      worker.on('message', (m: WorkerMessage) => {
        if (m.kind === 'out') io.out(m.text);
        else if (m.kind === 'write') io.write(m.text);
        else if (m.kind === 'err') io.err(m.text);
        else if (m.kind === 'done') {
          settled = true;
          resolve();
        } else if (m.kind === 'error') {
          settled = true;
          // the worker's stack, for --verbose and for bugs
          const err =
            m.exitCode !== null ? new CliError(m.message, m.exitCode) : new Error(m.message);
          if (m.stack) err.stack = m.stack;
          reject(err);
        }
      });
      worker.on('error', reject);
      worker.on('exit', () => {
        if (settled) return;
        reject(
          presses > 1
            ? new CliError('interrupted twice: stopped at once, nothing saved', EXIT_INTERRUPTED)
            : new Error('the training worker stopped without a result'),
        );
      });
    });
  } finally {
    process.off('SIGINT', onSigint);
  }
}
