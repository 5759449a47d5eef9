/**
 * Typed errors of the tasks package. Each has a stable `code`; the message says what failed,
 * what was expected against what was got, and how to fix it.
 *
 * @example
 * ```ts
 * import { pipeline, TaskError } from '@rnnkit/tasks';
 * try { pipeline('translate' as never); } catch (e) {
 *   (e as TaskError).code; // 'UNKNOWN_TASK'
 * }
 * ```
 */

export type TaskErrorCode =
  /** No task of that name: the message lists the valid ones. */
  | 'UNKNOWN_TASK'
  /** An option is out of range or not one of its choices: the message lists them. */
  | 'BAD_OPTION'
  /** The data given to `train` / `evaluate` / `predict` cannot be used as it is. */
  | 'BAD_DATA'
  /** A saved artifact is not a task artifact, or is missing what the task needs. */
  | 'BAD_ARTIFACT';

export class TaskError extends Error {
  readonly code: TaskErrorCode;
  constructor(code: TaskErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TaskError';
    this.code = code;
  }
}

/** Throws `BAD_OPTION` unless `value` is one of `choices`. */
export function checkChoice<T extends string>(
  name: string,
  value: unknown,
  choices: readonly T[],
): T {
  if (!choices.includes(value as T)) {
    throw new TaskError(
      'BAD_OPTION',
      `${name} must be one of ${choices.map((c) => `'${c}'`).join(', ')}, got ${JSON.stringify(value)}`,
    );
  }
  return value as T;
}

/** Throws `BAD_OPTION` unless `value` is an integer >= min. */
export function checkInt(name: string, value: unknown, min: number, example: string): number {
  if (!(Number.isInteger(value) && (value as number) >= min)) {
    throw new TaskError(
      'BAD_OPTION',
      `${name} must be an integer >= ${min}, got ${JSON.stringify(value)}: e.g. ${example}`,
    );
  }
  return value as number;
}

/** Throws `BAD_OPTION` unless `value` is a finite number in [min, max]. */
export function checkRange(
  name: string,
  value: unknown,
  min: number,
  max: number,
  example: string,
): number {
  if (!(typeof value === 'number' && Number.isFinite(value) && value >= min && value <= max)) {
    throw new TaskError(
      'BAD_OPTION',
      `${name} must be a number in [${min}, ${max}], got ${JSON.stringify(value)}: e.g. ${example}`,
    );
  }
  return value;
}
