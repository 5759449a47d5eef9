/**
 * The second core for the fast recurrence kernel: one `worker_threads` worker with its own wasm
 * backend that runs the recurrence of half of a batch while this thread runs the other half.
 *
 * tfjs's wasm build is single-threaded under Node (apps/docs/guide/performance.md), so a second
 * core takes a worker
 * of our own. The rows of a batch are independent through time, so the split needs no exchange
 * per step: one message starts the worker's forward (its rows' inputs and the weights), one its
 * backward (its rows' output gradients), or, when it runs a softmax head on its rows, the forward
 * message starts both (`Ahead`); its weight gradients are added to this thread's in a
 * fixed order, so a seed gives the same numbers every run. The kernel op is synchronous, so this
 * thread blocks on `Atomics.wait` for the reply and reads it with `receiveMessageOnPort` (in
 * browsers, from a SharedArrayBuffer pipe: `sab-pipe.ts`).
 *
 * Used when `setRecurrenceThreads` allows it: by default ('auto') for batches of 16+ rows of 16+
 * steps at 32+ units on the wasm backend under Node with 2+ cores (where it wins: W1 shapes at 32,
 * 64 and 256 units; W2's 5-step windows lose, the exchange costs more than it saves). Such runs are always computed as two halves, so the numbers never
 * depend on where the second half ran (if the worker cannot start, it runs on this thread after
 * the first). In browsers the second thread is a nested Web Worker (`pool-web.ts`), only where the
 * kernel runs in a dedicated worker of a cross-origin isolated context. Elsewhere (a page's main
 * thread, a page that is not isolated, the cpu backend) the kernel stays on one thread. A machine busy
 * with other work gives both threads less; `setRecurrenceThreads(1)` keeps to one.
 *
 * Neighbours in `fast/` (the speed code, which the model code never imports): `fast.ts` (the kernel
 * op) over `fast-core.ts`, `fast-gates.ts`, `gates-simd.ts` and `fast-wasm.ts`; `pool.ts` and
 * `worker.ts` (the second thread), with `worker-serve.ts` (what it runs), `pool-web.ts`,
 * `web-worker.ts` and `sab-pipe.ts` (the same in browsers); `fused-head.ts` and `fast-head.ts`
 * (the fused losses).
 *
 * @example
 * ```ts
 * import { setRecurrenceThreads } from '@rnnkit/models';
 * setRecurrenceThreads(1); // one thread, whatever the size
 * setRecurrenceThreads('auto'); // the default
 * ```
 */
import type * as FS from 'node:fs';
import type * as OS from 'node:os';
import type * as URLS from 'node:url';
import type * as WT from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs-core';
import { ModelsError } from '../errors.js';
import type { HeadData, HeadGrads } from '../recurrence/contract.js';
import type { CoreData, CoreGrads, CoreSpec } from './fast-core.js';
import { allZero } from './fast-linalg.js';
import { type HalfOutputs, rescale } from './half-run.js';
import {
  type Channel,
  type Reply,
  startWebChannel,
  webThreadPossible,
  webWorkerRegistered,
} from './pool-web.js';

/** Threads of the fast kernel: 1, 2, or 'auto' (2 where it wins). */
export type RecurrenceThreads = 1 | 2 | 'auto';

let setting: RecurrenceThreads = 'auto';

/** Selects how many threads the fast recurrence kernel uses (process-wide). */
export function setRecurrenceThreads(threads: RecurrenceThreads): void {
  if (threads !== 1 && threads !== 2 && threads !== 'auto') {
    throw new ModelsError(
      'BAD_OPTION',
      `recurrence threads must be 1, 2 or 'auto', got ${String(threads)}: 2 uses a worker thread for half of each batch`,
    );
  }
  setting = threads;
}

/** The threads setting. */
export function getRecurrenceThreads(): RecurrenceThreads {
  return setting;
}

