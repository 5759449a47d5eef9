import { describe, expect, it } from 'vitest';
import { batches } from './batches.js';
import { seq2seqPairs } from './seq2seq.js';
import { throwsCode } from './test-helpers.js';

describe('seq2seqPairs', () => {
  const ids = { bosId: 1, eosId: 2, padId: 0 };

  it('builds bos + target and target + eos, padded, with masks (module example)', () => {
    const p = seq2seqPairs([[5, 6, 7]], [[8, 9]], { ...ids, decoderLength: 4 });
    expect(Array.from(p.encoderInput)).toEqual([5, 6, 7]);
    expect(Array.from(p.decoderInput)).toEqual([1, 8, 9, 0]);
    expect(Array.from(p.decoderTarget)).toEqual([8, 9, 2, 0]);
    expect(Array.from(p.decoderMask)).toEqual([1, 1, 1, 0]);
  });

  it('pads to the longest by default and truncates targets to leave room for bos/eos', () => {
    const p = seq2seqPairs([[5], [5, 6]], [[7, 8, 9], [7]], ids);
    expect(p.encoderLength).toBe(2);
    expect(p.decoderLength).toBe(4);
    expect(Array.from(p.encoderInput)).toEqual([5, 0, 5, 6]);
    expect(Array.from(p.encoderMask)).toEqual([1, 0, 1, 1]);
    expect(Array.from(p.decoderInput)).toEqual([1, 7, 8, 9, 1, 7, 0, 0]);
    expect(Array.from(p.decoderTarget)).toEqual([7, 8, 9, 2, 7, 2, 0, 0]);
    const cut = seq2seqPairs([[5]], [[7, 8, 9]], { ...ids, decoderLength: 3 });
    expect(Array.from(cut.decoderInput)).toEqual([1, 7, 8]);
    expect(Array.from(cut.decoderTarget)).toEqual([7, 8, 2]);
  });

  it('batches with every field and shape', () => {
    const p = seq2seqPairs([[5], [6], [7]], [[8], [9], [10]], ids);
    const got = [...batches(p, { batchSize: 2 })];
    expect(got.map((b) => b.size)).toEqual([2, 1]);
    expect(got[1]!.shapes).toEqual({
      encoderInput: [1, 1],
      encoderMask: [1, 1],
      decoderInput: [1, 2],
      decoderTarget: [1, 2],
      decoderMask: [1, 2],
    });
    expect(Array.from(got[1]!.decoderTarget)).toEqual([10, 2]);
  });

  it('rejects mismatched lengths, empty input and a too short decoder', () => {
    throwsCode(
      () => seq2seqPairs([[1]], [[1], [2]], ids),
      'LENGTH_MISMATCH',
      /one target sequence per source/,
    );
    throwsCode(() => seq2seqPairs([], [], ids), 'EMPTY_INPUT');
    throwsCode(() => seq2seqPairs([[1]], [[1]], { ...ids, decoderLength: 1 }), 'BAD_OPTION');
  });
});
