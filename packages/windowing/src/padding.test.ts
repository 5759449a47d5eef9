import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { batches } from './batches.js';
import { padSequences } from './padding.js';
import { throwsCode } from './test-helpers.js';

describe('padSequences', () => {
  const seqs = [[1, 2, 3], [4, 5], [6]];

  it("pads 'pre' by default, like Keras pad_sequences", () => {
    const p = padSequences(seqs);
    expect(Array.from(p.x)).toEqual([1, 2, 3, 0, 4, 5, 0, 0, 6]);
    expect(Array.from(p.mask)).toEqual([1, 1, 1, 0, 1, 1, 0, 0, 1]);
    expect(p.shapes.x).toEqual([3, 3]);
    expect(p.x).toBeInstanceOf(Int32Array);
  });

  it("pads 'post' with a value, and truncates 'pre' (keep the end) or 'post'", () => {
    const p = padSequences(seqs, { padding: 'post', value: -1 });
    expect(Array.from(p.x)).toEqual([1, 2, 3, 4, 5, -1, 6, -1, -1]);
    expect(Array.from(p.mask)).toEqual([1, 1, 1, 1, 1, 0, 1, 0, 0]);
    expect(Array.from(padSequences([[1, 2, 3, 4]], { maxLength: 2 }).x)).toEqual([3, 4]);
    const post = padSequences([[1, 2, 3, 4]], { maxLength: 2, truncating: 'post' });
    expect(Array.from(post.x)).toEqual([1, 2]);
    expect(Array.from(post.lengths)).toEqual([2]);
  });

  it('keeps float values with dtype float32, and batches with the mask', () => {
    const p = padSequences([[0.5], [1.5, 2.5]], { dtype: 'float32', padding: 'post' });
    expect(p.x).toBeInstanceOf(Float32Array);
    const [b] = [...batches(p, { batchSize: 2, shuffle: true, seed: 3 })];
    expect(b!.shapes).toEqual({ x: [2, 2], mask: [2, 2] });
    const row = b!.indices[0] === 0 ? [0.5, 0] : [1.5, 2.5];
    expect(Array.from(b!.x.subarray(0, 2))).toEqual(row);
  });

  it('rejects empty input, NaN, bad options', () => {
    throwsCode(() => padSequences([]), 'EMPTY_INPUT');
    throwsCode(() => padSequences([[1], [2, Number.NaN]]), 'NOT_FINITE', /sequences\[1\].*index 1/);
    throwsCode(
      () => padSequences(seqs, { padding: 'middle' as 'pre' }),
      'BAD_OPTION',
      /'pre' or 'post'/,
    );
    throwsCode(() => padSequences(seqs, { maxLength: 0 }), 'BAD_OPTION');
  });

  it('property: real values keep their order and the mask counts min(length, maxLength)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.integer({ min: 1, max: 9 }), { maxLength: 8 }), {
          minLength: 1,
          maxLength: 6,
        }),
        fc.integer({ min: 1, max: 8 }),
        fc.constantFrom('pre' as const, 'post' as const),
        fc.constantFrom('pre' as const, 'post' as const),
        (s, maxLength, padding, truncating) => {
          const p = padSequences(s, { maxLength, padding, truncating });
          s.forEach((seq, r) => {
            const row = Array.from(p.x.subarray(r * maxLength, (r + 1) * maxLength));
            const m = Array.from(p.mask.subarray(r * maxLength, (r + 1) * maxLength));
            const keep = Math.min(seq.length, maxLength);
            expect(m.reduce((a, b) => a + b, 0)).toBe(keep);
            const real = row.filter((_, t) => m[t]);
            const expected =
              truncating === 'pre' ? seq.slice(seq.length - keep) : seq.slice(0, keep);
            expect(real).toEqual(expected);
          });
        },
      ),
    );
  });
});
