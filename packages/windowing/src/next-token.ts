/**
 * Next-token windows for language models: x = ids[i .. i+L), y = ids[i+1 .. i+L+1), with window
 * k starting at i = k * stride. Lazy: windows are copied only when asked for, one at a time
 * (`get`) or a batch at a time into reusable buffers (`batch`, used by {@link batches}).
 *
 * @example
 * ```ts
 * import { nextTokenWindows } from '@rnnkit/windowing';
 * const w = nextTokenWindows([1, 2, 3, 4], { seqLength: 3 });
 * w.length; // 1
 * w.get(0); // { x: Int32Array [1, 2, 3], y: Int32Array [2, 3, 4], mask: Uint8Array [1, 1, 1] }
 * const p = nextTokenWindows([1, 2, 3, 4, 5, 6], { seqLength: 3, stride: 3, lastWindow: 'pad' });
 * p.length; // 2
 * p.get(1); // { x: Int32Array [4, 5, 0], y: Int32Array [5, 6, 0], mask: Uint8Array [1, 1, 0] }
 * ```
 */
import type { ArrayBatch, ExampleSource } from './batches.js';
import { rows } from './batches.js';
import { checkIndex, WindowingError } from './errors.js';
import { positiveInt } from './validate.js';

export interface NextTokenArgs {
  /** Steps per window, L. */
  seqLength: number;
  /** Distance between the starts of consecutive windows. Default 1 (every position). */
  stride?: number;
  /**
   * What to do with the ids after the last full window: `'drop'` them (default) or `'pad'` them
   * into one short window, padded at the end with `padId`, its mask 0 on the padding.
   * With `'pad'` a sequence shorter than seqLength + 1 gives one short window instead of an error.
   */
  lastWindow?: 'drop' | 'pad';
  /** Id written into padding positions. Default 0. */
  padId?: number;
}

export interface NextTokenWindow {
  /** [seqLength] input ids. */
  x: Int32Array;
  /** [seqLength] target ids, x shifted left by one. */
  y: Int32Array;
  /** [seqLength] 1 where x/y are real, 0 on padding (only a padded last window has 0s). */
  mask: Uint8Array;
}

/** A batch of next-token windows. */
export interface NextTokenBatch extends ArrayBatch {
  /** [size, seqLength] input ids, row-major. */
  readonly x: Int32Array;
  /** [size, seqLength] target ids. */
  readonly y: Int32Array;
  /** [size, seqLength] 1 = real step, 0 = padding; weight the loss with it. */
  readonly mask: Uint8Array;
  readonly shapes: { readonly x: number[]; readonly y: number[]; readonly mask: number[] };
}

export interface NextTokenWindows extends Iterable<NextTokenWindow>, ExampleSource<NextTokenBatch> {
  /** Number of windows: floor((n - 1 - L) / stride) + 1, plus 1 for a padded last window. */
  readonly length: number;
  readonly seqLength: number;
  readonly stride: number;
  /** Copies window `index` into fresh arrays. */
  get(index: number): NextTokenWindow;
}

/** Counts full next-token windows: floor((n - 1 - L) / stride) + 1, or 0 when n < L + 1. */
export function nextTokenCount(n: number, seqLength: number, stride = 1): number {
  return n < seqLength + 1 ? 0 : Math.floor((n - 1 - seqLength) / stride) + 1;
}

/** Ids as an Int32Array: typed int arrays are used as they are, anything else is checked once. */
function toIds(ids: ArrayLike<number>): Int32Array {
  if (ids instanceof Int32Array) return ids;
  const out = new Int32Array(ids.length);
  for (let i = 0; i < ids.length; i++) {
    const v = ids[i]!;
    if (!Number.isInteger(v) || v < -2147483648 || v > 2147483647) {
      throw new WindowingError(
        Number.isFinite(v) ? 'BAD_OPTION' : 'NOT_FINITE',
        `ids[${i}] is ${String(v)}, expected an int32 token id: encode text with a vocabulary first`,
      );
    }
    out[i] = v;
  }
  return out;
}

/** Lazily cuts `ids` into next-token windows; no window is copied until asked for. */
export function nextTokenWindows(ids: ArrayLike<number>, args: NextTokenArgs): NextTokenWindows {
  const L = positiveInt('seqLength', args.seqLength, 'pass seqLength: 1 or more steps');
  const stride = positiveInt('stride', args.stride ?? 1);
  const pad = args.lastWindow === 'pad';
  if (args.lastWindow !== undefined && args.lastWindow !== 'drop' && !pad) {
    throw new WindowingError(
      'BAD_OPTION',
      `lastWindow must be 'drop' or 'pad', got ${String(args.lastWindow)}`,
    );
  }
  const padId = args.padId ?? 0;
  const data = toIds(ids);
  const n = data.length;
  if (n === 0) {
    throw new WindowingError(
      'EMPTY_INPUT',
      'ids is empty: expected at least 2 ids (one input, one target); give a longer sequence',
    );
  }
  const full = nextTokenCount(n, L, stride);
  if (full === 0 && !(pad && n >= 2)) {
    throw new WindowingError(
      'WINDOW_TOO_LONG',
      `window (${L} + 1 target) is longer than the sequence (${n}): ` +
        `lower seqLength to at most ${Math.max(1, n - 1)}, give a longer sequence, ` +
        "or pass lastWindow: 'pad'",
    );
  }
  // A short window starts where the next full one would; it holds n - 1 - start real pairs.
  const shortStart = full * stride;
  const length = pad && shortStart < n - 1 ? full + 1 : full;

  /** Writes window k into row r of x/y/mask; the fast path is two memcpys and a memset. */
  const write = (k: number, x: Int32Array, y: Int32Array, m: Uint8Array, r: number): void => {
    const i = k * stride;
    const o = r * L;
    if (k < full) {
      x.set(data.subarray(i, i + L), o);
      y.set(data.subarray(i + 1, i + L + 1), o);
      m.fill(1, o, o + L);
    } else {
      const real = n - 1 - i; // < L
      x.set(data.subarray(i, i + real), o);
      y.set(data.subarray(i + 1, i + 1 + real), o);
      x.fill(padId, o + real, o + L);
      y.fill(padId, o + real, o + L);
      m.fill(1, o, o + real);
      m.fill(0, o + real, o + L);
    }
  };
  const check = (k: number): void => checkIndex(k, length, 'window');
  const get = (index: number): NextTokenWindow => {
    check(index);
    const x = new Int32Array(L);
    const y = new Int32Array(L);
    const mask = new Uint8Array(L);
    write(index, x, y, mask, 0);
    return { x, y, mask };
  };
  const batch = (indices: ArrayLike<number>, into?: NextTokenBatch): NextTokenBatch => {
    const size = indices.length;
    const x = rows((k) => new Int32Array(k), into?.x, size, L); // [size, L]
    const y = rows((k) => new Int32Array(k), into?.y, size, L); // [size, L]
    const mask = rows((k) => new Uint8Array(k), into?.mask, size, L); // [size, L]
    for (let r = 0; r < size; r++) {
      const k = indices[r]!;
      check(k);
      write(k, x, y, mask, r);
    }
    const shape = [size, L];
    return { size, x, y, mask, shapes: { x: shape, y: shape, mask: shape } };
  };
  return {
    length,
    seqLength: L,
    stride,
    get,
    batch,
    *[Symbol.iterator]() {
      for (let k = 0; k < length; k++) yield get(k);
    },
  };
}
