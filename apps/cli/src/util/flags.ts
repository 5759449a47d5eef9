/**
 * Checks of flag values: every bad value is a usage error (exit 2) that names the flag, says what
 * was expected and what was got.
 *
 * @example
 * ```ts
 * intFlag('units', '0', 1); // throws CliError: --units must be a whole number >= 1, got "0"
 * ```
 */
import { CliError } from '../errors.js';

/** A flag given twice arrives as an array: the last one wins, as in most CLIs. */
function last(value: unknown): unknown {
  return Array.isArray(value) ? value.at(-1) : value;
}

/** A whole number >= min, or undefined when the flag was not given. */
export function intFlag(name: string, value: unknown, min: number): number | undefined {
  value = last(value);
  if (value === undefined) return undefined;
  const n = Number(value);
  if (typeof value === 'boolean' || !Number.isInteger(n) || n < min) {
    throw new CliError(
      `--${name} must be a whole number >= ${min}, got ${JSON.stringify(value)}`,
      2,
    );
  }
  return n;
}

/** A finite number in [min, max], or undefined when the flag was not given. */
export function numberFlag(
  name: string,
  value: unknown,
  min: number,
  max: number,
): number | undefined {
  value = last(value);
  if (value === undefined) return undefined;
  const n = Number(value);
  if (typeof value === 'boolean' || !Number.isFinite(n) || n < min || n > max) {
    throw new CliError(
      `--${name} must be a number in [${min}, ${max}], got ${JSON.stringify(value)}`,
      2,
    );
  }
  return n;
}

/** One of `choices`, or undefined when the flag was not given. */
export function choiceFlag<T extends string>(
  name: string,
  value: unknown,
  choices: readonly T[],
): T | undefined {
  value = last(value);
  if (value === undefined) return undefined;
  if (!choices.includes(value as T)) {
    throw new CliError(
      `--${name} must be one of ${choices.join(', ')}, got ${JSON.stringify(value)}`,
      2,
    );
  }
  return value as T;
}

/** A string flag (cac turns `--prime 12` into a number: take it back as text). */
export function stringFlag(name: string, value: unknown): string | undefined {
  value = last(value);
  if (value === undefined) return undefined;
  if (typeof value === 'boolean') {
    throw new CliError(`--${name} needs a value, e.g. --${name} <value>`, 2);
  }
  return String(value);
}
