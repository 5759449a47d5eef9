/**
 * `rnnkit demo`: the tutorial's two programs, end to end through every rnnkit package.
 *
 * @example
 * ```sh
 * rnnkit demo --iterations 20
 * # 0  2.8170  ...
 * # 19  0.0123  My name is Ji Myung Hwa.
 * ```
 */
import { useBackend } from '../../backend.js';
import { CliError } from '../../errors.js';
import type { Io } from '../../io.js';
import { DEFAULT_ITERATIONS, DEFAULT_TEXT, runCharModel } from './char-model.js';
import { DEFAULT_EPOCHS, runWindowRegression } from './window-regression.js';

export const DEFAULT_SEED = 0;
export const DEFAULT_OUT = 'rnnkit-out';

export interface DemoOptions {
  text?: string;
  iterations?: number;
  epochs?: number;
  seed?: number;
  out?: string;
  /** Which programs to run. Default both. */
  only?: 'chars' | 'windows';
}

function positiveInt(name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) {
    throw new CliError(`--${name} must be a whole number >= 1, got ${JSON.stringify(value)}`, 2);
  }
  return n;
}

export async function demo(options: DemoOptions, io: Io): Promise<void> {
  const iterations = positiveInt('iterations', options.iterations, DEFAULT_ITERATIONS);
  const epochs = positiveInt('epochs', options.epochs, DEFAULT_EPOCHS);
  const seed = options.seed === undefined ? DEFAULT_SEED : Number(options.seed);
  if (!Number.isInteger(seed) || seed < 0) {
    throw new CliError(
      `--seed must be a whole number >= 0, got ${JSON.stringify(options.seed)}`,
      2,
    );
  }
  if (options.only !== undefined && options.only !== 'chars' && options.only !== 'windows') {
    throw new CliError(
      `--only must be "chars" or "windows", got ${JSON.stringify(options.only)}`,
      2,
    );
  }
  await useBackend('cpu');
  if (options.only !== 'windows') {
    const text = options.text === undefined ? DEFAULT_TEXT : String(options.text);
    io.err(
      `# program 1: next character of ${JSON.stringify(text)} (SimpleRNN, one-hot, Adam 0.1, seed ${seed})\n`,
    );
    runCharModel({ text, iterations, seed, onLine: io.out });
  }
  if (options.only !== 'chars') {
    io.err(
      `# program 2: LSTM(1) predicts the next of 5 numbers (${epochs} epochs, seed ${seed})\n`,
    );
    await runWindowRegression({ epochs, seed, outDir: options.out ?? DEFAULT_OUT }, io);
  }
}
