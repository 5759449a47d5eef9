/**
 * The worker thread of `pool.ts`: runs the fast kernel's recurrence for its half of a batch on its
 * own wasm backend, and answers each request on its port (then bumps the shared flag the waiting
 * thread sleeps on). Holds the state of the last few ops for their backward passes; an op it no
 * longer holds is recomputed from the inputs the backward request carries (same numbers).
 *
 * Neighbours in `fast/` (the speed code, which the model code never imports): `fast.ts` (the kernel
 * op) over `fast-core.ts`, `fast-gates.ts`, `gates-simd.ts` and `fast-wasm.ts`; `pool.ts` and
 * `worker.ts` (the second thread); `fused-head.ts` and `fast-head.ts` (the fused losses).
 *
 * @example
 * ```ts
 * // started by pool.ts, not imported: new Worker(new URL('./worker.js', import.meta.url),
 * //   { workerData: { flag, port }, transferList: [port] })
 * ```
 */
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { type MessagePort, workerData } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs-core';
import type { CoreData, CoreSpec } from './fast-core.js';
import type { HeadData } from './fast-head.js';
import { productsFor } from './fast-wasm.js';
import { HalfRun } from './half-run.js';
import { type Ahead, HELD_OPS } from './pool.js';

const { flag, port } = workerData as { flag: SharedArrayBuffer; port: MessagePort };
const flags = new Int32Array(flag);

/** Replies, then wakes the thread blocked on the flag. */
function reply(msg: Record<string, unknown>, transfer: ArrayBuffer[] = []): void {
  port.postMessage(msg, transfer);
  Atomics.add(flags, 0, 1);
  Atomics.notify(flags, 0);
}

/** Ops whose state is kept for a backward pass, oldest first (the pool mirrors this). */
const held = new Map<number, HalfRun>();
function hold(id: number, core: HalfRun): void {
  held.delete(id);
  held.set(id, core);
  while (held.size > HELD_OPS) held.delete(held.keys().next().value as number);
}

try {
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  const dir = dirname(
    createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm/package.json'),
  );
  wasm.setWasmPaths(`${dir}/dist/`);
  tf.env().set('PROD', true);
  if (!(await tf.setBackend('wasm'))) throw new Error('the wasm backend did not start');
  reply({ seq: 0 });
} catch (e) {
  reply({ seq: 0, error: String(e) });
}
const mm = productsFor(tf.backend());

interface Request {
  op: 'forward' | 'backward' | 'gradX';
  seq: number;
  id: number;
  spec: CoreSpec;
  /** null on a backward request for an op the worker holds */
  data: CoreData | null;
  keep?: boolean;
  /** forward: a softmax head to run on the outputs, or null */
  head?: HeadData | null;
  /**
   * forward with a head, kept for a backward: the run's backward pass right after the forward,
   * from the head's (with the presumed loss-gradient scale, `half-run.ts`; no final-state
   * gradient: a run that took the head returns no state), replied to as headSeq (the head's
   * weight gradients) and backwardSeq (the run's)
   */
  ahead?: Ahead | null;
  /** backward: null to start from the head's output gradient */
  dSeq?: Float32Array | null;
  dhT?: Float32Array;
  dcT?: Float32Array | null;
}

const errorText = (e: unknown): string => (e instanceof Error ? (e.stack ?? e.message) : String(e));

/** The run's backward pass, replied to as `seq` with its gradients. */
function backward(
  seq: number,
  id: number,
  run: HalfRun,
  dSeq: Float32Array | null,
  dhT: Float32Array | null,
  dcT: Float32Array | null,
  withX: boolean,
): void {
  hold(id, run);
  run.backward(dSeq, dhT, dcT);
  // Moved, not copied: the core does not read them again (its next backward recomputes them).
  // Dense x (an embedding's or a lower layer's output) is differentiated next: saves a trip.
  const core = run.core;
  const grads = core.grads(withX);
  const moved = [grads.kernel, grads.recurrent, grads.bias, grads.h0, grads.c0, grads.x];
  reply(
    { seq, grads },
    moved.filter((a) => a.length > 0).map((a) => a.buffer as ArrayBuffer),
  );
}

/** The head's backward, then the run's, each replied to as soon as it is done. */
function backwardAhead(id: number, run: HalfRun, ahead: Ahead, withX: boolean): void {
  try {
    const head = run.headBackward(ahead.scale);
    reply({ seq: ahead.headSeq, head }, [head.w.buffer, head.b.buffer] as ArrayBuffer[]);
  } catch (e) {
    reply({ seq: ahead.headSeq, error: errorText(e) });
    reply({ seq: ahead.backwardSeq, error: errorText(e) });
    return;
  }
  try {
    backward(ahead.backwardSeq, id, run, null, null, null, withX);
  } catch (e) {
    reply({ seq: ahead.backwardSeq, error: errorText(e) });
  }
}

port.on('message', (m: Request) => {
  try {
    if (m.op === 'forward') {
      const run = new HalfRun(m.spec, m.data as CoreData, mm, m.head ?? null);
      const keep = m.keep === true;
      const out = run.forward(keep); // without keep, its buffers are given back: no backward
      if (keep) hold(m.id, run);
      const transfer = [out.seq.buffer, out.h.buffer, ...(out.c === null ? [] : [out.c.buffer])];
      reply({ seq: m.seq, out }, transfer as ArrayBuffer[]);
      // x's gradient with the rest unless x is one-hot ids: the run is retired after its backward
      if (m.ahead) backwardAhead(m.id, run, m.ahead, (m.data as CoreData).ids === null);
    } else if (m.op === 'backward') {
      let run = held.get(m.id);
      if (run === undefined) {
        if (m.data === null)
          throw new Error(`op ${m.id} is no longer held and came without inputs`);
        run = new HalfRun(m.spec, m.data, mm, null);
        run.forward(true);
      }
      const dense = run.core.denseInput;
      backward(m.seq, m.id, run, m.dSeq ?? null, m.dhT ?? null, m.dcT ?? null, dense);
    } else {
      const run = held.get(m.id);
      if (run === undefined) throw new Error(`op ${m.id} is no longer held for its x gradient`);
      const dx = run.core.gradX();
      reply({ seq: m.seq, dx }, [dx.buffer as ArrayBuffer]);
    }
  } catch (e) {
    reply({ seq: m.seq, error: errorText(e) });
    // a forward that failed: the replies its backward run ahead would have sent
    if (m.op === 'forward' && m.ahead) {
      reply({ seq: m.ahead.headSeq, error: errorText(e) });
      reply({ seq: m.ahead.backwardSeq, error: errorText(e) });
    }
  }
});
