/**
 * The typed errors of `@rnnkit/training`. Every message says what failed, what was expected
 * versus what was given, and how to fix it; programs match on `code`.
 *
 * @example
 * ```ts
 * import { createOptimizer, TrainingError } from '@rnnkit/training';
 * try {
 *   createOptimizer({ type: 'adam', learningRate: -1 });
 * } catch (e) {
 *   if (e instanceof TrainingError) console.log(e.code);
 * }
 * // BAD_OPTION
 * ```
 */

/** Stable codes, one per kind of failure. */
export type TrainingErrorCode =
  /** An option has the wrong type or range (batchSize < 1, an unknown loss name, ...). */
  | 'BAD_OPTION'
  /** Training data that cannot be used (no examples, x and y of different lengths, ...). */
  | 'BAD_DATA'
  /** The loss (or the gradient norm) became NaN or infinite; see {@link DivergenceError}. */
  | 'DIVERGED'
  /** A checkpoint could not be written (disk full, permission denied, ...). */
  | 'CHECKPOINT_WRITE'
  /** A checkpoint could not be read, is truncated or corrupt, or does not fit the model. */
  | 'CHECKPOINT_READ'
  /** The requested tfjs backend is not installed or failed to initialise. */
  | 'BACKEND_UNAVAILABLE';

/** Base class of every error thrown by `@rnnkit/training`; `code` is stable for programs to match. */
export class TrainingError extends Error {
  readonly code: TrainingErrorCode;
  constructor(code: TrainingErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TrainingError';
    this.code = code;
  }
}

/**
 * The loss (or the gradient norm) of an update was NaN or infinite. The update was not applied,
 * so the model holds the weights of the last good step, and no checkpoint was written after it.
 */
export class DivergenceError extends TrainingError {
  /** 1-based number of the update that diverged. */
  readonly step: number;
  /** The offending value (NaN, Infinity or -Infinity). */
  readonly value: number;
  constructor(step: number, what: 'loss' | 'gradient norm', value: number) {
    super(
      'DIVERGED',
      `training diverged at step ${step}: the ${what} is ${value} (expected a finite number); ` +
        'the update was not applied and the last checkpoint is intact: lower the learning rate, ' +
        'clip gradients (clipNorm: 1) or check the data for NaN/Infinity, then resume',
    );
    this.name = 'DivergenceError';
    this.step = step;
    this.value = value;
  }
}

/** Throws BAD_OPTION unless `value` is a finite number within [min, max]. */
export function checkNumber(
  name: string,
  value: unknown,
  min: number,
  max = Number.POSITIVE_INFINITY,
  hint = '',
): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    const range = max === Number.POSITIVE_INFINITY ? `>= ${min}` : `in [${min}, ${max}]`;
    throw new TrainingError(
      'BAD_OPTION',
      `${name} must be a number ${range}, got ${JSON.stringify(value)}${hint ? `: ${hint}` : ''}`,
    );
  }
  return value;
}

/** Throws BAD_OPTION unless `value` is an integer >= min. */
export function checkInt(name: string, value: unknown, min: number, hint = ''): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new TrainingError(
      'BAD_OPTION',
      `${name} must be an integer >= ${min}, got ${JSON.stringify(value)}${hint ? `: ${hint}` : ''}`,
    );
  }
  return value;
}
