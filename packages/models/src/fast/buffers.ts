/**
 * Reuse of the fast kernel's large per-sequence buffers on one thread.
 *
 * A training step of W1 at 256 units used to allocate about 26 MB of fresh Float32Arrays on the
 * main thread (12 MB in the worker): the gates, the states, the input projection. V8 counts them
 * as external memory and starts a full garbage collection every step or two; its concurrent
 * marking threads then compete with the two compute threads for the machine's cores (with
 * `--single-threaded-gc` the same step ran about 20% faster, measured). Here a sequence's buffers
 * go back to a free list once nothing can read them, and the next sequence of the same size takes
 * them instead of allocating.
 *
 * When is that? A sequence run without the gradient tape is done when its forward returns. One
 * run under the tape is done when its backward pass and the gradient reads that follow it have run.
 * tfjs calls those reads right after the op's backward function, in the same synchronous step of
 * the backward pass, before any later forward can start; so a run whose backward has finished is
 * "retired", and retired runs give their buffers back when the next run on this thread starts.
 * (A run that does its backward pass inside its forward, ahead of the tape, `fast.ts`, computes
 * every gradient the tape may read there and then.) A run whose buffers were given back refuses
 * to be read (an internal error, never stale numbers).
 *
 * Neighbours in `fast/` (the speed code, which the model code never imports): `fast.ts` (the kernel
 * op) over `fast-core.ts`, `fast-gates.ts`, `gates-simd.ts` and `fast-wasm.ts`; `pool.ts` and
 * `worker.ts` (the second thread); `fused-head.ts` and `fast-head.ts` (the fused losses).
 *
 * @example
 * ```ts
 * const a = takeBuffer(1024, false); // a new array, or one given back before (contents undefined)
 * giveBuffer(a); // the next takeBuffer(1024, ...) returns it
 * ```
 */

/** Arrays kept per length (a stacked model's layers of one size, and their previous step's). */
const KEEP_PER_LENGTH = 6;
/**
 * Arrays shorter than this are left to the allocator (16 KB). At 64 units W1's states, sequences
 * and head buffers are 128-133k values, about 4 MB of fresh arrays a step on the native engine's
 * main thread when they were left to it; W2's (LSTM 32, 5 steps, batch 32: 24-80 KB each) cost a
 * zero-fill and external-memory garbage every step, a full collection about every 100 steps.
 */
const MIN_LENGTH = 1 << 12;

const free = new Map<number, Float32Array[]>();

/** A Float32Array of `length` values: reused when one was given back, zeroed when asked. */
export function takeBuffer(length: number, zero: boolean): Float32Array {
  const list = free.get(length);
  const reused = list?.pop();
  if (reused === undefined) return new Float32Array(length);
  if (zero) reused.fill(0);
  return reused;
}

/** Gives `a` back for reuse; the caller must not touch it again. */
export function giveBuffer(a: Float32Array): void {
  // Views into a larger buffer, and detached or small arrays, are left alone.
  if (a.length < MIN_LENGTH || a.byteOffset !== 0 || a.byteLength !== a.buffer.byteLength) return;
  let list = free.get(a.length);
  if (list === undefined) {
    list = [];
    free.set(a.length, list);
  }
  if (list.length < KEEP_PER_LENGTH && !list.includes(a)) list.push(a);
}

/** Something holding buffers that can give them back once retired. */
export interface Reusable {
  release(): void;
}

const retired: Reusable[] = [];

/** Marks a run as done: its buffers are given back when the next run on this thread starts. */
export function retire(run: Reusable): void {
  if (!retired.includes(run)) retired.push(run);
}

/** Gives back the buffers of every retired run (called as a new run starts). */
export function recycleRetired(): void {
  for (const run of retired.splice(0)) run.release();
}

/** Tests: how many arrays of `length` are free. */
export function freeBuffers(length: number): number {
  return free.get(length)?.length ?? 0;
}
