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

const DURATION_UNITS: Record<string, number> = { s: 1, m: 60, h: 3600 };

/**
 * A duration such as `90s`, `10m`, `1.5h` or `1m30s` (a bare number is seconds), in seconds, or
 * undefined when the flag was not given.
 */
export function durationFlag(name: string, value: unknown): number | undefined {
  value = last(value);
  if (value === undefined) return undefined;
  const text = String(value).trim();
  const bare = Number(text);
  let seconds = typeof value !== 'boolean' && text !== '' && Number.isFinite(bare) ? bare : NaN;
  if (Number.isNaN(seconds) && /^(\d+(\.\d+)?[smh])+$/.test(text)) {
    seconds = 0;
    for (const [, n, unit] of text.matchAll(/(\d+(?:\.\d+)?)([smh])/g)) {
      seconds += Number(n) * DURATION_UNITS[unit!]!;
    }
  }
  if (!(seconds > 0)) {
    throw new CliError(
      `--${name} must be a duration such as 90s, 10m or 1h30m, got ${JSON.stringify(value)}`,
      2,
    );
  }
  return seconds;
}
