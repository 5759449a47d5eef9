/**
 * The main-thread side of `rnnkit train`: starts the training worker, relays its output to the
 * `Io`, turns an interrupt (SIGINT, SIGTERM) into a stop request in shared memory, and rethrows
 * the worker's error.
 *
 * One interrupt stops the run after its current step and saves it. `timeout -s INT` and
 * supervisors deliver a signal to the process and to its group microseconds apart, and a terminal
 * may repeat a key: deliveries within ACK_MS of the first one acknowledged are that same
 * interrupt. Only a later one ends the run at once, without saving.
 */
import { Worker } from 'node:worker_threads';
import { CliError } from '../../errors.js';
import type { Io } from '../../io.js';
import { EXIT_INTERRUPTED, SIGNAL_NUMBERS } from './checked.js';

/**
 * A second interrupt sooner than this after the first was acknowledged is the same one: 500 ms,
 * or RNNKIT_SIGNAL_REPEAT_MS for a supervisor that repeats its signal more slowly (the tests set
 * it so that a delivery they force after the acknowledgement counts as a repeat however busy the
 * machine is).
 */
export const ACK_MS = Number(process.env['RNNKIT_SIGNAL_REPEAT_MS'] ?? 500);

export interface WorkerInput {
  taskName: string;
  flags: Record<string, unknown>;
  cwd: string;
  isTTY: boolean;
  /** Standard input's bytes, for `--data -` (read by this thread). */
  stdin: Uint8Array | undefined;
}

/** What the worker gets: the input, and the shared state. */
export interface WorkerData extends WorkerInput {
  /** Int32Array [stop signal number (0: none), stderr columns (0: unknown)]. */
  shared: SharedArrayBuffer;
}

/** Slots of `WorkerData.shared`. */
export const STOP = 0;
export const COLUMNS = 1;

/** What the worker posts: output, then `done` or `error`. */
export type WorkerMessage =
  | { kind: 'out' | 'write' | 'err'; text: string }
  | { kind: 'done' }
  | { kind: 'error'; message: string; exitCode: number | null; stack: string | undefined };

export async function runWorker(input: WorkerInput, io: Io): Promise<void> {
  const shared = new SharedArrayBuffer(8);
  const state = new Int32Array(shared);
  const setColumns = () => Atomics.store(state, COLUMNS, io.columns() ?? 0);
  setColumns();
  const worker = new Worker(new URL('./worker.js', import.meta.url), {
    workerData: { ...input, shared } satisfies WorkerData,
  });
  let acknowledged: number | undefined;
  let forced = false;
  const onSignal = (signal: keyof typeof SIGNAL_NUMBERS) => {
    const now = Date.now();
    if (acknowledged === undefined) {
      acknowledged = now;
      Atomics.store(state, STOP, SIGNAL_NUMBERS[signal]);
      io.err(
        `${io.isTTY ? '\r\x1b[K' : ''}${signal}: stopping after this step to save the model and a checkpoint (interrupt again to stop at once, saving nothing)\n`,
      );
    } else if (now - acknowledged >= ACK_MS && !forced) {
      forced = true;
      void worker.terminate();
    }
  };
  const onInt = () => onSignal('SIGINT');
  const onTerm = () => onSignal('SIGTERM');
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);
  process.stderr.on('resize', setColumns);
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
          forced
            ? new CliError('interrupted twice: stopped at once, nothing saved', EXIT_INTERRUPTED)
            : new Error('the training worker stopped without a result'),
        );
      });
    });
  } finally {
    process.off('SIGINT', onInt);
    process.off('SIGTERM', onTerm);
    process.stderr.off('resize', setColumns);
  }
}