/**
 * Gradients of the worker's rows; their x gradient comes with the others when x is dense (an
 * embedding's or a lower layer's output, which the tape then asks for), else empty.
 */
export type RemoteGrads = CoreGrads;

/** The worker's backward for one op. */
export interface RemoteBackward {
  /** Blocks until the worker's weight and state gradients are in. */
  grads(): RemoteGrads;
  /** The x gradient of the worker's rows (one more round trip, only when asked). */
  gradX(): Float32Array;
}

/** One op's rows in the worker. */
export interface WorkerJob {
  /** Blocks until the worker's forward (and head, when given one) is in. */
  forward(): HalfOutputs;
  /**
   * The head's weight gradients for the loss-gradient scale `scale` (call once; the result waits
   * for them). The worker ran the head's backward and then its run's right after the forward,
   * with the presumed scale (`half-run.ts`); both are rescaled to this one.
   */
  headBackward(scale: number): () => HeadGrads;
  /**
   * Starts the worker's backward (returns at once). dSeq null: the gradient its head's backward
   * left (the head was the only reader of the outputs); with a head, the backward pass is the one
   * the worker already runs, which had no final-state gradient (a run that took the head returns
   * no state: dhT and dcT must be zeros, and are checked).
   */
  backward(dSeq: Float32Array | null, dhT: Float32Array, dcT: Float32Array | null): RemoteBackward;
}

/** The replies of a backward pass the worker runs right after its forward (see worker.ts). */
export interface Ahead {
  /** the presumed loss-gradient scale (`presumedScale`) */
  scale: number;
  headSeq: number;
  backwardSeq: number;
}

/** What the kernel calls on the worker pool: `start` (the pool's own method). */
export type RecurrenceWorker = Pick<Pool, 'start'>;

/**
 * Where a forward request's weights are: the kernel's `kernel` values then the recurrent
 * kernel's `recurrent` values at the start of a buffer shared with the worker, which copies them
 * out as it takes the request (`worker-serve.ts`). Structured-cloning them cost this thread, the
 * one the worker waits for, 1.3-3 ms for W1 LSTM 256's 1.3 MB against 0.05-0.5 ms for the copy
 * into the buffer (measured under load). The buffer is written again only for a later forward
 * request, and each forward request's reply (sent after the worker copied its weights) is
 * waited for before the kernel op that sent it returns.
 */
export interface SharedWeights {
  buffer: SharedArrayBuffer;
  kernel: number;
  recurrent: number;
}

/** Ops whose forward state the worker keeps for their backward pass (the most recent). */
export const HELD_OPS = 8;

/** A worker gets no reply within this: it is treated as dead. */
const REPLY_TIMEOUT_MS = 120_000;

class Pool {
  private nextSeq = 1;
  private nextId = 1;
  private readonly stash = new Map<number, Reply>();
  private readonly held = new Set<number>();
  /** The replies of each held op's backward run ahead (`Ahead`) that nobody collected yet. */
  private readonly ahead = new Map<number, Set<number>>();
  /** Replies to drop when they come: backward passes of ops evicted before anyone collected them. */
  private readonly dropped = new Set<number>();
  private readonly channel: Channel;
  /** The worker answered its start (seq 0): runs may go to it. */
  up = false;
  /** Halves sent to the worker (`recurrenceThreadInfo`). */
  sent = 0;
  /** Time this thread spent blocked for the worker's replies, ms (`recurrenceThreadInfo`). */
  waitedMs = 0;
  /** The worker's own count of the time it spent on requests, ms, as of its last reply. */
  busyMs = 0;
  readonly kind: 'node' | 'web';
  /** The buffer shared with the worker for forward requests' weights (`SharedWeights`). */
  private shared: Float32Array | null = null;

  constructor(channel: Channel, kind: 'node' | 'web') {
    this.channel = channel;
    this.kind = kind;
  }

