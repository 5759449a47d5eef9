/**
 * Program 1 of the tutorial in the terminal: `@rnnkit/demo`'s char model (a SimpleRNN learns the
 * next character of one sentence), run for `--iterations` with one line per iteration:
 * `i  loss  prediction`. index.ts runs it; the docs' demo runs the same program in the browser.
 */
import { type CharStep, formatStep } from '@rnnkit/demo';
import { createCharModel } from '@rnnkit/demo/programs';
import { charTokenizer } from '@rnnkit/vocab';
import { CliError } from '../../errors.js';

export { DEFAULT_ITERATIONS, DEFAULT_TEXT } from '@rnnkit/demo';

export interface CharModelArgs {
  text: string;
  iterations: number;
  seed: number;
  /** Receives each iteration's line. */
  onLine: (line: string) => void;
}

export interface CharModelResult {
  losses: number[];
  predictions: string[];
  /** What a perfect model predicts: the text without its first character. */
  target: string;
}

export function runCharModel(args: CharModelArgs): CharModelResult {
  if (charTokenizer().tokenize(args.text).length < 2) {
    throw new CliError(
      `--text needs at least 2 characters to predict a next one, got ${JSON.stringify(args.text)}: try --text "hihello"`,
      2,
    );
  }
  const run = createCharModel({ text: args.text, seed: args.seed });
  const steps: CharStep[] = [];
  try {
    for (let i = 0; i < args.iterations; i++) {
      const s = run.step();
      steps.push(s);
      args.onLine(formatStep(s));
    }
  } finally {
    run.dispose();
  }
  return {
    losses: steps.map((s) => s.loss),
    predictions: steps.map((s) => s.prediction),
    target: run.target,
  };
}
