import { mulberry32 } from '@rnnkit/windowing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { argmax, checkSampling, sampleToken } from './sampling.js';

/** Empirical frequencies of n draws. */
function frequencies(logits: number[], args: object, n: number, seed = 1): number[] {
  const rand = mulberry32(seed);
  const counts = logits.map(() => 0);
  const row = Float32Array.from(logits);
  for (let i = 0; i < n; i++) counts[sampleToken(row, args, rand)]!++;
  return counts.map((c) => c / n);
}

describe('sampleToken', () => {
  const logits = [Math.log(0.5), Math.log(0.3), Math.log(0.15), Math.log(0.05)];

  it('greedy takes the argmax (first on ties) without drawing', () => {
    const never = () => {
      throw new Error('greedy must not draw');
    };
    expect(sampleToken(new Float32Array([1, 3, 3, 0]), { strategy: 'greedy' }, never)).toBe(1);
    expect(sampleToken(new Float32Array([1, 3, 0]), { topK: 1 }, never)).toBe(1);
    expect(argmax([0, 5, 2, 7, 1], 1, 3)).toBe(2); // window [5, 2, 7]: 7 is at 2
  });

  it('draws with the softmax probabilities at temperature 1', () => {
    const f = frequencies(logits, {}, 20000);
    for (const [i, p] of [0.5, 0.3, 0.15, 0.05].entries()) expect(f[i]).toBeCloseTo(p, 1);
  });

  it('temperature < 1 sharpens and > 1 flattens', () => {
    const cold = frequencies(logits, { temperature: 0.25 }, 5000);
    const hot = frequencies(logits, { temperature: 4 }, 5000);
    expect(cold[0]).toBeGreaterThan(0.85);
    expect(hot[3]).toBeGreaterThan(0.15);
  });

  it('top-k keeps only the k most likely tokens', () => {
    const f = frequencies(logits, { topK: 2 }, 5000);
    expect(f[2]).toBe(0);
    expect(f[3]).toBe(0);
    expect(f[0]).toBeCloseTo(0.5 / 0.8, 1);
  });

  it('top-p keeps the nucleus: the fewest tokens reaching p', () => {
    // 0.5 + 0.3 = 0.8 >= 0.8: tokens 0 and 1 only; p 0.81 needs token 2 as well
    expect(frequencies(logits, { topP: 0.8 }, 3000).slice(2)).toEqual([0, 0]);
    const f = frequencies(logits, { topP: 0.81 }, 3000);
    expect(f[2]).toBeGreaterThan(0);
    expect(f[3]).toBe(0);
    // a tiny p still keeps the single most likely token
    expect(frequencies(logits, { topP: 1e-6 }, 100)[0]).toBe(1);
  });

  it('is reproducible for a seed and reads only its window of a batch row', () => {
    const row = Float32Array.from([9, 9, ...logits, 9]);
    const a = Array.from({ length: 50 }, (_, i) => i);
    const r1 = mulberry32(7);
    const r2 = mulberry32(7);
    const x = a.map(() => sampleToken(row, { topP: 0.9 }, r1, 2, 4));
    const y = a.map(() => sampleToken(row, { topP: 0.9 }, r2, 2, 4));
    expect(x).toEqual(y);
    expect(Math.max(...x)).toBeLessThan(4);
  });

  it('never produces a suppressed id, whatever the strategy (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -50, max: 50 }), { minLength: 2, maxLength: 20 }),
        fc.integer({ min: 0, max: 19 }),
        fc.constantFrom<'greedy' | 'sample'>('greedy', 'sample'),
        fc.integer(),
        (l, blocked, strategy, seed) => {
          const row = Float32Array.from(l);
          const id = blocked % l.length;
          const rand = mulberry32(seed);
          const t = sampleToken(row, { strategy, suppress: [id], topK: 3 }, rand);
          return t !== id && t >= 0 && t < l.length;
        },
      ),
    );
    // the suppressed argmax hands greedy to the next best; a window's ids are window-relative
    expect(
      sampleToken(Float32Array.from([0, 5, 3]), { strategy: 'greedy', suppress: [1] }, Math.random),
    ).toBe(2);
    expect(
      sampleToken(
        Float32Array.from([9, 0, 5, 3]),
        { strategy: 'greedy', suppress: [1] },
        Math.random,
        1,
        3,
      ),
    ).toBe(2);
    expect(() => sampleToken(Float32Array.from([1, 2]), { suppress: [0, 1] }, Math.random)).toThrow(
      /suppress leaves no token/,
    );
  });

  it('always returns an allowed id (property)', () => {
    fc.assert(
      fc.property(
        // tenths in [-20, 20]: distinct logits stay distinct after exp (no subnormal ties)
        fc.array(
          fc.integer({ min: -200, max: 200 }).map((i) => i / 10),
          { minLength: 1, maxLength: 30 },
        ),
        fc.integer({ min: 1, max: 40 }),
        fc.double({ min: 0.01, max: 1, noNaN: true }),
        fc.double({ min: 0.05, max: 5, noNaN: true }),
        fc.integer(),
        (l, topK, topP, temperature, seed) => {
          const row = Float32Array.from(l);
          const t = sampleToken(row, { topK, topP, temperature }, mulberry32(seed));
          const rank = Array.from(row).filter((v) => v > row[t]!).length;
          return Number.isInteger(t) && t >= 0 && t < l.length && rank < topK;
        },
      ),
    );
  });
});

describe('checkSampling', () => {
  it.each([
    [{ temperature: 0 }, /temperature must be a finite number > 0, got 0.*strategy: 'greedy'/],
    [{ temperature: -1 }, /temperature/],
    [{ topP: 0 }, /topP must be in \(0, 1\], got 0/],
    [{ topP: 1.5 }, /topP must be in \(0, 1\]/],
    [{ topK: 0 }, /topK must be an integer >= 1, got 0/],
    [{ topK: 2.5 }, /topK/],
    [{ strategy: 'beam' }, /strategy must be 'greedy' or 'sample'/],
    [{ suppress: [-1] }, /suppress must hold token ids \(integers >= 0\), got -1/],
    [{ suppress: [0.5] }, /suppress must hold token ids/],
  ])('rejects %o with a BAD_OPTION error', (args, message) => {
    expect(() => checkSampling(args as never)).toThrow(message);
    expect(() => checkSampling(args as never)).toThrow(
      expect.objectContaining({ code: 'BAD_OPTION' }),
    );
  });

  it('accepts the defaults and valid options', () => {
    expect(() => checkSampling({})).not.toThrow();
    expect(() => checkSampling({ temperature: 0.7, topK: 40, topP: 0.95 })).not.toThrow();
  });
});
