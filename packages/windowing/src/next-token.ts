/**
 * Next-token windows for language models: x = ids[i .. i+L), y = ids[i+1 .. i+L+1).
 *
 * @example
 * ```ts
 * import { nextTokenWindows } from '@rnnkit/windowing';
 * const w = nextTokenWindows([1, 2, 3, 4], { seqLength: 3 });
 * w.length; // 1
 * w.get(0); // { x: Int32Array [1, 2, 3], y: Int32Array [2, 3, 4] }
 * ```
 */
import { WindowingError } from './errors.js';

export interface NextTokenArgs {
  /** Steps per window, L. */
  seqLength: number;
  /** Distance between the starts of consecutive windows. Default 1. */
  stride?: number;
}

export interface NextTokenWindow {
  /** [seqLength] input ids. */
  x: Int32Array;
  /** [seqLength] target ids, x shifted left by one. */
  y: Int32Array;
}

export interface NextTokenWindows extends Iterable<NextTokenWindow> {
  /** Number of windows: floor((n - 1 - L) / stride) + 1. */
  readonly length: number;
  get(index: number): NextTokenWindow;
}

/** Lazily cuts `ids` into next-token windows; no window is copied until asked for. */
export function nextTokenWindows(ids: ArrayLike<number>, args: NextTokenArgs): NextTokenWindows {
  const L = args.seqLength;
  const stride = args.stride ?? 1;
  if (!Number.isInteger(L) || L < 1) {
    throw new WindowingError('BAD_OPTION', `seqLength must be an integer >= 1, got ${L}`);
  }
  if (!Number.isInteger(stride) || stride < 1) {
    throw new WindowingError('BAD_OPTION', `stride must be an integer >= 1, got ${stride}`);
  }
  if (ids.length < L + 1) {
    throw new WindowingError(
      'WINDOW_TOO_LONG',
      `window (${L} + 1 target) is longer than the sequence (${ids.length}): ` +
        `lower seqLength to at most ${Math.max(0, ids.length - 1)} or give a longer sequence`,
    );
  }
  const length = Math.floor((ids.length - 1 - L) / stride) + 1;
  const get = (index: number): NextTokenWindow => {
    const i = index * stride;
    const x = new Int32Array(L);
    const y = new Int32Array(L);
    for (let t = 0; t < L; t++) {
      x[t] = ids[i + t]!;
      y[t] = ids[i + t + 1]!;
    }
    return { x, y };
  };
  return {
    length,
    get,
    *[Symbol.iterator]() {
      for (let k = 0; k < length; k++) yield get(k);
    },
  };
}
