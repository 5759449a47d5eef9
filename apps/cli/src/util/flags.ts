/**
 * Checks of flag values: every bad value is a usage error (exit 2) that names the flag, says what
 * was expected and what was got. The command line gives strings exactly as typed (`--prime 007`
 * stays "007"); a `--config` file may give numbers, which the same checks take.
 *
 * @example
 * ```ts
 * intFlag('units', '0', 1); // throws CliError: --units must be a whole number >= 1, got "0"
 * durationFlag('time-budget', '1m30s'); // 90
 * ```
 */
import { CliError } from '../errors.js';

/** A flag given twice arrives as an array (a config file may hold one): the last one wins. */
function last(value: unknown): unknown {
  return Array.isArray(value) ? value.at(-1) : value;
}

/** Why a value is wrong: `--name (what) must be ..., got "value"`. */
function bad(name: string, what: string | undefined, expected: string, value: unknown): CliError {
  const label = what === undefined ? `--${name}` : `--${name} (${what})`;
  return new CliError(`${label} must be ${expected}, got ${JSON.stringify(value)}`, 2);
}

/** A number as typed: decimal only (`0x10`, `""` and `1e` are not numbers a person means). */
function parseNumber(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value !== 'string' || !/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(value.trim())) {
    return Number.NaN;
  }
  return Number(value);
}

/** A whole number >= min, or undefined when the flag was not given. */
export function intFlag(name: string, value: unknown, min: number): number | undefined {
  value = last(value);
  if (value === undefined) return undefined;
  const n = parseNumber(value);
  if (!Number.isInteger(n) || n < min)
    throw bad(name, undefined, `a whole number >= ${min}`, value);
  return n;
}

/** A finite number in [min, max], or undefined when the flag was not given. */
export function numberFlag(
  name: string,
  value: unknown,
  min: number,
  max: number,
  /** What the number is, when the flag's name does not say it: `--lr (learning rate)`. */
  what?: string,
): number | undefined {
  value = last(value);
  if (value === undefined) return undefined;
  const n = parseNumber(value);
  if (!Number.isFinite(n) || n < min || n > max) {
    throw bad(name, what, `a number in [${min}, ${max}]`, value);
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
  if (!choices.includes(value as T))
    throw bad(name, undefined, `one of ${choices.join(', ')}`, value);
  return value as T;
}

/** A string flag, as typed (a config file's number is taken as its text). */
export function stringFlag(name: string, value: unknown): string | undefined {
  value = last(value);
  if (value === undefined) return undefined;
  if (typeof value === 'boolean' || value === null || typeof value === 'object') {
    throw new CliError(`--${name} needs a value, e.g. --${name} <value>`, 2);
  }
  return String(value);
}

const SECONDS: Record<string, number> = { h: 3600, m: 60, s: 1 };

/**
 * A duration in seconds: `90` or `90s`, `10m`, `1h30m`, `1.5h`; or undefined when not given.
 */
export function durationFlag(name: string, value: unknown): number | undefined {
  value = last(value);
  if (value === undefined) return undefined;
  const text = typeof value === 'number' ? String(value) : value;
  const parts =
    typeof text === 'string' ? [...text.trim().matchAll(/(\d+\.?\d*|\.\d+)([hms]?)/g)] : [];
  const whole = parts.map((p) => p[0]).join('');
  // a bare number is seconds; `1h30` is ambiguous, so every part of a longer one has its unit
  const unitless = parts.length > 1 && parts.some((p) => !p[2]);
  if (parts.length === 0 || whole !== String(text).trim() || unitless) {
    throw bad(name, undefined, 'a duration such as 90s, 10m or 1h30m', value);
  }
  const seconds = parts.reduce((s, p) => s + Number(p[1]) * SECONDS[p[2] || 's']!, 0);
  if (!(seconds > 0)) throw bad(name, undefined, 'a duration such as 90s, 10m or 1h30m', value);
  return seconds;
}
