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
import type { Io } from '../../io.js';
import { DEFAULT_ITERATIONS, DEFAULT_TEXT, runCharModel } from './char-model.js';
import { DEFAULT_EPOCHS, runWindowRegression } from './window-regression.js';

export const DEFAULT_SEED = 0;
export const DEFAULT_OUT = 'rnnkit-out';

/** The flags of `rnnkit demo`, checked by their parsers (cli.ts). */
export interface DemoOptions {
  text?: string;
  iterations?: number;
  epochs?: number;
  seed?: number;
  out?: string;
  /** Which programs to run. Default both. */
  only?: 'chars' | 'windows';
}

export async function demo(options: DemoOptions, io: Io): Promise<void> {
  const iterations = options.iterations ?? DEFAULT_ITERATIONS;
  const epochs = options.epochs ?? DEFAULT_EPOCHS;
  const seed = options.seed ?? DEFAULT_SEED;
  // cpu, not auto: the tutorial's numbers that the README and the docs print are cpu's
  await useBackend('cpu');
  if (options.only !== 'windows') {
    const text = options.text ?? DEFAULT_TEXT;
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
