/**
 * Beam search over any step-by-step decoder: keep the `beamWidth` most likely partial sequences,
 * extend each by every token, keep the best `beamWidth` again, until they end with `eosToken` or
 * reach `maxLength`. Hypotheses are ranked by length-normalised log-probability
 * $\log P / \mathrm{length}^{\alpha}$, $\alpha$ = `lengthPenalty` (Wu et al. 2016 use a smoothed length; alpha 0 ranks by logP, which
 * favours short outputs). Width 1 is greedy decoding. The search stops once `beamWidth`
 * hypotheses have ended (Hugging Face's `early_stopping=True`), or at `maxLength`; hypotheses
 * still open then compete with the ended ones by the same score.
 *
 * The decoder is a function `step(tokens, states) -> { logProbs, states }` over a batch of beams:
 * row i feeds `tokens[i]` to a decoder in `states[i]` and returns the log-probabilities of the next
 * token and the new state. `oneToManyDecoder` and `seq2seqDecoder` adapt the topologies; any
 * other decoder plugs in by writing this one function (use `logSoftmax` on logits).
 *
 * Neighbours in `generation/`: `stateful.ts` picks a step engine (`step-js.ts`, `step-tfjs.ts`,
 * `step-fused.ts`, sharing `step-common.ts`) over the weights `lm-weights.ts` reads; `generate.ts`,
 * `sampling.ts`, `beam-search.ts` and `beam-decoders.ts` use them.
 *
 * @example
 * ```ts
 * import { beamSearch, logSoftmax } from '@rnnkit/models';
 * // a toy decoder whose state is the prefix: after [] it says 1 (0.6) or 2 (0.4), after [1]
 * // anything (1, 2 or <eos> 0 equally), after [2] <eos> (0.9): greedy takes 1, beam finds [2].
 * const table = (p: number[]) => p.length === 0 ? [0, 0.6, 0.4] : p[0] === 1 ? [1/3, 1/3, 1/3] : [0.9, 0.05, 0.05];
 * const step = (tokens: readonly number[], states: readonly number[][]) => {
 *   const next = states.map((s, i) => (tokens[i] === 3 ? s : [...s, tokens[i]!]));
 *   return { logProbs: next.map((p) => table(p).map(Math.log)), states: next };
 * };
 * beamSearch({ step, initialState: [], startToken: 3, eosToken: 0, beamWidth: 2, maxLength: 5,
 *   lengthPenalty: 0 })[0].tokens; // [2]
 * ```
 */
import { ModelsError } from '../errors.js';

export interface BeamStepResult<S> {
  /** Per row: log-probabilities of every next token ([classes], normalised). */
  logProbs: ArrayLike<number>[];
  /** Per row: the state after reading the row's token. */
  states: S[];
}

/** One decoder step over a batch of beams (rows may share a state object: do not mutate it). */
export type BeamStep<S> = (tokens: readonly number[], states: readonly S[]) => BeamStepResult<S>;

/** Default number of hypotheses kept. */
export const DEFAULT_BEAM_WIDTH = 4;
/** Default alpha of the length normalisation logP / length^alpha. */
export const DEFAULT_LENGTH_PENALTY = 1;

export interface BeamSearchArgs<S> {
  step: BeamStep<S>;
  /** The decoder state before the first token (e.g. from the encoder or the condition); not disposed. */
  initialState: S;
  /** The first token fed (e.g. `<bos>`); not part of the output. */
  startToken: number;
  /** The token that ends a hypothesis (e.g. `<eos>`); not part of the output. None: run to maxLength. */
  eosToken?: number;
  /** Hypotheses kept at each step. Default 4. */
  beamWidth?: number;
  /** Most tokens per hypothesis (not counting `<eos>`). */
  maxLength: number;
  /** alpha in logP / length^alpha (length counts `<eos>`). Default 1; 0 ranks by logP. */
  lengthPenalty?: number;
  /** Frees a state that is no longer needed (e.g. `tf.dispose` for tensor states). */
  disposeState?: (state: S) => void;
}

export interface Hypothesis {
  /** The tokens, without the start token and without `<eos>`. */
  tokens: number[];
  /** Sum of the log-probabilities, `<eos>` included. */
  logProb: number;
  /** logProb / length^lengthPenalty: what hypotheses are ranked by. */
  score: number;
  /** Whether it ended with `<eos>` (false: cut at maxLength). */
  finished: boolean;
}

interface Beam<S> {
  tokens: number[];
  logProb: number;
  state: S;
  next: ArrayLike<number>;
}

