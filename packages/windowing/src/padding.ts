/**
 * Pad and truncate variable-length sequences to one length, like Keras `pad_sequences`
 * (same defaults: padding 'pre', truncating 'pre', value 0, int32), plus a mask so that padded
 * steps can be left out of the loss.
 *
 * @example
 * ```ts
 * import { padSequences } from '@rnnkit/windowing';
 * const p = padSequences([[1, 2, 3], [4, 5], [6]], { padding: 'post' });
 * p.x;    // Int32Array [1, 2, 3, 4, 5, 0, 6, 0, 0]  // [3, 3]
 * p.mask; // Uint8Array [1, 1, 1, 1, 1, 0, 1, 0, 0]
 * padSequences([[1, 2, 3, 4]], { maxLength: 2 }).x; // Int32Array [3, 4]  ('pre' truncation)
 * ```
 */
import type { ArrayBatch, ExampleSource } from './batches.js';
import { rows } from './batches.js';
import { checkIndex, WindowingError } from './errors.js';
import { assertFinite, positiveInt } from './validate.js';

export interface PadArgs {
  /** Length of every row. Default: the longest sequence. */
  maxLength?: number;
  /** Where padding goes: `'pre'` (Keras default, before the values) or `'post'`. */
  padding?: 'pre' | 'post';
  /** Where longer sequences are cut: `'pre'` (Keras default, drop the start) or `'post'`. */
  truncating?: 'pre' | 'post';
  /** Value written into padding. Default 0. */
  value?: number;
  /** Element type: `'int32'` (ids, default) or `'float32'` (values). */
  dtype?: 'int32' | 'float32';
}

/** A batch of padded sequences. */
export interface PaddedBatch extends ArrayBatch {
  /** [size, maxLength] padded values, row-major. */
  readonly x: Int32Array | Float32Array;
  /** [size, maxLength] 1 = real step, 0 = padding. */
  readonly mask: Uint8Array;
  /** [size] real length of each row after truncation. */
  readonly lengths: Int32Array;
  /** [size] index of each row's sequence in the input. */
  readonly indices: Int32Array;
  readonly shapes: { readonly x: number[]; readonly mask: number[] };
}

/** All sequences padded, also usable as a source for {@link batches}. */
export interface PaddedSequences extends PaddedBatch, ExampleSource<PaddedBatch> {
  readonly length: number;
  readonly maxLength: number;
}

function parseArgs(args: PadArgs): Required<Omit<PadArgs, 'maxLength'>> {
  const padding = args.padding ?? 'pre';
  const truncating = args.truncating ?? 'pre';
  for (const [name, v] of [
    ['padding', padding],
    ['truncating', truncating],
  ] as const) {
    if (v !== 'pre' && v !== 'post') {
      throw new WindowingError('BAD_OPTION', `${name} must be 'pre' or 'post', got ${String(v)}`);
    }
  }
  const dtype = args.dtype ?? 'int32';
  if (dtype !== 'int32' && dtype !== 'float32') {
    throw new WindowingError(
      'BAD_OPTION',
      `dtype must be 'int32' or 'float32', got ${String(dtype)}`,
    );
  }
  return { padding, truncating, value: args.value ?? 0, dtype };
}

/**
 * Pads the sequences `indices` of `seqs` into rows of `maxLength`, into `into`'s buffers if given.
 * Shared by {@link padSequences} and length bucketing.
 */
export function padRows(
  seqs: readonly ArrayLike<number>[],
  indices: ArrayLike<number>,
  maxLength: number,
  args: PadArgs,
  into?: PaddedBatch,
): PaddedBatch {
  const { padding, truncating, value, dtype } = parseArgs(args);
  const size = indices.length;
  const make =
    dtype === 'int32' ? (k: number) => new Int32Array(k) : (k: number) => new Float32Array(k);
  const x = rows<Int32Array | Float32Array>(make, into?.x, size, maxLength); // [size, maxLength]
  const mask = rows((k) => new Uint8Array(k), into?.mask, size, maxLength); // [size, maxLength]
  const lengths = rows((k) => new Int32Array(k), into?.lengths, size, 1);
  const idx = rows((k) => new Int32Array(k), into?.indices, size, 1);
  for (let r = 0; r < size; r++) {
    const i = indices[r]!;
    const s = seqs[i]!;
    const keep = Math.min(s.length, maxLength);
    const from = truncating === 'pre' ? s.length - keep : 0; // 'pre' keeps the end
    const at = r * maxLength + (padding === 'pre' ? maxLength - keep : 0);
    x.fill(value, r * maxLength, (r + 1) * maxLength);
    mask.fill(0, r * maxLength, (r + 1) * maxLength);
    for (let t = 0; t < keep; t++) x[at + t] = s[from + t]!;
    mask.fill(1, at, at + keep);
    lengths[r] = keep;
    idx[r] = i;
  }
  const shape = [size, maxLength];
  return { size, x, mask, lengths, indices: idx, shapes: { x: shape, mask: shape } };
}

/** Checks a list of sequences: not empty, each finite (the first bad value named by index). */
export function checkSequences(what: string, seqs: readonly ArrayLike<number>[]): void {
  if (seqs.length === 0) {
    throw new WindowingError(
      'EMPTY_INPUT',
      `${what} is empty: expected at least one sequence; check that the data loaded`,
    );
  }
  for (let i = 0; i < seqs.length; i++) {
    const s = seqs[i];
    if (s === null || typeof s !== 'object' || typeof s.length !== 'number') {
      throw new WindowingError(
        'BAD_OPTION',
        `${what}[${i}] is ${String(s)}, expected an array of numbers`,
      );
    }
    assertFinite(`${what}[${i}]`, s);
  }
}

/** Pads (and truncates) every sequence to one length; see the module doc. */
export function padSequences(
  seqs: readonly ArrayLike<number>[],
  args: PadArgs = {},
): PaddedSequences {
  checkSequences('sequences', seqs);
  parseArgs(args);
  let longest = 0;
  for (const s of seqs) longest = Math.max(longest, s.length);
  const maxLength =
    args.maxLength === undefined ? Math.max(1, longest) : positiveInt('maxLength', args.maxLength);
  const all = padRows(
    seqs,
    Int32Array.from({ length: seqs.length }, (_, i) => i),
    maxLength,
    args,
  );
  return {
    ...all,
    length: seqs.length,
    maxLength,
    batch: (indices, into) => {
      for (let r = 0; r < indices.length; r++) {
        const i = indices[r]!;
        checkIndex(i, seqs.length, 'sequence');
      }
      return padRows(seqs, indices, maxLength, args, into);
    },
  };
}
