/**
 * Picking the next token from a row of logits: greedy (argmax), or a draw from
 * softmax(logits / temperature) restricted to the top-k tokens and/or the nucleus (the smallest
 * set of most likely tokens whose probability reaches top-p, Holtzman et al. 2020). Plain
 * Float32Array code: one row of a few dozen to a few thousand logits is cheaper in JS than as
 * tensors, and the seeded draw is the same on every backend.
 *
 * Neighbours in `generation/`: `stateful.ts` picks a step engine (`step-js.ts`, `step-tfjs.ts`,
 * `step-fused.ts`, sharing `step-common.ts`) over the weights `lm-weights.ts` reads; `generate.ts`,
 * `sampling.ts`, `beam-search.ts` and `beam-decoders.ts` use them.
 *
 * @example
 * ```ts
 * import { sampleToken } from '@rnnkit/models';
 * import { mulberry32 } from '@rnnkit/windowing';
 * const logits = new Float32Array([2, 1, 0.5, -1]);
 * sampleToken(logits, { strategy: 'greedy' }, Math.random); // 0
 * sampleToken(logits, { topK: 1 }, mulberry32(1)); // 0 (only the best token is allowed)
 * ```
 */
import { ModelsError } from '../errors.js';

export interface SamplingArgs {
  /** `'greedy'` takes the most likely token (ties: the lowest id); `'sample'` draws one. Default `'sample'`. */
  strategy?: 'greedy' | 'sample';
  /** Divides the logits before the softmax: < 1 sharper, > 1 flatter. Must be > 0. Default 1. */
  temperature?: number;
  /** Draw only among the k most likely tokens. Integer >= 1. Default: all tokens. */
  topK?: number;
  /** Draw only from the nucleus: the fewest most likely tokens whose probability sums to >= p. In (0, 1]. Default 1 (off). */
  topP?: number;
  /**
   * Token ids never to produce, e.g. `<pad>` and `<unk>`, which a model trained on padded batches
   * or with an OOV token can still give some probability. Default: none.
   */
  suppress?: readonly number[];
}

/** The defaults, as one object: draw from the full softmax at temperature 1. */
export const DEFAULT_SAMPLING: Readonly<Required<Omit<SamplingArgs, 'topK' | 'suppress'>>> = {
  strategy: 'sample',
  temperature: 1,
  topP: 1,
};

/** Throws a `BAD_OPTION` error naming the first invalid sampling option. */
export function checkSampling(args: SamplingArgs): void {
  const { strategy, temperature, topK, topP, suppress } = args;
  if (suppress !== undefined) {
    const bad = suppress.find((id) => !(Number.isInteger(id) && id >= 0));
    if (bad !== undefined) {
      throw new ModelsError(
        'BAD_OPTION',
        `suppress must hold token ids (integers >= 0), got ${bad}: e.g. [vocab.padId, vocab.unkId]`,
      );
    }
  }
  if (strategy !== undefined && strategy !== 'greedy' && strategy !== 'sample') {
    throw new ModelsError(
      'BAD_OPTION',
      `strategy must be 'greedy' or 'sample', got '${String(strategy)}'`,
    );
  }
  if (temperature !== undefined && !(temperature > 0 && Number.isFinite(temperature))) {
    throw new ModelsError(
      'BAD_OPTION',
      `temperature must be a finite number > 0, got ${temperature}: ` +
        "for the most likely token at every step use strategy: 'greedy' instead of temperature 0",
    );
  }
  if (topK !== undefined && !(Number.isInteger(topK) && topK >= 1)) {
    throw new ModelsError(
      'BAD_OPTION',
      `topK must be an integer >= 1, got ${topK}: topK 1 is greedy, leave it out to allow every token`,
    );
  }
  if (topP !== undefined && !(topP > 0 && topP <= 1)) {
    throw new ModelsError(
      'BAD_OPTION',
      `topP must be in (0, 1], got ${topP}: e.g. 0.9 keeps the tokens that make up 90% of the probability, 1 keeps all`,
    );
  }
}

/** Index of the largest of `row[offset .. offset + n)` minus `offset` (ties: the first). */
export function argmax(row: ArrayLike<number>, offset = 0, n = row.length - offset): number {
  let best = 0;
  let max = -Infinity;
  for (let j = 0; j < n; j++) {
    const v = row[offset + j] as number;
    if (v > max) {
      max = v;
      best = j;
    }
  }
  return best;
}

/**
 * Picks a token id from `logits[offset .. offset + n)` (unnormalised log-probabilities).
 * `rand` gives floats in [0, 1); greedy never calls it. Call `checkSampling` once beforehand: this
 * runs once per token and does not re-validate.
 */
export function sampleToken(
  logits: ArrayLike<number>,
  args: SamplingArgs,
  rand: () => number,
  offset = 0,
  n = logits.length - offset,
): number {
  if (args.suppress !== undefined && args.suppress.length > 0) {
    // a copy of the row with the suppressed ids at -Infinity: probability 0, never the argmax
    const row = Float64Array.from({ length: n }, (_, j) => logits[offset + j] as number);
    for (const id of args.suppress) if (id < n) row[id] = -Infinity;
    if (row.every((v) => v === -Infinity)) {
      throw new ModelsError(
        'BAD_OPTION',
        `suppress leaves no token to produce (all ${n} ids are suppressed): suppress fewer ids`,
      );
    }
    return sampleToken(row, { ...args, suppress: undefined }, rand);
  }
  if (args.strategy === 'greedy' || args.topK === 1) return argmax(logits, offset, n);
  const invT = 1 / (args.temperature ?? 1);
  let max = -Infinity;
  for (let j = 0; j < n; j++) max = Math.max(max, logits[offset + j] as number);
  // p_j proportional to exp((l_j - max) / T): subtracting the max keeps exp from overflowing
  const p = new Float64Array(n);
  let total = 0;
  for (let j = 0; j < n; j++) {
    const e = Math.exp(((logits[offset + j] as number) - max) * invT);
    p[j] = e;
    total += e;
  }
  const topK = args.topK ?? n;
  const topP = args.topP ?? 1;
  if (topK >= n && topP >= 1) return draw(p, total, rand);
  // keep the most likely tokens: sort ids by probability (desc; ties by id), cut at k and at p
  const order = Array.from({ length: n }, (_, j) => j).sort((a, b) => p[b]! - p[a]! || a - b);
  const keep = new Float64Array(n);
  let kept = 0;
  let mass = 0;
  for (let r = 0; r < Math.min(topK, n); r++) {
    const j = order[r]!;
    keep[j] = p[j]!;
    kept += p[j]!;
    mass += p[j]! / total;
    if (mass >= topP) break; // the nucleus: always at least one token
  }
  return draw(keep, kept, rand);
}

/** Draws index j with probability w[j] / total by inverting the cumulative sum. */
function draw(w: Float64Array, total: number, rand: () => number): number {
  let u = rand() * total;
  let last = 0;
  for (let j = 0; j < w.length; j++) {
    const wj = w[j]!;
    if (wj <= 0) continue;
    last = j;
    u -= wj;
    if (u < 0) return j;
  }
  return last; // rounding left u >= 0 after the last positive weight
}