  post(msg: Record<string, unknown>, transfer: ArrayBuffer[] = []): number {
    const seq = this.nextSeq++;
    this.channel.send({ ...msg, seq }, transfer);
    return seq;
  }

  /** The reply to `seq` if it is in or comes within `ms`, else undefined; throws its failure. */
  take(seq: number, ms: number): Reply | undefined {
    for (;;) {
      const stashed = this.stash.get(seq);
      if (stashed !== undefined) {
        this.stash.delete(seq);
        if (stashed.error !== undefined) {
          throw new ModelsError('WORKER_FAILED', `recurrence worker failed: ${stashed.error}`);
        }
        return stashed;
      }
      const t0 = ms > 0 ? performance.now() : 0;
      const r = this.channel.next(ms);
      if (ms > 0) this.waitedMs += performance.now() - t0;
      if (r === undefined) return undefined;
      if (r.busyMs !== undefined) this.busyMs = r.busyMs;
      if (this.dropped.delete(r.seq)) continue;
      this.stash.set(r.seq, r);
    }
  }

  /** Blocks until the reply to `seq` is in. */
  wait(seq: number): Reply {
    const deadline = Date.now() + REPLY_TIMEOUT_MS;
    for (;;) {
      const r = this.take(seq, 100);
      if (r !== undefined) return r;
      if (Date.now() > deadline) {
        disable();
        throw new ModelsError(
          'WORKER_FAILED',
          `recurrence worker gave no reply in ${REPLY_TIMEOUT_MS / 1000} s: call setRecurrenceThreads(1) to stay on one thread`,
        );
      }
    }
  }

  /** `data` with its weights moved into the shared buffer (`SharedWeights`), for a forward request. */
  private share(data: CoreData): { data: CoreData; weights: SharedWeights } {
    const [k, r] = [data.kernel.length, data.recurrent.length];
    if (this.shared === null || this.shared.length < k + r) {
      this.shared = new Float32Array(new SharedArrayBuffer(4 * (k + r)));
    }
    this.shared.set(data.kernel);
    this.shared.set(data.recurrent, k);
    const none = new Float32Array(0);
    const buffer = this.shared.buffer as SharedArrayBuffer;
    return {
      data: { ...data, kernel: none, recurrent: none },
      weights: { buffer, kernel: k, recurrent: r },
    };
  }

  /** Mirrors the worker's `hold` (same messages, same order): the ops whose state it holds. */
  private hold(id: number): void {
    this.held.delete(id);
    this.held.add(id);
    while (this.held.size > HELD_OPS) {
      const evicted = this.held.values().next().value as number;
      this.held.delete(evicted);
      // a backward the worker ran ahead, never collected (the tape did not need it)
      for (const seq of this.ahead.get(evicted) ?? []) {
        if (!this.stash.delete(seq)) this.dropped.add(seq);
      }
      this.ahead.delete(evicted);
    }
  }

  /** Replies stashed and replies to drop (see `poolBacklog`). */
  backlog(): number {
    return this.stash.size + this.dropped.size;
  }

  /** Waits for a reply of op `id`'s backward run ahead (no longer to drop when evicted). */
  private collect(id: number, seq: number): Reply {
    this.ahead.get(id)?.delete(seq);
    return this.wait(seq);
  }

