/**
 * Sequence-to-sequence pairs for teacher forcing: encoder input, decoder input (`<bos>` + target)
 * and decoder target (target + `<eos>`), each padded, with masks. The bos/eos/pad ids come from
 * your vocabulary (this package does not depend on `@rnnkit/vocab`).
 *
 * @example
 * ```ts
 * import { seq2seqPairs } from '@rnnkit/windowing';
 * const p = seq2seqPairs([[5, 6, 7]], [[8, 9]], { bosId: 1, eosId: 2, padId: 0, decoderLength: 4 });
 * p.encoderInput;  // Int32Array [5, 6, 7]       // [1, 3]
 * p.decoderInput;  // Int32Array [1, 8, 9, 0]    // [1, 4]  <bos> + target
 * p.decoderTarget; // Int32Array [8, 9, 2, 0]    // [1, 4]  target + <eos>
 * p.decoderMask;   // Uint8Array [1, 1, 1, 0]
 * ```
 */
import type { ArrayBatch, ExampleSource } from './batches.js';
import { rows } from './batches.js';
import { checkIndex, WindowingError } from './errors.js';
import { checkSequences, padRows } from './padding.js';
import { nonNegativeInt, positiveInt } from './validate.js';

export interface Seq2SeqArgs {
  /** Id that starts every decoder input. */
  bosId: number;
  /** Id that ends every decoder target. */
  eosId: number;
  /** Id written into padding. */
  padId: number;
  /** Encoder steps. Default: the longest source. Longer sources are cut at the end. */
  encoderLength?: number;
  /** Decoder steps, counting bos/eos. Default: longest target + 1. Longer targets are cut. */
  decoderLength?: number;
  /** Where encoder padding goes: 'post' (default) or 'pre'. Decoder padding is always 'post'. */
  encoderPadding?: 'pre' | 'post';
}

/** A batch of seq2seq pairs. */
export interface Seq2SeqBatch extends ArrayBatch {
  /** [size, encoderLength] source ids. */
  readonly encoderInput: Int32Array;
  /** [size, encoderLength] 1 = real source step. */
  readonly encoderMask: Uint8Array;
  /** [size, decoderLength] bos + target ids (what the decoder reads, teacher forcing). */
  readonly decoderInput: Int32Array;
  /** [size, decoderLength] target ids + eos (what the decoder must predict). */
  readonly decoderTarget: Int32Array;
  /** [size, decoderLength] 1 = real decoder step (bos..last target / first target..eos). */
  readonly decoderMask: Uint8Array;
  readonly shapes: {
    readonly encoderInput: number[];
    readonly encoderMask: number[];
    readonly decoderInput: number[];
    readonly decoderTarget: number[];
    readonly decoderMask: number[];
  };
}

/** All pairs padded, also usable as a source for {@link batches}. */
export interface Seq2SeqPairs extends Seq2SeqBatch, ExampleSource<Seq2SeqBatch> {
  readonly length: number;
  readonly encoderLength: number;
  readonly decoderLength: number;
}

/** Builds padded teacher-forcing pairs; see the module doc. */
export function seq2seqPairs(
  sources: readonly ArrayLike<number>[],
  targets: readonly ArrayLike<number>[],
  args: Seq2SeqArgs,
): Seq2SeqPairs {
  checkSequences('sources', sources);
  checkSequences('targets', targets);
  if (sources.length !== targets.length) {
    throw new WindowingError(
      'LENGTH_MISMATCH',
      `sources has ${sources.length} sequences but targets has ${targets.length}: ` +
        'give one target sequence per source sequence',
    );
  }
  const bos = nonNegativeInt('bosId', args.bosId);
  const eos = nonNegativeInt('eosId', args.eosId);
  const pad = nonNegativeInt('padId', args.padId);
  let longestSource = 1;
  let longestTarget = 0;
  for (const s of sources) longestSource = Math.max(longestSource, s.length);
  for (const t of targets) longestTarget = Math.max(longestTarget, t.length);
  const Le =
    args.encoderLength === undefined
      ? longestSource
      : positiveInt('encoderLength', args.encoderLength);
  const Ld =
    args.decoderLength === undefined
      ? longestTarget + 1
      : positiveInt('decoderLength', args.decoderLength, 'pass decoderLength: 2 or more');
  if (Ld < 2) {
    throw new WindowingError(
      'BAD_OPTION',
      `decoderLength must be >= 2 (bos or eos plus one token), got ${Ld}`,
    );
  }
  const encoderArgs = {
    padding: args.encoderPadding ?? 'post',
    truncating: 'post',
    value: pad,
  } as const;

  const batch = (indices: ArrayLike<number>, into?: Seq2SeqBatch): Seq2SeqBatch => {
    for (let r = 0; r < indices.length; r++) {
      const i = indices[r]!;
      checkIndex(i, sources.length, 'pair');
    }
    const size = indices.length;
    const enc = padRows(sources, indices, Le, encoderArgs);
    const encoderInput = rows((k) => new Int32Array(k), into?.encoderInput, size, Le);
    const encoderMask = rows((k) => new Uint8Array(k), into?.encoderMask, size, Le);
    encoderInput.set(enc.x);
    encoderMask.set(enc.mask);
    const decoderInput = rows((k) => new Int32Array(k), into?.decoderInput, size, Ld);
    const decoderTarget = rows((k) => new Int32Array(k), into?.decoderTarget, size, Ld);
    const decoderMask = rows((k) => new Uint8Array(k), into?.decoderMask, size, Ld);
    decoderInput.fill(pad);
    decoderTarget.fill(pad);
    decoderMask.fill(0);
    for (let r = 0; r < size; r++) {
      const t = targets[indices[r]!]!;
      const m = Math.min(t.length, Ld - 1); // tokens kept, leaving room for bos / eos
      const o = r * Ld;
      decoderInput[o] = bos;
      for (let j = 0; j < m; j++) {
        decoderInput[o + 1 + j] = t[j]!; // shifted right by one: step j reads token j - 1
        decoderTarget[o + j] = t[j]!;
      }
      decoderTarget[o + m] = eos;
      decoderMask.fill(1, o, o + m + 1);
    }
    const e = [size, Le];
    const d = [size, Ld];
    return {
      size,
      encoderInput,
      encoderMask,
      decoderInput,
      decoderTarget,
      decoderMask,
      shapes: {
        encoderInput: e,
        encoderMask: e,
        decoderInput: d,
        decoderTarget: d,
        decoderMask: d,
      },
    };
  };
  const all = batch(Int32Array.from({ length: sources.length }, (_, i) => i));
  return {
    ...all,
    length: sources.length,
    encoderLength: Le,
    decoderLength: Ld,
    batch,
  };
}
