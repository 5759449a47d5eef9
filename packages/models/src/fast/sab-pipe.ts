/**
 * A one-way message pipe through SharedArrayBuffer, for the browser's second thread
 * (`pool-web.ts`): the nested Web Worker writes its replies into a ring of bytes and the thread
 * running the kernel, blocked in `Atomics.wait` (a dedicated worker may block; a page may not),
 * reads them synchronously. Browsers have no `receiveMessageOnPort`, and a `postMessage` reply
 * would wait for an event loop the blocked thread never returns to.
 *
 * A message is plain data: objects, arrays, strings, numbers (NaN, infinities and -0 kept),
 * booleans, null and Float32Arrays (copied in and out as raw bytes, so the floats are
 * bit-exact). On the wire: a byte length, a JSON header (the message with each Float32Array
 * replaced by its index), then the arrays' bytes. The writer blocks while the ring is full; a
 * message bigger than the ring goes through in pieces as the reader drains it.
 *
 * Neighbours in `fast/` (the speed code, which the model code never imports): `pool.ts` and
 * `worker.ts` (the second thread under Node), `pool-web.ts` and `web-worker.ts` (in browsers),
 * `worker-serve.ts` (what either worker runs).
 *
 * @example
 * ```ts
 * const shared = pipeBuffers(1 << 20); // give them to the other thread with postMessage
 * new PipeWriter(shared).write({ seq: 1, out: new Float32Array([1, 2]) }); // in the writer
 * new PipeReader(shared).read(100); // in the reader: the message, or undefined after 100 ms
 * ```
 */

/** The pipe's shared memory: the counters and the ring. */
export interface PipeBuffers {
  /** Int32 [bytes written, bytes read], each counted modulo 2^32 */
  control: SharedArrayBuffer;
  /** the ring; its size is a power of two (so the counters wrap with it) */
  ring: SharedArrayBuffer;
}

const WRITTEN = 0;
const READ = 1;
/** A message begun and not continued for this long: its writer is taken for dead. */
const STALL_MS = 120_000;

/** Shared memory for a pipe whose ring holds `bytes` (rounded up to a power of two, at least 64). */
export function pipeBuffers(bytes: number): PipeBuffers {
  let size = 64;
  while (size < bytes) size *= 2;
  return { control: new SharedArrayBuffer(8), ring: new SharedArrayBuffer(size) };
}

class Ring {
  protected readonly ctl: Int32Array;
  protected readonly bytes: Uint8Array;
  protected readonly size: number;

  constructor(b: PipeBuffers) {
    this.ctl = new Int32Array(b.control);
    this.bytes = new Uint8Array(b.ring);
    this.size = b.ring.byteLength;
  }

  /** Bytes written and not yet read. */
  protected used(): number {
    return (Atomics.load(this.ctl, WRITTEN) - Atomics.load(this.ctl, READ)) >>> 0;
  }
}

/** The pipe's writing end (one thread writes). */
export class PipeWriter extends Ring {
  /** Writes one message; blocks (Atomics.wait) while the ring is full. */
  write(message: unknown): void {
    const arrays: Float32Array[] = [];
    const header = new TextEncoder().encode(JSON.stringify(pack(message, arrays)));
    const head = new Uint8Array(8);
    const view = new DataView(head.buffer);
    view.setUint32(0, header.length, true);
    view.setUint32(4, arrays.length, true);
    this.put(head);
    this.put(header);
    this.put(new Uint8Array(Uint32Array.from(arrays, (a) => a.length).buffer));
    for (const a of arrays) this.put(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
  }

  private put(src: Uint8Array): void {
    let done = 0;
    while (done < src.length) {
      const used = this.used();
      if (used === this.size) {
        Atomics.wait(this.ctl, READ, Atomics.load(this.ctl, READ), 100);
        continue;
      }
      const at = Atomics.load(this.ctl, WRITTEN) >>> 0;
      const pos = at % this.size;
      const n = Math.min(src.length - done, this.size - used, this.size - pos);
      this.bytes.set(src.subarray(done, done + n), pos);
      done += n;
      Atomics.store(this.ctl, WRITTEN, (at + n) | 0);
      Atomics.notify(this.ctl, WRITTEN);
    }
  }
}

/** The pipe's reading end (one thread reads; it must be allowed to block). */
export class PipeReader extends Ring {
  /**
   * The next message: waits up to `timeoutMs` for one to begin (undefined if none did; 0: do
   * not wait); once one has begun, reads it whole.
   */
  read(timeoutMs: number): unknown {
    if (this.used() === 0) {
      if (timeoutMs <= 0) return undefined;
      Atomics.wait(this.ctl, WRITTEN, Atomics.load(this.ctl, WRITTEN), timeoutMs);
      if (this.used() === 0) return undefined;
    }
    const head = new DataView(this.take(new Uint8Array(8)).buffer);
    const header = new TextDecoder().decode(this.take(new Uint8Array(head.getUint32(0, true))));
    const count = head.getUint32(4, true);
    const lengths = new Uint32Array(this.take(new Uint8Array(4 * count)).buffer);
    const arrays: Float32Array[] = [];
    for (const n of lengths) {
      const a = new Float32Array(n);
      this.take(new Uint8Array(a.buffer));
      arrays.push(a);
    }
    return unpack(JSON.parse(header), arrays);
  }

  /** Fills `dst` from the ring, waiting for the writer as needed (at most `STALL_MS` at a time). */
  private take(dst: Uint8Array): Uint8Array {
    let done = 0;
    let since = Date.now();
    while (done < dst.length) {
      const used = this.used();
      if (used === 0) {
        if (Date.now() - since > STALL_MS) {
          throw new Error(
            `pipe: the writer stopped in the middle of a message for ${STALL_MS / 1000} s`,
          );
        }
        Atomics.wait(this.ctl, WRITTEN, Atomics.load(this.ctl, WRITTEN), 100);
        continue;
      }
      since = Date.now();
      const at = Atomics.load(this.ctl, READ) >>> 0;
      const pos = at % this.size;
      const n = Math.min(dst.length - done, used, this.size - pos);
      dst.set(this.bytes.subarray(pos, pos + n), done);
      done += n;
      Atomics.store(this.ctl, READ, (at + n) | 0);
      Atomics.notify(this.ctl, READ);
    }
    return dst;
  }
}

/** A message as JSON can carry it: Float32Arrays by index, odd numbers by name. */
function pack(v: unknown, arrays: Float32Array[]): unknown {
  if (v instanceof Float32Array) {
    arrays.push(v);
    return { $f: arrays.length - 1 };
  }
  if (typeof v === 'number') {
    if (Object.is(v, -0)) return { $n: '-0' };
    return Number.isFinite(v) ? v : { $n: String(v) };
  }
  if (ArrayBuffer.isView(v)) {
    throw new TypeError(`pipe: only Float32Arrays can be sent, got ${v.constructor.name}`);
  }
  if (Array.isArray(v)) return v.map((x) => pack(x, arrays));
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) if (x !== undefined) out[k] = pack(x, arrays);
    return out;
  }
  return v;
}

function unpack(v: unknown, arrays: Float32Array[]): unknown {
  if (Array.isArray(v)) return v.map((x) => unpack(x, arrays));
  if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if (typeof o.$f === 'number') return arrays[o.$f];
    if (typeof o.$n === 'string') return o.$n === '-0' ? -0 : Number(o.$n);
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(o)) out[k] = unpack(x, arrays);
    return out;
  }
  return v;
}