  /**
   * Starts the forward of a run in the worker (returns at once); keep: a backward may follow;
   * head: a softmax head to run on its outputs (its rows' labels), or null; headScale: the
   * presumed loss-gradient scale its backward runs with (`presumedScale`).
   */
  start(
    spec: CoreSpec,
    data: CoreData,
    keep: boolean,
    head: HeadData | null,
    headScale: number,
  ): WorkerJob {
    const id = this.nextId++;
    this.sent++;
    // with a head, the worker goes on to the backward passes (only worth it when one may follow)
    const ahead: Ahead | null =
      head !== null && keep
        ? { scale: headScale, headSeq: this.nextSeq++, backwardSeq: this.nextSeq++ }
        : null;
    const fwd = this.post({ op: 'forward', id, spec, ...this.share(data), keep, head, ahead });
    if (keep) this.hold(id);
    if (ahead !== null) this.ahead.set(id, new Set([ahead.headSeq, ahead.backwardSeq]));
    let ratio: number | null = null; // the tape's loss-gradient scale over the presumed one
    const stillHeld = () => {
      if (!this.held.has(id)) {
        throw new ModelsError(
          'WORKER_FAILED',
          `recurrence worker no longer holds op ${id}, whose head it ran (internal error: more than ${HELD_OPS} runs between a head's forward and its backward)`,
        );
      }
    };
    return {
      forward: () => this.wait(fwd).out as HalfOutputs,
      headBackward: (scale) => {
        if (ahead === null) throw new Error('recurrence worker: no head was given to this run');
        stillHeld();
        const r = scale / ahead.scale;
        ratio = r;
        return () => {
          const grads = this.collect(id, ahead.headSeq).head as HeadGrads;
          rescale(r, grads.w, grads.b);
          return grads;
        };
      },
      backward: (dSeq, dhT, dcT) => {
        let bwd: number;
        if (ahead !== null) {
          stillHeld();
          if (dSeq !== null || !allZero(dhT) || (dcT !== null && !allZero(dcT))) {
            throw new ModelsError(
              'INTERNAL',
              "internal error: a recurrence run that took a softmax head got an output or final-state gradient besides the head's (a layer that returns its states must not be offered the head)",
            );
          }
          bwd = ahead.backwardSeq;
        } else {
          // The inputs again only when the worker no longer holds the op (it recomputes the forward).
          if (dSeq === null) stillHeld();
          const held = this.held.has(id);
          this.hold(id);
          const inputs = held ? null : data;
          bwd = this.post({ op: 'backward', id, spec, data: inputs, dSeq, dhT, dcT }, [
            ...(dSeq === null ? [] : [dSeq.buffer]),
            dhT.buffer,
            ...(dcT === null ? [] : [dcT.buffer]),
          ] as ArrayBuffer[]);
        }
        let grads: RemoteGrads | null = null;
        const all = (): RemoteGrads => {
          if (grads === null) {
            if (ahead !== null && ratio === null) {
              throw new ModelsError(
                'INTERNAL',
                "internal error: a worker run ahead was differentiated before its head's gradient (please report it)",
              );
            }
            grads = this.collect(id, bwd).grads as RemoteGrads;
            const { kernel, recurrent, bias, h0, c0, x } = grads;
            rescale(ratio ?? 1, kernel, recurrent, bias, h0, c0, x);
          }
          return grads;
        };
        return {
          grads: all,
          gradX: () => {
            const { x } = all();
            if (x.length > 0) return x; // computed with the backward pass
            if (ahead !== null) {
              // x is one-hot ids (else it came with the rest), whose gradient nothing can ask for
              throw new ModelsError(
                'INTERNAL',
                'internal error: the x gradient of one-hot ids was asked for (please report it)',
              );
            }
            return this.wait(this.post({ op: 'gradX', id })).dx as Float32Array;
          },
        };
      },
    };
  }
}

/**
 * Tests only: replies the pool keeps or expects to drop (0 once every op whose backward ran ahead
 * was collected or evicted, and their replies came in).
 */
export function poolBacklog(): number {
  return pool ? pool.backlog() : 0;
}

/**
 * A Node built-in module, or undefined in browsers. No static `node:` import: this module is part
 * of the browser bundle too.
 */
function builtin<T>(id: string): T | undefined {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  return proc?.getBuiltinModule?.(id) as T | undefined;
}

/** undefined: not tried yet; null: unavailable here. */
let pool: Pool | null | undefined;

function disable(): void {
  pool = null;
}