function check<S>(args: BeamSearchArgs<S>): { width: number; alpha: number } {
  const width = args.beamWidth ?? DEFAULT_BEAM_WIDTH;
  const alpha = args.lengthPenalty ?? DEFAULT_LENGTH_PENALTY;
  if (!(Number.isInteger(width) && width >= 1)) {
    throw new ModelsError(
      'BAD_OPTION',
      `beamWidth must be an integer >= 1, got ${width}: e.g. 4 (1 is greedy decoding)`,
    );
  }
  if (!(Number.isInteger(args.maxLength) && args.maxLength >= 1)) {
    throw new ModelsError(
      'BAD_OPTION',
      `maxLength must be an integer >= 1, got ${args.maxLength}: the longest output to allow`,
    );
  }
  if (!(Number.isFinite(alpha) && alpha >= 0)) {
    throw new ModelsError(
      'BAD_OPTION',
      `lengthPenalty must be a finite number >= 0, got ${alpha}: 0 ranks by total log-probability, 1 by its mean per token`,
    );
  }
  return { width, alpha };
}

/** Indices of the k largest values of `row` (desc), skipping -Infinity. */
function topIndices(row: ArrayLike<number>, k: number): number[] {
  const best: number[] = [];
  for (let j = 0; j < row.length; j++) {
    const v = row[j]!;
    if (v === -Infinity || Number.isNaN(v)) continue;
    if (best.length === k && v <= row[best[k - 1]!]!) continue;
    let p = Math.min(best.length, k - 1);
    best[p] = j;
    while (p > 0 && row[best[p - 1]!]! < v) {
      best[p] = best[p - 1]!;
      best[p - 1] = j;
      p--;
    }
  }
  return best;
}

/** Runs beam search; returns up to `beamWidth` hypotheses, best score first. */
export function beamSearch<S>(args: BeamSearchArgs<S>): Hypothesis[] {
  const { width, alpha } = check(args);
  const eos = args.eosToken;
  const norm = (logProb: number, length: number) => logProb / Math.max(1, length) ** alpha;
  const release = (states: Iterable<S>) => {
    if (args.disposeState) for (const s of new Set(states)) args.disposeState(s);
  };
  const first = args.step([args.startToken], [args.initialState]);
  let live: Beam<S>[] = [
    { tokens: [], logProb: 0, state: first.states[0]!, next: first.logProbs[0]! },
  ];
  const done: Hypothesis[] = [];
  try {
    for (let t = 0; t < args.maxLength && live.length > 0 && done.length < width; t++) {
      // every beam's best width + 1 tokens hold the global best width non-eos continuations
      const cands: { beam: Beam<S>; token: number; logProb: number }[] = [];
      for (const beam of live) {
        for (const token of topIndices(beam.next, width + 1)) {
          cands.push({ beam, token, logProb: beam.logProb + beam.next[token]! });
        }
      }
      cands.sort((a, b) => b.logProb - a.logProb);
      const kept: typeof cands = [];
      for (const c of cands) {
        if (kept.length === width) break;
        if (c.token === eos) {
          const length = c.beam.tokens.length + 1;
          done.push({
            tokens: c.beam.tokens,
            logProb: c.logProb,
            score: norm(c.logProb, length),
            finished: true,
          });
        } else kept.push(c);
      }
      const old = live;
      if (kept.length === 0 || t + 1 === args.maxLength) {
        // no step needed: the kept ones end here at maxLength
        for (const c of kept) {
          const tokens = [...c.beam.tokens, c.token];
          done.push({
            tokens,
            logProb: c.logProb,
            score: norm(c.logProb, tokens.length),
            finished: false,
          });
        }
        live = [];
      } else {
        const r = args.step(
          kept.map((c) => c.token),
          kept.map((c) => c.beam.state),
        );
        live = kept.map((c, i) => ({
          tokens: [...c.beam.tokens, c.token],
          logProb: c.logProb,
          state: r.states[i]!,
          next: r.logProbs[i]!,
        }));
      }
      release(old.map((b) => b.state));
    }
    // stopped early (width finished) or ran out: unfinished beams compete as they are
    for (const b of live) {
      done.push({
        tokens: b.tokens,
        logProb: b.logProb,
        score: norm(b.logProb, b.tokens.length),
        finished: false,
      });
    }
  } finally {
    release(live.map((b) => b.state));
  }
  return done.sort((a, b) => b.score - a.score).slice(0, width);
}

/** log softmax of one row of logits, as a Float32Array (for `BeamStep` adapters). */
export function logSoftmax(
  logits: ArrayLike<number>,
  offset = 0,
  n = logits.length - offset,
): Float32Array {
  let max = -Infinity;
  for (let j = 0; j < n; j++) max = Math.max(max, logits[offset + j]!);
  let sum = 0;
  for (let j = 0; j < n; j++) sum += Math.exp(logits[offset + j]! - max);
  const lse = max + Math.log(sum);
  const out = new Float32Array(n);
  for (let j = 0; j < n; j++) out[j] = logits[offset + j]! - lse;
  return out;
}
