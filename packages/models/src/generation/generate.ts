/**
 * Text generation from a language model (`manyToMany`), one token at a time with the state
 * carried over (`statefulLM`): prime with the prompt's ids, then sample until a stop token or
 * `maxLength` new tokens. Several prompts run as one batch; a row whose prompt is shorter starts
 * sampling earlier. Seeded: the same seed and prompts give the same text on every backend (the
 * rows share one random stream, drawn in row order, so a prompt run alone draws differently).
 *
 * Neighbours in `generation/`: `stateful.ts` picks a step engine (`step-js.ts`, `step-tfjs.ts`,
 * `step-fused.ts`, sharing `step-common.ts`) over the weights `lm-weights.ts` reads; `generate.ts`,
 * `sampling.ts`, `beam-search.ts` and `beam-decoders.ts` use them.
 *
 * @example
 * ```ts
 * import { generate, manyToMany } from '@rnnkit/models';
 * const { model } = manyToMany({ cell: 'lstm', units: 16, classes: 10,
 *   input: { type: 'oneHot', vocabSize: 10 } });
 * const { generations } = generate(model, { prompts: [[1, 2, 3]], maxLength: 5, seed: 42, topK: 3 });
 * generations[0].tokens.length; // 5: no stop token was given
 * generations[0].stop;          // 'length'
 * ```
 */

import { mulberry32 } from '@rnnkit/windowing';
import type * as tfl from '@tensorflow/tfjs-layers';
import { ModelsError } from '../errors.js';
import { checkSampling, type SamplingArgs, sampleToken } from './sampling.js';
import { type StatefulLM, type StepEngine, statefulLM } from './stateful.js';

export interface GenerateArgs extends SamplingArgs {
  /** Token ids to prime with, one per row (at least one id each, e.g. the `<bos>` id); `vocab.encode()` output works as it is. */
  prompts: readonly ArrayLike<number>[];
  /** Most new tokens per row (not counting the prompt). */
  maxLength: number;
  /** Ids that end a row (e.g. `<eos>`, or '\n' for one line); not included in the output. */
  stopTokens?: readonly number[];
  /** Seed of the draws. Default: a random seed (reported in the result, to reproduce a run). */
  seed?: number;
  /** Step engine when a model is given. Default `'auto'` (see `statefulLM`). */
  engine?: StepEngine;
  /** Called for each new token as it is made (streaming output). */
  onToken?: (row: number, token: number) => void;
}

export interface Generation {
  /** The new tokens, without the prompt and without the stop token. */
  tokens: number[];
  /** `'token'`: a stop token came; `'length'`: maxLength tokens were made. */
  stop: 'token' | 'length';
}

export interface GenerateResult {
  /** One per prompt, in order. */
  generations: Generation[];
  /** The seed used (the given one, or the random one picked): pass it back to reproduce. */
  seed: number;
}

/**
 * Generates from each prompt. Takes a model (its weights are read once per call) or a
 * `statefulLM` to reuse (it is reset to the number of prompts first). Leaves no tensor behind
 * (the js engine makes none; the others dispose theirs).
 */
export function generate(source: tfl.LayersModel | StatefulLM, args: GenerateArgs): GenerateResult {
  checkSampling(args);
  const { prompts, maxLength } = args;
  if (!Number.isInteger(maxLength) || maxLength < 0) {
    throw new ModelsError(
      'BAD_OPTION',
      `maxLength must be an integer >= 0, got ${maxLength}: it is the number of new tokens per prompt`,
    );
  }
  if (!Array.isArray(prompts) || prompts.length === 0) {
    throw new ModelsError(
      'BAD_OPTION',
      'prompts must be a non-empty array of id arrays, e.g. prompts: [vocab.encode("The ")]',
    );
  }
  prompts.forEach((p, b) => {
    if (!(p?.length > 0)) {
      throw new ModelsError(
        'BAD_OPTION',
        `prompt ${b} is empty: give at least one token to start from, e.g. the <bos> id`,
      );
    }
  });
  const seed = args.seed ?? Math.floor(Math.random() * 2 ** 32);
  const rand = mulberry32(seed);
  const stops = new Set(args.stopTokens ?? []);
  const own = !('step' in source);
  const lm = own
    ? statefulLM(source as tfl.LayersModel, {
        batchSize: prompts.length,
        ...(args.engine ? { engine: args.engine } : {}),
      })
    : (source as StatefulLM);
  try {
    if (!own) lm.reset(prompts.length);
    const rows = prompts.length;
    const out: Generation[] = prompts.map(() => ({ tokens: [], stop: 'length' }));
    const done = prompts.map(() => maxLength === 0);
    let live = done.filter((d) => !d).length;
    const input = new Int32Array(rows);
    // step t feeds prompt[t] while the prompt lasts, then the row's last sampled token
    for (let t = 0; live > 0; t++) {
      for (let b = 0; b < rows; b++) {
        const p = prompts[b]!;
        const row = out[b]!.tokens;
        input[b] = t < p.length ? p[t]! : (row[row.length - 1] ?? 0);
      }
      const logits = lm.step(input);
      for (let b = 0; b < rows; b++) {
        if (done[b] || t + 1 < prompts[b]!.length) continue; // finished, or still priming
        const token = sampleToken(logits, args, rand, b * lm.classes, lm.classes);
        const g = out[b]!;
        if (stops.has(token)) g.stop = 'token';
        else {
          g.tokens.push(token);
          args.onToken?.(b, token);
        }
        if (g.stop === 'token' || g.tokens.length >= maxLength) {
          done[b] = true;
          live--;
        }
      }
    }
    return { generations: out, seed };
  } finally {
    if (own) lm.dispose();
  }
}