/** The worker script: beside this module in dist/, or dist/ when running from the sources. */
function workerUrl(fs: typeof FS, url: typeof URLS): URL | null {
  for (const rel of ['./worker.js', '../../dist/fast/worker.js']) {
    const u = new URL(rel, import.meta.url);
    if (u.protocol === 'file:' && fs.existsSync(url.fileURLToPath(u))) return u;
  }
  return null;
}

/** Threads started for the kernel in this process (`recurrenceThreadInfo`). */
let started = 0;
/** tfjs's wasm files for the browser's second thread (`startRecurrenceThreads`). */
let webWasmPaths: string | null = null;

/**
 * Under Node a worker_threads worker, up when this returns; in a browser's isolated dedicated
 * worker a nested Web Worker, up once it answers (`refresh`: until then the halves run here).
 */
function startPool(): Pool | null {
  if (webThreadPossible()) {
    if (!webWorkerRegistered()) {
      startError =
        "the browser's second thread is not bundled: import '@rnnkit/models/web-threads' in the worker that trains";
      return null;
    }
    const web = startWebChannel(webWasmPaths);
    started++;
    stopWeb = web.terminate;
    webFailure = web.failure;
    return new Pool(web.channel, 'web');
  }
  const wt = builtin<typeof WT>('node:worker_threads');
  const fs = builtin<typeof FS>('node:fs');
  const urls = builtin<typeof URLS>('node:url');
  if (wt === undefined || fs === undefined || urls === undefined || !wt.isMainThread) return null;
  const url = workerUrl(fs, urls);
  if (url === null) return null;
  const flag = new Int32Array(new SharedArrayBuffer(4));
  const { port1, port2 } = new wt.MessageChannel();
  const worker = new wt.Worker(url, {
    workerData: { flag: flag.buffer, port: port2 },
    transferList: [port2],
  });
  started++;
  worker.unref();
  port1.unref();
  let seen = 0;
  const channel: Channel = {
    send: (msg, transfer) => port1.postMessage(msg, transfer),
    next: (ms) => {
      const m = wt.receiveMessageOnPort(port1);
      if (m !== undefined) return m.message as Reply;
      Atomics.wait(flag, 0, seen, ms);
      seen = Atomics.load(flag, 0);
      return undefined;
    },
  };
  const p = new Pool(channel, 'node');
  try {
    p.wait(0); // the worker's 'ready' message (seq 0), once its wasm backend is up
  } catch {
    void worker.terminate();
    return null;
  }
  p.up = true;
  return p;
}

/** Ends the browser's nested worker when it failed to start. */
let stopWeb: () => void = () => undefined;
/** Why the browser's nested worker failed to load (its script's error event), or null. */
let webFailure: () => string | null = () => null;

/** Marks the pool up once its worker answered its start; drops it if the start failed. */
function refresh(): void {
  if (!pool || pool.up) return;
  try {
    const failed = webFailure();
    if (failed !== null) throw new ModelsError('WORKER_FAILED', failed);
    if (pool.take(0, 0) !== undefined) pool.up = true;
  } catch (e) {
    startError = e instanceof Error ? e.message : String(e);
    stopWeb();
    disable();
  }
}

let startError: string | null = null;

/** What starts the second thread ahead of the first run (`startRecurrenceThreads`). */
export interface StartThreadsOptions {
  /**
   * Browsers: where the nested worker loads tfjs's wasm files (the prefix given to tfjs's
   * `setWasmPaths`). Default: the folder this thread's wasm backend loaded its binary from.
   */
  wasmPaths?: string;
  /** How long to wait for the thread, ms. Default 30 000. */
  timeoutMs?: number;
}

/**
 * Starts the fast kernel's second thread now rather than at the first run that wants it, and
 * resolves true once it runs (false where there is none: a page's main thread, a context that is
 * not cross-origin isolated, one core, `setRecurrenceThreads(1)`). In a browser, call it in the
 * dedicated worker that trains, after `tf.setBackend('wasm')`: until the nested worker is up
 * the second halves run on this thread (the same numbers).
 */
