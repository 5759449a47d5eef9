import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type BeamStep, beamSearch, logSoftmax } from './beam-search.js';

const EOS = 0;
const A = 1;
const B = 2;
const START = 3;

/**
 * A hand-made decoder whose state is the prefix. P(. | []) = A .6, B .4; P(. | [A]) = A .5, B .5;
 * P(. | [A, x]) = eos 1; P(. | [B]) = eos .9, A .1; P(. | [B, A]) = eos 1.
 * Greedy: A (.6), A (.5), eos (1) -> [A, A], P = .3. Best: [B], P = .4 * .9 = .36.
 */
function table(prefix: number[]): number[] {
  const key = prefix.join(',');
  const p: Record<string, number[]> = {
    '': [0, 0.6, 0.4, 0],
    '1': [0, 0.5, 0.5, 0],
    '2': [0.9, 0.1, 0, 0],
  };
  return p[key] ?? [1, 0, 0, 0];
}

interface Tracked {
  prefix: number[];
  alive: boolean;
}

/** The toy decoder, with states tracked to prove each is disposed exactly once. */
function toy() {
  const made: Tracked[] = [];
  let calls = 0;
  const step: BeamStep<Tracked> = (tokens, states) => {
    calls++;
    const next = states.map((s, i) => {
      expect(s.alive).toBe(true); // never handed a disposed state
      const prefix = tokens[i] === START ? s.prefix : [...s.prefix, tokens[i]!];
      const t: Tracked = { prefix, alive: true };
      made.push(t);
      return t;
    });
    return { logProbs: next.map((s) => table(s.prefix).map(Math.log)), states: next };
  };
  const disposeState = (s: Tracked) => {
    expect(s.alive).toBe(true); // disposed once
    s.alive = false;
  };
  return { step, disposeState, made, calls: () => calls };
}

describe('beamSearch', () => {
  it('finds the best sequence where greedy (width 1) does not', () => {
    const d = toy();
    const common = {
      step: d.step,
      disposeState: d.disposeState,
      initialState: { prefix: [], alive: true },
      startToken: START,
      eosToken: EOS,
      maxLength: 5,
      lengthPenalty: 0,
    };
    const greedy = beamSearch({ ...common, beamWidth: 1 });
    expect(greedy[0]!.tokens).toEqual([A, A]);
    expect(greedy[0]!.logProb).toBeCloseTo(Math.log(0.3), 6);
    const beam = beamSearch({ ...common, beamWidth: 2 });
    expect(beam[0]).toMatchObject({ tokens: [B], finished: true });
    expect(beam[0]!.logProb).toBeCloseTo(Math.log(0.36), 6);
    expect(beam[0]!.score).toBeGreaterThan(greedy[0]!.score);
    expect(beam.map((h) => h.score)).toEqual([...beam.map((h) => h.score)].sort((a, b) => b - a));
    // every state the decoder made was disposed exactly once; the initial one was left alone
    expect(d.made.every((s) => !s.alive)).toBe(true);
    expect(common.initialState.alive).toBe(true);
  });

  it('length normalisation (alpha 1) prefers the longer, likelier-per-token output', () => {
    const d = toy();
    const out = beamSearch({
      step: d.step,
      initialState: { prefix: [], alive: true },
      startToken: START,
      eosToken: EOS,
      beamWidth: 3,
      maxLength: 5,
      lengthPenalty: 1,
    });
    // [A, A] + eos: log(.3) / 3 = -0.401 beats [B] + eos: log(.36) / 2 = -0.511
    expect(out[0]!.tokens.length).toBe(2);
    expect(out[0]!.score).toBeCloseTo(Math.log(0.3) / 3, 6);
  });

  it('cuts at maxLength (finished false) and runs without an eos token', () => {
    const d = toy();
    const out = beamSearch({
      step: d.step,
      disposeState: d.disposeState,
      initialState: { prefix: [], alive: true },
      startToken: START,
      beamWidth: 2,
      maxLength: 1,
    });
    expect(out.map((h) => h.tokens)).toEqual([[A], [B]]);
    expect(out.every((h) => !h.finished)).toBe(true);
    expect(d.made.every((s) => !s.alive)).toBe(true);
  });

  it('with width >= vocab on a random decoder, finds the exact best of all sequences (property)', () => {
    // a decoder of V tokens with random but fixed distributions per prefix; brute force over all
    // sequences up to length L (every one ends with eos at L + 1 at the latest)
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 - 1 }), (seed) => {
        const V = 3;
        const L = 3;
        const rows = new Map<string, Float32Array>();
        let s = seed;
        const dist = (prefix: number[]) => {
          const key = prefix.join(',');
          let r = rows.get(key);
          if (!r) {
            const logits = Array.from({ length: V }, () => {
              s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
              return (s / 2 ** 32) * 4;
            });
            r = logSoftmax(logits);
            rows.set(key, r);
          }
          return r;
        };
        const step: BeamStep<number[]> = (tokens, states) => {
          const next = states.map((p, i) => (tokens[i] === 9 ? p : [...p, tokens[i]!]));
          return { logProbs: next.map(dist), states: next };
        };
        let best = -Infinity;
        const walk = (p: number[], lp: number) => {
          const d = dist(p);
          best = Math.max(best, lp + d[EOS]!);
          if (p.length < L - 1) for (let v = 1; v < V; v++) walk([...p, v], lp + d[v]!);
        };
        walk([], 0);
        const out = beamSearch({
          step,
          initialState: [],
          startToken: 9,
          eosToken: EOS,
          beamWidth: V ** L,
          maxLength: L,
          lengthPenalty: 0,
        });
        const finished = out.filter((h) => h.finished);
        return Math.abs(finished[0]!.logProb - best) < 1e-5;
      }),
      { numRuns: 50 },
    );
  });

  it('rejects bad widths, lengths and penalties', () => {
    const base = {
      step: toy().step,
      initialState: { prefix: [], alive: true },
      startToken: START,
      maxLength: 3,
    };
    expect(() => beamSearch({ ...base, beamWidth: 0 })).toThrow(
      /beamWidth must be an integer >= 1/,
    );
    expect(() => beamSearch({ ...base, maxLength: 0 })).toThrow(
      /maxLength must be an integer >= 1/,
    );
    expect(() => beamSearch({ ...base, lengthPenalty: -1 })).toThrow(
      expect.objectContaining({ code: 'BAD_OPTION' }),
    );
  });
});

describe('logSoftmax', () => {
  it('normalises a row (and a window of a batch row)', () => {
    const row = logSoftmax([1, 2, 3]);
    expect(Array.from(row).reduce((a, v) => a + Math.exp(v), 0)).toBeCloseTo(1, 6);
    expect(Array.from(logSoftmax([9, 1, 2, 3], 1, 3))).toEqual(Array.from(row));
  });
});
