/**
 * What the fast kernel's second thread runs, under Node (`worker.ts`) and in browsers
 * (`web-worker.ts`): its half of a batch's recurrence for each request, replied to through the
 * `Reply` function its host gives (a port and a shared flag under Node, a `sab-pipe.ts` pipe in
 * browsers). Holds the state of the last few ops for their backward passes; an op it no longer
 * holds is recomputed from the inputs the backward request carries (same numbers).
 *
 * Neighbours in `fast/` (the speed code, which the model code never imports): `pool.ts` (the
 * requests' other end), `worker.ts` and `web-worker.ts` (the hosts), `half-run.ts` (a half).
 *
 * @example
 * ```ts
 * const handle = serve((msg, transfer) => port.postMessage(msg, transfer), productsFor(tf.backend()));
 * port.on('message', handle);
 * ```
 */

import type { HeadData } from '../recurrence/contract.js';
import type { CoreData, CoreSpec } from './fast-core.js';
import type { Products } from './fast-wasm.js';
import { HalfRun } from './half-run.js';
import { type Ahead, HELD_OPS, type SharedWeights } from './pool.js';

/** Sends a reply to the waiting thread (the arrays in `transfer` may be moved, not copied). */
export type Reply = (msg: Record<string, unknown>, transfer?: ArrayBuffer[]) => void;

export interface Request {
  op: 'forward' | 'backward' | 'gradX';
  seq: number;
  id: number;
  spec: CoreSpec;
  /** null on a backward request for an op the worker holds */
  data: CoreData | null;
  /** forward: the weights, in a shared buffer (`data`'s kernel and recurrent are then empty) */
  weights?: SharedWeights;
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

/** A request's data, its weights copied out of the shared buffer when they came in one. */
function dataOf(m: Request): CoreData {
  const d = m.data as CoreData;
  const w = m.weights;
  if (w === undefined) return d;
  const all = new Float32Array(w.buffer, 0, w.kernel + w.recurrent);
  return { ...d, kernel: all.slice(0, w.kernel), recurrent: all.slice(w.kernel) };
}

const errorText = (e: unknown): string => (e instanceof Error ? (e.stack ?? e.message) : String(e));

/**
 * The request handler of a second thread whose kernel products are `mm`. Each reply carries the
 * thread's time on requests so far (`busyMs`, read by `recurrenceThreadInfo`).
 */
export function serve(send: Reply, mm: Products): (m: Request) => void {
  let busy = 0;
  let since: number | null = null;
  const reply: Reply = (msg, transfer) =>
    send({ ...msg, busyMs: busy + (since === null ? 0 : performance.now() - since) }, transfer);
  /** Ops whose state is kept for a backward pass, oldest first (the pool mirrors this). */
  const held = new Map<number, HalfRun>();
  function hold(id: number, core: HalfRun): void {
    held.delete(id);
    held.set(id, core);
    while (held.size > HELD_OPS) held.delete(held.keys().next().value as number);
  }

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

  return (m: Request) => {
    since = performance.now();
    try {
      handle(m);
    } finally {
      busy += performance.now() - since;
      since = null;
    }
  };

  function handle(m: Request): void {
    try {
      if (m.op === 'forward') {
        const run = new HalfRun(m.spec, dataOf(m), mm, m.head ?? null);
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
  }
}