export async function startRecurrenceThreads(options: StartThreadsOptions = {}): Promise<boolean> {
  if (options.wasmPaths !== undefined) webWasmPaths = options.wasmPaths;
  if (setting === 1 || (setting === 'auto' && cores() < 2)) return false;
  if (pool === undefined) pool = startPool();
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  for (;;) {
    refresh();
    if (!pool || pool.up || Date.now() > deadline) return pool?.up === true;
    await new Promise((ok) => setTimeout(ok, 10));
  }
}

/** The kernel's second thread here, for tests and benches. */
export interface RecurrenceThreadInfo {
  /** The thread the second halves go to: a Node worker, a nested Web Worker, or none (yet). */
  thread: 'node' | 'web' | null;
  /** Threads started for it in this process (one, reused, once it runs). */
  started: number;
  /** Halves sent to it. */
  sent: number;
  /**
   * Where the two threads wait for each other (differences between two calls measure a stretch
   * of training): ms this thread spent blocked for the second thread's replies, and ms the
   * second thread spent computing requests (the rest of its time it waited for requests).
   */
  waitedMs: number;
  secondBusyMs: number;
  /** Why it failed to start, if it did. */
  error: string | null;
}

/** Which second thread the fast kernel uses here (see `RecurrenceThreadInfo`). */
export function recurrenceThreadInfo(): RecurrenceThreadInfo {
  refresh();
  return {
    thread: pool?.up ? pool.kind : null,
    started,
    sent: pool ? pool.sent : 0,
    waitedMs: pool ? pool.waitedMs : 0,
    secondBusyMs: pool ? pool.busyMs : 0,
    error: startError,
  };
}

/**
 * Enough work per message that a second thread pays for it (W1's shapes do, W2's short sequences
 * do not: the measurements are in apps/docs/guide/performance.md).
 */
function worthIt(spec: CoreSpec): boolean {
  return spec.units >= 32 && spec.batch >= 16 && spec.time >= 16;
}

function cores(): number {
  const os = builtin<typeof OS>('node:os');
  if (os === undefined) {
    const nav = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator;
    return webThreadPossible() ? (nav?.hardwareConcurrency ?? 1) : 1;
  }
  return os.availableParallelism?.() ?? os.cpus().length;
}

let inlineOnly = false;

/**
 * Tests only: run the worker's half on this thread even when a worker would be used (the numbers
 * must not change).
 */
export function runHalvesInline(on: boolean): void {
  inlineOnly = on;
}

/** How a run is computed: in two halves of its batch or not, and the worker for the second half. */
export interface RecurrencePlan {
  /** Compute rows [0, ceil(batch/2)) and the rest as two runs, weight gradients summed. */
  halves: boolean;
  /** The thread for the second half, or null to compute it here after the first. */
  worker: RecurrenceWorker | null;
}

const ONE: RecurrencePlan = { halves: false, worker: null };

/**
 * The plan for a run of this size. Whether a run is halved depends only on the setting, the run's
 * size, the backend and the machine's core count, never on timing, so a seed gives the same numbers
 * every run; whether the second half goes to the worker (load, availability) does not change them.
 */
export function recurrencePlan(spec: CoreSpec): RecurrencePlan {
  if (setting === 1 || spec.batch < 2) return ONE;
  // The worker runs on wasm: halve only on wasm, so both halves compute alike.
  if (tf.getBackend() !== 'wasm') return ONE;
  const n = cores();
  if (setting === 'auto' && (!worthIt(spec) || n < 2)) return ONE;
  if (inlineOnly) return { halves: true, worker: null };
  if (pool === undefined) pool = startPool();
  refresh();
  return { halves: true, worker: pool?.up ? pool : null };
}
