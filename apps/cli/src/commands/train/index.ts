/**
 * `rnnkit train <task>`: reads the data, trains the task of `@rnnkit/tasks` with the defaults it
 * picks from the data size (flags and `--config` override them), shows progress, evaluates on the
 * held-out share, and saves the model, its loss curves (loss.svg: train, and validation where the
 * task validates) and a terminal chart of the loss. `--data -` reads standard input (kept in the
 * checkpoint folder, so `--resume` reads it again). Ctrl-C or SIGTERM stops after the current
 * step, saves the model so far and a checkpoint in `<out>.checkpoint`, and prints the `--resume`
 * command that continues the run to the same result (resume.ts).
 *
 * @example
 * ```sh
 * rnnkit train text --data book.txt --epochs 2 --out out/lm
 * # text: cell lstm, units 64, seqLength 32, epochs 2 (set) (defaults for 12 kB of text)
 * # epoch 1/2  train loss 3.1021
 * # saved out/lm (rnnkit.json, model.json, weights.bin, loss.svg)
 * rnnkit train classify --data reviews.jsonl --out out/c   # Ctrl-C during epoch 3
 * # interrupted at step 41: the model so far is saved in out/c; continue with: rnnkit train classify --resume out/c.checkpoint
 * ```
 */
import { type Io, STDIN } from '../../io.js';
import { checked } from './checked.js';
import { runWorker } from './worker-host.js';

/**
 * Runs the training in a worker thread, so that Ctrl-C reaches this thread while a step runs (the
 * training loop never yields to the event loop between steps): see worker-host.ts.
 */
export async function train(
  taskName: string,
  flags: Record<string, unknown>,
  io: Io,
): Promise<void> {
  const run = await checked(taskName, flags, io.cwd);
  // standard input is this thread's: read it here and hand the bytes over
  const stdin = !run.resume && run.settings.data === STDIN ? await io.stdin() : undefined;
  await runWorker({ taskName, flags, cwd: io.cwd, isTTY: io.isTTY, stdin }, io);
}
